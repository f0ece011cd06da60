"""Reading, writing and exporting letters: the functions ``import openletter`` offers."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from .model import Letter

DataFormat = Literal["markdown", "yaml", "toml", "json"]


def structure(data: object) -> Letter:
    """Build a `Letter` from plain data (dicts, lists, str, dates), or raise `LetterError` listing
    every problem found, each with its field path."""
    from .convert import structure as structure_

    return structure_(data)


def unstructure(letter: Letter) -> dict[str, Any]:
    """Return the letter as plain data (dicts, lists, str, `datetime.date`), defaults left out."""
    from .convert import unstructure as unstructure_

    return unstructure_(letter)


def load(path: str | os.PathLike[str]) -> Letter:
    """Read a letter from ``letter.md``, ``.yaml``/``.yml``, ``.toml`` or ``.json``.

    Raises `openletter.LetterError` listing every problem, each located as file, line and field.
    """
    from .sources import load_file

    return load_file(path).letter


def loads(text: str, format: DataFormat = "markdown", *, base_dir: str | os.PathLike[str] | None = None) -> Letter:
    """Read a letter from text in the given format.

    `base_dir` is the folder that the files a letter names are read from: CSV signatory lists and
    the logo image (``logo: {file: logo.png, ...}``, which `dumps` writes for a letter with a logo).
    Without it, a letter that names such a file raises `openletter.LetterError` saying so.
    """
    from .sources import load_text

    return load_text(text, format, base_dir=None if base_dir is None else Path(base_dir)).letter


def dumps(letter: Letter, format: DataFormat = "markdown") -> str:
    """Write a letter as text in one of the source formats; `loads` gives back an equal letter."""
    if format == "markdown":
        from .exporters.markdown import render

        return render(letter, {})
    if format == "yaml":
        from .sources.yaml_source import dump as dump_yaml

        return dump_yaml(unstructure(letter))
    if format == "toml":
        from .sources.toml_source import dump as dump_toml

        return dump_toml(unstructure(letter))
    if format == "json":
        from .sources.json_source import dump as dump_json

        return dump_json(unstructure(letter))
    raise ValueError(f"unknown source format {format!r} (expected markdown, yaml, toml or json)")


def export(letter: Letter, format: str, options: Mapping[str, str] | None = None) -> bytes:
    """Render a letter with the installed plugin providing `format` (``"json"``, ``"markdown"``...)."""
    from .plugins import default_registry

    return default_registry().render(letter, format, options)
