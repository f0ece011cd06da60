"""Importing signatures from CSV exports (``openletter import-signatures``, `openletter.imports`).

The sample exports in tests/data/imports/ are written for these tests: a Google Forms download
(UTF-8 with a BOM, CRLF, a quoted newline, blank rows in the middle and at the end, a formula),
an Action Network download (Arabic and Chinese names, a duplicate, formula-looking cells), an
Excel CSV (``sep=;`` line, ``;``, French headers, value tables, dates with a time zone) and
Excel's "Unicode text" (UTF-16, tab-separated).
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import openletter
from openletter import LetterError
from openletter.cli import main
from openletter.imports import import_signatures, load_mapping, parse_mapping, preset
from openletter.model import Contact, Person, Signature, Verification, Withdrawal

DATA = Path(__file__).parent / "data" / "imports"
PARIS = dt.timezone(dt.timedelta(hours=2))
LETTER = "---\ntitle: T\nlanguage: en\nsignatories:\n- people: signatories.csv\n---\n\nWe ask.\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A letter folder with the sample exports and a signatory file of two people (CRLF)."""
    for file in DATA.iterdir():
        shutil.copy(file, tmp_path / file.name)
    (tmp_path / "letter.md").write_text(LETTER, encoding="utf-8")
    return tmp_path


def _people(folder: Path) -> dict[str, Person]:
    letter = openletter.load(folder / "letter.md")
    return {p.name: p for group in letter.signatories for p in getattr(group, "people", ())}


# --------------------------------------------------------------------------- presets


def test_google_forms_preset_imports_good_rows_and_reports_the_others(folder: Path) -> None:
    export = folder / "google-forms.csv"
    before = export.read_bytes()
    report = import_signatures(export, folder / "signatories.csv", preset("google-forms"))
    assert [(e.line, e.name) for e in report.added] == [
        (2, "Ann Lee"),
        (4, "Bo Chan"),  # trimmed
        (8, '=HYPERLINK("http://evil.example/","click")'),
    ]
    assert [str(e) for e in report.duplicates] == [
        f"{export}:6: Ann Lee (again): same email address as {export}:2",
        f"{export}:7: សុខ ចាន់ធី: same email address as {folder / 'signatories.csv'}:3",
    ]
    assert [str(p) for p in report.rejected] == [
        f"{export}:9: signed: '31/02/2024 10:00:00' is not a date (expected 12/31/2024 14:30:05 (%m/%d/%Y %H:%M:%S), "
        "12/31/2024 14:30 (%m/%d/%Y %H:%M), 12/31/2024 (%m/%d/%Y), or ISO 8601 such as 2024-12-31 or "
        "2024-12-31T14:30:05+02:00)",
        f"{export}:10: name: is empty (expected a name in 'Name')",
    ]
    assert report.written
    assert export.read_bytes() == before  # the export is never touched
    people = _people(folder)
    assert people["Ann Lee"].signature == Signature(
        signed=dt.date(2024, 5, 3), contact=Contact(email="ann@example.org")
    )
    assert people["Bo Chan"].signature == Signature(signed=dt.date(2024, 5, 3), contact=Contact(email="bo@example.org"))


def test_action_network_preset_joins_first_and_last_names(folder: Path) -> None:
    export = folder / "action-network.csv"
    report = import_signatures(export, folder / "signatories.csv", preset("action-network"))
    assert [e.name for e in report.added] == ["Layla حداد", "伟 李", "Tom Example", "+1 -2"]
    assert [str(e) for e in report.duplicates] == [f"{export}:5: Layla حداد: same name and affiliation as {export}:2"]
    assert not report.rejected
    people = _people(folder)
    assert people["伟 李"].country == "China"
    assert people["伟 李"].signature == Signature(contact=Contact(email="li.wei@example.org"))
    assert people["+1 -2"].country == "@SUM(A1:A2)"  # formula-looking cells are kept as the text they are


