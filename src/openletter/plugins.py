"""The plugin registry: built-in plugins and entry-point plugins, registered the same way.

`Registry` wraps a pluggy ``PluginManager``. It registers every module of `DEFAULT_PLUGINS`,
then every plugin of the ``openletter`` entry-point group, each under its name, skipping blocked
names. A plugin that fails to import, or whose ``openletter_exporters`` hook raises, does not stop
the others: the failure is kept in `Registry.errors`, naming the plugin.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from types import MappingProxyType
from typing import Any

import attrs
import pluggy

from . import hookspecs
from ._version import __version__
from .errors import (
    LetterError,
    OptionError,
    OutputError,
    PluginError,
    PluginLoadError,
    Problem,
    RenderError,
    UnknownFormatError,
)
from .exporter import Exporter
from .model import Letter

__all__ = ["DEFAULT_PLUGINS", "ENTRY_POINT_GROUP", "FormatInfo", "PluginInfo", "Registry", "default_registry"]

ENTRY_POINT_GROUP = "openletter"
"""The entry-point group third-party plugins register under."""

DEFAULT_PLUGINS: tuple[str, ...] = (
    "openletter.exporters.json",
    "openletter.exporters.markdown",
    "openletter.exporters.jsonld",
    "openletter.exporters.html",
    "openletter.exporters.eml",
    "openletter.exporters.mailto",
    "openletter.lint",
)
"""Built-in plugin modules; each is registered under its module name, like any other plugin."""

DISABLE_ENV = "OPENLETTER_DISABLE_PLUGINS"
"""Comma-separated plugin names to block."""

NO_AUTOLOAD_ENV = "OPENLETTER_DISABLE_PLUGIN_AUTOLOAD"
"""When set to a non-empty value, entry-point plugins are not loaded."""


@attrs.frozen
class PluginInfo:
    """A registered plugin: its name, the distribution that ships it, and that version."""

    name: str
    """The plugin's name: its entry point's name, or the module of a built-in plugin."""
    distribution: str
    """The distribution (package) that ships it: ``openletter`` for the built-in plugins."""
    version: str
    """That distribution's version."""
    builtin: bool
    """Whether it is one of openletter's own plugins."""


@attrs.frozen
class FormatInfo:
    """An available format and the plugin providing it."""

    exporter: Exporter
    """The format's descriptor, as the plugin declared it."""
    plugin: PluginInfo
    """The plugin that provides it."""


def blocked_from_environment(environ: Mapping[str, str] = os.environ) -> tuple[str, ...]:
    """Plugin names listed in ``OPENLETTER_DISABLE_PLUGINS``."""
    return tuple(n.strip() for n in environ.get(DISABLE_ENV, "").split(",") if n.strip())


