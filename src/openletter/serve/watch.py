"""Watching the letter's files with watchfiles, and building again when one is saved.

The watcher watches folders, not files: an editor that saves by writing a new file and renaming
it over the old one replaces the file a file watch would follow. The folders are the letter's,
those of the files it reads (CSV signatory lists, the logo) and the theme's, none of them
recursively; `Builder.relevant` says which changes in them matter. When the letter comes to read
a file in another folder, the watch starts again on the new set of folders.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import OpenLetterError

if TYPE_CHECKING:
    from .builds import Builder, Status

__all__ = ["INSTALL", "Watcher", "WatchfilesMissing", "require_watchfiles"]

INSTALL = 'python -m pip install watchfiles (or, in openletter\'s own folder: python -m pip install -e ".[serve]")'


class WatchfilesMissing(OpenLetterError):
    """The preview needs watchfiles, an optional dependency, and it is not installed."""


def require_watchfiles() -> None:
    """Raise `WatchfilesMissing`, saying how to install it, when watchfiles cannot be imported."""
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        raise WatchfilesMissing(
            f"openletter serve watches the letter's files with the watchfiles package, which is not installed: "
            f"{INSTALL} installs it"
        ) from None


class Watcher:
    """A thread that builds the letter again whenever one of its files changes."""

    def __init__(
        self,
        builder: Builder,
        *,
        on_build: Callable[[Status], None] | None = None,
        debounce_ms: int = 400,
    ) -> None:
        self.builder = builder
        self.on_build = on_build
        self.debounce_ms = debounce_ms
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="openletter-serve-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and wait (briefly) for the thread to end."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _filter(self, change: object, path: str) -> bool:
        return self.builder.relevant(path)

    def _run(self) -> None:
        import watchfiles

        while not self._stop.is_set():
            folders = self.builder.folders()
            if not folders:  # the letter's folder is gone: wait for it to come back
                self._stop.wait(0.5)
                continue
            try:
                for _ in watchfiles.watch(
                    *folders,
                    watch_filter=self._filter,
                    debounce=self.debounce_ms,
                    step=50,
                    stop_event=self._stop,
                    rust_timeout=1000,
                    raise_interrupt=False,
                    recursive=False,
                    ignore_permission_denied=True,
                ):
                    status = self.builder.build()
                    if self.on_build is not None:
                        self.on_build(status)
                    if self.builder.folders() != folders:
                        break  # watch the new set of folders
            except (OSError, RuntimeError) as error:  # a watched folder went away while watching
                print(f"openletter: warning: watching {', '.join(map(str, folders))}: {error}", file=sys.stderr)
                self._stop.wait(0.5)
