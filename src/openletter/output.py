"""Writing outputs safely: inside the output folder only, atomically, never over a source."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from .errors import OutputError

_SAFE_NAME = re.compile(r"[^\s/\\:*?\"<>|\x00-\x1f][^/\\:*?\"<>|\x00-\x1f]*\Z")


def safe_name(name: str) -> str:
    """Check that `name` is a plain file name (no folders, no ``..``, no control characters)."""
    if not _SAFE_NAME.match(name) or name in (".", "..") or name.startswith(".") or name != name.strip():
        raise OutputError(f"{name!r} is not a safe output file name")
    return name


def output_path(folder: Path, name: str) -> Path:
    """The path of file `name` inside `folder`; refuse anything that would land outside it."""
    target = folder / safe_name(name)
    root = folder.resolve()
    if target.resolve().parent != root:
        raise OutputError(f"{name!r} would be written outside the output folder {folder}")
    return target


def _same_file(a: Path, b: Path) -> bool:
    """Whether `a` and `b` name one file: the same path once resolved, or (both existing) one inode."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)  # hard links, case-insensitive file systems
    except OSError:
        return False


def plan_outputs(
    folder: Path, names: Mapping[str, str], protect: Iterable[Path] = ()
) -> tuple[dict[str, Path], list[str]]:
    """Where each output goes (`names`: a file name by format), checked before anything is written.

    Returns the paths by format and the refusals, one sentence each: a name that would land
    outside `folder`, a file the letter was read from (`protect`: its source, CSV files, its
    logo), a folder, a file that another format writes. Write nothing unless there are none.
    """
    protect = list(protect)
    paths: dict[str, Path] = {}
    refusals: list[str] = []
    if folder.exists() and not folder.is_dir():
        return {}, [f"cannot write into {folder}: it is a file, not a folder"]
    for name, file_name in names.items():
        try:
            path = output_path(folder, file_name)
        except OutputError as error:
            refusals.append(f"format {name!r}: {error}")
            continue
        read = next((source for source in protect if _same_file(path, source)), None)
        taken = next((other for other, used in paths.items() if _same_file(path, used)), None)
        if read is not None:
            refusals.append(f"format {name!r} would overwrite {read}, which the letter is read from")
        elif taken is not None:
            refusals.append(f"format {name!r} would write {path}, which format {taken!r} writes")
        elif path.is_dir():
            refusals.append(f"format {name!r} cannot write {path}: it is a folder")
        else:
            paths[name] = path
    return paths, refusals


def write_atomic(path: Path, data: bytes, *, protect: Iterable[Path] = ()) -> None:
    """Write `data` to `path` via a temporary file and a rename, so readers never see half a file.

    `protect` lists files (the letter's sources) that must never be overwritten.
    """
    stage(path, data, protect=protect).commit()


class Staged:
    """An output written to a temporary file beside its path, not yet in place: `commit` puts it
    there (a rename), `discard` removes it."""

    def __init__(self, path: Path, temporary: str) -> None:
        self.path = path
        self.temporary = temporary

    def commit(self) -> None:
        """Put the output in place, atomically."""
        try:
            os.replace(self.temporary, self.path)
        except OSError as error:
            self.discard()
            raise OutputError(f"cannot write {self.path}: {error.strerror or error}") from None

    def discard(self) -> None:
        """Remove the temporary file."""
        Path(self.temporary).unlink(missing_ok=True)


def stage(
    path: Path, data: bytes | Callable[[Callable[[bytes], None]], None], *, protect: Iterable[Path] = ()
) -> Staged:
    """Write `data` to a temporary file beside `path` (see `Staged`), so that a build holds one
    output in memory at a time and still puts none in place until all are made. `data` is the
    bytes, or a function that gives them in pieces to the function it is called with (which
    raises `OutputError` when a piece cannot be written).

    `protect` lists files (the letter's sources) that must never be overwritten.
    """
    resolved = path.resolve()
    for source in protect:
        if resolved == source.resolve():
            raise OutputError(f"refusing to overwrite the source file {source}; choose another output path")
    if path.is_dir():
        raise OutputError(f"{path} is a folder; cannot write a file there")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:

                def put(piece: bytes) -> None:
                    try:
                        handle.write(piece)
                    except OSError as error:
                        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None

                data(put)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Staged(path, temporary)
