"""Deck files (Markdown decks, quiz texts): parsed into validated, immutable models (pure)."""
