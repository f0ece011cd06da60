"""Translations: letter.LANG.md beside the letter, aligned, inherited, checked and built together.

The letter in tests/data/translations/ was written for these tests: an English original with
Khmer, French and Arabic translations (three scripts, one right to left); the Khmer one leaves a
demand untranslated on purpose.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import shutil
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import openletter
from openletter import Letter
from openletter.cli import EXIT_LETTER, EXIT_OK, main
from openletter.testing.faithful import faithfulness_problems, html_visible_text
from openletter.translations import passage_hash, passages, translation_paths

from .conftest import DATA
from .schemaorg import expand_offline, graph_from_pyld, vocabulary
from .strategies import letters

SOURCE = DATA / "translations" / "letter.md"
LANGUAGES = ["en", "ar", "fr", "km"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the test letter and its translations, to edit."""
    target = tmp_path / "letter"
    shutil.copytree(SOURCE.parent, target)
    return target


def test_translations_are_found_beside_the_letter_by_language() -> None:
    assert sorted(translation_paths(SOURCE)) == ["ar", "fr", "km"]
    versions = openletter.load_translations(SOURCE)
    assert list(versions) == LANGUAGES  # the original first
    assert {tag: letter.language for tag, letter in versions.items()} == {tag: tag for tag in LANGUAGES}


def test_a_translation_inherits_what_it_does_not_translate() -> None:
    original, khmer = openletter.load(SOURCE), openletter.load(SOURCE, language="km")
    assert khmer.title == "លិខិតចំហស្តីពីនេសាទបឹងទន្លេសាប"
    assert (khmer.date, khmer.addressees[0].name, khmer.sender) == (
        original.date,
        original.addressees[0].name,
        original.sender,
    )
    assert [o.name for o in khmer.organisations()] == [o.name for o in original.organisations()]
    assert khmer.demands[0].quote == "ផ្អាកការផ្តល់ឡូតិ៍នេសាទថ្មីនៅក្នុងព្រៃលិចទឹក"
    assert khmer.demands[0].targets == original.demands[0].targets  # inherited


def test_what_is_left_untranslated_keeps_the_originals_words_and_language() -> None:
    khmer = openletter.load(SOURCE, language="km")
    untranslated = khmer.demands[1]
    assert untranslated.text == openletter.load(SOURCE).demands[1].text
    assert untranslated.lang == "en"
    page = openletter.export(khmer, "html").decode()
    assert '<li id="demand-consultation" class="demand demand-open" lang="en">Hold public consultations' in page
    assert khmer.addressees[0].lang == "en"  # the addressee's role ("Minister") is English
    assert khmer.signatories[0].lang == "en"  # and the group's heading


def test_a_language_is_served_by_its_closest_translation() -> None:
    assert openletter.load(SOURCE, language="km-KH").language == "km"
    assert openletter.load(SOURCE, language="EN").language == "en"
    with pytest.raises(KeyError, match="its languages: en, ar, fr, km"):
        openletter.load(SOURCE, language="de")


def test_check_checks_every_translation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "-t", "html", str(SOURCE)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "letter.km.md:2: language: warning: 1 passage of the original is not translated" in out
    assert "demands[consultation].text" in out
    assert f"{SOURCE}: ok (1 warning)" in out


