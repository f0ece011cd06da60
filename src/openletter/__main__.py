"""``python -m openletter``."""

from .cli import run

run()
