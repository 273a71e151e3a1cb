"""Markdown decks: parsing files into validated, immutable models (no database, no UI)."""