def _problems(folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    status = main(["check", "-t", "html", str(folder / "letter.md")])
    out = capsys.readouterr().out
    assert "Traceback" not in out
    return f"{status}\n{out}"


@pytest.mark.parametrize(
    ("language", "change", "expected"),
    [
        (
            "fr",
            lambda t: t + "\n## En plus\n\nUne section de trop.\n",
            r"letter\.fr\.md:\d+: sections: unknown field|letter\.fr\.md:\d+: sections",
        ),
        (
            "fr",
            lambda t: t.replace("- id: consultation", "- id: consultations"),
            r"letter\.fr\.md:12: demands\[1\]\.id: the original has no demand 'consultations'",
        ),
        (
            "fr",
            lambda t: t + "\n[^extra]: Une note de trop.\n",
            r"letter\.fr\.md:\d+: references\[1\]: the original has no endnote \[\^extra\]",
        ),
        (
            "ar",
            lambda t: t.replace("language: ar", "language: en"),
            r"letter\.ar\.md:2: language: the file name says 'ar' and the file says 'en'",
        ),
        (
            "fr",
            lambda t: t.replace("language: fr", "language: french"),
            r"letter\.fr\.md:2: language: 'french' is not a BCP 47 language tag",
        ),
    ],
    ids=["extra-section", "unknown-demand", "extra-endnote", "wrong-language", "not-bcp47"],
)
def test_a_translation_that_does_not_fit_the_original_is_reported_at_its_line(
    folder: Path, capsys: pytest.CaptureFixture[str], language: str, change: object, expected: str
) -> None:
    path = folder / f"letter.{language}.md"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    report = _problems(folder, capsys)
    assert report.startswith(f"{EXIT_LETTER}\n"), report
    assert re.search(expected, report), report


def test_a_section_without_its_counterpart_by_position_is_a_warning_and_stays_in_the_original(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "letter.fr.md").write_text(
        "---\nlanguage: fr\ntitle: Lettre ouverte\n---\n\nLes prises ont baissé de moitié.[^survey]\n\n"
        "[^survey]: Enquête, 2024.\n",
        encoding="utf-8",
    )
    report = _problems(folder, capsys)
    assert re.search(r"letter\.fr\.md:5: sections: warning: the translation has 1 sections and the original 2", report)
    french = openletter.load(folder / "letter.md", language="fr")
    assert french.sections[1].lang == "en" and french.sections[1].heading == "What we ask"
    assert (
        french.demands[0].quote is None
        and french.demands[0].text == "suspend new fishing lot concessions in the flooded forest"
    )
    assert french.demands[0].lang == "en"  # its quote is not a passage of the French body: listed, in English


def test_a_footnote_marker_without_its_note_is_reported_in_the_translation(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = folder / "letter.fr.md"
    path.write_text(path.read_text(encoding="utf-8").replace("dix ans.[^survey]", "dix ans.[^enquete]"), "utf-8")
    report = _problems(folder, capsys)
    assert re.search(r"letter\.fr\.md:\d+: sections\[0\]\.text: warning: the endnote marker \[\^enquete\]", report)


def test_a_translation_made_from_an_older_original_is_stale(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = openletter.load(folder / "letter.md")
    recorded = passage_hash(passages(original)["title"])
    path = folder / "letter.fr.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "language: fr\n", f"language: fr\ntranslated_from:\n  title: {recorded}\n"
        ),
        encoding="utf-8",
    )
    assert "translated from an older version" not in _problems(folder, capsys)
    source = folder / "letter.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Tonle Sap Lake", "Tonle Sap Great Lake"), "utf-8")
    report = _problems(folder, capsys)
    assert re.search(r"letter\.fr\.md:\d+: title: warning: translated from an older version of title", report), report
    translation = openletter.translations.load_translations(source, _loaded(source))[0]["fr"]
    assert translation.status(openletter.load(source))["title"] == "stale"


def _loaded(path: Path) -> object:
    from openletter.sources import load_file

    return load_file(path)


# --------------------------------------------------------------------------- building every language


def test_build_writes_every_language_in_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["build", str(SOURCE), "-t", "html", "-t", "jsonld", "-t", "eml", "-o", str(out)]) == EXIT_OK
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(
        f"letter{'' if tag == 'en' else '.' + tag}.{suffix}"
        for tag in LANGUAGES
        for suffix in ("html", "jsonld", "eml")
    )
    capsys.readouterr()
    for tag in LANGUAGES:
        page = (out / f"letter{'' if tag == 'en' else '.' + tag}.html").read_text(encoding="utf-8")
        links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))
        assert sorted(links) == sorted(LANGUAGES)
        assert all((out / href).is_file() for href in links.values())  # every hreflang link resolves
        assert f'<html lang="{tag}"' in page


def test_one_language_can_be_built_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["build", str(SOURCE), "-t", "html", "--language", "km-KH", "-o", str(out)]) == EXIT_OK
    assert [p.name for p in out.iterdir()] == ["letter.km.html"]


def test_each_page_names_its_languages_in_themselves() -> None:
    khmer = openletter.load(SOURCE, language="km")
    page = openletter.export(khmer, "html", {"alternates": "en=letter.html ar=letter.ar.html km=letter.km.html"})
    text = page.decode()
    assert '<nav class="languages" aria-label="ភាសា">' in text
    assert '<a href="letter.ar.html" hreflang="ar" lang="ar" dir="rtl">العربية</a>' in text
    assert '<span class="current-language" aria-current="page" lang="km" dir="ltr">ខ្មែរ</span>' in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_is_faithful_to_its_letter(language: str) -> None:
    letter = openletter.load(SOURCE, language=language)
    alternates = " ".join(f"{tag}=letter.{tag}.html" for tag in LANGUAGES)
    page = openletter.export(letter, "html", {"alternates": alternates}).decode()
    names = [openletter.exporters.html.language_name(tag) for tag in LANGUAGES]
    assert faithfulness_problems(letter, html_visible_text(page), navigation=["↩", *names]) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_gives_a_strict_email_in_its_language(language: str) -> None:
    letter = openletter.load(SOURCE, language=language)
    letter = attrs.evolve(letter, email=openletter.EmailSettings(sender="net@example.org"))
    message = email.message_from_bytes(openletter.export(letter, "eml"), policy=email.policy.strict)
    assert str(message["Content-Language"]).split(", ")[0] == language
    assert message["Subject"] == letter.title


