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


def load(path: str | os.PathLike[str], *, language: str | None = None) -> Letter:
    """Read a letter from ``letter.md``, ``.yaml``/``.yml``, ``.toml`` or ``.json``.

    With `language`, return the letter in that language: the original when it is the original's,
    else its translation beside the file (``letter.km.md``; ``pt-BR`` is served by ``letter.pt.md``
    when there is no ``letter.pt-BR.md``), with what it leaves untranslated in the original's words.

    Raises `openletter.LetterError` listing every problem, each located as file, line and field,
    and `KeyError` naming the languages there are when there is no such translation.
    """
    from .sources import load_file

    loaded = load_file(path)
    if language is None:
        return loaded.letter
    versions = _versions(path, loaded)
    from .build import pick_language

    found = pick_language(language, list(versions))
    if found is None:
        raise KeyError(f"the letter has no {language!r} version (its languages: {', '.join(versions)})")
    return versions[found]


def load_translations(path: str | os.PathLike[str]) -> dict[str, Letter]:
    """The letter at `path` in every language it has: the original first, then its translations
    (``letter.km.md``...), by language tag. Raises `openletter.LetterError` for a translation with
    errors (see `openletter.translations`)."""
    from .sources import load_file

    return _versions(path, load_file(path))


def _versions(path: str | os.PathLike[str], loaded: Any) -> dict[str, Letter]:
    from .errors import LetterError
    from .translations import load_translations as read_all

    translations, problems = read_all(path, loaded)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise LetterError(errors)
    return {loaded.letter.language: loaded.letter, **{tag: t.letter for tag, t in translations.items()}}


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
