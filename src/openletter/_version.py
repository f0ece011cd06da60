"""The package version, kept in one place (hatchling reads it from here)."""

__version__ = "0.1.0"
"""The installed version of openletter, such as ``"0.1.0"``."""