def test_the_languages_json_ld_documents_link_each_other_and_are_schema_org(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["build", str(SOURCE), "-t", "jsonld", "-o", str(out)]) == EXIT_OK
    original = json.loads((out / "letter.jsonld").read_text(encoding="utf-8"))
    assert sorted(t["inLanguage"] for t in original["workTranslation"]) == ["ar", "fr", "km"]
    for tag in ("ar", "fr", "km"):
        translated = json.loads((out / f"letter.{tag}.jsonld").read_text(encoding="utf-8"))
        assert translated["inLanguage"] == tag
        assert translated["translationOfWork"] == {"@type": "Message", "inLanguage": "en"}
        assert vocabulary().check(graph_from_pyld(translated)) == []
        assert expand_offline(translated)
    assert vocabulary().check(graph_from_pyld(original)) == []


def test_with_a_url_the_languages_link_by_address(folder: Path, tmp_path: Path) -> None:
    source = folder / "letter.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            "place: Phnom Penh\n", "place: Phnom Penh\nurl: https://example.org/l/letter.html\n"
        ),
        encoding="utf-8",
    )
    assert main(["build", str(source), "-t", "jsonld", "-o", str(tmp_path / "out")]) == EXIT_OK
    original = json.loads((tmp_path / "out" / "letter.jsonld").read_text(encoding="utf-8"))
    assert {"@type": "Message", "inLanguage": "km", "url": "https://example.org/l/letter.km.html"} in original[
        "workTranslation"
    ]
    khmer = openletter.load(source, language="km")
    assert khmer.url is None  # the original's address is not the translation's


# --------------------------------------------------------------------------- generated translations


@st.composite
def translated(draw: st.DrawFn) -> tuple[Letter, dict[str, object], set[str]]:
    """A letter, a translation of some of its passages (as letter.fr.md data), and the keys."""
    letter = draw(letters(with_logo=False))
    letter = attrs.evolve(letter, language="en", field_lang=openletter.FieldLanguages())
    data: dict[str, object] = {"language": "fr"}
    keys: set[str] = set()
    for field in ("title", "subtitle", "subject", "salutation", "closing"):
        if getattr(letter, field) is not None and draw(st.booleans()):
            data[field] = f"FR {getattr(letter, field)}"
            keys.add(field)
    return letter, data, keys


@settings(max_examples=15, deadline=None)
@given(translated())
def test_generated_translations_inherit_every_field_and_round_trip(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[Letter, dict[str, object], set[str]]
) -> None:
    from openletter.sources import yaml_source

    letter, data, keys = case
    folder = tmp_path_factory.mktemp("generated")
    (folder / "letter.md").write_text(openletter.dumps(letter), encoding="utf-8")
    sections = "\n\n".join(
        (f"## {s.heading}\n\n" if s.heading else "") + s.text for s in letter.sections
    )  # the body, untranslated: the same words
    (folder / "letter.fr.md").write_text("---\n" + yaml_source.dump(data) + "---\n\n" + sections + "\n", "utf-8")
    french = openletter.load(folder / "letter.md", language="fr")
    for field in ("title", "subtitle", "subject", "salutation", "closing"):
        value = getattr(letter, field)
        if field in keys:
            assert getattr(french, field) == f"FR {value}"
            assert french.field_lang.get(field) is None
        elif value is not None:
            assert getattr(french, field) == value and french.lang_of(field) == "en"
    assert [s.text for s in french.sections] == [s.text for s in letter.sections]
    assert french.addressees == tuple(
        a if a.lang or not (a.role or a.organisation or a.lines or a.honorific) else attrs.evolve(a, lang="en")
        for a in letter.addressees
    )
    assert (french.date, french.published, french.signatory_count) == (
        letter.date,
        letter.published,
        letter.signatory_count,
    )
    assert (french.sender.names if french.sender else ()) == (letter.sender.names if letter.sender else ())
    assert openletter.loads(openletter.dumps(french)) == french  # a translation is an ordinary letter


@pytest.mark.parametrize(
    ("wanted", "available", "found"),
    [
        ("km-KH", ["en", "km"], "km"),
        ("EN", ["en", "km"], "en"),
        ("zh-Hant-TW", ["en", "zh-Hant"], "zh-Hant"),
        ("zh-Hant-TW", ["en", "zh-Hans"], None),  # never another script
        ("zh-TW", ["en", "zh-Hans"], "zh-Hans"),  # no script asked for
        ("pt-BR", ["pt-PT"], "pt-PT"),
        ("de", ["en", "fr"], None),
    ],
)
def test_the_closest_version_of_a_language_is_chosen(wanted: str, available: list[str], found: str | None) -> None:
    from openletter.build import pick_language

    assert pick_language(wanted, available) == found
