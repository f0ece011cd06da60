"""Reading letters from files: ``letter.md`` (front matter + Markdown), ``.yaml``, ``.toml``, ``.json``.

Every reader returns plain data plus a `SourceMap`, so that every problem the converter finds is
reported as ``FILE:LINE: field.path: what is wrong (what was expected)``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import attrs

from ..convert import structure
from ..errors import LetterError, Problem
from ..model import Letter
from . import assets, csv_source
from .folder import SOURCE_MAX_BYTES, Unreadable, file_kind, read_regular, size_text
from .locate import SourceMap
from .text import decode

SourceFormat = Literal["markdown", "yaml", "toml", "json"]

SUFFIXES: dict[str, SourceFormat] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".json": "json",
}

_EXPECTED = {
    "markdown": "a letter: front matter between '---' lines, then the body in Markdown",
    "yaml": "a letter's fields in YAML",
    "toml": "a letter's fields in TOML",
    "json": "a letter's fields as a JSON object",
}


@attrs.frozen
class Loaded:
    """A letter together with the map of where each of its fields was written."""

    letter: Letter
    source: SourceMap


def format_for(path: str | os.PathLike[str]) -> SourceFormat:
    """The source format for a file name, from its suffix."""
    suffix = Path(path).suffix.lower()
    try:
        return SUFFIXES[suffix]
    except KeyError:
        raise LetterError(
            [
                Problem(
                    file=str(path),
                    line=1,
                    message=f"cannot tell the format of a {suffix or 'suffix-less'} file",
                    expected="a file ending in " + ", ".join(SUFFIXES),
                )
            ]
        ) from None


def _parser(fmt: SourceFormat) -> Callable[[str, str], tuple[Any, SourceMap]]:
    if fmt == "markdown":
        from .markdown_source import parse as parse_markdown

        return parse_markdown
    if fmt == "yaml":
        from .yaml_source import parse as parse_yaml

        return parse_yaml
    if fmt == "toml":
        from .toml_source import parse as parse_toml

        return parse_toml
    from .json_source import parse as parse_json

    return parse_json


def load_text(text: str, fmt: SourceFormat, *, file: str = "<letter>", base_dir: Path | None = None) -> Loaded:
    """Parse and structure a letter from text; raise `LetterError` with located problems."""
    try:
        data, source = _parser(fmt)(text, file)
        problems = csv_source.expand(data, base_dir, source) + assets.read_logo(data, base_dir, source)
        try:
            letter = structure(data)
        except LetterError as error:
            # A file that could not be read leaves its name in place of the data: say so once.
            failed = {p.path[:3] for p in problems}
            problems.extend(source.locate_all(p for p in error.problems if p.path[:3] not in failed))
    except RecursionError:
        raise LetterError(
            [Problem(file=file, line=1, message="the data is nested too deeply", expected=_EXPECTED[fmt])]
        ) from None
    if problems:
        raise LetterError(problems)
    return Loaded(letter, source)


def load_file(path: str | os.PathLike[str]) -> Loaded:
    """Read a letter file (the format comes from its suffix) and everything it names."""
    path = Path(path)
    fmt = format_for(path)
    expected = _EXPECTED[fmt]
    try:
        raw = read_regular(path, limit=SOURCE_MAX_BYTES)
    except Unreadable as refused:
        error = refused.error
        if refused.why == "open" and error is not None:
            reason = "no such file" if isinstance(error, FileNotFoundError) else error.strerror or str(error)
        elif refused.why == "not-regular":
            target = os.path.realpath(path)
            shown = f" ({target})" if target != os.path.abspath(path) else ""
            reason = f"this is {file_kind(refused.mode)}{shown}, not a letter file"
        else:
            reason = f"the file is {size_text(refused.size)}, more than {size_text(SOURCE_MAX_BYTES)}"
            expected = f"a letter file of at most {size_text(SOURCE_MAX_BYTES)}"
        raise LetterError(
            [Problem(file=str(path), line=1, message=f"cannot read the letter: {reason}", expected=expected)]
        ) from None
    text = decode(raw, str(path), expected_content=expected)
    return load_text(text, fmt, file=str(path), base_dir=path.parent)
