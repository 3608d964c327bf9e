"""Skipwise's Qt face: it calls the engine, never the reverse."""
