"""Local forms: dates in the letter's calendar and digits, and values isolated in lines of the other
direction (a Latin name in an Arabic letter), in every format."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import shutil
from pathlib import Path
from typing import Any

import attrs
import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import openletter
from openletter import Addressee, Archive, Letter, Organisation, OrganisationGroup, Person, PersonGroup, Section
from openletter.bidi import FSI, LRI, PDI, balance, isolation
from openletter.plaintext import letter_to_text
from openletter.testing.faithful import NAVIGATION, faithfulness_problems, html_visible_text
from openletter.words import display_date, format_date, native_digits

from .conftest import DATA
from .strategies import letters

NOVEMBER_4 = dt.date(2024, 11, 4)


def letter_in(language: str, **fields: Any) -> Letter:
    return Letter(
        title="ชื่อ" if language == "th" else "Title",
        language=language,
        sections=(Section(text="Text."),),
        signatories=(OrganisationGroup(organisations=(Organisation(name="River Watch"),)),),
        **fields,
    )


# --------------------------------------------------------------------------- dates


DATES = [
    # Thai: the Buddhist era, Thai digits, both, and neither (the Gregorian date as before)
    ("th", "buddhist", "native", "๔ พฤศจิกายน ๒๕๖๗"),
    ("th", "buddhist", "latn", "4 พฤศจิกายน 2567"),
    ("th", "gregorian", "native", "๔ พฤศจิกายน ค.ศ. ๒๐๒๔"),
    ("th", "gregorian", "latn", "4 พฤศจิกายน ค.ศ. 2024"),
    ("km", "gregorian", "native", "៤ វិច្ឆិកា ២០២៤"),
    ("km", "gregorian", "latn", "4 វិច្ឆិកា 2024"),
    ("ar", "gregorian", "native", "٤ نوفمبر ٢٠٢٤"),
    ("ar", "gregorian", "latn", "4 نوفمبر 2024"),
    ("fa", "gregorian", "native", "۴ نوامبر ۲۰۲۴"),
    ("fa", "gregorian", "latn", "4 نوامبر 2024"),  # Persian's CLDR default is its own digits: not here
    ("ur", "gregorian", "native", "۴ نومبر، ۲۰۲۴"),
    ("hi", "gregorian", "native", "४ नवंबर २०२४"),
    ("en", "gregorian", "native", "November 4, 2024"),  # English's native digits are 0-9
    ("zh-Hans", "gregorian", "native", "2024年11月4日"),  # hanidec numbers are not read digit by digit
    ("en", "buddhist", "latn", "November 4, 2567"),
]


@pytest.mark.parametrize(("language", "calendar", "numerals", "expected"), DATES)
def test_the_date_is_written_in_the_letters_calendar_and_digits(
    language: str, calendar: str, numerals: str, expected: str
) -> None:
    letter = letter_in(language, date=NOVEMBER_4, calendar=calendar, numerals=numerals)
    assert display_date(letter) == expected
    assert openletter.format_date(NOVEMBER_4, language, numerals=numerals, calendar=calendar) == expected


def test_format_date_with_a_language_alone_writes_as_before() -> None:
    assert openletter.format_date(NOVEMBER_4, "th") == "4 พฤศจิกายน ค.ศ. 2024"
    assert openletter.format_date(NOVEMBER_4, "ar") == "4 نوفمبر 2024"
    assert openletter.format_date(NOVEMBER_4, "qqq") == "2024-11-04"  # no locale


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("th", "29 กุมภาพันธ์ 2567"),  # 2567 is not a leap year in the Gregorian count: no matter
        ("eu", "2567(e)ko otsailaren 29(a)"),  # quoted literals of the pattern survive the new year
        ("la", "die 29 Februarii 2567"),  # a Gregorian era ("p.C.n.") is left out with its space
    ],
)
def test_the_buddhist_year_replaces_the_gregorian_one_and_its_era(language: str, expected: str) -> None:
    assert format_date(dt.date(2024, 2, 29), language, calendar="buddhist") == expected


def test_a_date_with_no_babel_locale_counts_the_buddhist_year_too() -> None:
    assert format_date(NOVEMBER_4, "qqq", calendar="buddhist", numerals="native") == "2567-11-04"


@settings(max_examples=60)
@given(
    date=st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9000, 12, 31)),  # (4-digit years)
    language=st.sampled_from(["th", "km", "ar", "fa", "ur", "my", "lo", "bn", "hi", "ne", "en", "fr", "ja"]),
)
def test_native_digits_and_the_buddhist_era_change_nothing_but_digits_and_year(date: dt.date, language: str) -> None:
    import unicodedata

    gregorian = format_date(date, language)
    native = format_date(date, language, numerals="native")
    assert "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in native) == gregorian
    buddhist = format_date(date, language, calendar="buddhist")
    assert str(date.year + 543) in buddhist
    if language != "th":  # (Thai's pattern names the era, which goes)
        assert buddhist == gregorian.replace(str(date.year), str(date.year + 543), 1)


@pytest.mark.parametrize(
    ("language", "digits"),
    [("th", "๐๑๒๓๔๕๖๗๘๙"), ("km", "០១២៣៤៥៦៧៨៩"), ("ar", "٠١٢٣٤٥٦٧٨٩"), ("fa", "۰۱۲۳۴۵۶۷۸۹"), ("en", "0123456789")],
)
def test_native_digits_come_from_the_cldr_native_numbering_system(language: str, digits: str) -> None:
    assert native_digits("0123456789", language) == digits


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("calendar", "julian", "'julian' is not allowed (expected one of: gregorian, buddhist)"),
        ("numerals", "thai", "'thai' is not allowed (expected one of: latn, native)"),
        ("numerals", True, "got the boolean true"),
    ],
)
def test_an_unknown_calendar_or_numbering_is_refused_with_the_field_named(
    field: str, value: object, message: str
) -> None:
    text = openletter.dumps(letter_in("th")).replace("language: th\n", f"language: th\n{field}: {value!s}\n")
    with pytest.raises(openletter.LetterError) as caught:
        openletter.loads(text)
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == ((field,), 4)
    assert message in str(problem)


def test_calendar_and_numerals_are_left_out_when_default_and_round_trip_when_given() -> None:
    plain = letter_in("th", date=NOVEMBER_4)
    assert "calendar" not in openletter.unstructure(plain) and "numerals" not in openletter.unstructure(plain)
    thai = attrs.evolve(plain, calendar="buddhist", numerals="native")
    assert openletter.loads(openletter.dumps(thai)) == thai


def _eml_text(letter: Letter) -> str:
    message = email.message_from_bytes(openletter.export(letter, "eml"), policy=email.policy.default)
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def test_every_format_prints_the_same_date_and_retrieved_date() -> None:
    letter = letter_in(
        "th",
        date=NOVEMBER_4,
        place="เชียงราย",
        calendar="buddhist",
        numerals="native",
        archive=Archive(url="https://example.org/letter", retrieved=dt.date(2024, 12, 1)),
    )
    page = html_visible_text(openletter.export(letter, "html").decode())
    text = _eml_text(letter)
    for shown in (page, text):
        assert "๔ พฤศจิกายน ๒๕๖๗" in shown
        assert "๑ ธันวาคม ๒๕๖๗" in shown
        assert "2024" not in shown
    tree = html5lib.parse(openletter.export(letter, "html").decode(), namespaceHTMLElements=False)
    (time,) = tree.iter("time")
    assert time.get("datetime") == "2024-11-04"  # the data stays Gregorian and ISO


def test_a_translation_chooses_its_own_calendar_and_digits(tmp_path: Path) -> None:
    for name in ("letter.md", "letter.fr.md"):
        shutil.copy(DATA / "translations" / name, tmp_path / name)
    original = tmp_path / "letter.md"
    text = original.read_text(encoding="utf-8").replace("language: en\n", "language: en\nnumerals: native\n", 1)
    original.write_text(text.replace("date: 2024-11-04\n", "date: 2024-11-04\ncalendar: buddhist\n", 1))
    (tmp_path / "letter.th.md").write_text(
        "---\nlanguage: th\ncalendar: buddhist\nnumerals: native\ntitle: จดหมายเปิดผนึก\n---\n", encoding="utf-8"
    )
    from openletter.sources import load_file
    from openletter.translations import load_translations

    loaded = load_file(original)
    translations, problems = load_translations(original, loaded)
    assert [p for p in problems if p.severity == "error"] == []
    assert display_date(translations["th"].letter) == "๔ พฤศจิกายน ๒๕๖๗"
    french = translations["fr"].letter
    assert (french.calendar, french.numerals) == ("gregorian", "latn")  # not the original's
    assert display_date(french) == "4 novembre 2024"
    from openletter.printed import layout

    assert layout(translations["th"].letter).number(12) == "๑๒"  # and numbers the layout prints so
    assert layout(french).number(12) == "12"


# --------------------------------------------------------------------------- bidirectional isolation


def arabic_letter(**fields: Any) -> Letter:
    """An Arabic letter with Latin names, a Latin country and place, and a number-only line."""
    return Letter(
        title="رسالة مفتوحة",
        language="ar",
        date=NOVEMBER_4,
        place="Geneva",
        addressees=(
            Addressee(name="UN Special Rapporteur", role="المقرر الخاص"),
            Addressee(name="مكتب الأمم المتحدة", lines=("+41 22 917 90 00",)),
        ),
        sections=(Section(text="نص الرسالة."),),
        signatories=(
            PersonGroup(
                people=(
                    Person(name="Jane Doe", title="مديرة", affiliation="Amnesty International", country="UK"),
                    Person(name="ليلى عبد الكريم", title="أستاذة", country="العراق"),
                )
            ),
        ),
        archive=Archive(url="https://example.org/letters/", retrieved=NOVEMBER_4),
        **fields,
    )


def page_of(letter: Letter) -> Any:
    return html5lib.parse(openletter.export(letter, "html").decode(), namespaceHTMLElements=False)


def raw_html(element: Any) -> str:
    import xml.etree.ElementTree as ET

    return ET.tostring(element, encoding="unicode", method="html")


def test_an_arabic_page_isolates_an_embedded_latin_name_and_keeps_its_punctuation_outside() -> None:
    tree = page_of(arabic_letter())
    entry = next(li for li in tree.iter("li") if "Jane Doe" in "".join(li.itertext()))
    assert raw_html(entry).strip() == (  # the commas and brackets between the values, outside them
        '<li><span class="signatory-name"><bdi>Jane Doe</bdi></span>، مديرة، '
        "<bdi>Amnesty International</bdi> (<bdi>UK</bdi>)</li>"
    )
    arabic = next(li for li in tree.iter("li") if "ليلى" in "".join(li.itertext()))
    assert list(arabic.iter("bdi")) == []  # values in the page's own direction are left as they are


def test_an_arabic_page_isolates_latin_addressees_places_numbers_and_addresses() -> None:
    tree = page_of(arabic_letter())
    bdi = {"".join(b.itertext()): b.get("dir") for b in tree.iter("bdi")}
    assert bdi["UN Special Rapporteur"] is None  # its own direction (auto)
    assert bdi["+41 22 917 90 00"] == "ltr"  # a number without letters: left to right
    assert bdi["Geneva"] is None
    (dateline,) = [p for p in tree.iter("p") if p.get("class") == "dateline"]
    assert [b.text for b in dateline.iter("bdi")] == ["Geneva"]  # the Arabic date is not isolated
    link = next(a for a in tree.iter("a") if a.get("href") == "https://example.org/letters/")
    assert link.get("dir") == "ltr"


def test_the_arabic_translation_isolates_the_senders_latin_name(tmp_path: Path) -> None:
    from openletter.build import build

    build(DATA / "translations" / "letter.md", ["html"], tmp_path, languages=["ar"])
    tree = html5lib.parse((tmp_path / "letter.ar.html").read_text(encoding="utf-8"), namespaceHTMLElements=False)
    (letterhead,) = [p for p in tree.iter("p") if p.get("class") == "letterhead"]
    assert [b.text for b in letterhead.iter("bdi")] == ["Tonle Sap Fishers' Network"]


def test_a_left_to_right_page_isolates_an_arabic_name() -> None:
    letter = attrs.evolve(
        letter_in("en"),
        signatories=(PersonGroup(people=(Person(name="ليلى عبد الكريم", title="Professor", country="Iraq"),)),),
    )
    tree = page_of(letter)
    assert ["".join(b.itertext()) for b in tree.iter("bdi")] == ["ليلى عبد الكريم"]
    assert f"{FSI}ليلى عبد الكريم{PDI}, Professor (Iraq)" in letter_to_text(letter)


def test_a_letter_whose_values_run_its_own_way_has_no_isolation(example_letter: Letter) -> None:
    page = openletter.export(example_letter, "html").decode()
    assert "<bdi" not in page and 'dir="ltr"' not in page.split("<body>", 1)[1]
    assert not set(letter_to_text(example_letter)) & {FSI, LRI, PDI}


def test_the_plain_text_isolates_the_same_values() -> None:
    text = letter_to_text(arabic_letter())
    assert f"{FSI}Jane Doe{PDI}، مديرة، {FSI}Amnesty International{PDI} ({FSI}UK{PDI})" in text
    assert f"{FSI}Geneva{PDI}، 4 نوفمبر 2024" in text
    assert f"{LRI}+41 22 917 90 00{PDI}" in text
    assert f"{LRI}https://example.org/letters/{PDI}" in text
    assert "ليلى عبد الكريم، أستاذة (العراق)" in text


def test_a_wrapped_line_closes_its_isolates_and_opens_them_again() -> None:
    long_name = " ".join(["Association"] * 12)
    letter = attrs.evolve(
        arabic_letter(), signatories=(OrganisationGroup(organisations=(Organisation(name=long_name),)),)
    )
    lines = [line for line in letter_to_text(letter).split("\n") if "Association" in line]
    assert len(lines) > 1
    for line in lines:
        assert line.count(FSI) == line.count(PDI) == 1


@pytest.mark.parametrize("view", ["html", "eml text", "mailto"])
def test_an_isolated_letter_is_still_printed_faithfully(view: str) -> None:
    letter = arabic_letter()
    if view == "html":
        shown, navigation = html_visible_text(openletter.export(letter, "html").decode()), NAVIGATION["html"]
    elif view == "eml text":
        shown, navigation = _eml_text(letter), NAVIGATION["eml"]
    else:
        from urllib.parse import parse_qs, urlsplit

        first = openletter.export(letter, "mailto").decode().split("\n")[1]
        shown, navigation = parse_qs(urlsplit(first).query)["body"][0], NAVIGATION["mailto"]
    assert faithfulness_problems(letter, shown, navigation=navigation) == []


def test_an_isolated_page_is_valid_html() -> None:
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(openletter.export(arabic_letter(), "html").decode())


@pytest.mark.parametrize(
    ("value", "direction", "expected"),
    [
        ("Jane Doe", "rtl", "auto"),
        ("ليلى", "rtl", None),
        ("2024", "rtl", "ltr"),
        ("+41 22 917 90 00", "rtl", "ltr"),
        ("١٢ ٣٤", "rtl", "ltr"),  # Arabic-Indic digits too: numbers read left to right
        ("شارع 12", "rtl", None),
        ("—", "rtl", None),
        ("ليلى", "ltr", "auto"),
        ("Jane Doe", "ltr", None),
        ("2024", "ltr", None),
    ],
)
def test_which_values_are_isolated(value: str, direction: str, expected: str | None) -> None:
    assert isolation(value, direction) == expected


@settings(max_examples=20)
@given(letter=letters())
def test_every_line_of_the_plain_text_closes_the_isolates_it_opens(letter: Letter) -> None:
    for line in letter_to_text(letter).split("\n"):
        depth = 0
        for char in line:
            if char in (FSI, LRI):
                depth += 1
            elif char == PDI:
                depth -= 1
            assert depth >= 0
        assert depth == 0


def test_balance_reopens_an_isolate_on_the_next_line() -> None:
    assert balance([f"a {FSI}b", f"c{PDI} d", "e"]) == [f"a {FSI}b{PDI}", f"{FSI}c{PDI} d", "e"]


# --------------------------------------------------------------------------- numbers the layout prints


NATIVE_DIGITS = {"km": "០១២៣៤៥៦៧៨៩", "th": "๐๑๒๓๔๕๖๗๘๙", "ar": "٠١٢٣٤٥٦٧٨٩", "fa": "۰۱۲۳۴۵۶۷۸۹"}
COUNTER_STYLES = {"km": "khmer", "th": "thai", "ar": "arabic-indic", "fa": "persian"}
DIGITS = {**NATIVE_DIGITS, "nqo": "".join(chr(0x07C0 + n) for n in range(10))}
"""With N'Ko, whose digits CSS has no predefined counter style for."""
LINK = "https://example.org/x"


