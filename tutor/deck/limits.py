"""Limits a deck must keep so that the review can show it: the keys 1-9 reach every option."""

MAX_OPTIONS = 9
