"""docs/plugins.md: the tutorial, followed word for word, and the outputs the guide shows.

The tutorial's files are the fenced blocks whose first line is a path comment (``# pyproject.toml``);
its commands are the ``$ `` lines of its ``console`` blocks, each followed by what it prints. The
slow test writes the files into an empty folder, installs the package without the network and
outside the test environment (``pip install --target``), runs every command and compares what it
prints with what the tutorial shows.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shlex
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

import openletter
from openletter.cli import main

from .conftest import EXAMPLE, ROOT
from .plugin_site import PluginSite
from .test_docs import fenced_blocks, prose, read, section

GUIDE = ROOT / "docs" / "plugins.md"
TUTORIAL = "Tutorial: a plain-text exporter from an empty folder"

FILES = ["pyproject.toml", "src/openletter_txt/__init__.py", "tests/test_txt.py"]
"""The files the tutorial writes, in order."""

COMMANDS = [
    "mkdir openletter-txt && cd openletter-txt",
    "python -m venv .venv && . .venv/bin/activate",
    "pip install -e ../openletter",
    'pip install -e ".[test]"',
    "openletter formats",
    "openletter new example",
    "openletter build example/letter.md -t txt",
    "tail -n 9 build/letter.txt",
    "openletter build example/letter.md -t txt -O txt.width=ten",
    "pytest -q",
    "pytest -q -k hostile",
]
"""The tutorial's commands, in order: the slow test performs each (change both together)."""

COMMENT_SYNTAX = {"toml", "python"}
"""Languages in which a block's ``# path`` first line is a comment, kept in the file."""

_PATH_COMMENT = re.compile(r"# ((?:[\w.-]+/)*[\w-]+\.\w+)\Z")
_SUMMARY = re.compile(r"(\d+) (passed|failed|skipped|deselected|xfailed|xpassed|errors?|warnings?)")


def tutorial() -> str:
    return section(read(GUIDE), TUTORIAL)


def tutorial_files(text: str) -> dict[str, str]:
    """Path -> content of every block whose first line is a path comment, in order."""
    files: dict[str, str] = {}
    for info, block in fenced_blocks(text):
        first, _, rest = block.partition("\n")
        match = _PATH_COMMENT.match(first)
        if match and info != "console":
            assert match.group(1) not in files, f"{match.group(1)} is shown twice"
            files[match.group(1)] = (block if info in COMMENT_SYNTAX else rest) + "\n"
    return files


def console(text: str) -> list[tuple[str, list[str]]]:
    """(command, the lines it prints) for every ``$ `` line of the console blocks in `text`."""
    steps: list[tuple[str, list[str]]] = []
    for info, block in fenced_blocks(text):
        if info != "console":
            continue
        for line in textwrap.dedent(block).split("\n"):
            if line.startswith("$ "):
                steps.append((line[2:], []))
            else:
                assert steps, f"a console block starts with output, not a command: {line!r}"
                steps[-1][1].append(line)
    return steps


def pytest_counts(lines: list[str]) -> dict[str, int]:
    """The counts in pytest's summary line ("45 passed, 1 skipped in 0.84s")."""
    summary = [line for line in lines if re.search(r" in [\d.]+s\b", line)]
    assert summary, f"no pytest summary line in {lines}"
    return {word: int(number) for number, word in _SUMMARY.findall(summary[-1])}


# --------------------------------------------------------------------------- fast checks of the text


def test_the_tutorial_writes_the_expected_files_then_runs_the_expected_commands() -> None:
    text = tutorial()
    assert list(tutorial_files(text)) == FILES
    assert [command for command, _ in console(text)] == COMMANDS
    install = text.index('$ pip install -e ".[test]"')
    for path in FILES:
        assert text.index(f"# {path}\n") < install, f"{path} is shown after the install step"


def test_the_tutorial_installs_openletter_from_a_copy_of_the_repository_first() -> None:
    """openletter is not on a package index: `pip install -e ".[test]"` in a new virtual
    environment cannot find it unless openletter was installed from its repository before."""
    commands = [command for command, _ in console(tutorial())]
    assert commands.index("pip install -e ../openletter") < commands.index('pip install -e ".[test]"')
    assert "a copy of the openletter repository" in prose(tutorial())
    assert "pypi.org/project/openletter" not in read(GUIDE)