def numbered_letter(language: str, numerals: str = "native") -> Letter:
    """A letter whose layout prints every kind of number: an ordered list in the body (from 9, so
    that 10 has two digits), a note marker and its note, a link reference and the link's address,
    demands and numbered signatories. None of its own text holds a digit."""
    from openletter import Demand, Reference

    return Letter(
        title="Title",
        language=language,
        numerals=numerals,
        sections=(Section(text=f"Text[^a] and [a link]({LINK}).\n\n9. nine\n10. ten\n\n    1. nested"),),
        demands=(Demand(text="Do it."), Demand(text="Do that.")),
        references=(Reference(id="a", text="A note."),),
        signatory_numbering="continuous",
        signatories=(PersonGroup(people=(Person(name="Jane"), Person(name="Joe"))),),
    )


def in_digits(number: int, language: str) -> str:
    return "".join(DIGITS[language][int(d)] for d in str(number))


def _mailto_body(letter: Letter) -> str:
    from urllib.parse import parse_qs, urlsplit

    first = openletter.export(letter, "mailto").decode().split("\n")[1]
    return parse_qs(urlsplit(first).query)["body"][0]


TEXT_VIEWS = {"plain text": letter_to_text, "eml text": _eml_text, "mailto": _mailto_body}


@pytest.mark.parametrize("view", list(TEXT_VIEWS))
@pytest.mark.parametrize("language", list(NATIVE_DIGITS))
def test_the_plain_text_writes_every_number_of_the_layout_in_native_digits(language: str, view: str) -> None:
    text = TEXT_VIEWS[view](numbered_letter(language))

    def n(number: int) -> str:
        return in_digits(number, language)

    lines = [line.strip().replace(FSI, "").replace(PDI, "") for line in text.split("\n")]  # (Latin names isolated)
    for expected in (f"{n(9)}. nine", f"{n(10)}. ten", f"{n(1)}. nested", f"{n(1)}. Do it.", f"{n(2)}. Do that.",
                     f"{n(1)}. Jane", f"{n(2)}. Joe", f"[{n(1)}] A note.", f"[{n(2)}] {LINK}"):  # fmt: skip
        assert expected in lines
    assert f"Text[{n(1)}] and a link [{n(2)}]." in text
    assert not any(c.isdigit() and c.isascii() for c in text.replace(LINK, ""))


