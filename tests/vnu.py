"""The Nu HTML Checker (vnu.jar, from the vnu-jar npm package) run on HTML files.

The JVM takes seconds to start, so `check` validates any number of files in one ``java`` run and
returns the messages of each file; `start` does the same in the background, so that the run
overlaps other work. ``bash scripts/test`` installs Java (Debian) and vnu-jar
(``npm ci``, pinned in package-lock.json).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

import attrs

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

Kind = Literal["error", "warning", "info"]


@attrs.frozen
class Message:
    """One message of the checker about one file."""

    kind: Kind  # "error" (including vnu's non-document errors), "warning" (info/warning) or "info"
    message: str
    line: int | None
    column: int | None
    extract: str

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}" if self.line is not None else "-"
        extract = " ".join(self.extract.split())
        return f"{where}: {self.kind}: {self.message}" + (f" [{extract}]" if extract else "")


def missing() -> str | None:
    """Why the checker cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "java is not installed"
    if not VNU_JAR.is_file():
        return f"{VNU_JAR.relative_to(ROOT)} is missing (npm ci)"
    return None


def _kind(raw: dict[str, object]) -> Kind:
    if raw.get("type") == "info":
        return "warning" if raw.get("subType") == "warning" else "info"
    return "error"  # "error" and "non-document-error" (a file that could not be read, say)


def _path(url: str) -> Path:
    return Path(unquote(urlsplit(url).path)).resolve()


class Running:
    """One run of the checker on some files, started in the background."""

    def __init__(self, paths: Iterable[Path], *, css: bool = True) -> None:
        self.files = [Path(p).resolve() for p in paths]
        java = shutil.which("java")
        assert java is not None, missing()
        command = [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always"]
        if css:
            command.append("--also-check-css")
        self.process = subprocess.Popen(  # vnu writes UTF-8 whatever the locale
            [*command, *map(str, self.files)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8"
        )
        self._messages: dict[Path, list[Message]] | None = None

    def messages(self) -> dict[Path, list[Message]]:
        """Wait for the run; each (resolved) path maps to its messages, in document order."""
        if self._messages is None:
            self._messages = self._read()
        return self._messages

    def stop(self) -> None:
        """End the run if it is still going (nobody asked for its messages)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()

    def _read(self) -> dict[Path, list[Message]]:
        stdout, stderr = self.process.communicate()
        assert self.process.returncode == 0, f"vnu failed ({self.process.returncode}):\n{stderr}"
        messages: dict[Path, list[Message]] = {path: [] for path in self.files}
        for raw in json.loads(stdout)["messages"]:
            url = raw.get("url")
            path = _path(url) if isinstance(url, str) else None
            message = Message(
                kind=_kind(raw),
                message=str(raw.get("message", "")),
                line=raw.get("firstLine", raw.get("lastLine")),
                column=raw.get("firstColumn"),
                extract=str(raw.get("extract", "")),
            )
            if path in messages:
                messages[path].append(message)
            else:  # a message about no one file (a crash of the checker itself): every file fails
                for found in messages.values():
                    found.append(message)
        return messages


def start(paths: Iterable[Path], *, css: bool = True) -> Running:
    """Start checking every file in one run of the checker (``java`` takes seconds to start)."""
    return Running(paths, css=css)


def check(paths: Iterable[Path], *, css: bool = True) -> dict[Path, list[Message]]:
    """Check every file in one run; each (resolved) path maps to its messages, in document order."""
    return start(paths, css=css).messages()
