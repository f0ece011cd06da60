"""Every malformed source in ``tests/data/bad/`` is refused with one precise, located problem.

Layout of the corpus: each entry directly in ``tests/data/bad/`` is one case.

* A file is itself the source to check (``date_not_iso.yaml``).
* A folder holds exactly one source named ``letter.*`` plus the CSV files it names
  (``csv_missing_name/letter.md`` + ``csv_missing_name/signatories.csv``); the case is the folder.

`CASES` below is the one place that says what ``openletter check`` must print for each case: the
file and line the problem is reported at (the reported file differs from the source when the
fault is in a CSV file), the field path, and a key phrase of the message. A case in the folder
without an entry in `CASES`, or an entry without a case, fails `test_every_case_has_an_expectation`.

The Latin-1 case is a ``.yaml`` file, not a ``.md`` one: ``ruff format`` reads Markdown files (for
their Python code blocks) and fails on bytes that are not UTF-8.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from openletter import LetterError, load, loads
from openletter.cli import main
from openletter.sources.csv_source import CSV_MAX_BYTES

BAD = Path(__file__).resolve().parent / "data" / "bad"

# FILE:LINE: field.path: message -- the shape of every problem line `openletter check` prints.
PROBLEM_LINE = re.compile(r"^(?P<file>.+?):(?P<line>[0-9]+): (?P<path>\S+): (?P<message>.+)$")


class Expect(NamedTuple):
    line: int
    path: str
    phrase: str
    file: str | None = None
    """The reported file, relative to ``tests/data/bad``; None: the source itself."""


CASES: dict[str, Expect] = {
    # dates
    "date_not_iso.yaml": Expect(3, "date", "'8 June 2023' is not an ISO date"),
    "date_impossible.yaml": Expect(3, "date", "'2023-02-30' is not a real date"),
    "date_with_time.yaml": Expect(3, "date", "is a date with a time of day"),
    "date_with_time.toml": Expect(3, "date", "got a date with a time of day"),
    "date_with_time.json": Expect(4, "date", "is a date with a time of day"),
    "deadline_not_iso.json": Expect(6, "demands[0].deadline", "'next week' is not an ISO date"),
    # missing required fields (reported where the enclosing mapping starts)
    "missing_title.yaml": Expect(1, "title", "required field is missing"),
    "missing_language.md": Expect(2, "language", "required field is missing"),
    "missing_signatories.json": Expect(1, "signatories", "the letter has no sender to sign it"),
    # wrong types
    "title_number.yaml": Expect(1, "title", "got the number 2023; YAML reads the unquoted 2023 as a number"),
    "name_number.toml": Expect(9, "signatories[0].people[0].name", "got the number 42"),
    "keywords_string.yaml": Expect(3, "keywords", "got the text 'human rights' (expected a list)"),
    "addressees_mapping.yaml": Expect(3, "addressees", "got a mapping of fields (expected a list)"),
    "addressee_text.yaml": Expect(4, "addressees[0]", "got the text 'The Congress' (expected a mapping of fields"),
    "country_no.yaml": Expect(
        8,
        "signatories[0].organisations[0].country",
        'got the boolean false; YAML reads the unquoted word NO as a yes/no value: write "NO" in quotes',
    ),
    # unknown fields
    "unknown_field_top.yaml": Expect(3, "adressees", "unknown field 'adressees'; did you mean 'addressees'?"),
    "unknown_field_nested.yaml": Expect(
        8, "signatories[0].organisations[0].contry", "unknown field 'contry'; did you mean 'country'?"
    ),
    "number_key.yaml": Expect(3, "2023", "unknown field '2023'"),
    # syntax
    "yaml_bad_indent.yaml": Expect(5, "(document)", "this line is indented more than the field above it"),
    "yaml_unclosed_quote.yaml": Expect(1, "(document)", "the double quote at column 8 is never closed"),
    "front_matter_unclosed_quote.md": Expect(2, "(document)", "the double quote at column 8 is never closed"),
    "broken.toml": Expect(2, "(document)", "not valid TOML: Invalid value"),
    "broken.json": Expect(3, "(document)", "not valid JSON: a comma after the last item at column 19"),
    "deep_nesting.yaml": Expect(3, "(document)", "nested more than 100 levels deep"),
    "deep_nesting.json": Expect(1, "(document)", "nested too deeply"),
    # YAML and JSON traps
    "yaml_duplicate_keys.yaml": Expect(3, "title", "the field 'title' is given twice (first on line 1)"),
    "json_duplicate_keys.json": Expect(6, "title", "the field 'title' is given twice (first on line 2)"),
    "yaml_alias.yaml": Expect(3, "subtitle", "YAML aliases (*name) are not supported"),
    "yaml_merge_key.yaml": Expect(6, "addressees[1].<<", "YAML merge keys (<<:) are not supported"),
    "yaml_merge_key_inline.yaml": Expect(6, "addressees[1].<<", "YAML merge keys (<<:) are not supported"),
    "front_matter_merge_key.md": Expect(6, "addressees[0].<<", "YAML merge keys (<<:) are not supported"),
    # not text, or no letter in it
    "latin1.yaml": Expect(3, "(document)", "not valid UTF-8: byte 0xE8 at column 11 (it may be Latin-1"),
    "utf16.yaml": Expect(1, "(document)", "the file is UTF-16 or UTF-32 encoded"),
    "binary.json": Expect(1, "(document)", "this is a binary file, not text"),
    "empty.yaml": Expect(1, "(document)", "the file is empty"),
    "whitespace_only.md": Expect(1, "(document)", "the file is empty"),
    "unknown_suffix.txt": Expect(1, "(document)", "cannot tell the format of a .txt file"),
    # letter.md structure
    "no_front_matter.md": Expect(1, "(document)", "does not start with front matter"),
    "front_matter_unclosed.md": Expect(1, "(document)", "the front matter is never closed"),
    "heading_level1.md": Expect(9, "sections", "a level-1 heading ('# ...') in the body"),
    "sections_in_front_matter.md": Expect(4, "sections", "the text of 'sections' comes from the Markdown body"),
    # field values and cross-field rules
    "bad_language.yaml": Expect(2, "language", "'en_US' is not a BCP 47 language tag"),
    "bad_url.toml": Expect(3, "url", "'www.example.org/letter' is not an absolute web address"),
    "bad_email.json": Expect(5, "addressees[0].email", "'congress at example.org' is not an email address"),
    "demand_unknown_target.yaml": Expect(8, "demands[0].target", "no addressee has the id 'senate'"),
    "demand_duplicate_ids.toml": Expect(12, "demands[1].id", "'act' is already used by demands[0]"),
    "demand_bad_status.json": Expect(6, "demands[0].status", "'done' is not allowed"),
    "group_both.yaml": Expect(6, "signatories[0]", "has both of 'organisations' and 'people'"),
    "section_no_heading.yaml": Expect(5, "sections[1].heading", "only the first section may have no heading"),
    "section_no_heading.json": Expect(6, "sections[1].heading", "only the first section may have no heading"),
    "anchor_no_match.md": Expect(8, "demands[0].quote", "'release the survey' matches no passage of the body"),
    "anchor_two_matches.md": Expect(
        8, "demands[0].quote", "'We ask the minister to' matches 2 passages of the body (sections[0], sections[1])"
    ),
    "anchor_across_emphasis.md": Expect(
        8, "demands[0].quote", "starts inside emphasis, a link or code and ends outside it"
    ),
    "lang_not_bcp47.md": Expect(9, "demands[0].lang", "'english' is not a BCP 47 language tag"),
    "label_unknown_key.md": Expect(8, "labels.signatory", "unknown field 'signatory'; did you mean 'signatories'?"),
    "numbering_without_list.md": Expect(
        7, "signatory_numbering", "'continuous' numbers a signatory list, and the letter has none"
    ),
    "front_matter_sections_count.md": Expect(7, "sections", "the front matter lists 1 sections and the body has 2"),
    # CSV signatory lists (one folder per case)
    "csv_missing_name": Expect(
        1, "signatories[0].people", "the header row has no 'name' column", "csv_missing_name/signatories.csv"
    ),
    "csv_unknown_column": Expect(
        1,
        "signatories[0].people",
        "unknown column 'contry'; did you mean 'country'?",
        "csv_unknown_column/signatories.csv",
    ),
    "csv_unnamed_columns": Expect(
        1,
        "signatories[0].people",
        "the header row gives no name to columns 3 and 4",
        "csv_unnamed_columns/signatories.csv",
    ),
    "csv_too_many_cells": Expect(
        3,
        "signatories[0].people[1]",
        "this row has 3 cells but the header has 2 columns",
        "csv_too_many_cells/signatories.csv",
    ),
    "csv_outside_folder": Expect(
        5, "signatories[0].people", "'../x.csv' is not a CSV file name inside the letter's folder"
    ),
    "csv_missing_file": Expect(5, "signatories[0].people", "the CSV file 'signatories.csv' was not found"),
    "csv_latin1": Expect(3, "signatories[0].organisations", "not valid UTF-8: byte 0xE8", "csv_latin1/orgs.csv"),
}


def _cases_on_disk() -> list[str]:
    return sorted(entry.name for entry in BAD.iterdir())


def source_of(case: str) -> Path:
    """The file to check for `case`: the file itself, or the one ``letter.*`` in its folder."""
    path = BAD / case
    if not path.is_dir():
        return path
    letters = sorted(path.glob("letter.*"))
    assert len(letters) == 1, f"{path} must hold exactly one letter.* source, found {letters}"
    return letters[0]


def expected_prefix(case: str) -> str:
    expect = CASES[case]
    file = BAD / expect.file if expect.file else source_of(case)
    return f"{file}:{expect.line}: {expect.path}: "


def test_every_case_has_an_expectation() -> None:
    on_disk = set(_cases_on_disk())
    assert sorted(on_disk - CASES.keys()) == [], "cases in tests/data/bad/ with no entry in CASES"
    assert sorted(CASES.keys() - on_disk) == [], "entries in CASES with no case in tests/data/bad/"
    assert len(on_disk) >= 30


@pytest.mark.parametrize("case", sorted(set(_cases_on_disk()) | CASES.keys()))
def test_check_reports_the_precise_problem(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert case in CASES, f"tests/data/bad/{case} has no expectation in CASES"
    source = source_of(case)
    assert source.exists(), f"tests/data/bad/{case} is missing"
    for helper in [source] if source.parent == BAD else list(source.parent.iterdir()):
        assert helper.stat().st_size <= 2048, f"{helper} is not small"

    status = main(["--no-plugin-autoload", "check", str(source)])
    out, err = capsys.readouterr()

    assert status == 1, out + err
    assert "Traceback" not in out + err
    assert err == ""
    lines = out.splitlines()
    assert lines[-1] == f"{source}: 1 problem found", out
    problems = lines[:-1]
    assert len(problems) == 1, out
    problem = problems[0]
    assert PROBLEM_LINE.match(problem), problem
    assert problem.startswith(expected_prefix(case)), f"expected {expected_prefix(case)!r}..., got {problem!r}"
    assert CASES[case].phrase in problem.removeprefix(expected_prefix(case))


def test_whole_corpus_in_a_subprocess_never_shows_a_traceback() -> None:
    cases = _cases_on_disk()
    sources = [str(source_of(case)) for case in cases]
    env = {**os.environ, "OPENLETTER_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env.pop("OPENLETTER_DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-m", "openletter", "check", *sources],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert "internal error" not in output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    for case, source in zip(cases, sources, strict=True):
        assert f"{source}: 1 problem found" in lines, f"{case}: {output}"
        prefix = expected_prefix(case)
        assert any(line.startswith(prefix) and CASES[case].phrase in line for line in lines), f"{case}: {output}"
    for line in lines:
        assert PROBLEM_LINE.match(line) or line.endswith(" problem found"), line


@pytest.mark.parametrize(
    ("header", "messages"),
    [
        (",,", ["the header row names no column"]),
        ("name,,", ["the header row gives no name to columns 2 and 3"]),
        ("name,country,", ["the header row gives no name to column 3"]),
        (
            "name,contry,contry",
            ["the column 'contry' appears twice", "unknown column 'contry'; did you mean 'country'?"],
        ),
    ],
)
def test_a_csv_header_problem_is_reported_once(header: str, messages: list[str], tmp_path: Path) -> None:
    (tmp_path / "letter.md").write_text((BAD / "csv_missing_name" / "letter.md").read_text(encoding="utf-8"))
    (tmp_path / "signatories.csv").write_text(f"{header}\nAnn Lee,Thailand,x\n", encoding="utf-8")
    with pytest.raises(LetterError) as raised:
        load(tmp_path / "letter.md")
    assert [p.message for p in raised.value.problems] == messages
    assert {(p.file, p.line) for p in raised.value.problems} == {(str(tmp_path / "signatories.csv"), 1)}


LONG_NUMBER = "9" * 5000  # Python reads at most 4,300 digits (sys.get_int_max_str_digits)
_LONG_NUMBER_LETTERS = {
    "letter.yaml": (
        f"title: T\nlanguage: en\nsubtitle: {LONG_NUMBER}\nsections:\n- text: x\n"
        "signatories:\n- people:\n  - name: A\n",
        3,
        "subtitle",
    ),
    "letter.md": (
        f"---\ntitle: T\nlanguage: en\nkeywords:\n- a\n- -{LONG_NUMBER}\n"
        "signatories:\n- people:\n  - name: A\n---\n\nx\n",
        6,
        "keywords[1]",
    ),
    "letter.json": (
        f'{{"title": "T",\n"language": "en",\n"keywords": ["a",\n{LONG_NUMBER}],\n'
        '"sections": [{"text": "x"}], "signatories": [{"people": [{"name": "A"}]}]}',
        4,
        "keywords[1]",
    ),
    "letter.toml": (
        f'title = "T {LONG_NUMBER}"  # {LONG_NUMBER}\nlanguage = "en"\nsubtitle = """\n{LONG_NUMBER}"""\n'
        f'place = {LONG_NUMBER}\n[[sections]]\ntext = "x"\n[[signatories]]\n[[signatories.people]]\nname = "A"\n',
        5,
        "place",
    ),
}


@pytest.mark.parametrize("name", sorted(_LONG_NUMBER_LETTERS))
def test_a_number_too_long_to_read_is_a_located_problem(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, line, path = _LONG_NUMBER_LETTERS[name]
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    assert main(["--no-plugin-autoload", "check", str(source)]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        f"{source}:{line}: {path}: a number with more than 4,300 digits is too long to read "
        '(expected text (put it in quotes: "..."))',
        f"{source}: 1 problem found",
    ]


def test_a_csv_cell_of_many_digits_is_text(tmp_path: Path) -> None:
    (tmp_path / "letter.md").write_text((BAD / "csv_missing_name" / "letter.md").read_text(encoding="utf-8"))
    (tmp_path / "signatories.csv").write_text(f"name\n{LONG_NUMBER}\n", encoding="utf-8")
    assert next(load(tmp_path / "letter.md").people()).name == LONG_NUMBER


def _limit_memory() -> None:  # pragma: no cover -- runs in the child process
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))  # a regression fails fast, not the machine


def _not_a_letter_file(kind: str, folder: Path) -> Path:
    if kind == "fifo":
        os.mkfifo(folder / "letter.yaml")
        return folder / "letter.yaml"
    if kind == "device":
        (folder / "letter.yaml").symlink_to("/dev/zero")
        return folder / "letter.yaml"
    if kind == "folder":
        (folder / "letter.md").mkdir()
        return folder / "letter.md"
    with open(folder / "letter.json", "wb") as handle:  # sparse: takes no disk space
        handle.truncate(17 * 1024 * 1024)
    return folder / "letter.json"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and /dev/zero")
@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("fifo", "cannot read the letter: this is a named pipe (FIFO), not a letter file"),
        ("device", "cannot read the letter: this is a device (/dev/zero), not a letter file"),
        ("folder", "cannot read the letter: this is a folder, not a letter file"),
        ("large", "cannot read the letter: the file is 17,408 KiB, more than 16,384 KiB"),
    ],
)
def test_a_letter_source_that_is_not_a_regular_file_of_a_sane_size_is_refused_unread(
    kind: str, message: str, tmp_path: Path
) -> None:
    source = _not_a_letter_file(kind, tmp_path)
    env = {**os.environ, "OPENLETTER_DISABLE_PLUGIN_AUTOLOAD": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "openletter", "check", str(source)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,  # a FIFO opened for reading waits for a writer: never hang the suite
        preexec_fn=_limit_memory,
        check=False,
    )
    assert (result.returncode, result.stderr) == (1, ""), result.stdout + result.stderr
    problem = result.stdout.splitlines()[0]
    assert problem.startswith(f"{source}:1: (document): {message} (expected ")


def test_a_csv_file_larger_than_the_limit_is_refused_unread(tmp_path: Path) -> None:
    (tmp_path / "letter.md").write_text((BAD / "csv_missing_name" / "letter.md").read_text(encoding="utf-8"))
    with open(tmp_path / "signatories.csv", "wb") as handle:
        handle.truncate(CSV_MAX_BYTES + 1024 * 1024)  # sparse: no disk space, and never read
    with pytest.raises(LetterError) as raised:
        load(tmp_path / "letter.md")
    [problem] = raised.value.problems
    assert problem.path == ("signatories", 0, "people")
    assert problem.message == "the file is 263,168 KiB, more than 262,144 KiB"
    assert problem.expected == "a CSV file of at most 262,144 KiB"


_QUOTE_IT = 'the value in quotes: title: "Open Letter: Free Them"'
_NBSP_INDENT = (
    "this line is indented with a non-breaking space (U+00A0), which YAML does not read as indentation",
    "indentation with ordinary spaces: delete the spaces at the start of the line and type them again",
)
_TAB = ("indentation with spaces: replace the tab with spaces",)


@pytest.mark.parametrize(
    ("text", "line", "message", "expected"),
    [
        pytest.param(
            "title: Open Letter: Free Them\nlanguage: en\n",
            1,
            'the value contains ": " at column 19, which YAML reads as the start of another field',
            _QUOTE_IT,
            id="colon-in-value",
        ),
        pytest.param(
            "title: T\naddressees:\n- name: Dr. Who: Time Lord\n",
            3,
            'the value contains ": " at column 16, which YAML reads as the start of another field',
            'the value in quotes: - name: "Dr. Who: Time Lord"',
            id="colon-in-list-item",
        ),
        pytest.param(
            'title: T\nsubtitle: He said "no": twice\n',
            2,
            'the value contains ": " at column 23, which YAML reads as the start of another field',
            "the value in quotes: subtitle: 'He said \"no\": twice'",
            id="colon-in-value-with-double-quotes",
        ),
        pytest.param(
            "title: T\n  language: en\n",
            2,
            "this line is indented more than the field above it, so YAML reads it as more of that field's "
            'value, and the ": " at column 11 as the start of a field',
            "the field in the same column as the one above it; if the line does continue that value, "
            "the whole value in quotes",
            id="indented-too-far",
        ),
        pytest.param(
            "title: T\n\tlanguage: en\n", 2, "a tab at column 1: YAML indents with spaces only", *_TAB, id="tab"
        ),
        pytest.param(
            "title: T\nsignatories:\n-\tpeople: x\n", 3, "a tab at column 2: YAML indents with spaces only", *_TAB,
            id="tab-after-dash",
        ),
        pytest.param(
            "title: T\nkeywords: [a, b\nlanguage: en\nplace: x\n",
            2,
            'the "[" at column 11 opens a list that is never closed with "]"',
            '"]" after its last item, and a comma between items; or the whole value in quotes if the "[" '
            "is part of the text",
            id="unclosed-bracket",
        ),
        pytest.param(
            "title: T\nemail: {sender: a@example.org\nlanguage: en\n",
            2,
            'the "{" at column 8 opens a mapping that is never closed with "}"',
            '"}" after its last item, and a comma between items; or the whole value in quotes if the "{" '
            "is part of the text",
            id="unclosed-brace",
        ),
        pytest.param(
            "title: T\nsubtitle: 'Ann\n",
            2,
            "the single quote at column 11 is never closed",
            "a closing single quote at the end of the value",
            id="unclosed-single-quote",
        ),
        pytest.param(
            "title: T\nsubtitle: 'Ann's letter'\n",
            2,
            "text after the closing quote (column 16)",
            "the whole value inside the quotes (inside '...', write an apostrophe as ''), "
            "or nothing after the closing quote",
            id="apostrophe-in-single-quotes",
        ),
        pytest.param(
            'title: "T" and more\n',
            1,
            "text after the closing quote (column 12)",
            "the whole value inside the quotes, or nothing after the closing quote",
            id="text-after-quote",
        ),
        pytest.param(
            "title: T\nsubtitle: @handle\n",
            2,
            "a value cannot start with '@' (column 11) unless it is in quotes",
            'the value in quotes: subtitle: "@handle"',
            id="at-sign",
        ),
        pytest.param(
            "title: T\nlanguage: en\n- x\n",
            3,
            "a list item ('- ') where a field ('name: value') is expected",
            "list items only under a field that holds a list, in the same column as the other items",
            id="stray-list-item",
        ),
        pytest.param(
            "title: T\nkeywords:\n\xa0 - a\n", 3, *_NBSP_INDENT, id="nbsp-indent-syntax-error"
        ),
        pytest.param(
            "title: T\naddressees:\n\xa0 - name: x\n", 3, *_NBSP_INDENT, id="nbsp-indent-read-as-a-name"
        ),
        pytest.param(
            "title: T\nemail:\n  sender: a@example.org\n\xa0 to: [x]\n", 4, *_NBSP_INDENT, id="nbsp-indent-nested"
        ),
        pytest.param(
            "title: T\nsubtitle: a\x07b\n",
            2,
            "a bell character (U+0007) at column 12 is not allowed in YAML",
            "text without control characters: delete it, or retype the text around it",
            id="bell",
        ),
        pytest.param(
            "title: T\nsubtitle: a\x00b\n",
            2,
            "a NUL (U+0000) at column 12 is not allowed in YAML",
            "text without control characters: delete it, or retype the text around it",
            id="nul",
        ),
    ],
)  # fmt: skip
@pytest.mark.parametrize("fmt", ["yaml", "markdown"])
def test_yaml_errors_say_what_to_do_at_the_line_where_they_start(
    text: str, line: int, message: str, expected: str, fmt: str
) -> None:
    if fmt == "markdown":  # the same YAML as letter.md front matter: one line further down
        text, line = f"---\n{text}---\n\nBody.\n", line + 1
    with pytest.raises(LetterError) as raised:
        loads(text, fmt)  # type: ignore[arg-type]
    [problem] = raised.value.problems
    assert (problem.line, problem.message, problem.expected) == (line, message, expected)


def test_a_non_breaking_space_inside_a_text_block_is_text() -> None:
    text = "title: T\nlanguage: en\nsections:\n- text: |-\n    a\n    \xa0b\nsignatories:\n- people:\n  - name: A\n"
    assert loads(text, "yaml").sections[0].text == "a\n\xa0b"
