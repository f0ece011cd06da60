"""The logo a letter names (``logo: {file: logo.png, alt: ...}``): read from the letter's folder.

Exporters are pure functions of the letter, so the loader reads the image's bytes into the data
before it is structured into a `openletter.Logo`; the letter's text keeps only the file name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import LetterError, Problem
from ..model import IMAGE_TYPES, LOGO_MAX_BYTES
from .folder import read_inside
from .locate import SourceMap


def read_logo(data: Any, base_dir: Path | None, source: SourceMap) -> list[Problem]:
    """Add the bytes of the file that ``logo.file`` names as ``logo.data``; return the problems."""
    logo = data.get("logo") if isinstance(data, dict) else None
    if not isinstance(logo, dict) or not isinstance(logo.get("file"), str):
        return []  # the converter reports a missing or wrong-shaped logo
    if "data" in logo:
        return source.locate_all(
            [
                Problem(
                    path=("logo", "data"),
                    message="unknown field 'data'",
                    expected="the logo's file and alt; the image is read from the file",
                )
            ]
        )
    path = ("logo", "file")
    try:
        file_path, logo["data"] = read_inside(
            logo["file"], base_dir, path, tuple(IMAGE_TYPES), "an image file", limit=LOGO_MAX_BYTES
        )
    except LetterError as error:
        return source.locate_all(error.problems)
    source.also_read.append(str(file_path))
    return []
