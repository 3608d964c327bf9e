"""The command line: ``skipwise simulate``, ``skipwise bench``, ``skipwise profile`` ..."""