@pytest.mark.parametrize("language", ["en", "fr", "zh-Hans"])
def test_native_digits_change_nothing_in_a_language_whose_native_digits_are_0_to_9(language: str) -> None:
    native, latin = numbered_letter(language), numbered_letter(language, "latn")
    assert letter_to_text(native) == letter_to_text(latin)
    assert openletter.export(native, "html") == openletter.export(latin, "html")


@pytest.mark.parametrize("language", list(NATIVE_DIGITS))
def test_latin_digits_print_as_before(language: str) -> None:
    letter = numbered_letter(language, "latn")
    assert "1. Do it." in letter_to_text(letter) and "[2] https://example.org/x" in letter_to_text(letter)
    page = openletter.export(letter, "html").decode()
    assert "list-style-type" not in page.split("<body>", 1)[1]


def _email_html(letter: Letter) -> str:
    message = email.message_from_bytes(openletter.export(letter, "eml"), policy=email.policy.default)
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


@pytest.mark.parametrize("view", ["page", "email"])
@pytest.mark.parametrize("language", list(NATIVE_DIGITS))
def test_the_page_numbers_its_lists_and_note_markers_in_native_digits(language: str, view: str) -> None:
    letter = numbered_letter(language)
    html = openletter.export(letter, "html").decode() if view == "page" else _email_html(letter)
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    lists = list(tree.iter("ol"))
    assert len(lists) == 5  # the body's list and the list in it, the demands, the signatories, the notes
    for ol in lists:  # a CSS predefined counter style of the language's digits (in the email, inlined)
        assert f"list-style-type: {COUNTER_STYLES[language]}" in ol.get("style")
    (marker,) = [sup for sup in tree.iter("sup") if sup.get("class") == "footnote-ref"]
    assert "".join(marker.itertext()) == in_digits(1, language)
    (back,) = [a for a in tree.iter("a") if a.get("href") == "#fnref1"]
    assert back.get("aria-label").endswith(f"({in_digits(1, language)})")
    assert next(ol for ol in lists if ol.get("class") is None).get("start") == "9"  # the count stays data


