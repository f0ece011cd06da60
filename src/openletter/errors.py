"""Errors raised by openletter, and the `Problem` record that describes one fault in a letter.

The exception tree::

    OpenLetterError                 every error openletter raises on purpose
     ├── LetterError                the letter (or its source file) has problems; see ``.problems``
     ├── FieldError                 (also a ValueError) a model object was built with a bad value;
     │                              ``.path`` names the field (``Letter(title="")``, ``attrs.evolve``)
     ├── FieldErrorGroup            (an ExceptionGroup and a ValueError) several FieldErrors at once
     ├── UnknownFormatError         no installed plugin provides the requested export format
     ├── OptionError                an exporter option that the format does not accept, or malformed
     ├── PluginError                a plugin misbehaved; names the plugin (and format)
     │    ├── PluginLoadError       importing the plugin, or asking it for its exporters, failed
     │    └── RenderError           an exporter raised, or returned something that is not str/bytes
     └── OutputError                an output could not be written safely (path escapes, source
                                    would be overwritten, disk error)

Model validators raise `FieldError`; reading a letter (`openletter.load`, ``structure``...) turns
each into a `Problem` at the right field path, inside a `LetterError`. Building model objects
directly raises the `FieldError` itself, or, when a `Letter`'s parts do not fit together in several
ways at once, a `FieldErrorGroup` of them (an ``ExceptionGroup``, also an `OpenLetterError` and a
``ValueError``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import attrs

Severity = Literal["error", "warning"]
PathPart = str | int
FieldPath = tuple[PathPart, ...]


def format_path(path: FieldPath) -> str:
    """Render ``("signatories", 0, "people", 3, "name")`` as ``signatories[0].people[3].name``.

    The empty path (the document as a whole) renders as ``(document)``.
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "(document)"


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong with a letter, located as precisely as the source format allows.

    ``str(problem)`` is the line that ``openletter check`` prints:
    ``FILE:LINE: field.path: what is wrong (expected what)``.
    """

    message: str
    """What is wrong, in a few words (``is empty``, ``unknown field``)."""
    path: FieldPath = ()
    """The field concerned, as keys and indexes: ``("demands", 0, "quote")``; ``()`` for the whole
    letter or document."""
    expected: str | None = None
    """What would be right (``one line of text``), printed in brackets after the message."""
    severity: Severity = "error"
    """``"error"`` (the letter cannot be used as it is) or ``"warning"`` (it can, but look again)."""
    file: str | None = None
    """The source file the field was read from; None for a letter built in Python."""
    line: int | None = None
    """The line of `file` where the field is written (from 1); None when not known."""

    def __str__(self) -> str:
        where = f"{self.file or '<letter>'}:{self.line or 1}: "
        text = f"{where}{format_path(self.path)}: "
        if self.severity == "warning":
            text += "warning: "
        text += self.message
        if self.expected:
            text += f" (expected {self.expected})"
        return text


def printable(text: str) -> str:
    """`text` (a name read from a file: a pack's entry, an export's cell) safe to print on a
    terminal: control, format (bidirectional), separator, surrogate, private-use and unassigned
    characters written as ``\\uXXXX`` escapes, so that it cannot move the cursor, erase or
    recolour the lines around it, or reorder them."""
    import unicodedata

    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn") else c for c in text
    )


class OpenLetterError(Exception):
    """Base class of every error openletter raises on purpose."""


class LetterError(OpenLetterError):
    """The letter or its source has one or more problems, all listed in `problems`."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        """Every problem found, in the order of the source."""
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownFormatError(OpenLetterError):
    """No installed (and unblocked) plugin provides the requested format."""

    def __init__(self, name: str, available: Sequence[str]) -> None:
        self.name = name
        """The format asked for."""
        self.available = tuple(available)
        """The formats the installed, unblocked plugins provide."""
        listing = ", ".join(self.available) or "none"
        super().__init__(f"unknown format {name!r} (available: {listing})")


class OptionError(OpenLetterError):
    """An exporter option the format does not accept, or one written wrongly."""


class PluginError(OpenLetterError):
    """A plugin failed; the message names the plugin and, when known, the format."""

    def __init__(self, plugin: str, message: str, *, format: str | None = None) -> None:
        self.plugin = plugin
        """The name of the plugin that failed."""
        self.format = format
        """The format it failed on, when known."""
        where = f"plugin {plugin!r}"
        if format is not None:
            where += f" (format {format!r})"
        super().__init__(f"{where}: {message}")


class PluginLoadError(PluginError):
    """Importing a plugin, or calling its registration hook, failed."""


class RenderError(PluginError):
    """An exporter raised while rendering, or returned a value of the wrong type."""


class OutputError(OpenLetterError):
    """An output file could not be written safely; nothing was left half-written."""


class FieldError(OpenLetterError, ValueError):
    """A model object was given a bad value; raised by the model's validators.

    `path` is relative to the object being validated (``("title",)``, ``("keywords", 1)``);
    ``str(error)`` names it: ``title: is empty (expected one line of text)``. It is a `ValueError`
    too, as attrs validators' errors usually are.
    """

    def __init__(self, path: FieldPath, message: str, expected: str | None = None) -> None:
        self.path = path
        """The field concerned, relative to the object being validated (``("keywords", 1)``)."""
        self.message = message
        """What is wrong (``is empty``)."""
        self.expected = expected
        """What would be right (``one line of text``), or None."""
        text = f"{format_path(path)}: {message}"
        super().__init__(text if expected is None else f"{text} (expected {expected})")


class FieldErrorGroup(ExceptionGroup[FieldError], OpenLetterError, ValueError):
    """Several `FieldError` exceptions at once: a `Letter` whose parts do not fit together in several ways."""
