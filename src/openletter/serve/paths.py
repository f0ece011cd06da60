"""What a request asks the preview server for, and opening a built file without leaving its folder.

A request target is read strictly and never turned into a file-system path by joining: the root
``/`` is the letter's page, ``/NAME`` is one built file (``letter.pdf``; ``?download`` asks for it
as an attachment), and ``/__openletter__/NAME`` is one of the preview's own resources. Anything
else (more than one path segment, ``..``, an encoded slash or backslash, a NUL or other control
character, bytes that are not UTF-8) is no target at all, and the server answers 404. A NAME is
then looked up among the names the last build wrote; `open_built` opens it inside the build's
folder only, refusing a symbolic link or anything but a regular file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO, Literal
from urllib.parse import parse_qs, unquote

import attrs

from ..errors import OutputError
from ..output import safe_name

__all__ = ["PREFIX", "RESOURCES", "Target", "open_built", "parse_target"]

PREFIX = "__openletter__"
"""The first path segment of the preview's own resources; no built file is named so."""

RESOURCES = ("preview.js", "status", "events")
"""The preview's own resources: the toolbar's script, the build's status (JSON), its events (SSE)."""

Kind = Literal["page", "file", "resource"]


@attrs.frozen
class Target:
    """What a request asks for: the `page` (``/``), a built `file` or a preview `resource`, by name."""

    kind: Kind
    name: str = ""
    download: bool = False


def _segment(raw: str) -> str | None:
    """One path segment, percent-decoded once; None unless it is a plain file name."""
    try:
        name = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    try:
        return safe_name(name)  # no '/', '\\', NUL, control characters, '.', '..' or leading dot
    except OutputError:
        return None


def parse_target(raw: str) -> Target | None:
    """The target of a request line's `raw` path (``/letter.pdf?download``), or None for anything else."""
    path, _, query = raw.partition("?")
    if not path.startswith("/") or "\\" in path:
        return None
    if path == "/":
        return Target("page")
    segments = path[1:].split("/")
    if len(segments) == 2 and segments[0] == PREFIX:
        name = _segment(segments[1])
        return Target("resource", name) if name in RESOURCES else None
    if len(segments) != 1:
        return None
    name = _segment(segments[0])
    if name is None or name == PREFIX:
        return None
    try:
        download = "download" in parse_qs(query, keep_blank_values=True, strict_parsing=False)
    except ValueError:
        return None
    return Target("file", name, download=download)


def open_built(folder: Path, name: str) -> tuple[BinaryIO, int] | None:
    """Open the regular file `name` directly inside `folder` for reading, with its size; None when
    it is missing, is not a regular file, is a symbolic link, or resolves outside the folder."""
    try:
        name = safe_name(name)
    except OutputError:
        return None
    path = folder / name
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        if os.path.realpath(path) != os.path.join(os.path.realpath(folder), name):
            return None  # a link (where O_NOFOLLOW is missing) or a folder that moved
        descriptor = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
    except OSError:
        info = None
    if info is None or not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        return None
    return os.fdopen(descriptor, "rb"), info.st_size
