"""Files a letter names (signatory CSVs, a logo): read from inside the letter's folder, never outside.

A letter from an untrusted hand must not be able to pull ``/etc/passwd`` or ``~/.ssh/id_rsa``
into a published page or an email, so a name must be a relative path, without ``..``, to a
regular file that is inside the folder once symbolic links are followed. The check is made on the
file actually opened (not only on its name), so swapping a symbolic link in while openletter runs
does not get round it; a FIFO or a device is refused rather than read (it could block forever).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath
from typing import Literal

from ..errors import FieldPath, LetterError, Problem
from ..model import line_problem


def _problem(path: FieldPath, message: str, expected: str | None = None) -> LetterError:
    return LetterError([Problem(path=path, message=message, expected=expected)])


def resolve_inside(name: str, base_dir: Path | None, path: FieldPath, suffixes: tuple[str, ...], kind: str) -> Path:
    """The file `name` inside `base_dir`; raise `LetterError` at `path` if it could lie elsewhere.

    :param suffixes: the accepted file suffixes, lower case with the dot (``(".csv",)``).
    :param kind: what the file is, for messages: "a CSV file", "an image file".
    """
    if base_dir is None:
        raise _problem(
            path,
            f"{kind} can only be named by a letter read from a file",
            "openletter.load(path), or openletter.loads(text, base_dir=FOLDER) with the folder the file is in",
        )
    listed = ", ".join(suffixes[:-1]) + " or " + suffixes[-1] if len(suffixes) > 1 else suffixes[0]
    example = "signatories.csv" if suffixes == (".csv",) else "logo" + suffixes[0]
    expected = f"a relative path to a {listed} file, such as {example}"
    problem = line_problem(name)
    if problem is not None:
        raise _problem(path, f"the file name {problem}", expected)
    pure = PurePosixPath(name.replace("\\", "/"))
    drive = len(name) > 1 and name[1] == ":"  # C:/x.csv is absolute on Windows
    if pure.is_absolute() or drive or ".." in pure.parts or not _inside(base_dir / pure, base_dir):
        raise _problem(path, f"{name!r} is not {kind} name inside the letter's folder", expected)
    if pure.suffix.lower() not in suffixes:
        raise _problem(path, f"{name!r} is not {kind} name", expected)
    return base_dir / pure


def _inside(candidate: Path, base_dir: Path) -> bool:
    try:  # a symbolic link loop, or a name the system cannot take, is not inside anything
        return candidate.resolve().is_relative_to(base_dir.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


SOURCE_MAX_BYTES = 16 * 1024 * 1024
"""The largest letter file or CSV signatory list read (16 MiB): room for well over 100,000
signatories, and small enough that a wrong file (a disk image, a database) is refused at once."""


class Unreadable(Exception):
    """Why `read_regular` did not read a file: `why` is ``"open"`` (`error` says why it could not be
    opened), ``"not-regular"`` (a folder, FIFO, device...: `mode` says which), ``"outside"`` (the
    opened file is not inside the folder it must be in) or ``"too-large"`` (`size` bytes at least)."""

    def __init__(
        self,
        why: Literal["open", "not-regular", "outside", "too-large"],
        *,
        error: OSError | None = None,
        mode: int = 0,
        size: int = 0,
    ) -> None:
        super().__init__(why)
        self.why = why
        self.error = error
        self.mode = mode
        self.size = size


def read_regular(file_path: Path, *, limit: int, inside: Path | None = None) -> bytes:
    """The bytes of `file_path` if it is a regular file of at most `limit` bytes; else `Unreadable`.

    A FIFO, a device (``/dev/zero``, ``/dev/stdin``) or a folder is refused without being read: it
    could block forever or never end. A larger file is refused (with its real size) unread, and a
    file that grows while it is read is cut off at `limit` + 1 bytes and refused too. With `inside`
    (a resolved folder), symbolic links are not followed and the file actually opened must be in it.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if inside is not None:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(file_path, flags)
    except OSError as error:
        raise Unreadable("open", error=error) from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise Unreadable("not-regular", mode=info.st_mode)
    with os.fdopen(descriptor, "rb") as handle:
        if inside is not None:
            opened = _opened_path(descriptor)
            if opened is not None and not opened.is_relative_to(inside):
                raise Unreadable("outside")
        if info.st_size > limit:
            raise Unreadable("too-large", size=info.st_size)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise Unreadable("too-large", size=len(data))
    return data


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, for messages: "a folder", "a named pipe (FIFO)"..."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def size_text(size: int) -> str:
    """A file size for messages, in KiB: ``3,072 KiB``."""
    return f"{size // 1024:,} KiB"


def read_inside(
    name: str, base_dir: Path | None, path: FieldPath, suffixes: tuple[str, ...], kind: str, *, limit: int
) -> tuple[Path, bytes]:
    """Read the regular file `name` inside `base_dir` (see `resolve_inside`): its path and bytes.

    A file larger than `limit` is refused (naming its real size) without being read.
    """
    file_path = resolve_inside(name, base_dir, path, suffixes, kind)
    assert base_dir is not None
    try:
        return file_path, read_regular(file_path.resolve(), limit=limit, inside=base_dir.resolve())
    except Unreadable as refused:
        if refused.why == "open":
            found = isinstance(refused.error, FileNotFoundError)
            reason = "was not found" if found else f"cannot be read ({getattr(refused.error, 'strerror', '')})"
            raise _problem(
                path, f"the {kind.partition(' ')[2]} {name!r} {reason}", f"{kind} next to the letter"
            ) from None
        if refused.why == "not-regular":
            raise _problem(path, f"{name!r} is not a regular file", f"{kind} next to the letter") from None
        if refused.why == "outside":
            raise _problem(path, f"{name!r} is not {kind} name inside the letter's folder") from None
        raise _problem(
            path,
            f"the file is {size_text(refused.size)}, more than {size_text(limit)}",
            f"{kind} of at most {size_text(limit)}",
        ) from None


def _opened_path(descriptor: int) -> Path | None:
    """Where the open file really is (Linux: /proc/self/fd), or None where that cannot be told."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{descriptor}"))
    except OSError:
        return None
