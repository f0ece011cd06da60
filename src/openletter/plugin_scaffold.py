"""``openletter new-plugin NAME``: start a plugin package whose tests pass out of the box."""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from ._version import __version__
from .errors import OutputError

TEMPLATE = Path(__file__).resolve().parent / "plugin_template"
"""The package template: ``*.tmpl`` files with ``$$name``-style placeholders."""

_NAME = re.compile(r"[a-z](?:_?[a-z0-9])*\Z")  # a valid distribution name once "_" becomes "-"
_LONGEST = 40


def _files(name: str) -> dict[str, str]:
    module = f"openletter_{name}"
    return {
        "pyproject.toml": "pyproject.toml.tmpl",
        "README.md": "README.md.tmpl",
        f"src/{module}/__init__.py": "src/__init__.py.tmpl",
        f"src/{module}/py.typed": "",
        f"tests/test_{name}.py": "tests/test_plugin.py.tmpl",
    }


def install_openletter() -> str:
    """The command that installs this openletter into another environment, such as a plugin's new
    virtual environment: from the copy of the repository or the wheel it was installed from, as
    pip recorded it (``direct_url.json``), since openletter is not on a package index."""
    import importlib.metadata
    import json
    import shlex
    from urllib.parse import unquote, urlsplit

    try:
        recorded = json.loads(importlib.metadata.distribution("openletter").read_text("direct_url.json") or "{}")
    except (importlib.metadata.PackageNotFoundError, ValueError):
        recorded = {}
    url = recorded.get("url", "") if isinstance(recorded, dict) else ""
    if url.startswith("file:"):
        editable = "-e " if recorded.get("dir_info", {}).get("editable") else ""
        return f"python -m pip install {editable}{shlex.quote(unquote(urlsplit(url).path))}"
    if url:
        vcs = recorded.get("vcs_info", {}).get("vcs")
        return f"python -m pip install {shlex.quote(f'{vcs}+{url}' if vcs else url)}"
    checkout = Path(__file__).resolve().parents[2]  # src/openletter/ in a copy of the repository
    if (checkout / "pyproject.toml").is_file() and (checkout / "src" / "openletter").is_dir():
        return f"python -m pip install -e {shlex.quote(str(checkout))}"
    return "python -m pip install openletter"


def new_plugin(name: str, folder: Path | None = None) -> list[Path]:
    """Write the package for format `name` into `folder` (default ``openletter-NAME``).

    The folder must not exist or be empty; nothing is overwritten.
    """
    if not _NAME.match(name) or len(name) > _LONGEST:
        raise OutputError(
            f"{name!r} cannot be a format name: use up to {_LONGEST} lower-case letters, digits and single '_' "
            "between them, starting with a letter (such as txt or plain_text)"
        )
    from .plugins import Registry

    taken = Registry().formats
    if name in taken:
        raise OutputError(
            f"the format {name!r} already exists (from {taken[name].plugin.distribution}); choose another name"
        )
    folder = folder if folder is not None else Path(f"openletter-{name.replace('_', '-')}")
    try:
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise OutputError(f"{folder} already exists and is not an empty folder; choose a new folder name")
    except OSError as error:
        raise OutputError(f"cannot create {folder}: {error.strerror or error}") from None
    values = {
        "name": name,
        "dist": f"openletter-{name.replace('_', '-')}",
        "module": f"openletter_{name}",
        "title": f"{name.replace('_', ' ').capitalize()} (from the openletter-{name.replace('_', '-')} plugin)",
        "openletter_version": __version__,
    }
    written = []
    try:
        for target, source in _files(name).items():
            text = Template((TEMPLATE / source).read_text(encoding="utf-8")).substitute(values) if source else ""
            path = folder / target
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8", newline="\n") as handle:  # never overwrite
                handle.write(text)
            written.append(path)
    except OSError as error:
        raise OutputError(f"cannot create {folder}: {error.strerror or error}") from None
    return written
