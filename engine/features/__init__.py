"""Frozen audio features: their names, normalisation and (later) extraction."""