def test_a_long_signatory_list_shows_no_numbers_with_native_digits_either() -> None:
    people = tuple(Person(name=f"Person {chr(65 + n)}") for n in range(20))
    letter = attrs.evolve(numbered_letter("km"), signatories=(PersonGroup(people=people),))
    (signatories,) = [ol for ol in page_of(letter).iter("ol") if "signatory-list" in (ol.get("class") or "")]
    assert "long" in signatories.get("class") and signatories.get("style") is None  # (the CSS hides them)


@pytest.mark.parametrize("view", ["html", "eml text", "mailto"])
@pytest.mark.parametrize("language", list(NATIVE_DIGITS))
def test_a_letter_in_native_digits_is_still_printed_faithfully(language: str, view: str) -> None:
    letter = numbered_letter(language)
    if view == "html":
        shown, navigation = html_visible_text(openletter.export(letter, "html").decode()), NAVIGATION["html"]
    elif view == "eml text":
        shown, navigation = _eml_text(letter), NAVIGATION["eml"]
    else:
        shown, navigation = _mailto_body(letter), NAVIGATION["mailto"]
    assert faithfulness_problems(letter, shown, navigation=navigation) == []


@settings(max_examples=25)
@given(letter=letters(), language=st.sampled_from(list(NATIVE_DIGITS)))
def test_native_digits_change_nothing_in_the_plain_text_but_the_layouts_digits(letter: Letter, language: str) -> None:
    import unicodedata

    def ascii_digits(text: str) -> str:
        return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)

    latin = attrs.evolve(letter, language=language, numerals="latn", date=None, date_text=None, archive=None)
    native = attrs.evolve(latin, numerals="native")
    assert ascii_digits(letter_to_text(native)) == ascii_digits(letter_to_text(latin))


