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


def read_inside(
    name: str, base_dir: Path | None, path: FieldPath, suffixes: tuple[str, ...], kind: str, *, limit: int | None = None
) -> tuple[Path, bytes]:
    """Read the regular file `name` inside `base_dir` (see `resolve_inside`): its path and bytes.

    With `limit`, a larger file is refused (naming its real size) without being read.
    """
    file_path = resolve_inside(name, base_dir, path, suffixes, kind)
    assert base_dir is not None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(file_path.resolve(), flags)
    except OSError as error:
        reason = "was not found" if isinstance(error, FileNotFoundError) else f"cannot be read ({error.strerror})"
        raise _problem(path, f"the {kind.partition(' ')[2]} {name!r} {reason}", f"{kind} next to the letter") from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise _problem(path, f"{name!r} is not a regular file", f"{kind} next to the letter")
    with os.fdopen(descriptor, "rb") as handle:
        opened = _opened_path(handle.fileno())
        if opened is not None and not opened.is_relative_to(base_dir.resolve()):
            raise _problem(path, f"{name!r} is not {kind} name inside the letter's folder")
        if limit is not None and info.st_size > limit:
            raise _problem(
                path,
                f"the file is {info.st_size // 1024:,} KiB, more than {limit // 1024:,} KiB",
                f"{kind} of at most {limit // 1024:,} KiB",
            )
        data = handle.read() if limit is None else handle.read(limit + 1)
    return file_path, data


def _opened_path(descriptor: int) -> Path | None:
    """Where the open file really is (Linux: /proc/self/fd), or None where that cannot be told."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{descriptor}"))
    except OSError:
        return None