def test_headers_match_ignoring_case_spaces_and_underscores(tmp_path: Path) -> None:
    export = tmp_path / "an.csv"
    export.write_text("First Name,LAST-NAME,E_mail,Email\nAnn,Lee,x,ann@example.org\n", encoding="utf-8")
    report = import_signatures(export, tmp_path / "s.csv", preset("action-network"))
    assert [e.name for e in report.added] == ["Ann Lee"]
    assert (tmp_path / "s.csv").read_text(encoding="utf-8") == "name,contact_email\nAnn Lee,ann@example.org\n"


# --------------------------------------------------------------------------- a mapping file


def test_generic_mapping_with_excel_quirks_value_tables_and_time_zone(folder: Path) -> None:
    export = folder / "excel-semicolon.csv"
    report = import_signatures(export, folder / "signatories.csv", load_mapping(folder / "excel-mapping.toml"))
    assert [e.name for e in report.added] == ["Marie Curie", "Jeanne Martin", "Paul Durand"]
    assert [str(e) for e in report.duplicates] == [f"{export}:8: marie CURIE: same name and affiliation as {export}:3"]
    assert [str(e) for e in report.withdrawn] == [f"{export}:6: Paul Durand: withdrawn in the export"]
    assert sorted({(p.line, p.path) for p in report.rejected}) == [
        (4, ("signed",)),
        (4, ("verified",)),
        (7, ("consent",)),
    ]
    assert str(report.rejected[-1]) == (
        f"{export}:7: consent: 'Peut-être' is not in the mapping's values "
        "(expected one of 'Oui', 'Non', or one of: full, name, count)"
    )
    people = _people(folder)
    at = dt.datetime(2024, 5, 3, 14, 30, tzinfo=PARIS)
    assert people["Marie Curie"] == Person(
        name="Marie Curie",
        title="Directrice",
        affiliation="Institut du Radium",
        country="France",
        signature=Signature(
            signed=at,
            consent="full",
            verification=Verification(method="email", at=at),
            source="formulaire 2024",
            contact=Contact(email="marie@example.org"),
        ),
    )
    assert people["Jeanne Martin"].signature is not None
    assert people["Jeanne Martin"].signature.consent == "count"
    paul = people["Paul Durand"].signature
    assert paul is not None
    assert paul.withdrawal == Withdrawal(at=dt.datetime(2024, 5, 6, 12, 0, tzinfo=PARIS))


def test_utf16_tab_separated_unicode_text_from_excel(folder: Path) -> None:
    report = import_signatures(
        folder / "excel-unicode.txt", folder / "signatories.csv", load_mapping(folder / "unicode-mapping.toml")
    )
    assert [e.name for e in report.added] == ["王芳", "علي حسن"]
    assert _people(folder)["علي حسن"].affiliation == "جامعة القاهرة"


@pytest.mark.parametrize(
    ("data", "delimiter"),
    [
        (b"name;email\r\nAnn;ann@example.org\r\n", None),
        (b"sep=;\nname;email\nAnn;ann@example.org\n", None),
        (b"name\temail\nAnn\tann@example.org\n", None),
        (b"name|email\nAnn|ann@example.org\n", "|"),
        (codecs.BOM_UTF8 + b"name,email\r\n\r\n,\r\nAnn,ann@example.org\r\n\r\n\r\n", None),
        ("name,email\nAnn,ann@example.org\n".encode("utf-16"), None),
    ],
)
def test_delimiters_encodings_and_blank_rows(tmp_path: Path, data: bytes, delimiter: str | None) -> None:
    (tmp_path / "e.csv").write_bytes(data)
    mapping = parse_mapping('[columns]\nname = "name"\ncontact_email = "email"\n', "m.toml")
    report = import_signatures(tmp_path / "e.csv", tmp_path / "s.csv", mapping, delimiter=delimiter)
    assert [e.name for e in report.added] == ["Ann"]
    assert (tmp_path / "s.csv").read_text(encoding="utf-8") == "name,contact_email\nAnn,ann@example.org\n"