def test_code_blocks_in_the_guide_are_valid() -> None:
    blocks = fenced_blocks(read(GUIDE))
    assert {info for info, _ in blocks} <= {"console", "python", "toml"}
    for number, (info, block) in enumerate(blocks):
        if info == "python":
            compile(textwrap.dedent(block), f"docs/plugins.md block {number}", "exec")
        elif info == "toml":
            tomllib.loads(block)


def test_the_pyproject_declares_the_plugin_as_the_guide_says() -> None:
    pyproject = tomllib.loads(tutorial_files(tutorial())["pyproject.toml"])
    project = pyproject["project"]
    assert project["name"] == "openletter-txt"
    assert project["dependencies"] == ["openletter"]
    assert project["optional-dependencies"]["test"] == ["pytest"]
    assert project["entry-points"]["openletter"] == {"txt": "openletter_txt"}
    assert pyproject["build-system"]["build-backend"] == "hatchling.build"


REPOSITORY_PLUGINS = {"docx": "openletter-docx", "pdf": "openletter-pdf"}
"""The plugins in plugins/, which the guide's `openletter formats` table shows installed."""


def test_the_formats_table_is_what_openletter_formats_prints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ((command, shown),) = console(section(read(GUIDE), "Seeing what is installed"))
    assert command == "openletter formats"
    installed = {
        ep.name: ep.dist.name if ep.dist else "?" for ep in importlib.metadata.entry_points(group="openletter")
    }
    missing = sorted(dist for name, dist in REPOSITORY_PLUGINS.items() if installed.get(name) != dist)
    if missing and os.environ.get("CI"):
        pytest.fail(f"CI must install {', '.join(missing)} (bash scripts/test does)")
    if missing:
        pytest.skip(f"the table shows plugins not installed here: {', '.join(missing)}")
    monkeypatch.delenv("OPENLETTER_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.setenv("OPENLETTER_DISABLE_PLUGINS", ",".join(sorted(set(installed) - set(REPOSITORY_PLUGINS))))
    assert main(["formats"]) == 0
    assert capsys.readouterr().out.splitlines() == shown


def test_a_broken_plugin_is_reported_as_the_guide_shows(
    plugin_site: PluginSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    info = plugin_site.root / "openletter_odt-1.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: openletter-odt\nVersion: 1.0.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[openletter]\nodt = openletter_odt\n", encoding="utf-8")
    (plugin_site.root / "openletter_odt.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'odf'\", name='odf')  # as if odfpy were missing\n",
        encoding="utf-8",
    )
    importlib.invalidate_caches()
    monkeypatch.chdir(tmp_path)
    assert main(["new", "my-letter"]) == 0
    capsys.readouterr()

    steps = console(section(read(GUIDE), "When a plugin is broken"))
    assert [command for command, _ in steps] == [
        "openletter build my-letter/letter.md -o build",
        "echo $?",
        "openletter build my-letter/letter.md -t html -o build",
        "echo $?",
    ]
    status = None
    for command, shown in steps:
        if command == "echo $?":
            assert shown == [str(status)]
            continue
        status = main(shlex.split(command)[1:])
        captured = capsys.readouterr()
        assert captured.err.splitlines() + captured.out.splitlines() == shown, command

    # The message of a format that fails while rendering, quoted in the guide.
    plugin_site.install("openletter_broken_render", entry_point="fire")
    (quoted,) = re.findall(r"`(openletter: error: plugin 'fire'[^`]*)`", prose(read(GUIDE)))
    assert main(["--disable-plugin", "odt", "build", "my-letter/letter.md", "-t", "fire", "-o", "build"]) == 3
    assert capsys.readouterr().err.splitlines() == [quoted]
    # Blocking the broken plugin silences it.
    assert main(["--disable-plugin", "odt", "--disable-plugin", "fire", "formats"]) == 0
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------- the tutorial, for real


def _environment(site: Path) -> dict[str, str]:
    """The test's environment, with the tutorial's package on the path and no other plugin."""
    environment = dict(os.environ)
    for name in ("PYTEST_ADDOPTS", "OPENLETTER_DISABLE_PLUGIN_AUTOLOAD", "OPENLETTER_DISABLE_PLUGINS"):
        environment.pop(name, None)
    environment["PYTHONPATH"] = os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])])
    # Plugins installed in the test environment (plugins/openletter-pdf in CI) would add rows to
    # `openletter formats`: block them, so that the output is the tutorial's.
    others = sorted({ep.name for ep in importlib.metadata.entry_points(group="openletter")} - {"txt"})
    if others:
        environment["OPENLETTER_DISABLE_PLUGINS"] = ",".join(others)
    return environment


