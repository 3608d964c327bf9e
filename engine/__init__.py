"""Skipwise engine: everything that is not a screen (no Qt import anywhere below)."""

__version__ = "0.1.0"
