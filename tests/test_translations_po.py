"""Translators' PO files: export, fill in (as a PO editor would), import; and the round trip."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from hypothesis import given, settings
from hypothesis import strategies as st

import openletter
from openletter.errors import LetterError, OptionError
from openletter.sources import load_file
from openletter.translation_files import export_po, import_po, letter_version, scaffold
from openletter.translations import Translation, passage_hash, passages, read_translation, status

from .conftest import DATA
from .strategies import letters

SAMPLE = DATA / "translations"
MSGFMT = shutil.which("msgfmt")


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    """A copy of the sample letter (en) with its km, fr and ar translations."""
    folder = tmp_path / "letter"
    shutil.copytree(SAMPLE, folder)
    return folder / "letter.md"


def _translation(source: Path, language: str) -> Translation:
    return read_translation(source.with_name(f"letter.{language}.md"), language, load_file(source))


def _catalog(data: bytes) -> Catalog:
    return read_po(io.BytesIO(data), abort_invalid=True)


def _fill(data: bytes, texts: Mapping[str, str], *, fuzzy: frozenset[str] = frozenset()) -> bytes:
    """The PO file with each entry in `texts` translated (and checked, unless in `fuzzy`), as a
    translator saves it from a PO editor."""
    catalog = _catalog(data)
    for message in catalog:
        if message.id and message.context in texts:
            message.string = texts[message.context]
            if message.context in fuzzy:
                message.flags.add("fuzzy")
            else:
                message.flags.discard("fuzzy")
    out = io.BytesIO()
    write_po(out, catalog)
    return out.getvalue()


def _import(source: Path, data: bytes) -> Path:
    """Import `data` as a PO file and write the translation it makes; its path."""
    po = source.with_name("import.po")
    po.write_bytes(data)
    result = import_po(po, source)
    result.path.write_text(result.text, encoding="utf-8")
    return result.path


# --------------------------------------------------------------------------- export


def test_export_has_one_entry_per_passage_with_its_key_the_original_and_its_hash(letter: Path) -> None:
    original = openletter.load(letter)
    catalog = _catalog(export_po(letter, "km").data)
    entries = {m.context: m for m in catalog if m.id}
    assert list(entries) == list(passages(original))
    for key, text in passages(original).items():
        assert entries[key].id == text
        assert f"hash of the original: {passage_hash(text)}" in entries[key].auto_comments
    assert str(catalog.locale) == "km"
    assert (catalog.project, catalog.version) == (original.title, letter_version(original))


def test_export_gives_the_current_translation_and_nothing_for_a_missing_passage(letter: Path) -> None:
    km = passages(_translation(letter, "km").letter)
    entries = {m.context: m for m in _catalog(export_po(letter, "km").data) if m.id}
    assert entries["title"].string == km["title"]
    assert entries["sections[situation].text"].string == km["sections[situation].text"]
    assert entries["demands[consultation].text"].string == ""  # km leaves it untranslated
    # Made by hand: no record of the original each passage was translated from, so it is to check.
    assert "fuzzy" in entries["title"].flags
    assert "fuzzy" not in entries["demands[consultation].text"].flags


def test_a_new_language_exports_every_passage_to_translate(letter: Path) -> None:
    exported = export_po(letter, "de")
    assert exported.counts() == {"translated": 0, "fuzzy": 0, "empty": len(passages(openletter.load(letter)))}


def test_letter_text_is_never_flagged_as_a_format_string(tmp_path: Path) -> None:
    source = tmp_path / "letter.md"
    source.write_text(
        "---\ntitle: Rates rose by 50% in a year\nlanguage: en\nsignatories:\n- organisations:\n  - name: A\n---\n\n"
        "Prices up 20% in {town}, %(region)s and 5 %d.\n",
        encoding="utf-8",
    )
    text = export_po(source, "fr").data.decode()
    assert "python-format" not in text
    assert "python-brace-format" not in text


@pytest.mark.external
@pytest.mark.parametrize("language", ["km", "fr", "ar", "de"])
def test_the_exported_po_passes_msgfmt_check(letter: Path, tmp_path: Path, language: str) -> None:
    if MSGFMT is None:
        if os.environ.get("CI"):
            pytest.fail("msgfmt (gettext) is required in CI (scripts/test installs it)", pytrace=False)
        pytest.skip("msgfmt is not installed (bash scripts/test installs gettext)")
    po = tmp_path / f"{language}.po"
    po.write_bytes(export_po(letter, language).data)
    run = subprocess.run([MSGFMT, "--check", "-o", os.devnull, str(po)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "error" not in run.stderr


@pytest.mark.parametrize("language", ["km", "de"])
def test_babel_reads_the_export_back_without_warnings(
    letter: Path, language: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = export_po(letter, language).data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    assert capsys.readouterr().out == ""  # Babel prints "WARNING: ..." for what it does not understand
    assert catalog.check is not None
    assert [error for _, errors in catalog.check() for error in errors] == []


def test_a_language_tag_gettext_cannot_name_is_refused(letter: Path) -> None:
    with pytest.raises(OptionError, match="Language header"):
        export_po(letter, "de-x-formal")


@pytest.mark.parametrize("language", ["en", "EN", "not a tag"])
def test_export_refuses_the_original_language_and_what_is_no_language_tag(letter: Path, language: str) -> None:
    with pytest.raises(OptionError):
        export_po(letter, language)


# --------------------------------------------------------------------------- import


def test_a_filled_in_po_imports_to_the_translation_written_by_hand(letter: Path) -> None:
    by_hand = _translation(letter, "fr")
    letter.with_name("letter.fr.md").unlink()
    filled = _fill(export_po(letter, "fr").data, passages(by_hand.letter))
    imported = read_translation(_import(letter, filled), "fr", load_file(letter))
    assert imported.letter == by_hand.letter
    assert openletter.export(imported.letter, "html") == openletter.export(by_hand.letter, "html")
    assert set(status(openletter.load(letter), imported).values()) == {"up-to-date"}


def test_import_records_the_hash_of_each_checked_passage(letter: Path) -> None:
    original = openletter.load(letter)
    km = passages(_translation(letter, "km").letter)
    filled = _fill(export_po(letter, "km").data, {key: km[key] for key in ("title", "closing")})
    imported = read_translation(_import(letter, filled), "km", load_file(letter))
    assert dict(imported.translated_from) == {
        key: passage_hash(passages(original)[key]) for key in ("title", "closing")
    }
    states = status(original, imported)
    assert (states["title"], states["closing"], states["place"]) == ("up-to-date", "up-to-date", "unchecked")


def test_a_fuzzy_entry_keeps_its_text_and_is_not_recorded_as_up_to_date(letter: Path) -> None:
    km = passages(_translation(letter, "km").letter)
    checked = _import(letter, _fill(export_po(letter, "km").data, {"title": km["title"]}))
    assert status(openletter.load(letter), read_translation(checked, "km", load_file(letter)))["title"] == "up-to-date"
    again = _fill(export_po(letter, "km").data, {"title": "ចំណងជើងថ្មី"}, fuzzy=frozenset({"title"}))
    imported = read_translation(_import(letter, again), "km", load_file(letter))
    assert imported.letter.title == "ចំណងជើងថ្មី"
    assert status(openletter.load(letter), imported)["title"] == "unchecked"
    assert "title" not in imported.translated_from


def test_an_emptied_entry_leaves_the_passage_to_the_original(letter: Path) -> None:
    imported = read_translation(
        _import(letter, _fill(export_po(letter, "km").data, {"closing": ""})), "km", load_file(letter)
    )
    original = openletter.load(letter)
    assert imported.letter.closing == original.closing
    assert imported.letter.lang_of("closing") == "en"
    assert status(original, imported)["closing"] == "missing"


def _edit(source: Path, old: str, new: str) -> None:
    text = source.read_text(encoding="utf-8")
    assert old in text
    source.write_text(text.replace(old, new), encoding="utf-8")


def test_a_stale_passage_is_exported_fuzzy_and_stays_stale_through_a_round_trip(letter: Path) -> None:
    fr = passages(_translation(letter, "fr").letter)
    _import(letter, _fill(export_po(letter, "fr").data, fr))  # every passage checked: up to date
    _edit(letter, "can no longer feed their children", "can no longer feed their families")
    entries = {m.context: m for m in _catalog(export_po(letter, "fr").data) if m.id}
    stale = entries["sections[situation].text"]
    assert "fuzzy" in stale.flags
    assert stale.string == fr["sections[situation].text"]  # the old translation, to update
    assert any("has changed since this was translated" in c for c in stale.auto_comments)
    assert "fuzzy" not in entries["title"].flags
    path = _import(letter, export_po(letter, "fr").data)
    states = status(openletter.load(letter), read_translation(path, "fr", load_file(letter)))
    assert states["sections[situation].text"] == "stale"
    assert {s for k, s in states.items() if k != "sections[situation].text"} == {"up-to-date"}


def test_a_po_made_from_an_older_original_makes_its_passages_stale(letter: Path) -> None:
    fr = passages(_translation(letter, "fr").letter)
    older = _fill(export_po(letter, "fr").data, fr)
    _edit(letter, "can no longer feed their children", "can no longer feed their families")
    po = letter.with_name("older.po")
    po.write_bytes(older)
    result = import_po(po, letter)
    assert result.statuses["sections[situation].text"] == "stale"
    assert result.statuses["title"] == "up-to-date"
    assert any("sections[situation].text" in note for note in result.notes)


def test_a_po_for_another_letter_is_refused(letter: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / "letter.md"
    other.parent.mkdir()
    other.write_text(
        "---\ntitle: Another letter\nlanguage: en\nsignatories:\n- organisations:\n  - name: A\n---\n\nText.\n",
        encoding="utf-8",
    )
    po = tmp_path / "other.po"
    po.write_bytes(export_po(other, "km").data)
    with pytest.raises(LetterError) as raised:
        import_po(po, letter)
    (problem,) = raised.value.problems
    assert (problem.file, problem.line) == (str(po), 1)
    assert "made for the letter 'Another letter'" in problem.message


def test_a_po_naming_passages_the_letter_no_longer_has_is_refused_at_their_lines(letter: Path) -> None:
    po = letter.with_name("km.po")
    po.write_bytes(export_po(letter, "km").data)
    _edit(letter, "closing: Respectfully,\n", "")
    with pytest.raises(LetterError) as raised:
        import_po(po, letter)
    (problem,) = raised.value.problems
    assert problem.path == ("closing",)
    assert "the letter has no passage closing" in problem.message
    assert po.read_text(encoding="utf-8").split("\n")[problem.line - 1] == 'msgid "Respectfully,"'


def test_a_po_that_is_not_a_po_file_is_refused_at_its_line(letter: Path) -> None:
    po = letter.with_name("bad.po")
    po.write_text('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\nthis is not PO\n', encoding="utf-8")
    with pytest.raises(LetterError) as raised:
        import_po(po, letter)
    assert raised.value.problems[0].line == 6


def test_a_section_translated_by_half_is_refused_at_its_entry(letter: Path) -> None:
    letter.with_name("letter.fr.md").unlink()
    po = letter.with_name("fr.po")
    po.write_bytes(_fill(export_po(letter, "fr").data, {"sections[requests].heading": "Nos demandes"}))
    with pytest.raises(LetterError) as raised:
        import_po(po, letter)
    (problem,) = raised.value.problems
    assert problem.path == ("sections[requests].text",)
    assert "heading is translated and its text is not" in problem.message
    assert po.read_text(encoding="utf-8").split("\n")[problem.line - 1].startswith("msgid")


def test_a_quote_the_translated_body_does_not_hold_is_refused_at_the_quote(letter: Path) -> None:
    fr = dict(passages(_translation(letter, "fr").letter))
    fr["demands[moratorium].quote"] = "suspendre ce qui n'est écrit nulle part"
    letter.with_name("letter.fr.md").unlink()
    po = letter.with_name("fr.po")
    po.write_bytes(_fill(export_po(letter, "fr").data, fr))
    with pytest.raises(LetterError) as raised:
        import_po(po, letter)
    assert [p.path for p in raised.value.problems] == [("demands[moratorium].quote",)]
    assert not letter.with_name("letter.fr.md").exists()


# --------------------------------------------------------------------------- round trips


def test_a_round_trip_of_a_translation_openletter_wrote_changes_no_byte(letter: Path) -> None:
    km = passages(_translation(letter, "km").letter)
    path = _import(letter, _fill(export_po(letter, "km").data, km, fuzzy=frozenset({"place"})))
    written = path.read_bytes()
    po = letter.with_name("km.po")
    po.write_bytes(export_po(letter, "km").data)
    assert import_po(po, letter).text.encode("utf-8") == written


@pytest.mark.parametrize("language", ["km", "fr", "ar"])
def test_a_round_trip_of_a_translation_written_by_hand_keeps_its_letter(letter: Path, language: str) -> None:
    before = _translation(letter, language)
    po = letter.with_name(f"{language}.po")
    po.write_bytes(export_po(letter, language).data)
    after = import_po(po, letter)
    original = openletter.load(letter)
    assert after.translation.letter == before.letter
    assert after.statuses == status(original, before)


def test_a_round_trip_of_a_new_translation_keeps_its_letter(letter: Path) -> None:
    before = read_translation(scaffold(letter, "de"), "de", load_file(letter))
    po = letter.with_name("de.po")
    po.write_bytes(export_po(letter, "de").data)
    after = import_po(po, letter)
    assert after.translation.letter == before.letter
    assert set(after.statuses.values()) == {"missing"}


# --------------------------------------------------------------------------- Markdown, sections by position

RICH = """---
title: On *the* lake
language: en
addressees:
- id: ministry
  name: Ministry