def test_a_windows_1252_export_is_refused_unless_the_mapping_names_it(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_bytes("name\nRenée\n".encode("cp1252"))
    with pytest.raises(LetterError) as error:
        import_signatures(tmp_path / "e.csv", tmp_path / "s.csv", parse_mapping('[columns]\nname = "name"\n', "m"))
    assert str(error.value).startswith(f"{tmp_path / 'e.csv'}:2: (document): the file is not valid UTF-8: byte 0xE9")
    mapping = parse_mapping('encoding = "cp1252"\n[columns]\nname = "name"\n', "m")
    assert [e.name for e in import_signatures(tmp_path / "e.csv", tmp_path / "s.csv", mapping).added] == ["Renée"]


# --------------------------------------------------------------------------- the signatory file


def test_existing_rows_keep_their_bytes_and_new_columns_are_added_to_the_header(folder: Path) -> None:
    target = folder / "signatories.csv"
    target.write_bytes(codecs.BOM_UTF8 + b'name,affiliation\r\n"Existing ""Q"" Person",  River Watch\r\nSok,\r\n')
    import_signatures(folder / "google-forms.csv", target, preset("google-forms"))
    lines = target.read_bytes().split(b"\r\n")
    assert lines[0] == codecs.BOM_UTF8 + b"name,affiliation,signed,contact_email"
    assert lines[1:3] == [b'"Existing ""Q"" Person",  River Watch', b"Sok,"]
    assert lines[3] == b"Ann Lee,,2024-05-03,ann@example.org"


def test_a_missing_signatory_file_is_created_with_the_columns_used(tmp_path: Path) -> None:
    report = import_signatures(DATA / "google-forms.csv", tmp_path / "new.csv", preset("google-forms"))
    assert report.written
    text = (tmp_path / "new.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "name,signed,contact_email"


# --------------------------------------------------------------------------- withdrawals


def test_withdrawals_file_records_withdrawals_and_reports_what_it_cannot_match(folder: Path) -> None:
    target = folder / "signatories.csv"
    (folder / "withdrawals.csv").write_text(
        "email,withdrawn\nbo@example.org,2024-06-01\nEXISTING@example.org,\nnobody@example.org,2024-06-02\n",
        encoding="utf-8",
    )
    report = import_signatures(
        folder / "google-forms.csv", target, preset("google-forms"), withdrawals=folder / "withdrawals.csv"
    )
    assert [str(e) for e in report.withdrawn] == [
        f"{folder / 'google-forms.csv'}:4: Bo Chan: withdrawal from {folder / 'withdrawals.csv'}:2",
        f"{target}:2: Existing Person: withdrawal from {folder / 'withdrawals.csv'}:3",
    ]
    assert [str(e) for e in report.unmatched] == [
        f"{folder / 'withdrawals.csv'}:4: (no name): no signatory with this email address or name and affiliation"
    ]
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[1] == "Existing Person,River Watch,existing@example.org,,true"  # rewritten: withdrawn, day unknown
    assert lines[2] == "Sok Chanthy,,sok@example.org"  # untouched
    people = _people(folder)
    assert people["Existing Person"].signature == Signature(
        withdrawal=Withdrawal(), contact=Contact(email="existing@example.org")
    )
    bo = people["Bo Chan"].signature
    assert bo is not None
    assert bo.withdrawal == Withdrawal(at=dt.date(2024, 6, 1))
    # a second run: already withdrawn, nothing changes
    again = import_signatures(
        folder / "withdrawals.csv", target, parse_mapping('[columns]\nname = "email"\n', "m"), dry_run=True
    )
    assert not again.written
    # the same withdrawals again: already recorded, reported apart, not counted as withdrawn
    twice = import_signatures(
        folder / "google-forms.csv",
        target,
        preset("google-forms"),
        withdrawals=folder / "withdrawals.csv",
        dry_run=True,
    )
    assert twice.withdrawn == []
    assert sorted(e.name for e in twice.already_withdrawn) == ["Bo Chan", "Existing Person"]
    assert "already withdrawn (nothing to do): 2" in twice.text()


def test_an_export_row_withdrawing_a_known_signatory_records_the_withdrawal(folder: Path) -> None:
    (folder / "e.csv").write_text(
        "Name,Email,Unsubscribed\nSok Chanthy,SOK@example.org,yes\nNew One,new@example.org,no\n", encoding="utf-8"
    )
    mapping = parse_mapping('[columns]\nname = "Name"\ncontact_email = "Email"\nwithdrawn = "Unsubscribed"\n', "m.toml")
    report = import_signatures(folder / "e.csv", folder / "signatories.csv", mapping)
    assert [e.name for e in report.added] == ["New One"]
    assert [e.name for e in report.withdrawn] == ["Sok Chanthy"]
    assert not report.duplicates
    assert _people(folder)["Sok Chanthy"].signature == Signature(
        withdrawal=Withdrawal(), contact=Contact(email="sok@example.org")
    )


# --------------------------------------------------------------------------- policies


def test_strict_writes_nothing_when_a_row_is_rejected(folder: Path) -> None:
    before = (folder / "signatories.csv").read_bytes()
    report = import_signatures(
        folder / "google-forms.csv", folder / "signatories.csv", preset("google-forms"), strict=True
    )
    assert report.added and report.rejected and not report.written
    assert report.reason == "--strict, and rows were rejected"
    assert (folder / "signatories.csv").read_bytes() == before


def test_dry_run_writes_nothing(folder: Path) -> None:
    before = (folder / "signatories.csv").read_bytes()
    report = import_signatures(
        folder / "google-forms.csv", folder / "signatories.csv", preset("google-forms"), dry_run=True
    )
    assert len(report.added) == 3 and not report.written
    assert (folder / "signatories.csv").read_bytes() == before


names = st.sampled_from(["Ann", "ann", " Ann ", "Bo", "\uff22\uff4f", "Cy Lee", "cy  lee", "=1+1", "សុខ"])
emails = st.sampled_from(["", "a@example.org", "A@EXAMPLE.ORG", "b@example.org", "not an email"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(names, emails, st.sampled_from(["", "RW", "rw "])), max_size=12))
def test_every_row_is_added_reported_as_duplicate_or_rejected(tmp_path: Path, rows: list[tuple[str, str, str]]) -> None:
    export = tmp_path / "e.csv"
    export.write_text("name,email,org\n" + "".join(f"{n},{e},{o}\n" for n, e, o in rows), encoding="utf-8")
    mapping = parse_mapping('[columns]\nname = "name"\ncontact_email = "email"\naffiliation = "org"\n', "m")
    report = import_signatures(export, tmp_path / "never.csv", mapping, dry_run=True)
    lines = sorted(
        [e.line for e in report.added]
        + [e.line for e in report.duplicates]
        + list({p.line for p in report.rejected if p.line})
    )
    assert lines == list(range(2, len(rows) + 2))


# --------------------------------------------------------------------------- outputs


@pytest.mark.parametrize("format", ["html", "markdown"])
def test_a_formula_looking_name_is_text_in_public_outputs(folder: Path, format: str) -> None:
    import_signatures(folder / "google-forms.csv", folder / "signatories.csv", preset("google-forms"))
    letter = openletter.load(folder / "letter.md")
    out = openletter.export(letter, format).decode("utf-8")
    assert "http://evil.example/" in out.replace("&#34;", '"').replace("&quot;", '"')
    assert 'href="http://evil.example/' not in out
    assert "](http://evil.example/" not in out
    assert "HYPERLINK(" in out
    # read back, the markdown gives the same name: text, not a link or a formula
    if format == "markdown":
        again = openletter.loads(out, "markdown")
        names = [p.name for p in again.signatories[0].people]  # type: ignore[union-attr]
        assert '=HYPERLINK("http://evil.example/","click")' in names


# --------------------------------------------------------------------------- mapping errors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[columns]\nnom = 'x'\n", "m.toml:2: columns.nom: unknown signatory column 'nom'"),
        ("[columns]\ntitle = 'x'\n", "m.toml:1: columns.name: the mapping gives no name column"),
        ("[columns]\nname = ['a', 'b']\ntitle = ['c', 'd']\n", "m.toml:3: columns.title: only a name can be joined"),
        ("[columns\nname = 'x'\n", "m.toml:1: (document): this is not valid TOML"),
        ("preset = 'nope'\n", "m.toml:1: preset: unknown preset 'nope'"),
        (
            "[columns]\nname = 'x'\n[values.consent]\nYes = 'public'\n",
            "m.toml:4: Yes: 'public' is not a consent value (expected one of: full, name, count)",
        ),
        ("timezone = 'Mars/Olympus'\n[columns]\nname = 'x'\n", "m.toml:1: timezone: unknown time zone 'Mars/Olympus'"),
        (
            "[columns]\nname = 'x'\nverified = 'y'\n",
            "m.toml:3: columns.verified: a verification date without a verification method",
        ),
    ],
)
def test_mapping_errors_are_located(text: str, expected: str) -> None:
    with pytest.raises(LetterError) as error:
        parse_mapping(text, "m.toml")
    assert str(error.value).startswith(expected)


