"""Install test plugins for real: a dist-info folder with an ``openletter`` entry point on sys.path."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PLUGINS = Path(__file__).resolve().parent / "data" / "plugins"


class PluginSite:
    """A folder on sys.path (and PYTHONPATH, for subprocesses) holding installed test plugins."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self._monkeypatch = monkeypatch
        self.modules: list[str] = []

    def install(
        self, module: str, *, entry_point: str | None = None, dist: str | None = None, version: str = "1.2.3"
    ) -> str:
        """Install `module` (from tests/data/plugins) as distribution `dist` with one entry point."""
        dist = dist or module.replace("_", "-")
        name = entry_point or module.removeprefix("openletter_").replace("_", "-")
        info = self.root / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(f"[openletter]\n{name} = {module}\n")
        shutil.copy(PLUGINS / f"{module}.py", self.root / f"{module}.py")
        self.modules.append(module)
        import importlib

        importlib.invalidate_caches()
        return name


def _installed_in(entry_point: object, root: Path) -> bool:
    path = getattr(getattr(entry_point, "dist", None), "_path", None)
    return path is not None and Path(path).resolve().is_relative_to(root.resolve())


@pytest.fixture
def plugin_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PluginSite]:
    import importlib.metadata

    root = tmp_path / "site-packages"
    root.mkdir()
    # Entry-point plugins are loaded, but only those installed here: the test sees exactly the
    # plugins it installs, not others in the environment (such as plugins/openletter-pdf in CI).
    real_entry_points = importlib.metadata.entry_points
    installed = sorted({ep.name for ep in real_entry_points(group="openletter")})

    def entry_points(**selection: str) -> Any:
        found: Any = real_entry_points(**selection)
        if selection.get("group") != "openletter":
            return found
        return importlib.metadata.EntryPoints(ep for ep in found if _installed_in(ep, root))

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    monkeypatch.delenv("OPENLETTER_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    if installed:  # for openletter run in a subprocess
        monkeypatch.setenv("OPENLETTER_DISABLE_PLUGINS", ",".join(installed))
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setenv("PYTHONPATH", str(root))
    site = PluginSite(root, monkeypatch)
    yield site
    for module in site.modules:
        sys.modules.pop(module, None)
