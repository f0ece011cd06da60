"""``openletter serve``: a live preview of a letter while it is written (see docs/serve.md).

`Preview` ties the parts together: a `Builder` (`builds`) that builds every format into a fresh
private folder, a `PreviewServer` (`server`) that serves the last good build on 127.0.0.1 with a
toolbar and an overlay of problems (``preview.js``), and a `Watcher` (`watch`) that builds again
when the letter, a translation, a CSV file or the logo it reads, or the theme is saved. `run` is
the command.

Nothing here is imported by ``import openletter`` or by the command line until ``serve`` runs;
watchfiles is an optional dependency (the ``serve`` extra: ``python -m pip install watchfiles``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from .builds import Builder, Status
from .server import PreviewServer, ServeError, is_loopback
from .watch import Watcher, WatchfilesMissing, require_watchfiles

if TYPE_CHECKING:
    from ..plugins import Registry

__all__ = ["DEFAULT_PORT", "Preview", "ServeError", "WatchfilesMissing", "run"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class Preview:
    """A preview of the letter at `source`: listening (on `url`) and built once when made.

    Call `watch` to build again on every save, then `serve_forever` (blocking) or `serve_in_thread`;
    `close` (or leaving the ``with`` block) stops it all and removes the builds.
    """

    def __init__(
        self,
        source: str | os.PathLike[str],
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        theme: str | os.PathLike[str] | None = None,
        registry: Registry | None = None,
    ) -> None:
        from ..plugins import default_registry

        require_watchfiles()
        self._root = Path(tempfile.mkdtemp(prefix="openletter-serve-"))  # private: mode 0700
        self.builder = Builder(
            Path(source),
            self._root,
            theme=None if theme is None else Path(theme),
            registry=registry if registry is not None else default_registry(),
        )
        try:
            self.server = PreviewServer((host, port), self.builder)
        except BaseException:
            shutil.rmtree(self._root, ignore_errors=True)
            raise
        self._watcher: Watcher | None = None
        self._thread: threading.Thread | None = None
        try:
            self.first = self.builder.build()
        except BaseException:
            self.server.server_close()
            shutil.rmtree(self._root, ignore_errors=True)
            raise

    @property
    def url(self) -> str:
        """The preview's address: ``http://127.0.0.1:PORT/``, with the port actually used."""
        return self.server.url

    def watch(self, on_build: Callable[[Status], None] | None = None, *, debounce_ms: int = 400) -> None:
        """Build again whenever one of the letter's files changes; `on_build` is told each status."""
        if self._watcher is None:
            self._watcher = Watcher(self.builder, on_build=on_build, debounce_ms=debounce_ms)
            self._watcher.start()

    def serve_forever(self) -> None:
        """Answer requests until `close` is called from another thread, or Ctrl-C."""
        self.server.serve_forever(poll_interval=0.2)

    def serve_in_thread(self) -> None:
        """Answer requests on a background thread, until `close`."""
        self._thread = threading.Thread(target=self.serve_forever, name="openletter-serve-http", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop watching and serving; end the event streams; remove every build."""
        if self._watcher is not None:
            self._watcher.stop()
        self.builder.close()  # wakes the event streams, which then end
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(timeout=5)
        self.server.server_close()
        shutil.rmtree(self._root, ignore_errors=True)

    def __enter__(self) -> Preview:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def describe(status: Status, source: str) -> list[str]:
    """What the terminal says after a build: each problem, then one line."""
    lines = [notice.text for notice in (*status.errors, *status.warnings)]
    noted = f" ({len(status.warnings)} warning{'s' * (len(status.warnings) != 1)})" if status.warnings else ""
    if status.errors:
        count = len(status.errors)
        kept = "showing the last good build" if status.snapshot is not None else "nothing to show yet"
        lines.append(f"{source}: {count} problem{'s' * (count != 1)}{noted}; {kept}")
    elif status.snapshot is not None:
        lines.append(f"{source}: built {len(status.snapshot.files)} files{noted}")
    return lines


def run(
    source: str,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    open_browser: bool = False,
    theme: str | None = None,
    registry: Registry | None = None,
    out: TextIO | None = None,
) -> int:
    """The ``openletter serve`` command: preview until Ctrl-C, then return 0."""
    from ..sources import load_file

    stream = out or sys.stdout
    if not Path(source).is_file():
        load_file(source)  # the LetterError `openletter build` gives for it (exit status 1)
    if theme is not None and not Path(theme).is_dir():
        raise ServeError(f"--theme {theme}: no such folder")
    if not is_loopback(host):
        print(
            f"openletter: warning: --host {host} lets other machines on the network see the preview (the letter and"
            " every file built from it); the default, 127.0.0.1, keeps it to this machine",
            file=sys.stderr,
        )

    def show(status: Status) -> None:
        for line in describe(status, source):
            print(line, file=stream, flush=True)

    with Preview(source, host=host, port=port, theme=theme, registry=registry) as preview:
        show(preview.first)
        preview.watch(show)
        print(f"Previewing {source} at {preview.url} (Ctrl-C to stop)", file=stream, flush=True)
        if open_browser:
            import webbrowser

            webbrowser.open(preview.url)
        try:
            with _terminate_as_interrupt():
                preview.serve_forever()
        except KeyboardInterrupt:
            print("\nstopped", file=stream, flush=True)
    return 0


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, a service manager, a closed terminal's ``SIGHUP`` aside) stops the
    preview as Ctrl-C does, so that its private folder is removed either way."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
