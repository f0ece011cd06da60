"""The plugin as openletter sees it: the entry point, the command line, a pure render function."""

from __future__ import annotations

import builtins
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import openletter_docx
import pytest
from docx_helpers import A4, EXAMPLE, US_LETTER, W, body_sections, paragraphs, render, rich_letter

import openletter
from openletter.plugins import Registry


def test_the_entry_point_provides_the_docx_format() -> None:
    info = Registry(entry_points=True).format("docx")
    assert info.plugin.distribution == "openletter-docx"
    assert info.exporter.suffix == ".docx"
    assert info.exporter.title == "Word document (.docx)"
    assert info.exporter.media_type == openletter_docx.MEDIA_TYPE
    assert dict(info.exporter.options) == {"paper": "a4 (default) or us-letter"}
    assert info.exporter.render is openletter_docx.render


def test_the_registry_refuses_an_unknown_option_and_a_bad_paper_size() -> None:
    registry = Registry(entry_points=True)
    letter = rich_letter()
    with pytest.raises(openletter.OptionError, match="no option 'size'"):
        registry.render(letter, "docx", {"size": "a4"})
    with pytest.raises(openletter.OptionError, match="bogus"):
        registry.render(letter, "docx", {"paper": "bogus"})
    assert registry.render(letter, "docx", {"paper": "us-letter"}) == render(letter, paper="us-letter")


def openletter_command(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENLETTER_")}
    return subprocess.run(
        [sys.executable, "-m", "openletter", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_openletter_build_writes_letter_docx(tmp_path: Path) -> None:
    result = openletter_command("build", str(EXAMPLE), "-t", "docx", "-o", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["letter.docx"]
    data = (tmp_path / "letter.docx").read_bytes()
    assert data == render(openletter.load(EXAMPLE))
    assert paragraphs(data)[1] == ("Title", openletter.load(EXAMPLE).title)
    formats = openletter_command("formats", cwd=tmp_path)
    assert "openletter-docx" in formats.stdout


def test_openletter_build_takes_the_paper_option(tmp_path: Path) -> None:
    result = openletter_command(
        "build", str(EXAMPLE), "-t", "docx", "-O", "docx.paper=us-letter", "-o", str(tmp_path), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    [section] = body_sections((tmp_path / "letter.docx").read_bytes())
    page = section.find(f"{W}pgSz")
    assert (int(page.get(f"{W}w")), int(page.get(f"{W}h"))) == US_LETTER != A4


def test_openletter_build_with_a_bogus_paper_is_a_usage_error(tmp_path: Path) -> None:
    result = openletter_command(
        "build", str(EXAMPLE), "-t", "docx", "-O", "docx.paper=bogus", "-o", str(tmp_path), cwd=tmp_path
    )
    assert result.returncode == 2
    assert "docx.paper must be one of a4, us-letter, not 'bogus'" in result.stderr
    assert not list(tmp_path.iterdir())


def test_rendering_writes_no_file_and_opens_no_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    letter = rich_letter()
    render(letter)  # python-docx's template and the parser are loaded: what follows is the render itself

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("render opened a connection")

    real_open = builtins.open

    def read_only_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        assert not set(mode) & set("wax+"), f"render opened {file!r} for writing"
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(builtins, "open", read_only_open)
    monkeypatch.chdir(tmp_path)
    assert render(letter)[:2] == b"PK"
    assert not list(tmp_path.iterdir())


def test_importing_the_plugin_does_not_import_python_docx(tmp_path: Path) -> None:
    code = "import sys, openletter_docx; openletter_docx.openletter_exporters(); print('docx' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert result.stdout.strip() == "False"
