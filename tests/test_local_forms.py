"""Local forms: dates in the letter's calendar and digits, in every format."""

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
from openletter import Archive, Letter, Organisation, OrganisationGroup, Section
from openletter.testing.faithful import html_visible_text
from openletter.words import display_date, format_date, native_digits

from .conftest import DATA

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
