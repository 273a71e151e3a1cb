"""Widgets the screens share: option lines, the rating bar, the status bar."""
