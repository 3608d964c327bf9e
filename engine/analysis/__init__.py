"""Audio analysis in worker processes, results written by one writer."""
