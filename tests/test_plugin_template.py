"""``openletter new-plugin``: the package it writes installs, registers its format and passes its tests."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from openletter.cli import EXIT_OK, EXIT_OUTPUT, main
from openletter.plugin_scaffold import install_openletter
from openletter.testing import SAMPLE_NAMES

from .conftest import EXAMPLE, ROOT


def run(*command: str, cwd: Path, site: Path) -> str:
    environment = {**os.environ, "PYTHONPATH": str(site)}
    environment.pop("PYTEST_ADDOPTS", None)
    environment.pop("OPENLETTER_DISABLE_PLUGIN_AUTOLOAD", None)  # the new plugin is found by its entry point
    done = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
def test_new_plugin_passes_its_own_tests_out_of_the_box(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "openletter-shout"
    assert main(["new-plugin", "shout", "-o", str(package)]) == EXIT_OK
    assert "python -m pip install -e" in capsys.readouterr().out
    site = tmp_path / "site"
    # What `pip install -e ".[test]"` does, without the network and outside the test environment.
    run(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(site),
        str(package), cwd=tmp_path, site=site)  # fmt: skip
    formats = run(sys.executable, "-m", "openletter", "formats", cwd=package, site=site)
    assert re.search(r"^shout\s+\.shout\.txt\s+text/plain", formats, re.M), formats
    run(sys.executable, "-m", "openletter", "build", str(EXAMPLE), "-t", "shout", "-o", str(tmp_path / "out"),
        cwd=package, site=site)  # fmt: skip
    assert (
        (tmp_path / "out" / "letter.shout.txt")
        .read_text(encoding="utf-8")
        .startswith("ASEAN Parliamentarians for Human Rights\n\nOpen Letter to the US")
    )
    tests = run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=package, site=site)
    assert f"{3 + 5 * len(SAMPLE_NAMES)} passed" in tests, tests  # and the privacy check


def test_new_plugin_writes_the_package_files(tmp_path: Path) -> None:
    assert main(["new-plugin", "my_format", "-o", str(tmp_path / "p")]) == EXIT_OK
    files = sorted(str(p.relative_to(tmp_path / "p")) for p in (tmp_path / "p").rglob("*") if p.is_file())
    assert files == [
        "README.md",
        "pyproject.toml",
        "src/openletter_my_format/__init__.py",
        "src/openletter_my_format/py.typed",
        "tests/test_my_format.py",
    ]
    pyproject = (tmp_path / "p" / "pyproject.toml").read_text(encoding="utf-8")
    assert 'name = "openletter-my-format"' in pyproject
    assert '[project.entry-points.openletter]\nmy_format = "openletter_my_format"' in pyproject
    assert "$" not in pyproject


@pytest.mark.parametrize("name", ["Txt", "1st", "my-format", "a b", "../x", "", "foo_", "a__b", "x" * 41])
def test_a_bad_name_is_refused(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-plugin", name, "-o", str(tmp_path / "p")]) == EXIT_OUTPUT
    assert "cannot be a format name" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_an_existing_folder_is_never_overwritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "pyproject.toml").write_text("mine", encoding="utf-8")
    assert main(["new-plugin", "txt", "-o", str(tmp_path / "p")]) == EXIT_OUTPUT
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "p" / "pyproject.toml").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("name", ["html", "json", "eml"])
def test_the_name_of_an_existing_format_is_refused(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new-plugin", name, "-o", str(tmp_path / "p")]) == EXIT_OUTPUT
    assert f"the format {name!r} already exists (from openletter)" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_the_next_steps_quote_the_folder_for_the_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "my plugin"
    assert main(["new-plugin", "txt", "-o", str(folder)]) == EXIT_OK
    assert f"cd '{folder}'" in capsys.readouterr().out


def test_the_next_steps_say_how_to_install_this_openletter_in_a_new_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new-plugin", "txt", "-o", str(tmp_path / "p")]) == EXIT_OK
    out = capsys.readouterr().out
    command = install_openletter()
    assert f"in a new virtual environment, install it first with\n  {command}\n" in out
    target = Path(shlex.split(command)[-1])  # a copy of the repository or a wheel, not a package index
    if target.is_dir():
        assert tomllib.loads((target / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"] == "openletter"
    else:
        assert target.name.startswith("openletter-") and target.suffix == ".whl" and target.is_file()


class _Distribution:
    def __init__(self, direct_url: str | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return self.direct_url


@pytest.mark.parametrize(
    ("direct_url", "command"),
    [
        ('{"url": "file:///src/open%20letter", "dir_info": {"editable": true}}',
         "python -m pip install -e '/src/open letter'"),
        ('{"url": "file:///src/openletter", "dir_info": {}}', "python -m pip install /src/openletter"),
        ('{"url": "file:///w/openletter-0.1.0-py3-none-any.whl", "archive_info": {}}',
         "python -m pip install /w/openletter-0.1.0-py3-none-any.whl"),
        ('{"url": "https://example.org/openletter.git", "vcs_info": {"vcs": "git", "commit_id": "abc"}}',
         "python -m pip install git+https://example.org/openletter.git"),
    ],
)  # fmt: skip
def test_openletter_is_installed_again_from_where_pip_installed_it(
    monkeypatch: pytest.MonkeyPatch, direct_url: str, command: str
) -> None:
    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: _Distribution(direct_url))
    assert install_openletter() == command


def test_an_openletter_without_a_recorded_origin_is_installed_from_its_checkout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: _Distribution(None))
    assert install_openletter() == f"python -m pip install -e {shlex.quote(str(ROOT))}"


def test_the_package_readme_installs_openletter_first_and_links_no_package_page(tmp_path: Path) -> None:
    assert main(["new-plugin", "txt", "-o", str(tmp_path / "p")]) == EXIT_OK
    readme = (tmp_path / "p" / "README.md").read_text(encoding="utf-8")
    assert "pypi.org" not in readme
    assert readme.index("$ pip install -e path/to/openletter\n") < readme.index('$ pip install -e ".[test]"\n')
    assert "from a copy\nof its repository" in readme
