"""Shared fixtures: the example letter, golden-file updating, hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import openletter

pytest_plugins = ["tests.plugin_site", "tests.browser", "pytester"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "aphr_cambodia" / "letter.md"
DATA = Path(__file__).resolve().parent / "data"

ALL_OUTPUTS = ["letter.eml", "letter.html", "letter.json", "letter.jsonld", "letter.mailto.txt", "letter.md"]
"""What building the example into every built-in format writes, sorted."""

settings.register_profile("default", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "default")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the current outputs (review the diff before committing)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def example_letter() -> openletter.Letter:
    return openletter.load(EXAMPLE)


@pytest.fixture(autouse=True)
def _no_user_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see exactly the plugins they set up, not whatever else is installed (such as
    plugins/openletter-pdf in CI, whose own tests run it): installed plugins are not loaded,
    unless a test installs its own with the `plugin_site` fixture."""
    monkeypatch.delenv("OPENLETTER_DISABLE_PLUGINS", raising=False)
    monkeypatch.setenv("OPENLETTER_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setattr(openletter.plugins, "_default", None)  # the cached registry, built afresh


def listed(letter: openletter.Letter) -> openletter.Letter:
    """`letter` with its demands listed after the body rather than anchored in it (for tests that
    give the example other sections, where its quotes would match nothing)."""
    import attrs

    return attrs.evolve(letter, demands=tuple(attrs.evolve(d, quote=None) for d in letter.demands))


def require_tools(missing: str | None) -> None:
    """For a test module whose checks need outside tools (vnu, Chromium, axe-core): when one is
    `missing`, fail in CI, where ``scripts/test`` installs every one, and skip the module elsewhere."""
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{missing}: required in CI (scripts/test installs it)", pytrace=False)
    pytest.skip(f"{missing} (bash scripts/test installs it)", allow_module_level=True)
