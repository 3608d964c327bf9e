"""Ranking and re-ranking the upcoming songs."""