class Registry:
    """The plugins in use, the formats they provide, and what went wrong while loading them."""

    def __init__(
        self,
        *,
        blocked: Iterable[str] = (),
        entry_points: bool = True,
        plugins: Iterable[tuple[str, object]] = (),
    ) -> None:
        """Register built-ins, then entry-point plugins (unless `entry_points` is false), then
        `plugins` (name, object) pairs, skipping every name in `blocked`."""
        self.manager = pluggy.PluginManager("openletter")
        """The pluggy plugin manager underneath."""
        self.manager.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        """The registered plugins, by name, in the order they were registered."""
        self.errors: list[PluginError] = []
        """The plugins that could not be used, each a `PluginError` naming it (the others are used)."""
        for name in blocked:
            self.manager.set_blocked(name)
        for module in DEFAULT_PLUGINS:
            if not self.manager.is_blocked(module):
                self._register(
                    module, importlib.import_module(module), PluginInfo(module, "openletter", __version__, True)
                )
        if entry_points:
            self._load_entry_points()
        for name, plugin in plugins:
            if not self.manager.is_blocked(name):
                self._register(name, plugin, PluginInfo(name, "(registered in process)", "", False))

    def _register(self, name: str, plugin: object, info: PluginInfo) -> None:
        try:
            self.manager.register(plugin, name=name)
        except (ValueError, pluggy.PluginValidationError) as error:
            self.errors.append(PluginLoadError(name, f"cannot be registered: {error}"))
            return
        self.plugins[name] = info

    def _load_entry_points(self) -> None:
        if not _may_have_entry_points():
            return
        from importlib.metadata import entry_points

        for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
            name = entry_point.name
            if self.manager.is_blocked(name):
                continue
            dist = entry_point.dist
            info = PluginInfo(name, dist.name if dist else "?", dist.version if dist else "?", False)
            if self.manager.has_plugin(name):
                self.errors.append(PluginLoadError(name, f"the name is taken by another plugin ({info.distribution})"))
                continue
            try:
                plugin = entry_point.load()
            except Exception as error:  # noqa: BLE001 -- any import failure is reported, not fatal
                self.errors.append(
                    PluginLoadError(
                        name,
                        f"cannot be imported from {info.distribution} {info.version}: {type(error).__name__}: {error}",
                    )
                )
                continue
            self._register(name, plugin, info)

    @cached_property
    def formats(self) -> Mapping[str, FormatInfo]:
        """Every available format by name, in registration order (built-ins first)."""
        formats: dict[str, FormatInfo] = {}
        for impl in self.manager.hook.openletter_exporters.get_hookimpls():
            info = self.plugins[impl.plugin_name]
            try:
                declared: Any = impl.function()
                exporters = list(declared)
            except Exception as error:  # noqa: BLE001 -- a broken plugin must not stop the others
                self.errors.append(
                    PluginLoadError(info.name, f"openletter_exporters() raised {type(error).__name__}: {error}")
                )
                continue
            for exporter in exporters:
                if not isinstance(exporter, Exporter):
                    self.errors.append(
                        PluginLoadError(
                            info.name, f"openletter_exporters() returned {type(exporter).__name__}, not Exporter"
                        )
                    )
                elif exporter.name in formats:
                    other = formats[exporter.name].plugin.name
                    self.errors.append(
                        PluginLoadError(
                            info.name,
                            f"the format is already provided by plugin {other!r}; block one of the two",
                            format=exporter.name,
                        )
                    )
                else:
                    formats[exporter.name] = FormatInfo(exporter, info)
        return MappingProxyType(formats)

    def format(self, name: str) -> FormatInfo:
        """The format called `name`, or `UnknownFormatError`."""
        try:
            return self.formats[name]
        except KeyError:
            raise UnknownFormatError(name, list(self.formats)) from None

    def _options(self, info: FormatInfo, name: str, options: Mapping[str, str] | None) -> dict[str, str]:
        given = dict(options or {})
        unknown = sorted(set(given) - set(info.exporter.options))
        if unknown:
            accepted = ", ".join(info.exporter.options) or "none"
            raise OptionError(f"format {name!r} has no option {unknown[0]!r} (its options: {accepted})")
        return given

    def render_to(
        self, letter: Letter, name: str, options: Mapping[str, str] | None, put: Callable[[bytes], object]
    ) -> None:
        """`render`'s bytes given to `put`: in pieces as they are made when the format has a
        `Exporter.write` function, else whole. `put` may raise `OutputError` (a write failed),
        which is raised as it is; other failures are as `render`'s."""
        from .public import public_letter

        letter = public_letter(letter)  # no exporter ever receives a signature record
        info = self.format(name)
        if info.exporter.write is None:
            put(self.render(letter, name, options))
            return
        given = self._options(info, name, options)
        try:
            info.exporter.write(letter, MappingProxyType(given), lambda text: put(text.encode("utf-8")))
        except (OptionError, LetterError, OutputError):
            raise
        except UnicodeEncodeError as error:
            raise RenderError(info.plugin.name, f"returned text that is not UTF-8: {error}", format=name) from None
        except Exception as error:
            raise RenderError(
                info.plugin.name, f"rendering failed: {type(error).__name__}: {error}", format=name
            ) from error

    def render(self, letter: Letter, name: str, options: Mapping[str, str] | None = None) -> bytes:
        """Render `letter` in format `name`; failures raise `RenderError` naming plugin and format.

        The exporter receives the letter's public view (`openletter.public_letter`): withdrawn and
        count-only signatories left out and counted, no signature record, no contact data.
        """
        from .public import public_letter

        letter = public_letter(letter)
        info = self.format(name)
        options = self._options(info, name, options)
        try:
            output = info.exporter.render(letter, MappingProxyType(options))
        except (OptionError, LetterError):
            raise  # a bad option value, or a field this format cannot carry, is the user's to fix
        except Exception as error:
            raise RenderError(
                info.plugin.name, f"rendering failed: {type(error).__name__}: {error}", format=name
            ) from error
        if isinstance(output, str):
            try:
                return output.encode("utf-8")
            except UnicodeEncodeError as error:
                raise RenderError(info.plugin.name, f"returned text that is not UTF-8: {error}", format=name) from None
        if isinstance(output, bytes | bytearray):
            return bytes(output)
        raise RenderError(info.plugin.name, f"returned {type(output).__name__}, expected str or bytes", format=name)

    def lint(self, letter: Letter, formats: Sequence[str] | None = None) -> list[Problem]:
        """Collect every plugin's `openletter_lint` findings for `formats` (default: every format).

        A failing linter becomes an error; a problem two plugins report is listed once. The
        built-in linters check the letter itself (signature records included: a signature given
        to another version of the text); every other plugin's, like every exporter, receives the
        letter's public view (`openletter.public_letter`), so that no plugin sees private data.
        """
        from .public import public_letter

        chosen = tuple(self.formats if formats is None else formats)
        shown = public_letter(letter)
        problems: list[Problem] = []
        for impl in self.manager.hook.openletter_lint.get_hookimpls():
            given = letter if impl.plugin_name in DEFAULT_PLUGINS else shown
            try:
                arguments = [{"letter": given, "formats": chosen}[arg] for arg in impl.argnames]
                found: Sequence[Problem] = impl.function(*arguments)  # type: ignore[assignment]
                problems.extend(found)
            except Exception as error:  # noqa: BLE001 -- reported with the plugin's name
                problems.append(
                    Problem(
                        message=f"plugin {impl.plugin_name!r} failed to check the letter: "
                        f"{type(error).__name__}: {error}"
                    )
                )
        return list(dict.fromkeys(problems))


