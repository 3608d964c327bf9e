"""Frozen audio features: their names, decoding, extraction (``extract.py``) and normalisation."""