def _run(command: list[str], cwd: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.slow
def test_following_the_tutorial_word_for_word(tmp_path: Path) -> None:
    text = tutorial()
    steps = console(text)
    assert [command for command, _ in steps] == COMMANDS
    shown = dict(steps)
    site = tmp_path / "site"
    environment = _environment(site)

    def openletter_cli(command: str) -> subprocess.CompletedProcess[str]:
        argv = shlex.split(command)
        assert argv[0] == "openletter"
        return _run([sys.executable, "-m", "openletter", *argv[1:]], folder, environment)

    # $ mkdir openletter-txt && cd openletter-txt
    folder = tmp_path / "openletter-txt"
    folder.mkdir()
    # $ python -m venv .venv && . .venv/bin/activate: optional; `pip install --target` below keeps
    # the package out of the test environment instead.
    assert shown["python -m venv .venv && . .venv/bin/activate"] == []

    # $ pip install -e ../openletter: the tutorial starts beside a copy of the repository named
    # openletter (here: this one); openletter is already installed in the test environment.
    (tmp_path / "openletter").symlink_to(ROOT, target_is_directory=True)
    checkout = folder / shlex.split(COMMANDS[2])[-1]
    assert tomllib.loads((checkout / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"] == "openletter"
    assert shown[COMMANDS[2]] == []

    for path, content in tutorial_files(text).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(content, encoding="utf-8")

    # $ pip install -e ".[test]": openletter and pytest are already installed here; no network.
    assert importlib.util.find_spec("hatchling") is not None, "the test extra must include hatchling"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-build-isolation"]
    done = _run([*pip, "--disable-pip-version-check", "--target", str(site), str(folder)], tmp_path, environment)
    assert done.returncode == 0, done.stdout + done.stderr
    assert shown['pip install -e ".[test]"'] == []

    # $ openletter formats
    done = openletter_cli("openletter formats")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == shown["openletter formats"]

    # $ openletter new example: a copy of the worked example
    done = openletter_cli("openletter new example")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == shown["openletter new example"]
    assert (folder / "example" / "letter.md").read_bytes() == EXAMPLE.read_bytes()

    # $ openletter build example/letter.md -t txt
    done = openletter_cli("openletter build example/letter.md -t txt")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == shown["openletter build example/letter.md -t txt"]

    # $ tail -n 9 build/letter.txt
    _, _, count, path = shlex.split("tail -n 9 build/letter.txt")
    written = (folder / path).read_text(encoding="utf-8")
    assert written.splitlines()[-int(count) :] == shown["tail -n 9 build/letter.txt"]
    # The module registered in process, as "Testing a plugin" shows, renders the same text.
    spec = importlib.util.spec_from_file_location("tutorial_txt", folder / "src" / "openletter_txt" / "__init__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    registry = openletter.Registry(entry_points=False, plugins=[("txt", module)])
    assert registry.render(openletter.load(EXAMPLE), "txt").decode("utf-8") == written

    # $ openletter build example/letter.md -t txt -O txt.width=ten
    done = openletter_cli("openletter build example/letter.md -t txt -O txt.width=ten")
    assert done.returncode == 2
    assert done.stderr.splitlines() + done.stdout.splitlines() == shown[COMMANDS[8]]

    # $ pytest -q, then $ pytest -q -k hostile
    for command in ("pytest -q", "pytest -q -k hostile"):
        arguments = shlex.split(command)[1:]
        done = _run([sys.executable, "-m", "pytest", *arguments, "-p", "no:cacheprovider"], folder, environment)
        assert done.returncode == 0, done.stdout + done.stderr
        assert pytest_counts(done.stdout.splitlines()) == pytest_counts(shown[command]), done.stdout
