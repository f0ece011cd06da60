"""Long signatory lists from CSV: the fast path, where problems are reported, the limits.

The CSV reader builds each valid row at once (`openletter.convert.RecordBuilder`) and leaves any
other row to `structure`: a letter must be accepted and refused exactly as if its rows were
written in the letter, with the same messages at the same places. These tests compare the two.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from openletter import LetterError, load
from openletter.convert import RecordBuilder, converter, structure
from openletter.errors import Problem
from openletter.model import Letter, Organisation, Person
from openletter.sources import csv_source

LETTER = (
    "---\ntitle: T\nlanguage: en\nsignatories:\n- people: people.csv\n- organisations: orgs.csv\n---\n\nDear all.\n"
)

# Cells that every check of a CSV cell has something to say about, and cells that are fine.
TRICKY = [
    "Ann Lee",
    "Ann\u202eLee",  # a direction override: valid, but lint warns
    "Ann\x07Lee",  # a control character: refused
    "Ann\u2028Lee",
    " Ann",
    "Ann ",
    "",
    " ",
    "\ufdd0",
    "Prof.",
    "https://example.org/x",
    "http://",
    "ftp://example.org",
    "info@example.org",
    "not an email",
    "en",
    "zh-Hant",
    "english!",
    "true",
    "FALSE",
    "yes",
    "a [^n1] note",
    "first\n\nsecond",
    "\n\ntext",
    "text\n\n",
    "# heading",
    "- item",
    "> quote",
    "=?utf-8?q?x?=",
]
cells = st.sampled_from(TRICKY) | st.text(max_size=12)


PERSON_COLUMNS = ["name", "honorific", "honorific_suffix", "title", "affiliation", "country", "lang", "pseudonym"]
ORGANISATION_COLUMNS = ["name", "short_name", "country", "url", "email", "description", "lang"]


@st.composite
def records(draw: st.DrawFn) -> tuple[type, list[str], list[list[Any]]]:
    """A class, some of its fields as columns (in any order), and rows of cells."""
    cls, fields = draw(st.sampled_from([(Person, [*PERSON_COLUMNS, "roles"]), (Organisation, ORGANISATION_COLUMNS)]))
    columns = draw(st.lists(st.sampled_from(fields), unique=True, min_size=1))
    rows = draw(st.lists(st.lists(cells, min_size=len(columns), max_size=len(columns)), min_size=1, max_size=8))
    for row in rows:  # as the CSV reader gives them: trimmed; the words true and false are booleans
        row[:] = [cell.strip() for cell in row]
        if "pseudonym" in columns:
            at = columns.index("pseudonym")
            row[at] = {"true": True, "false": False}.get(row[at].lower(), row[at])
    return cls, columns, rows


def _structured(row: dict[str, Any], cls: type) -> Any:
    try:
        return converter.structure(row, cls)
    except Exception:  # noqa: BLE001 -- any refusal
        return None


@settings(max_examples=150, deadline=None)
@given(records())
def test_a_record_builds_exactly_what_structure_makes_of_it(case: tuple[type, list[str], list[list[Any]]]) -> None:
    cls, columns, rows = case
    builder = RecordBuilder(cls, columns)
    for row in rows * 2:  # the second time, from what the builder remembers of the values
        built = builder.build(row)
        assert built == _structured({k: v for k, v in zip(columns, row, strict=True) if v != ""}, cls)
        assert built is None or type(built) is cls


def _csv(rows: list[list[str]], header: list[str]) -> str:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n\r ') else value

    return "\n".join(",".join(cell(c) for c in row) for row in [header, *rows]) + "\n"


def _inline(rows: list[list[str]], header: list[str]) -> list[dict[str, Any]]:
    """The rows as the field-by-field path reads them: trimmed cells, empty ones left out."""
    out = []
    for cells_ in rows:
        if not any(c.strip() for c in cells_):
            continue
        row: dict[str, Any] = {k: c.strip() for k, c in zip(header, cells_, strict=False) if c.strip()}
        if "pseudonym" in row:
            row["pseudonym"] = {"true": True, "false": False}.get(row["pseudonym"].lower(), row["pseudonym"])
        out.append(row)
    return out


def _problems(problems: list[Problem]) -> list[tuple[object, ...]]:
    return sorted((p.path, p.message, p.expected or "") for p in problems)


csv_cells = st.sampled_from([c for c in TRICKY if "\r" not in c]) | st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\r\x00"), max_size=8
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(csv_cells, min_size=3, max_size=3), min_size=1, max_size=6),
    st.lists(st.lists(csv_cells, min_size=3, max_size=3), min_size=1, max_size=6),
)
def test_a_csv_list_is_accepted_and_refused_as_the_same_list_written_out(
    people: list[list[str]], organisations: list[list[str]]
) -> None:
    person_header, organisation_header = ["name", "country", "pseudonym"], ["name", "url", "description"]
    # (a file whose rows are all blank is refused as having no rows, before any row is structured)
    assume(_inline(people, person_header) and _inline(organisations, organisation_header))
    data = {
        "title": "T",
        "language": "en",
        "sections": [{"text": "Dear all."}],
        "signatories": [
            {"people": _inline(people, person_header)},
            {"organisations": _inline(organisations, organisation_header)},
        ],
    }
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "letter.md").write_text(LETTER, encoding="utf-8")
        (Path(folder) / "people.csv").write_text(_csv(people, person_header), encoding="utf-8")
        (Path(folder) / "orgs.csv").write_text(_csv(organisations, organisation_header), encoding="utf-8")
        try:
            loaded: Letter | list[Problem] = load(Path(folder) / "letter.md")
        except LetterError as error:
            loaded = list(error.problems)
        try:
            expected: Letter | list[Problem] = structure(data)
        except LetterError as error:
            expected = list(error.problems)
    if isinstance(expected, Letter):
        assert loaded == expected
    else:
        assert isinstance(loaded, list)
        assert _problems(loaded) == _problems(expected)
        assert all(p.file and p.file.endswith(".csv") and p.line for p in loaded)


def test_a_bad_row_deep_in_a_long_list_is_reported_at_its_line(tmp_path: Path) -> None:
    rows = [f"Person {n},Country {n % 7}" for n in range(5000)]
    rows[10] = '"Person 10, with ""quotes"" and a\nsecond line",Lao'  # one row on two lines
    rows[20] = ""  # a blank row: skipped, but it is a line
    rows[4321] = "Person\x07 4321,Lao"
    (tmp_path / "letter.md").write_text(LETTER.replace("- organisations: orgs.csv\n", ""), encoding="utf-8")
    (tmp_path / "people.csv").write_text("name,country\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(LetterError) as raised:
        load(tmp_path / "letter.md")
    file = str(tmp_path / "people.csv")
    assert [(p.file, p.line, p.path, p.message) for p in raised.value.problems] == [
        (
            file,
            10 + 2,
            ("signatories", 0, "people", 10, "name"),
            "contains the control character U+000A (a line break) at position 31",
        ),
        (
            file,
            4321 + 3,
            ("signatories", 0, "people", 4320, "name"),
            "contains the control character U+0007 (a bell character) at position 7",
        ),
    ]


# --------------------------------------------------------------------------- limits


def test_a_csv_file_larger_than_16_mib_is_read(tmp_path: Path) -> None:
    (tmp_path / "letter.md").write_text(LETTER.replace("- organisations: orgs.csv\n", ""), encoding="utf-8")
    names = [f"{n} " + "A" * 100_000 for n in range(180)]  # (the csv module reads cells of up to 128 KiB)
    (tmp_path / "people.csv").write_text("name\n" + "\n".join(names) + "\n", encoding="utf-8")
    assert (tmp_path / "people.csv").stat().st_size > 17 * 1024 * 1024
    assert [p.name for p in load(tmp_path / "letter.md").people()] == names


@pytest.mark.parametrize("inline", [0, 2])
def test_more_signatories_than_the_limit_are_refused_at_the_first_row_too_many(
    inline: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_source, "MAX_SIGNATORIES", 10)
    own = "".join(f"  - name: Own {n}\n" for n in range(inline))
    text = LETTER.replace("signatories:\n", "signatories:\n- people:\n" + own if inline else "signatories:\n")
    (tmp_path / "letter.md").write_text(text, encoding="utf-8")
    (tmp_path / "people.csv").write_text("name\n" + "".join(f"P{n}\n" for n in range(5)), encoding="utf-8")
    (tmp_path / "orgs.csv").write_text("name\n\n" + "".join(f"O{n}\n" for n in range(5)), encoding="utf-8")
    if not inline:
        assert load(tmp_path / "letter.md").signatory_count == 10
        return
    with pytest.raises(LetterError) as raised:
        load(tmp_path / "letter.md")
    [problem] = raised.value.problems
    assert (problem.file, problem.line) == (str(tmp_path / "orgs.csv"), 2 + 5 - inline + 1)
    assert problem.path == ("signatories", 2, "organisations")
    assert problem.message == "the letter has more than 10 signatories (its lists and CSV files together)"
    assert problem.expected == "at most 10 signatories: publish a longer list as a file of its own"


def test_csv_files_larger_than_the_limit_together_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_source, "CSV_MAX_BYTES", 2048)
    text = LETTER.replace("- organisations: orgs.csv\n", "- people: people.csv\n- people: people.csv\n")
    (tmp_path / "letter.md").write_text(text, encoding="utf-8")
    (tmp_path / "people.csv").write_text("name\n" + "".join(f"Person {n:03d}\n" for n in range(80)), encoding="utf-8")
    with pytest.raises(LetterError) as raised:
        load(tmp_path / "letter.md")  # 965 bytes a file: the third is too many
    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.path) == (str(tmp_path / "letter.md"), 7, ("signatories", 2, "people"))
    assert problem.message == "with this file, the CSV files of the letter come to more than 2 KiB"
    assert problem.expected == "at most 2 KiB of CSV files in all (a file named twice counts twice)"


def test_a_csv_file_is_refused_at_its_first_row_when_the_letters_own_lists_are_over_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_source, "MAX_SIGNATORIES", 1)
    text = LETTER.replace("- organisations: orgs.csv\n", "- people:\n  - name: A\n  - name: B\n")
    (tmp_path / "letter.md").write_text(text, encoding="utf-8")
    (tmp_path / "people.csv").write_text("name\nC\n", encoding="utf-8")
    with pytest.raises(LetterError) as raised:
        load(tmp_path / "letter.md")
    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.path) == (str(tmp_path / "people.csv"), 2, ("signatories", 0, "people"))
    assert problem.message == "the letter has more than 1 signatories (its lists and CSV files together)"
