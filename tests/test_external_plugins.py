"""The two plugins in plugins/ work as installed distributions, side by side with the built-ins.

CI installs them (``bash scripts/test``); elsewhere these tests are skipped when they are not.
Each plugin's own tests (and the contract suite on it) live in ``plugins/*/tests``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest

from .conftest import ALL_OUTPUTS, EXAMPLE

PLUGINS = {"pdf": ("openletter-pdf", ".pdf"), "docx": ("openletter-docx", ".docx")}


def installed(dist: str) -> bool:
    try:
        distribution(dist)
    except PackageNotFoundError:
        return False
    return True


@pytest.fixture(scope="module")
def plugins_installed() -> None:
    missing = [dist for dist, _ in PLUGINS.values() if not installed(dist)]
    if missing and os.environ.get("CI"):
        pytest.fail(f"CI must install {', '.join(missing)} (bash scripts/test does)")
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (pip install -e plugins/{missing[0]})")


def openletter(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OPENLETTER_")}
    return subprocess.run(
        [sys.executable, "-m", "openletter", *args], cwd=cwd, env=environment, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.usefixtures("plugins_installed")
def test_formats_lists_pdf_and_docx_from_their_distributions(tmp_path: Path) -> None:
    done = openletter("formats", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name, (dist, suffix) in PLUGINS.items():
        [row] = [line.split() for line in done.stdout.splitlines() if line.split()[:1] == [name]]
        assert row[1] == suffix
        assert dist in row


@pytest.mark.slow
@pytest.mark.usefixtures("plugins_installed")
def test_building_the_example_writes_every_format_including_pdf_and_docx(tmp_path: Path) -> None:
    done = openletter("build", str(EXAMPLE), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted([*ALL_OUTPUTS, "letter.docx", "letter.pdf"])
    assert (tmp_path / "out" / "letter.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "out" / "letter.docx").read_bytes().startswith(b"PK\x03\x04")


@pytest.mark.slow
@pytest.mark.usefixtures("plugins_installed")
def test_blocking_one_plugin_leaves_the_other(tmp_path: Path) -> None:
    done = openletter("--disable-plugin", "pdf", "build", str(EXAMPLE), "-o", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "letter.docx").exists()
    assert not (tmp_path / "letter.pdf").exists()