@pytest.mark.parametrize(
    ("system", "style"),
    [("khmr", "khmer"), ("thai", "thai"), ("arab", "arabic-indic"), ("arabext", "persian"), ("deva", "devanagari"),
     ("beng", "bengali"), ("laoo", "lao"), ("mymr", "myanmar"), ("tamldec", "tamil"), ("latn", None),
     ("nkoo", "openletter-nkoo"), ("adlm", "openletter-adlm")],
)  # fmt: skip
def test_each_native_numbering_system_has_its_css_counter_style(system: str, style: str | None) -> None:
    from openletter.words import counter_style, counter_style_rule

    assert counter_style(system) == style
    rule = counter_style_rule(system)
    if style is None or not style.startswith("openletter-"):  # predefined (or none): nothing to define
        assert rule is None
    else:  # CSS has no predefined style for these digits: the page defines one
        assert rule is not None and rule.startswith(f"@counter-style {style} {{ system: numeric; symbols: ")


def test_a_page_in_digits_css_has_no_style_for_defines_its_counter_style() -> None:
    letter = numbered_letter("nqo")  # N'Ko
    tree = page_of(letter)
    (style,) = tree.iter("style")
    nko = "".join(f' "{chr(0x07C0 + n)}"' for n in range(10))  # N'Ko digits 0-9
    assert f"@counter-style openletter-nkoo {{ system: numeric; symbols:{nko};" in style.text
    assert {ol.get("style") for ol in tree.iter("ol")} == {"list-style-type: openletter-nkoo"}
    assert "@counter-style" not in openletter.export(numbered_letter("km"), "html").decode()


