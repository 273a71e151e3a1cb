"""Anki interop: decks written as Anki packages (the only package importing genanki and anki)."""