demands:
- targets: [ministry]
  quote: suspend the concessions
- targets: [ministry]
  text: Publish the **survey** at [the ministry's site](https://example.org/survey).[^data]
signatories:
- organisations:
  - name: A
---

The catch has *fallen* by half,[^survey] see [the report](https://example.org/report "Report").

- first **point**
- second `point`

## What we ask

We ask the Ministry to suspend the concessions now.

## Thanks

Thank you.

[^survey]: Community survey, *2024*.
[^data]: The [data](https://example.org/data).
"""


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    source = tmp_path / "rich" / "letter.md"
    source.parent.mkdir()
    source.write_text(RICH, encoding="utf-8")
    return source


def test_markdown_inside_passages_survives_export_and_import(rich: Path) -> None:
    original = openletter.load(rich)
    exported = {m.context: m.id for m in _catalog(export_po(rich, "fr").data) if m.id}
    assert exported == passages(original)  # emphasis, links, list markers and note markers as written
    translated = {
        key: text.replace("The catch has", "La pêche a").replace("We ask", "Nous demandons")
        for key, text in exported.items()
    }
    result = import_po(_write(rich.with_name("fr.po"), _fill(export_po(rich, "fr").data, translated)), rich)
    assert passages(result.translation.letter) == translated
    assert "[^survey]" in passages(result.translation.letter)["sections[0].text"]


@settings(max_examples=20)
@given(letters(with_logo=False))
def test_any_letter_goes_through_po_and_back_word_for_word(letter_: openletter.Letter) -> None:
    """Any letter's passages, Markdown and every script included, come out of the PO file as they
    are; translated word for word, they make a translation with the same passages, all up to date;
    and an unedited round trip of that translation changes no byte."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "letter.md"
        source.write_text(openletter.dumps(letter_), encoding="utf-8")
        original = openletter.load(source)
        exported = export_po(source, "sw").data
        assert {m.context: m.id for m in _catalog(exported) if m.id} == passages(original)
        path = _import(source, _fill(exported, passages(original)))
        result = read_translation(path, "sw", load_file(source))
        assert passages(result.letter) == passages(original)
        assert set(status(original, result).values()) == {"up-to-date"}
        po = _write(source.with_name("again.po"), export_po(source, "sw").data)
        assert import_po(po, source).text == path.read_text(encoding="utf-8")


@settings(max_examples=20)
@given(letters(with_logo=False), st.randoms(use_true_random=False))
def test_any_part_of_any_letter_can_be_translated_through_po(letter_: openletter.Letter, random: Any) -> None:
    """Translating some of a letter's parts (each whole: a section's heading and text together)
    makes a translation with those up to date and the rest missing, whatever the letter's ids
    (sections matched by position keep their place) and anchored demands; its round trip changes
    no byte."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "letter.md"
        source.write_text(openletter.dumps(letter_), encoding="utf-8")
        original = openletter.load(source)
        every = passages(original)
        parts = sorted({key.rpartition(".")[0] if key.endswith(("heading", "text", "quote")) else key for key in every})
        chosen = {part for part in parts if random.random() < 0.5}
        texts = {key: text for key, text in every.items() if key in chosen or key.rpartition(".")[0] in chosen}
        path = _import(source, _fill(export_po(source, "sw").data, texts))
        result = read_translation(path, "sw", load_file(source))
        states = status(original, result)
        assert {key for key, state in states.items() if state == "up-to-date"} == set(texts)
        assert {key for key, state in states.items() if state != "up-to-date"} == set(every) - set(texts)
        assert {key: passages(result.letter)[key] for key in texts} == texts
        po = _write(source.with_name("again.po"), export_po(source, "sw").data)
        assert import_po(po, source).text == path.read_text(encoding="utf-8")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_sections_without_ids_keep_their_place_when_one_is_left_untranslated(rich: Path) -> None:
    original = openletter.load(rich)
    texts = {
        "sections[0].text": "La pêche a *baissé* de moitié.[^survey]",
        "sections[2].heading": "Merci",
        "sections[2].text": "Merci.",
    }
    result = import_po(_write(rich.with_name("fr.po"), _fill(export_po(rich, "fr").data, texts)), rich)
    sections = result.translation.letter.sections
    assert [s.text for s in sections] == [
        "La pêche a *baissé* de moitié.[^survey]",
        original.sections[1].text,
        "Merci.",
    ]
    assert [s.lang for s in sections] == [None, "en", None]  # the one left is the original's, marked
    assert result.statuses["sections[1].text"] == "missing"
    assert result.statuses["sections[0].text"] == "up-to-date"
    # the demand anchored in the untranslated section stays anchored there, in the original's words
    assert result.translation.letter.demands[0].quote == "suspend the concessions"
    assert "matched by position" in result.text


@pytest.mark.parametrize("suffix", [".yaml", ".toml", ".json"])
def test_translations_of_data_letters_are_written_in_their_format(tmp_path: Path, suffix: str) -> None:
    original = openletter.load(SAMPLE / "letter.md")
    source = tmp_path / f"letter{suffix}"
    fmt = {".yaml": "yaml", ".toml": "toml", ".json": "json"}[suffix]
    source.write_text(openletter.dumps(original, fmt), encoding="utf-8")  # type: ignore[arg-type]
    path = scaffold(source, "km")
    assert path.name == f"letter.km{suffix}"
    by_hand = read_translation(SAMPLE / "letter.km.md", "km", load_file(SAMPLE / "letter.md"))
    states = status(original, by_hand)
    km = {key: text for key, text in passages(by_hand.letter).items() if states[key] != "missing"}
    result = import_po(_write(tmp_path / "km.po", _fill(export_po(source, "km").data, km)), source)
    assert result.path == path
    assert {k: v for k, v in passages(result.translation.letter).items() if k in km} == km
    assert result.statuses == {key: "missing" if key not in km else "up-to-date" for key in states}


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("sections[situation].text", "Texte.\n\n## Injecté\n\nSuite.", "has a level-2 heading on its line 3"),
        ("sections[situation].text", "Texte.\n\nfront: matter\n---\n", "has a level-2 heading on its line 3"),
        ("sections[requests].heading", "Nos\ndemandes", "a line break"),
        ("title", "Lettre\nouverte", "a line break"),
        ("references[survey]", "Enquête.\n\n[^autre]: une autre note", "has a footnote definition"),
    ],
    ids=["heading-in-section", "setext-heading-in-section", "line-break-in-heading", "line-break-in-title", "note"],
)
def test_a_translation_that_would_not_read_back_as_written_is_refused_at_its_entry(
    letter: Path, key: str, text: str, message: str
) -> None:
    fr = dict(passages(_translation(letter, "fr").letter))
    fr[key] = text
    letter.with_name("letter.fr.md").unlink()
    po = _write(letter.with_name("fr.po"), _fill(export_po(letter, "fr").data, fr))
    with pytest.raises(LetterError) as raised:
        import_po(po, letter)
    (problem,) = raised.value.problems
    assert (problem.file, problem.path) == (str(po), (key,))
    assert message in problem.message
    assert po.read_text(encoding="utf-8").split("\n")[problem.line - 1].startswith("msgid")


def test_what_a_translation_replaces_on_purpose_survives_import(letter: Path) -> None:
    path = letter.with_name("letter.fr.md")
    front, body = path.read_text(encoding="utf-8").split("---\n")[1:]
    front = front.replace("- id: consultation\n", "- id: consultation\n  status: met\n")
    extra = "email:\n  sender: fishers@example.org\n  subject: Les pêcheries du lac\nlabels:\n  demands: Nos demandes\n"
    path.write_text(f"---\n{front}{extra}---\n{body}", encoding="utf-8")
    before = _translation(letter, "fr")
    assert before.letter.email is not None
    assert before.letter.email.subject == "Les pêcheries du lac"
    assert (before.letter.demands[1].status, before.letter.labels.demands) == ("met", "Nos demandes")
    po = _write(letter.with_name("fr.po"), export_po(letter, "fr").data)
    assert import_po(po, letter).translation.letter == before.letter
