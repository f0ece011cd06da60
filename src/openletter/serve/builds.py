"""The preview's builds: each one into a fresh folder, swapped in whole when it succeeds.

`Builder.build` runs `openletter.build` for every format into a new folder under a private
temporary folder. When the letter builds, the new `Snapshot` replaces the old one in a single
assignment, so a request sees either the previous build or the new one, never half of one. When
it does not (the letter has errors, the theme is broken), the last good snapshot stays and the
`Status` lists the problems. Every change of status wakes the threads waiting in `Builder.wait`
(the server's event streams).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ..errors import LetterError, OpenLetterError, Problem, format_path

if TYPE_CHECKING:
    from ..plugins import Registry

__all__ = ["Builder", "Notice", "Served", "Snapshot", "Status"]


@attrs.frozen
class Notice:
    """One problem shown in the preview: its line as ``openletter check`` prints it, and its parts."""

    text: str
    severity: Literal["error", "warning"] = "error"
    file: str | None = None
    line: int | None = None
    field: str | None = None
    message: str | None = None

    @classmethod
    def of(cls, problem: Problem) -> Notice:
        """The notice of a letter's `problem` (``FILE:LINE: field: message``)."""
        return cls(
            text=str(problem),
            severity=problem.severity,
            file=problem.file,
            line=problem.line,
            field=format_path(problem.path),
            message=problem.message,
        )

    def as_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class Served:
    """One built file: its name, format, language, media type and the format's title."""

    name: str
    format: str
    language: str
    media_type: str
    title: str

    def as_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class Snapshot:
    """A build that succeeded: its number, its folder and its files by name (in build order)."""

    number: int
    folder: Path
    files: Mapping[str, Served]
    language: str  # the original's

    @property
    def page(self) -> str | None:
        """The name of the original's html page, or None when no page was built."""
        return next((f.name for f in self.files.values() if f.format == "html" and f.language == self.language), None)


@attrs.frozen
class Status:
    """Where the preview stands: the last good snapshot, and the problems of the latest build."""

    generation: int  # one more after every build, good or not
    snapshot: Snapshot | None
    errors: tuple[Notice, ...] = ()
    warnings: tuple[Notice, ...] = ()
    built_at: float = 0.0

    def as_json(self) -> dict[str, Any]:
        snapshot = self.snapshot
        return {
            "generation": self.generation,
            "build": snapshot.number if snapshot else None,
            "page": snapshot.page if snapshot else None,
            "files": [f.as_json() for f in snapshot.files.values()] if snapshot else [],
            "errors": [n.as_json() for n in self.errors],
            "warnings": [n.as_json() for n in self.warnings],
            "built_at": self.built_at,
        }


class Builder:
    """Builds the letter at `source` (every format, its translations) on demand; see the module."""

    def __init__(self, source: Path, root: Path, *, theme: Path | None, registry: Registry) -> None:
        self.given = Path(source)  # as the user gave it: problems name the files as `openletter build` does
        self.source = Path(os.path.abspath(source))
        self.theme = Path(os.path.abspath(theme)) if theme is not None else None
        self.root = root
        self.registry = registry
        self._number = 0
        self._lock = threading.Lock()  # one build at a time
        self._changed = threading.Condition()
        self._status = Status(generation=0, snapshot=None)
        self._closed = False
        self._retired: list[Path] = []
        self._read: frozenset[Path] = frozenset()  # the files the letter read at its last loading

    @property
    def status(self) -> Status:
        return self._status

    @property
    def closed(self) -> bool:
        return self._closed

    # ------------------------------------------------------------------ building

    def build(self) -> Status:
        """Build the letter into a fresh folder; swap it in when it succeeds. Return the new status."""
        from ..build import build

        with self._lock:
            self._number += 1
            folder = self.root / f"build-{self._number}"
            self._note_sources()
            errors: list[Notice] = []
            warnings = [Notice(f"warning: {error}", "warning") for error in self.registry.errors]
            snapshot = None
            try:
                result = build(self.given, None, folder, theme=self.theme, registry=self.registry)
            except LetterError as error:
                errors += [Notice.of(p) for p in error.problems if p.severity == "error"]
                warnings += [Notice.of(p) for p in error.problems if p.severity != "error"]
                self._watch_files(p.file for p in error.problems)
            except OpenLetterError as error:  # a theme that cannot be used, a refused output
                errors.append(Notice(str(error)))
            except Exception as error:  # noqa: BLE001 (a bug in a plugin or openletter: shown, the preview goes on)
                errors.append(Notice(f"internal error: {type(error).__name__}: {error} (please report it)"))
            else:
                warnings += [Notice.of(p) for p in result.warnings]
                errors += [Notice(str(failure)) for failure in result.failures]
                files = {
                    output.path.name: Served(
                        name=output.path.name,
                        format=output.format,
                        language=output.language,
                        media_type=self.registry.format(output.format).exporter.media_type,
                        title=self.registry.format(output.format).exporter.title,
                    )
                    for output in result.outputs
                }
                if files:
                    language = result.outputs[0].language
                    snapshot = Snapshot(number=self._number, folder=folder, files=files, language=language)
            with self._changed:
                previous = self._status.snapshot
                self._status = Status(
                    generation=self._status.generation + 1,
                    snapshot=snapshot or previous,
                    errors=tuple(errors),
                    warnings=tuple(warnings),
                    built_at=time.time(),
                )
                self._changed.notify_all()
            if snapshot is None:
                shutil.rmtree(folder, ignore_errors=True)
            elif previous is not None:
                self._retire(previous.folder)
            return self._status

    def _retire(self, folder: Path) -> None:
        """Remove the builds before `folder` (which a request may still be reading from)."""
        for old in self._retired:
            shutil.rmtree(old, ignore_errors=True)
        self._retired = [folder]

    # ------------------------------------------------------------------ waiting

    def wait(self, generation: int, timeout: float) -> Status:
        """The status once its generation is past `generation`, or after `timeout` seconds, or on close."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._status.generation > generation, timeout)
            return self._status

    def close(self) -> None:
        """Wake every waiting thread for good, and remove every build."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        with self._lock:
            shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------------ what to watch

    def _note_sources(self) -> None:
        """Remember the files the letter reads (CSV signatory lists, the logo), for the watcher."""
        from ..sources import load_file

        try:
            loaded = load_file(self.given)
        except OpenLetterError:
            return  # the build reports it; the files read last time are still watched
        self._read = frozenset(Path(os.path.abspath(f)) for f in loaded.source.also_read)

    def _watch_files(self, files: Iterable[str | None]) -> None:
        """Also watch the files the problems are in (a CSV file with errors is not in `_read`)."""
        found = {Path(os.path.abspath(f)) for f in files if f}
        self._read = self._read | found

    def folders(self) -> frozenset[Path]:
        """The folders to watch: the letter's, those of the files it reads, the theme."""
        folders = {self.source.parent, *(path.parent for path in self._read)}
        if self.theme is not None:
            folders.add(self.theme)
        return frozenset(folder for folder in folders if folder.is_dir())

    def relevant(self, path: str | os.PathLike[str]) -> bool:
        """Whether a change to `path` calls for a build: the letter, a translation of it, a file it
        reads, or a file of the theme."""
        changed = Path(os.path.abspath(path))
        if changed == self.source or changed in self._read:
            return True
        if self.theme is not None and changed.parent == self.theme:
            return True
        if changed.parent != self.source.parent:
            return False
        stem, suffix = re.escape(self.source.stem), re.escape(self.source.suffix)
        return re.fullmatch(rf"{stem}\.[A-Za-z0-9-]+{suffix}", changed.name) is not None  # letter.km.md
