"""``openletter translations`` (the status, PO files out and in) and ``openletter new --translation``."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

import openletter
from openletter.cli import EXIT_LETTER, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, main
from openletter.sources import load_file
from openletter.translations import load_translations, passage_hash, passages, read_translation, status

from .conftest import DATA

SAMPLE = DATA / "translations"


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    """A copy of the sample letter (en) with its km, fr and ar translations."""
    folder = tmp_path / "letter"
    shutil.copytree(SAMPLE, folder)
    return folder / "letter.md"


def _checked_by_po(source: Path, language: str) -> None:
    """Record every translated passage of `language` as checked, the way a translator does: export,
    clear the fuzzy flags, import."""
    po = source.with_name(f"{language}.po")
    assert main(["translations", "export", "--language", language, "-o", str(po), str(source)]) == EXIT_OK
    catalog = read_po(io.BytesIO(po.read_bytes()))
    for message in catalog:
        message.flags.discard("fuzzy")
    out = io.BytesIO()
    write_po(out, catalog)
    po.write_bytes(out.getvalue())
    assert main(["translations", "import", str(po), str(source)]) == EXIT_OK


def _edit(source: Path, old: str, new: str) -> None:
    text = source.read_text(encoding="utf-8")
    assert old in text
    source.write_text(text.replace(old, new), encoding="utf-8")


# --------------------------------------------------------------------------- status


def test_status_lists_stale_missing_and_extra_passages_after_the_original_is_edited(
    letter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _checked_by_po(letter, "km")
    _checked_by_po(letter, "fr")
    _edit(letter, "can no longer feed their children", "can no longer feed their families")
    _edit(
        letter.with_name("letter.fr.md"),
        "translated_from:\n",
        "translated_from:\n  sections[gone].text: 0123456789abcdef\n",
    )
    capsys.readouterr()
    assert main(["translations", str(letter), "--status"]) == EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{letter} (en): 10 passages, 3 translations"
    assert out[1:] == [
        "ar  letter.ar.md: 10 unchecked",
        "fr  letter.fr.md: 9 up to date, 1 stale, 1 extra",
        "    stale: sections[situation].text",
        "    extra: sections[gone].text",
        "km  letter.km.md: 8 up to date, 1 stale, 1 missing",
        "    stale: sections[situation].text",
        "    missing: demands[consultation].text",
        "(unchecked: translated, with no record of the original it was made from; "
        "openletter translations export, then import, records it)",
    ]


def test_strict_status_fails_when_a_passage_is_stale_missing_or_extra(letter: Path) -> None:
    for language in ("ar", "fr"):
        letter.with_name(f"letter.{language}.md").unlink()
    assert main(["translations", str(letter), "--strict"]) == EXIT_LETTER  # km leaves a demand untranslated
    letter.with_name("letter.km.md").unlink()
    shutil.copy(SAMPLE / "letter.fr.md", letter.with_name("letter.fr.md"))
    assert main(["translations", str(letter), "--strict"]) == EXIT_OK  # unchecked is not a failure
    _checked_by_po(letter, "fr")
    assert main(["translations", str(letter), "--strict"]) == EXIT_OK
    _edit(letter, "Respectfully,", "With respect,")
    assert main(["translations", str(letter), "--strict"]) == EXIT_LETTER
    assert main(["translations", str(letter)]) == EXIT_OK


def test_status_as_json(letter: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translations", "--json", str(letter)]) == EXIT_OK
    report = json.loads(capsys.readouterr().out)
    assert (report["language"], report["passages"], report["problems"]) == ("en", 10, [])
    km = next(t for t in report["translations"] if t["language"] == "km")
    assert km["counts"] == {"up-to-date": 0, "stale": 0, "missing": 1, "unchecked": 9, "extra": 0}
    assert km["passages"]["demands[consultation].text"] == "missing"
    assert km["file"] == str(letter.with_name("letter.km.md"))


def test_status_reports_a_translation_it_cannot_read_and_the_others(
    letter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(letter.with_name("letter.fr.md"), "language: fr", "language: de")
    assert main(["translations", str(letter)]) == EXIT_LETTER
    out = capsys.readouterr().out
    assert f"{letter.with_name('letter.fr.md')}:2: language: the file name says 'fr'" in out
    assert "km  letter.km.md: 1 missing, 9 unchecked" in out


def test_status_of_a_letter_without_translations_says_how_to_start_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "letter.md"
    shutil.copy(SAMPLE / "letter.md", source)
    assert main(["translations", str(source)]) == EXIT_OK
    assert f"openletter new --translation LANG {source}" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["translations", "export", "SOURCE"],  # no --language
        ["translations", "--language", "km", "SOURCE"],  # --language is for export
        ["translations", "import", "x.po", "SOURCE", "--strict"],
        ["translations", "import", "x.po"],
        ["translations", "SOURCE", "OTHER"],
    ],
)
def test_translations_usage_errors(letter: Path, argv: list[str]) -> None:
    assert main([str(letter) if a == "SOURCE" else a for a in argv]) == EXIT_USAGE


# --------------------------------------------------------------------------- new --translation


def test_new_translation_then_check_passes(letter: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "--translation", "de", str(letter)]) == EXIT_OK
    path = letter.with_name("letter.de.md")
    assert f"created {path}" in capsys.readouterr().out
    assert main(["check", "-t", "json", str(letter)]) == EXIT_OK
    assert "letter.de.md:" in capsys.readouterr().out  # warned: nothing is translated yet
    original = openletter.load(letter)
    translation = read_translation(path, "de", load_file(letter))
    assert set(status(original, translation).values()) == {"missing"}
    assert dict(translation.translated_from) == {k: passage_hash(t) for k, t in passages(original).items()}
    assert passages(translation.letter) == passages(original)  # the original's words, each marked
    assert all(lang == "en" for lang in openletter.translations.passage_languages(translation.letter).values())
    assert main(["translations", str(letter)]) == EXIT_OK
    assert "de  letter.de.md: 10 missing" in capsys.readouterr().out


def test_a_passage_translated_in_a_new_translation_is_up_to_date_once_its_mark_is_gone(letter: Path) -> None:
    assert main(["new", "--translation", "de", str(letter)]) == EXIT_OK
    path = letter.with_name("letter.de.md")
    _edit(path, "closing: Respectfully,\n", "closing: Hochachtungsvoll,\n")
    original = openletter.load(letter)
    assert status(original, read_translation(path, "de", load_file(letter)))["closing"] == "missing"  # still marked
    _edit(path, "  closing: en\n", "")
    assert status(original, read_translation(path, "de", load_file(letter)))["closing"] == "up-to-date"


def test_a_marked_passage_counts_as_untranslated_in_the_check(letter: Path) -> None:
    path = letter.with_name("letter.fr.md")
    _edit(
        path, "title: Lettre ouverte sur les pêcheries du lac Tonlé Sap\n", "title: Lettre\nfield_lang:\n  title: en\n"
    )
    _, problems = load_translations(letter, load_file(letter))
    assert any(p.file == str(path) and "passage of the original is not translated" in p.message for p in problems)


def test_new_translation_never_overwrites_one(letter: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = letter.with_name("letter.km.md")
    before = path.read_bytes()
    assert main(["new", "--translation", "KM", str(letter)]) == EXIT_OUTPUT
    assert f"{path} already exists; nothing was written" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert not letter.with_name("letter.KM.md").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["new", "--translation", "en", "SOURCE"],  # the original's own language
        ["new", "--translation", "not a tag", "SOURCE"],
        ["new", "--translation", "de", "--from", "aphr_cambodia", "SOURCE"],
    ],
)
def test_new_translation_usage_errors(letter: Path, argv: list[str]) -> None:
    assert main([str(letter) if a == "SOURCE" else a for a in argv]) == EXIT_USAGE
    assert sorted(p.name for p in letter.parent.iterdir()) == sorted(p.name for p in SAMPLE.iterdir())


def test_a_signatory_count_translated_keeps_the_count(tmp_path: Path) -> None:
    source = tmp_path / "letter.md"
    source.write_text(
        "---\ntitle: T\nlanguage: en\nsignatory_count_note:\n  text: 5 signatures as of May.\n  count: 5\n"
        "signatories:\n- organisations:\n  - name: A\n---\n\nBody.\n",
        encoding="utf-8",
    )
    source.with_name("letter.fr.md").write_text(
        "---\nlanguage: fr\nsignatory_count_note:\n  text: 5 signatures en mai.\n---\n", encoding="utf-8"
    )
    translations, _ = load_translations(source, load_file(source))
    note = translations["fr"].letter.signatory_count_note
    assert note is not None
    assert (note.text, note.count) == ("5 signatures en mai.", 5)


# --------------------------------------------------------------------------- export and import


def test_export_then_import_through_the_command_line(letter: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translations", "export", "--language", "km", str(letter)]) == EXIT_OK
    po = letter.with_name("letter.km.po")
    assert capsys.readouterr().out == f"wrote {po}: 10 passages (0 translated, 9 fuzzy, 1 to translate)\n"
    assert main(["translations", "import", str(po), str(letter)]) == EXIT_OK
    assert capsys.readouterr().out == f"wrote {letter.with_name('letter.km.md')}\n  1 missing, 9 unchecked\n"
    assert main(["translations", "import", str(po), str(letter)]) == EXIT_OK
    assert capsys.readouterr().out.startswith(f"{letter.with_name('letter.km.md')} is unchanged\n")


def test_export_to_standard_output(letter: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["translations", "export", "--language", "fr", "-o", "-", str(letter)]) == EXIT_OK
    catalog = read_po(io.BytesIO(capsysbinary.readouterr().out))
    assert str(catalog.locale) == "fr"
    assert not letter.with_name("letter.fr.po").exists()


def test_export_never_overwrites_a_po_holding_translations_not_yet_imported(
    letter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    po = letter.with_name("letter.km.po")
    assert main(["translations", "export", "--language", "km", str(letter)]) == EXIT_OK
    assert main(["translations", "export", "--language", "km", str(letter)]) == EXIT_OK  # nothing lost
    catalog = read_po(io.BytesIO(po.read_bytes()))
    catalog.get("Respectfully,", context="closing").string = "ដោយការគោរព"
    out = io.BytesIO()
    write_po(out, catalog)
    po.write_bytes(out.getvalue())
    capsys.readouterr()
    assert main(["translations", "export", "--language", "km", str(letter)]) == EXIT_OUTPUT
    assert "holds translations the translation file does not have (closing); import it first" in capsys.readouterr().err
    assert po.read_bytes() == out.getvalue()


@pytest.mark.parametrize("name", ["letter.md", "letter.fr.md"])
def test_export_never_writes_over_the_letter_or_a_translation(
    letter: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = letter.with_name(name)
    before = target.read_bytes()
    assert main(["translations", "export", "--language", "km", "-o", str(target), str(letter)]) == EXIT_OUTPUT
    assert target.read_bytes() == before


def test_import_refuses_a_po_for_another_letter_and_writes_nothing(
    letter: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other"
    shutil.copytree(SAMPLE, other)
    _edit(other / "letter.md", "title: Open Letter on the Fisheries", "title: Open Letter on the Forests")
    assert main(["translations", "export", "--language", "de", str(other / "letter.md")]) == EXIT_OK
    capsys.readouterr()
    assert main(["translations", "import", str(other / "letter.de.po"), str(letter)]) == EXIT_LETTER
    err = capsys.readouterr().err
    assert err.startswith(f"{other / 'letter.de.po'}:1: (document): made for the letter 'Open Letter on the Forests")
    assert not letter.with_name("letter.de.md").exists()


@pytest.mark.parametrize(
    ("name", "reason"), [("missing.po", "No such file or directory"), (".", "this is a folder, not a file")]
)
def test_import_of_a_po_file_that_cannot_be_read(
    letter: Path, name: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    po = letter.parent / name
    assert main(["translations", "import", str(po), str(letter)]) == EXIT_LETTER
    assert capsys.readouterr().err == f"{po}:1: (document): cannot read the PO file: {reason}\n"
