"""Entry point for `python -m tutor`."""

from tutor.cli import run

run()
