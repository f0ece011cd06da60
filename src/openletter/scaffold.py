"""``openletter new``: start a new letter folder from a worked example."""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import OutputError

EXAMPLES = ("aphr_cambodia",)
"""Examples a new letter can start from."""

_SKIP = {"README.md", "__pycache__"}


def example_folder(name: str) -> Path:
    """Where example `name` lives: inside the installed package, or in a source checkout."""
    if name not in EXAMPLES:
        raise OutputError(f"there is no example called {name!r} (examples: {', '.join(EXAMPLES)})")
    here = Path(__file__).resolve().parent
    for candidate in (here / "examples" / name, here.parents[1] / "examples" / name):
        if (candidate / "letter.md").is_file():
            return candidate
    raise OutputError(f"the example {name!r} is not installed with this copy of openletter")


def new_letter(folder: Path, example: str = "aphr_cambodia") -> list[Path]:
    """Copy the example's letter files into `folder` (which must not exist or be empty)."""
    source = example_folder(example)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputError(f"{folder} already exists and is not an empty folder; choose a new folder name")
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for item in sorted(source.iterdir()):
            if item.name in _SKIP or item.name.startswith(".") or not item.is_file():
                continue
            target = folder / item.name
            shutil.copyfile(item, target)
            written.append(target)
    except OSError as error:
        raise OutputError(f"cannot create {folder}: {error.strerror or error}") from None
    return written