def test_a_mapping_can_start_from_a_preset_and_rename_a_question(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("Timestamp,Email address,Your full name\n5/3/2024 9:00:00,a@example.org,Ann\n")
    mapping = parse_mapping('preset = "google-forms"\n[columns]\nname = "Your full name"\n', "m.toml")
    report = import_signatures(tmp_path / "e.csv", tmp_path / "s.csv", mapping)
    assert [e.name for e in report.added] == ["Ann"]


def test_a_column_the_mapping_names_must_be_in_the_export(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("Name,Mail\nAnn,a@example.org\n")
    mapping = parse_mapping('[columns]\nname = "Name"\ncontact_email = "Email"\n', "m.toml")
    with pytest.raises(LetterError) as error:
        import_signatures(tmp_path / "e.csv", tmp_path / "s.csv", mapping)
    assert str(error.value) == (
        f"{tmp_path / 'e.csv'}:1: contact_email: the export has no column 'Email' (m.toml names it) "
        "(expected one of the export's columns: 'Name', 'Mail')"
    )


# --------------------------------------------------------------------------- command line


def test_cli_prints_the_report_writes_json_and_exits_1_for_rejected_rows(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "import-signatures",
            str(folder / "google-forms.csv"),
            "--into",
            str(folder / "signatories.csv"),
            "--preset",
            "google-forms",
            "--source",
            "form 2024",
            "--report",
            str(folder / "report.json"),
        ]
    )
    assert status == 1
    out = capsys.readouterr().out
    assert "added: 3\n" in out and "rejected: 2\n" in out and f"written to {folder / 'signatories.csv'}" in out
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["counts"] == {
        "added": 3,
        "duplicates": 2,
        "withdrawn": 0,
        "already_withdrawn": 0,
        "rejected": 2,
        "withdrawals_not_found": 0,
    }
    assert report["rejected"][1]["line"] == 10 and report["rejected"][1]["column"] == "name"
    assert _people(folder)["Ann Lee"].signature.source == "form 2024"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("arguments", "status", "message"),
    [
        (["missing.csv", "--preset", "google-forms"], 1, "missing.csv:1: (document): no such file"),
        (["google-forms.csv", "--preset", "nope"], 2, "unknown preset 'nope'"),
        (["google-forms.csv", "--mapping", "missing.toml"], 1, "missing.toml:1: (document): cannot read the mapping"),
        (["google-forms.csv"], 2, "one of the arguments --preset --mapping is required"),
    ],
)
def test_cli_errors_are_messages_not_tracebacks(
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    status: int,
    message: str,
) -> None:
    monkeypatch.chdir(folder)
    try:
        got = main(["import-signatures", *arguments, "--into", "signatories.csv"])
    except SystemExit as exit:
        got = int(exit.code or 0)
    err = capsys.readouterr().err
    assert got == status
    assert message in err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- scale


def test_twenty_thousand_rows_import_and_load(tmp_path: Path) -> None:
    rows = "".join(f"5/3/2024 14:30:00,p{n}@example.org,Person {n}\n" for n in range(20_000))
    (tmp_path / "e.csv").write_text("Timestamp,Email Address,Name\n" + rows, encoding="utf-8")
    (tmp_path / "letter.md").write_text(LETTER, encoding="utf-8")
    report = import_signatures(tmp_path / "e.csv", tmp_path / "signatories.csv", preset("google-forms"))
    assert len(report.added) == 20_000 and not report.duplicates and not report.rejected
    people = _people(tmp_path)
    assert len(people) == 20_000
    assert people["Person 19999"].signature == Signature(
        signed=dt.date(2024, 5, 3), contact=Contact(email="p19999@example.org")
    )