def _may_have_entry_points() -> bool:
    """False only when no installed distribution on sys.path declares an ``openletter`` entry point.

    A plain scan of ``*.dist-info/entry_points.txt`` is much cheaper than importing
    importlib.metadata (about 10 ms of every command's start); anything the scan cannot read
    for certain (zip files, eggs, odd path entries) answers True and importlib.metadata decides.
    """
    import sys
    from pathlib import Path

    marker = f"[{ENTRY_POINT_GROUP}]"
    for entry in sys.path:
        folder = Path(entry or ".")
        if not folder.is_dir():
            if folder.exists():
                return True  # a zip file or similar
            continue
        try:
            names = os.listdir(folder)
        except OSError:
            return True
        for name in names:
            if name.endswith((".egg-info", ".egg")):
                return True
            if name.endswith(".dist-info"):
                try:
                    text = (folder / name / "entry_points.txt").read_text(encoding="utf-8", errors="replace")
                except FileNotFoundError:
                    continue
                except OSError:
                    return True
                if marker in text:
                    return True
    return False


_default: Registry | None = None


def default_registry() -> Registry:
    """The registry of installed, unblocked plugins (honouring the environment variables), cached."""
    global _default  # noqa: PLW0603 -- one lazily built registry per process
    if _default is None:
        _default = Registry(
            blocked=blocked_from_environment(),
            entry_points=not os.environ.get(NO_AUTOLOAD_ENV),
        )
    return _default
