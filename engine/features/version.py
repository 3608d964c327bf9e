"""The feature extractor's version: bumping it makes every track be analysed again.

Kept apart from ``extract`` so that the scanner (and the GUI that runs it) can
read it without importing librosa.
"""

EXTRACTOR_VERSION = 2  # 2: brightness pooled by power, no tempo without a moving onset envelope
