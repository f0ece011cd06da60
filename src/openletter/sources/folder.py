"""Files a letter names (signatory CSVs, a logo): resolved inside the letter's folder, never outside.

A letter from an untrusted hand must not be able to pull ``/etc/passwd`` or ``~/.ssh/id_rsa``
into a published page or an email, so a name must be a relative path, without ``..``, that stays
inside the folder once symbolic links are followed.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from ..errors import FieldPath, LetterError, Problem


def resolve_inside(name: str, base_dir: Path | None, path: FieldPath, suffixes: tuple[str, ...], kind: str) -> Path:
    """The file `name` inside `base_dir`; raise `LetterError` at `path` if it could lie elsewhere.

    :param suffixes: the accepted file suffixes, lower case with the dot (``(".csv",)``).
    :param kind: what the file is, for messages: "a CSV file", "an image file".
    """
    if base_dir is None:
        raise LetterError([Problem(path=path, message=f"{kind} can only be named by a letter read from a file")])
    pure = PurePosixPath(name.replace("\\", "/"))
    drive = len(name) > 1 and name[1] == ":"  # C:/x.csv is absolute on Windows
    resolved = (base_dir / pure).resolve()
    inside = resolved.is_relative_to(base_dir.resolve())  # also catches symlinks pointing out
    listed = ", ".join(suffixes[:-1]) + " or " + suffixes[-1] if len(suffixes) > 1 else suffixes[0]
    example = "signatories.csv" if suffixes == (".csv",) else "logo" + suffixes[0]
    expected = f"a relative path to a {listed} file, such as {example}"
    if pure.is_absolute() or drive or ".." in pure.parts or not inside:
        message = f"{name!r} is not {kind} name inside the letter's folder"
        raise LetterError([Problem(path=path, message=message, expected=expected)])
    if pure.suffix.lower() not in suffixes:
        raise LetterError([Problem(path=path, message=f"{name!r} is not {kind} name", expected=expected)])
    return base_dir / pure