@pytest.mark.parametrize(
    ("language", "system"),
    [("km", "khmr"), ("th", "thai"), ("ar", "arab"), ("fa", "arabext"), ("ur", "arabext"), ("hi", "deva"),
     ("en", "latn"), ("zh-Hans", "latn"), ("qqq", "latn")],
)  # fmt: skip
def test_the_letters_numbering_is_its_languages_native_system_when_it_asks_for_it(language: str, system: str) -> None:
    from openletter.words import letter_numbering, native_numbering, write_digits

    assert native_numbering(language) == system
    assert letter_numbering(numbered_letter(language)) == system
    assert letter_numbering(numbered_letter(language, "latn")) == "latn"
    assert write_digits("10", system) == native_digits("10", language)


@pytest.mark.parametrize("language", list(NATIVE_DIGITS))
def test_the_pdf_writes_every_number_of_the_layout_in_native_digits(language: str) -> None:
    import subprocess
    import tempfile

    pdf = pytest.importorskip("openletter_pdf")  # (the plugin's render: tests load no installed plugin)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf.render(numbered_letter(language), {}))
        handle.flush()
        text = subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, check=True, text=True).stdout
    shown = "".join(text.split())
    for number in (1, 2, 9, 10):  # list items, demands, signatories, notes, the link, the page
        assert in_digits(number, language) in shown
    assert f"{in_digits(1, language)}/{in_digits(1, language)}" in shown  # the page's footer
    assert not any(c.isdigit() and c.isascii() for c in shown.replace(LINK, ""))


