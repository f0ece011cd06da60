"""`Exporter`: the typed descriptor a plugin returns to declare one output format."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from .model import Letter

__all__ = ["Exporter", "Options", "RenderFunction", "WriteFunction"]

Options = Mapping[str, str]
"""Options given to an exporter (from ``openletter build -O FORMAT.NAME=VALUE``), as text."""

RenderFunction = Callable[[Letter, Options], "str | bytes"]
"""``render(letter, options) -> str | bytes``: a pure function; str is written as UTF-8."""

WriteFunction = Callable[[Letter, Options, Callable[[str], object]], None]
"""``write(letter, options, put)``: what `render` returns, given to `put` in pieces as it is made
(so that ``openletter build`` writes a very large output to its file without holding it whole)."""

_NAME = re.compile(r"[a-z][a-z0-9_-]*\Z")
_SUFFIX = re.compile(r"\.[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*(;.*)?\Z")


def _matches(pattern: re.Pattern[str], expected: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not pattern.match(value) or ".." in value:
            raise ValueError(f"Exporter.{attribute.name} {value!r} is not {expected}")

    return check


def _callable(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not callable(value):
        raise ValueError(f"Exporter.{attribute.name} must be callable, got {type(value).__name__}")


def _frozen_options(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class Exporter:
    """One output format: what a plugin returns from ``openletter_exporters``.

    Every field is a keyword argument. The values are checked when the descriptor is made: a bad
    one raises `ValueError` (`TypeError` for a `title` that is not a string).
    """

    name: str = attrs.field(validator=_matches(_NAME, "a lower-case format name such as 'json'"))
    """The format's name on the command line (``openletter build -t NAME``): lower-case letters,
    digits, ``-`` and ``_``, starting with a letter."""
    title: str = attrs.field(validator=attrs.validators.instance_of(str))
    """A human title, shown by ``openletter formats``."""
    suffix: str = attrs.field(validator=_matches(_SUFFIX, "a file suffix such as '.json'"))
    """The output file's suffix, such as ``.json`` (the file is ``<letter stem><suffix>``)."""
    media_type: str = attrs.field(validator=_matches(_MEDIA_TYPE, "a media type such as 'application/json'"))
    """The IANA media type of the output, such as ``application/json``."""
    render: RenderFunction = attrs.field(validator=_callable)
    """``render(letter, options) -> str | bytes``, a pure function: no I/O, no network, the same
    output for the same input. A ``str`` is written as UTF-8."""
    options: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_options)
    """The options `render` understands, name -> one-line description. Options not listed here are
    refused before `render` is called."""
    write: WriteFunction | None = attrs.field(default=None, validator=attrs.validators.optional(_callable))
    """Optionally, ``write(letter, options, put)``: the text `render` returns, given to `put` in
    pieces as it is made; ``openletter build`` then writes the pieces to the file (an output of
    hundreds of megabytes is never whole in memory)."""
