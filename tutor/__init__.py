"""tutor: an adaptive flashcard tutor for the terminal (version only; imports nothing heavy)."""

__version__ = "0.1.0"