@pytest.mark.parametrize("language", list(NATIVE_DIGITS))
def test_the_word_document_writes_every_number_of_the_layout_in_native_digits(language: str) -> None:
    import io

    word = pytest.importorskip("openletter_docx")  # (the plugin's render: tests load no installed plugin)
    import docx

    document = docx.Document(io.BytesIO(word.render(numbered_letter(language), {})))
    paragraphs = [p.text.replace(FSI, "").replace(PDI, "") for p in document.paragraphs]

    def n(number: int) -> str:
        return in_digits(number, language)

    for expected in (f"{n(9)}.\tnine", f"{n(10)}.\tten", f"{n(1)}.\tnested", f"{n(1)}.\tDo it.",
                     f"{n(2)}.\tDo that.", f"{n(1)}.\tJane", f"{n(2)}.\tJoe", f"{n(1)}.\tA note.",
                     f"Text{n(1)} and a link."):  # fmt: skip
        assert expected in paragraphs
    assert faithfulness_problems(numbered_letter(language), "\n".join(paragraphs), navigation=NAVIGATION["docx"]) == []
    numbering = document.part.numbering_part.element
    used = {
        p._p.pPr.numPr.numId.val for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None
    }
    for num_id in used:  # Word writes none of them itself: the numbers are the paragraphs' own text
        abstract = numbering.num_having_numId(num_id).abstractNumId.val
        level = f"w:abstractNum[@w:abstractNumId='{abstract}']/w:lvl"
        assert numbering.xpath(f"{level}/w:numFmt/@w:val") == ["none"]
        assert numbering.xpath(f"{level}/w:lvlText/@w:val") == [""]


