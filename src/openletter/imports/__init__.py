"""Importing signatures from the CSV exports people already have (``openletter import-signatures``).

`import_signatures` reads an export (`exportfile`), maps its columns to the signatory CSV
columns with a `Mapping` (a TOML file, or a preset: `presets`), checks each row as the letter will
read it, reports duplicates and applies withdrawals, and appends the new signatories to the
letter's signatory CSV file (`target`), returning an `ImportReport`.
"""

from __future__ import annotations

from .importer import ImportReport, Located, import_signatures, parse_moment
from .mapping import Mapping, load_mapping, parse_mapping, preset, presets

__all__ = [
    "ImportReport",
    "Located",
    "Mapping",
    "import_signatures",
    "load_mapping",
    "parse_mapping",
    "parse_moment",
    "preset",
    "presets",
]
