"""The command line: build, check, formats, new, and the promises about files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import openletter
from openletter.cli import EXIT_LETTER, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, main
from openletter.errors import OutputError
from openletter.output import output_path, write_atomic

from .conftest import ALL_OUTPUTS, EXAMPLE
from .plugin_site import PluginSite


def _copy_example(tmp_path: Path) -> Path:
    folder = tmp_path / "letter"
    shutil.copytree(EXAMPLE.parent, folder)
    return folder / "letter.md"


def test_build_writes_every_format_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(EXAMPLE), "-o", str(tmp_path)]) == EXIT_OK
    assert sorted(p.name for p in tmp_path.iterdir()) == ALL_OUTPUTS
    assert openletter.load(tmp_path / "letter.json") == openletter.load(EXAMPLE)
    assert f"wrote {tmp_path / 'letter.json'}" in capsys.readouterr().out


def test_build_only_the_formats_asked_for(tmp_path: Path) -> None:
    assert main(["build", str(EXAMPLE), "-t", "json", "-o", str(tmp_path)]) == EXIT_OK
    assert [p.name for p in tmp_path.iterdir()] == ["letter.json"]


def test_build_streams_one_format_to_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["build", str(EXAMPLE), "-t", "json", "-o", "-"]) == EXIT_OK
    assert json.loads(capsysbinary.readouterr().out)["title"] == openletter.load(EXAMPLE).title


def test_streaming_needs_exactly_one_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(EXAMPLE), "-o", "-"]) == EXIT_USAGE
    assert "-t FORMAT" in capsys.readouterr().err


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_output_into_the_letters_own_folder_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _copy_example(tmp_path)
    before = _snapshot(source.parent)
    assert main(["build", str(source), "-o", str(source.parent)]) == EXIT_OUTPUT
    err = capsys.readouterr().err
    assert f"format 'markdown' would overwrite {source}, which the letter is read from" in err
    assert "nothing was written" in err
    assert _snapshot(source.parent) == before  # not the source, and none of the other formats either


LETTER_READING_FILES = (
    "---\ntitle: T\nlanguage: en\nlogo:\n  file: letter.png\n  alt: A\nsignatories:\n- people: letter.csv\n"
    "---\n\nBody.\n"
)


@pytest.mark.parametrize(
    ("formats", "refusal"),
    [
        (["json", "clash-csv"], "format 'clash-csv' would overwrite {folder}/letter.csv, which the letter is read"),
        (["json", "clash-png"], "format 'clash-png' would overwrite {folder}/letter.png, which the letter is read"),
        (["json", "clash-json"], "format 'clash-json' would write {folder}/letter.json, which format 'json' writes"),
    ],
    ids=["csv", "logo", "two-formats"],
)
def test_an_output_over_a_file_the_letter_reads_or_another_output_writes_nothing(
    plugin_site: PluginSite, tmp_path: Path, capsys: pytest.CaptureFixture[str], formats: list[str], refusal: str
) -> None:
    plugin_site.install("openletter_clash")
    folder = tmp_path / "letter"
    folder.mkdir()
    (folder / "letter.md").write_text(LETTER_READING_FILES)
    (folder / "letter.csv").write_text("name\nAda\n")
    shutil.copy(Path(__file__).parent / "data" / "logo.png", folder / "letter.png")
    before = _snapshot(folder)
    arguments = ["build", str(folder / "letter.md"), "-o", str(folder)]
    assert main([*arguments, *(f"--to={name}" for name in formats)]) == EXIT_OUTPUT
    assert refusal.format(folder=folder) in capsys.readouterr().err
    assert _snapshot(folder) == before
    assert main([*arguments[:-1], str(tmp_path / "out"), *(f"--to={name}" for name in formats[:1])]) == EXIT_OK


def test_a_json_letter_built_into_its_own_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "letter.json"
    source.write_bytes(openletter.export(openletter.load(EXAMPLE), "json"))
    assert main(["build", str(source), "-t", "markdown", "-t", "json", "-o", str(tmp_path)]) == EXIT_OUTPUT
    assert "format 'json' would overwrite" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["letter.json"]


def test_outputs_replace_old_files_atomically_and_leave_no_temporary_files(tmp_path: Path) -> None:
    (tmp_path / "letter.json").write_text("old")
    assert main(["build", str(EXAMPLE), "-o", str(tmp_path)]) == EXIT_OK
    assert json.loads((tmp_path / "letter.json").read_text())["language"] == "en"
    assert sorted(p.name for p in tmp_path.iterdir()) == ALL_OUTPUTS


def test_a_failed_write_leaves_the_old_file_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "letter.json"
    target.write_text("old")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OutputError, match="No space left"):
        write_atomic(target, b"new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["letter.json"]


@pytest.mark.parametrize("name", ["../x.json", "a/b.json", "/etc/passwd", "..", ".hidden", "x\x00.json", " x.json"])
def test_output_names_cannot_escape_the_output_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError):
        output_path(tmp_path, name)


def test_output_folder_that_is_a_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    assert main(["build", str(EXAMPLE), "-o", str(blocker)]) == EXIT_OUTPUT
    assert "cannot write" in capsys.readouterr().err
    assert blocker.read_text() == "not a folder"


def test_unknown_options_are_refused_before_anything_is_written(
    plugin_site: PluginSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plugin_site.install("openletter_sample")
    out = tmp_path / "out"
    assert main(["build", str(EXAMPLE), "-O", "sample-txt.colour=red", "-o", str(out)]) == EXIT_USAGE
    assert "has no option 'colour'" in capsys.readouterr().err
    assert not out.exists()


def test_csv_signatories_cannot_be_a_symlink_out_of_the_letter_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("name\nSecret Person\n")
    folder = tmp_path / "letter"
    folder.mkdir()
    (folder / "people.csv").symlink_to(secret)
    (folder / "letter.md").write_text("---\ntitle: T\nlanguage: en\nsignatories:\n- people: people.csv\n---\n\nBody.\n")
    assert main(["check", str(folder / "letter.md")]) == EXIT_LETTER
    assert "signatories[0].people: 'people.csv' is not a CSV file name inside the letter's folder" in (
        capsys.readouterr().out
    )


def test_format_options_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(EXAMPLE), "-t", "json", "-O", "json.indent=4", "-o", str(tmp_path)]) == EXIT_USAGE
    assert "has no option 'indent'" in capsys.readouterr().err
    assert main(["build", str(EXAMPLE), "-t", "json", "-O", "nonsense", "-o", str(tmp_path)]) == EXIT_USAGE
    assert main(["build", str(EXAMPLE), "-t", "json", "-O", "markdown.x=1", "-o", str(tmp_path)]) == EXIT_USAGE
    assert list(tmp_path.iterdir()) == []


def test_check_reports_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "-t", "html", str(EXAMPLE)]) == EXIT_OK
    assert capsys.readouterr().out.strip().endswith(": ok")


def test_check_reports_every_problem_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "letter.yaml"
    bad.write_text("title: 5\nlanguage: english\nsections: []\nsignatories:\n- people:\n  - name: ''\n")
    assert main(["check", str(bad)]) == EXIT_LETTER
    out = capsys.readouterr().out
    assert f"{bad}:1: title: got the number 5" in out
    assert f"{bad}:2: language: 'english' is not a BCP 47 language tag" in out
    assert f"{bad}:3: sections: is empty" in out
    assert f"{bad}:6: signatories[0].people[0].name: is empty" in out
    assert "4 problems found" in out


def test_check_warnings_do_not_fail_unless_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    letter = tmp_path / "letter.md"
    letter.write_text(
        "---\ntitle: T\nlanguage: en\nsignatories:\n- organisations:\n  - name: O\n---\n\nText[^1] and [^2].\n\n"
        "[^1]: A note.\n[^3]: Never cited.\n"
    )
    assert main(["check", str(letter)]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"{letter}:9: sections[0].text: warning: the endnote marker [^2] has no note" in out
    assert f"{letter}:12: references[1]: warning: the note [^3] is never cited" in out
    assert main(["check", "--strict", str(letter)]) == EXIT_LETTER
    assert "failed (2 warnings); --strict fails on warnings" in capsys.readouterr().out


def test_check_several_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.md"
    assert main(["check", str(EXAMPLE), str(missing)]) == EXIT_LETTER
    out = capsys.readouterr().out
    assert f"{EXAMPLE}: ok" in out
    assert f"{missing}:1: (document): cannot read the letter: no such file" in out


def test_build_refuses_an_invalid_letter_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "letter.json"
    bad.write_text('{"title": "T"}')
    out = tmp_path / "out"
    assert main(["build", str(bad), "-o", str(out)]) == EXIT_LETTER
    assert "language: required field is missing" in capsys.readouterr().err
    assert not out.exists()


def test_new_scaffolds_a_letter_that_checks_and_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "my-letter"
    assert main(["new", str(folder)]) == EXIT_OK
    assert (folder / "letter.md").read_bytes() == EXAMPLE.read_bytes()
    assert "README.md" not in [p.name for p in folder.iterdir()]
    assert main(["check", str(folder / "letter.md")]) == EXIT_OK
    assert main(["build", str(folder / "letter.md"), "-o", str(folder / "build")]) == EXIT_OK


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["new", str(tmp_path)]) == EXIT_OUTPUT
    assert "already exists" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_new_from_an_unknown_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["new", str(tmp_path / "x"), "--from", "nope"])
    assert exited.value.code == EXIT_USAGE
    assert "aphr_cambodia" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_bad_arguments_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["build"])
    assert exited.value.code == EXIT_USAGE


def test_internal_errors_are_reported_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(path: object) -> None:
        raise ZeroDivisionError("oops")

    monkeypatch.setattr("openletter.sources.load_file", explode)
    assert main(["check", str(EXAMPLE)]) == 70
    err = capsys.readouterr().err
    assert "internal error: ZeroDivisionError: oops" in err and "Traceback" not in err


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "openletter", *args], capture_output=True, text=True, check=False, cwd=cwd
    )


def test_python_dash_m_openletter_version() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"openletter {openletter.__version__}"


def test_console_script_builds_the_example(tmp_path: Path) -> None:
    script = shutil.which("openletter")
    assert script is not None, "the openletter console script is installed by pip install -e ."
    result = subprocess.run(
        [script, "build", str(EXAMPLE), "-o", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ALL_OUTPUTS


def test_csv_with_a_repeated_column_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "people.csv").write_text("name,name\na,b\n")
    (tmp_path / "letter.md").write_text(
        "---\ntitle: T\nlanguage: en\nsignatories:\n- people: people.csv\n---\n\nBody.\n"
    )
    assert main(["check", str(tmp_path / "letter.md")]) == EXIT_LETTER
    assert (
        f"{tmp_path / 'people.csv'}:1: signatories[0].people: the column 'name' appears twice"
        in capsys.readouterr().out
    )


def test_a_control_character_in_yaml_is_reported_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "letter.md"
    source.write_text(
        "---\ntitle: T\nlanguage: en\nsignatories:\n- organisations:\n  - name: O\nplace: A\x0bB\n---\n\nText\n"
    )
    assert main(["check", str(source)]) == EXIT_LETTER
    out = capsys.readouterr().out
    assert f"{source}:7: (document): a vertical tab (U+000B) at column 9 is not allowed in YAML" in out
    assert len(out.strip().splitlines()) == 2  # the problem, then the count


def test_new_into_an_impossible_folder_is_an_output_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file.md"
    blocker.write_text("x")
    assert main(["new", str(blocker / "sub")]) == EXIT_OUTPUT
    assert "cannot create" in capsys.readouterr().err


def test_a_yaml_key_read_as_a_boolean_is_named_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "letter.yaml"
    source.write_text("title: T\nlanguage: en\non: yes\nsections:\n- text: x\nsignatories:\n- people:\n  - name: N\n")
    assert main(["check", str(source)]) == EXIT_LETTER
    assert f"{source}:3: on: YAML reads the field name on as a yes/no value" in capsys.readouterr().out