def test_the_word_document_of_a_letter_in_latin_digits_is_numbered_by_word() -> None:
    import io

    word = pytest.importorskip("openletter_docx")
    import docx

    document = docx.Document(io.BytesIO(word.render(numbered_letter("km", "latn"), {})))
    assert "Do it." in [p.text for p in document.paragraphs]
    assert "none" not in document.part.numbering_part.element.xpath("//w:numFmt/@w:val")


@pytest.mark.slow
@pytest.mark.parametrize("language", list(DIGITS))
def test_a_page_in_native_digits_is_valid_accessible_and_numbered_so_by_the_browser(
    language: str, browser: Any, site: Any
) -> None:
    from . import vnu
    from .browser import axe, visit
    from .browser import missing as browser_missing

    why = vnu.missing() or browser_missing()
    if why is not None:
        pytest.skip(why)
    path = site.root / "native-digits" / f"letter.{language}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(openletter.export(numbered_letter(language), "html"))
    validation = vnu.start([path])
    with visit(browser, site.url(path)) as seen:
        violations = axe(seen.page)
        session = seen.page.context.new_cdp_session(seen.page)
        tree = session.send("Accessibility.getFullAXTree")
        markers = [
            str(node.get("name", {}).get("value", "")).strip()
            for node in tree["nodes"]
            if node.get("role", {}).get("value") == "ListMarker"
        ]
    assert violations == [], "\n".join(map(str, violations))
    problems = [str(m) for m in validation.messages()[path.resolve()] if m.kind in ("error", "warning")]
    assert problems == [], "\n".join(problems)
    n = in_digits  # the markers Chromium draws: the counter style's digits, the same as the text's
    expected = [n(9, language), n(10, language), n(1, language), n(1, language), n(2, language)]
    expected += [n(1, language), n(2, language), n(1, language)]  # the signatories and the note
    shown = [marker.strip(". ") for marker in markers]  # (the tree's order is not the page's; "N." or ". N")
    assert sorted(shown) == sorted(expected), repr((shown, expected))


@pytest.mark.slow
def test_the_browser_draws_each_counter_style_in_the_digits_of_its_numbering_system(browser: Any, site: Any) -> None:
    from openletter.words import _COUNTER_STYLES, _ZERO_DIGITS, counter_style, counter_style_rule, write_digits

    from .browser import missing as browser_missing
    from .browser import visit

    why = browser_missing()
    if why is not None:
        pytest.skip(why)
    systems = list(_ZERO_DIGITS)  # predefined styles (_COUNTER_STYLES) and the page's own
    rules = "\n".join(rule for system in systems if (rule := counter_style_rule(system)) is not None)
    lists = "".join(
        f'<ol start="1907" style="list-style-type: {counter_style(system)}"><li>{system}</li></ol>'
        for system in systems
    )
    head = '<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>Counter styles</title>'
    page = f"{head}<style>{rules}</style>{lists}</html>"
    path = site.root / "native-digits" / "counter-styles.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    with visit(browser, site.url(path)) as seen:
        session = seen.page.context.new_cdp_session(seen.page)
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    markers = {str(n.get("name", {}).get("value", "")).strip(". ") for n in nodes if n["role"]["value"] == "ListMarker"}
    assert len(_COUNTER_STYLES) == 17 and markers == {write_digits("1907", system) for system in systems}
