"""The letter's own words, in its language: labels such as "To" and "Signatories", dates, and the
direction of its text. Shared by the built-in formats and offered to plugins (`openletter.labels`,
`openletter.format_date`, `openletter.display_date`, `openletter.text_direction`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

from .model import CALENDARS, NUMERALS, Letter

__all__ = [
    "LABEL_KEYS",
    "LABEL_LANGUAGES",
    "counter_style",
    "counter_style_rule",
    "display_date",
    "english_labels",
    "format_count",
    "format_date",
    "label_language",
    "labels",
    "letter_date",
    "letter_labels",
    "letter_numbering",
    "native_digits",
    "native_numbering",
    "text_direction",
    "write_digits",
]

_RTL_LANGUAGES = {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku", "ps", "sd", "syr", "ug", "ur", "yi"}
_RTL_SCRIPTS = {"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"}

LABEL_KEYS: tuple[str, ...] = (
    "to",
    "cc",
    "subject",
    "demands",
    "signatories",
    "notes",
    "back",
    "postscript",
    "all_recipients",
    "languages",
    "status_met",
    "status_partly_met",
    "status_not_met",
    "status_withdrawn",
    "excerpt",
    "source",
    "retrieved",
    "colon",
    "comma",
    "semicolon",
    "tally_signatures",
    "tally_unnamed",
    "tally_earlier",
    "tally_withdrawn",
)
"""Every label a format may print. ``colon`` follows a label such as "To" or "Subject", with the
spacing the language puts after it ("Objet : ", "事由：", "កម្មវត្ថុ៖ "); ``comma`` and ``semicolon``
separate the parts of a name line and items of a list; ``back``, ``all_recipients`` and
``languages`` are navigation words (the page's "back to the text" links, the mailto file's first
link, the name of the page's list of its translations). The ``tally_`` labels word the count of
signatures printed after the list when some are not named (`openletter.printed.TallyNote`)."""

ENGLISH_FALLBACK: frozenset[str] = frozenset({"tally_signatures", "tally_unnamed", "tally_earlier", "tally_withdrawn"})
"""Labels a language's table may not have yet: the English words stand in for them (a letter
sets its own through `openletter.Labels`)."""

LABEL_LANGUAGES: tuple[str, ...] = (
    "am",
    "ar",
    "bn",
    "de",
    "en",
    "es",
    "fa",
    "fr",
    "hi",
    "id",
    "it",
    "ja",
    "km",
    "ko",
    "lo",
    "ms",
    "my",
    "nl",
    "pt",
    "ru",
    "sw",
    "ta",
    "th",
    "tl",
    "tr",
    "uk",
    "ur",
    "vi",
    "zh-Hans",
    "zh-Hant",
)
"""The languages the built-in label table has (one data file each, ``data/labels/LANG.json``)."""

_HANT_REGIONS = {"tw", "hk", "mo"}


def label_language(language: str) -> str:
    """Which of `LABEL_LANGUAGES` serves `language` (a BCP 47 tag); ``en`` when none does.

    The exact tag first (``zh-Hant``), then the language with its script, then the language
    alone; Chinese without a script is Traditional for Taiwan, Hong Kong and Macao, else
    Simplified.
    """
    parts = language.lower().split("-")
    by_lower = {name.lower(): name for name in LABEL_LANGUAGES}
    if parts[0] == "zh":
        script = next((p for p in parts[1:] if len(p) == 4), None)
        if script is None:
            script = "hant" if any(p in _HANT_REGIONS for p in parts[1:]) else "hans"
        return by_lower.get(f"zh-{script}", "zh-Hans")
    for candidate in ("-".join(parts), "-".join(parts[:2]), parts[0]):
        if candidate in by_lower:
            return by_lower[candidate]
    return "en"


@cache
def _table(name: str) -> Mapping[str, str]:
    import json

    data = json.loads(files("openletter").joinpath(f"data/labels/{name}.json").read_text(encoding="utf-8"))
    if name != "en":
        english = _table("en")
        data = {**{key: english[key] for key in ENGLISH_FALLBACK if key not in data}, **data}
    return MappingProxyType(data)


def english_labels(language: str) -> frozenset[str]:
    """The labels of `language`'s table that are English stand-ins (`ENGLISH_FALLBACK`)."""
    name = label_language(language)
    if name == "en":
        return frozenset()
    import json

    data = json.loads(files("openletter").joinpath(f"data/labels/{name}.json").read_text(encoding="utf-8"))
    return frozenset(key for key in ENGLISH_FALLBACK if key not in data)


def text_direction(language: str) -> str:
    """``rtl`` for right-to-left languages and scripts, ``ltr`` otherwise."""
    parts = language.lower().split("-")
    scripts = [p for p in parts[1:] if len(p) == 4 and p.isalpha()]
    if scripts:  # an explicit script decides: ku-Latn is left-to-right, az-Arab right-to-left
        return "rtl" if scripts[0] in _RTL_SCRIPTS else "ltr"
    return "rtl" if parts[0] in _RTL_LANGUAGES else "ltr"


def labels(language: str) -> Mapping[str, str]:
    """The built-in labels for `language` (see `label_language`; English as the fallback)."""
    return _table(label_language(language))


def letter_labels(letter: Letter) -> Mapping[str, str]:
    """The labels of `letter`: its own (`Letter.labels`) over its language's defaults."""
    own = letter.labels.given()
    table = labels(letter.language)
    return MappingProxyType({**table, **own}) if own else table


def display_date(letter: Letter) -> str | None:
    """The date as the letter shows it: `date_text`, else a long date in the letter's language,
    calendar and digits (`Letter.calendar`, `Letter.numerals`)."""
    if letter.date_text is not None:
        return letter.date_text
    if letter.date is None:
        return None
    return letter_date(letter, letter.date)


def letter_date(letter: Letter, date: dt.date) -> str:
    """Any date the letter prints (its own, an archive's retrieval date) as `format_date` writes it
    in the letter's language, calendar and digits."""
    return format_date(date, letter.language, numerals=letter.numerals, calendar=letter.calendar)


def format_date(date: dt.date, language: str, *, numerals: str = "latn", calendar: str = "gregorian") -> str:
    """A long date in `language` (\"8 June 2023\", \"8 มิถุนายน ค.ศ. 2023\"), from the CLDR data;
    written YYYY-MM-DD when Babel has no locale for the language.

    ``numerals="native"`` writes the digits in the language's native digits (`native_digits`:
    \"๘ มิถุนายน ค.ศ. ๒๐๒๓\", \"٨ يونيو ٢٠٢٣\"). ``calendar="buddhist"`` counts the years of the
    Thai solar calendar, the Buddhist era (the Gregorian year + 543, with the same months and
    days), as Thai letters date themselves: the era's name is left out (\"8 มิถุนายน 2566\").
    """
    from babel.dates import format_date

    if numerals not in NUMERALS or calendar not in CALENDARS:
        raise ValueError(f"numerals must be one of {NUMERALS} and calendar one of {CALENDARS}")
    locale = _locale(language)
    if locale is None:
        year = date.year + _BUDDHIST_ERA if calendar == "buddhist" else date.year
        return f"{year:04d}-{date.month:02d}-{date.day:02d}"
    pattern: Any = "long"
    if calendar == "buddhist":
        pattern = _buddhist_pattern(locale.date_formats["long"].pattern, date.year + _BUDDHIST_ERA)
    text = str(format_date(date, format=pattern, locale=locale))
    return native_digits(text, language) if numerals == "native" else text


def format_count(value: int, letter: Letter) -> str:
    """A count the letter prints ("1,104", "1 104", "1.104"), grouped as its language groups
    digits (CLDR, through Babel) and in its digits (`letter_numbering`); plain digits when Babel
    has no locale for the language."""
    from babel.numbers import format_decimal

    locale = _locale(letter.language)
    text = str(value) if locale is None else str(format_decimal(value, locale=locale, numbering_system="latn"))
    return write_digits(text, letter_numbering(letter))


def native_digits(text: str, language: str) -> str:
    """`text` with its digits 0-9 written in `language`'s native digits, as the CLDR names them
    (``th``: Thai digits, ``km``: Khmer, ``ar``: Arabic-Indic, ``fa`` and ``ur``: Extended
    Arabic-Indic, ``hi``: Devanagari...). Unchanged when they are 0-9, when Babel does not know
    the language, or when its native numbers are not ten digits written in place of 0-9 (the
    Chinese ``hanidec`` numbers, which are not read digit by digit in dates)."""
    return write_digits(text, native_numbering(language))


def native_numbering(language: str) -> str:
    """The CLDR numbering system of `language`'s native digits (``thai``, ``khmr``, ``arab``,
    ``arabext``, ``deva``...), or ``latn`` when they are 0-9, when Babel does not know the
    language, or when they are not ten digits written in place of 0-9 (see `native_digits`)."""
    locale = _locale(language)
    if locale is None:
        return "latn"
    system = str(locale.other_numbering_systems.get("native", "latn"))
    return system if system in _ZERO_DIGITS else "latn"


def letter_numbering(letter: Letter) -> str:
    """The CLDR numbering system of the numbers the layout prints for `letter` (list, demand,
    signatory and note numbers, note and link references): its language's native digits
    (`native_numbering`) when it asks for them (``numerals: native``), else ``latn`` (0-9)."""
    return native_numbering(letter.language) if letter.numerals == "native" else "latn"


def write_digits(text: str, numbering: str) -> str:
    """`text` (a number, a date) with its digits 0-9 written in the digits of the CLDR
    `numbering` system (``write_digits("12", "khmr") == "១២"``); unchanged for ``latn`` and for
    systems that do not write ten digits in place of 0-9."""
    table = _digit_table(numbering)
    return text.translate(table) if table else text


_BUDDHIST_ERA = 543
"""The Buddhist era (Thai solar calendar) counts from 543 BCE: 2024 is 2567 BE."""

_ZERO_DIGITS = {
    "adlm": 0x1E950,
    "arab": 0x0660,
    "arabext": 0x06F0,
    "beng": 0x09E6,
    "cakm": 0x11136,
    "deva": 0x0966,
    "gujr": 0x0AE6,
    "guru": 0x0A66,
    "hmnp": 0x1E140,
    "khmr": 0x17E0,
    "knda": 0x0CE6,
    "laoo": 0x0ED0,
    "mlym": 0x0D66,
    "mong": 0x1810,
    "mtei": 0xABF0,
    "mymr": 0x1040,
    "nkoo": 0x07C0,
    "olck": 0x1C50,
    "orya": 0x0B66,
    "tamldec": 0x0BE6,
    "telu": 0x0C66,
    "thai": 0x0E50,
    "tibt": 0x0F20,
    "vaii": 0xA620,
}
"""The digit zero of each CLDR numbering system that writes ten digits in a row of Unicode, in
place of 0-9 (CLDR's ``numberingSystems.xml``; Babel has the systems' names but not their digits)."""


_COUNTER_STYLES = {
    "arab": "arabic-indic",
    "arabext": "persian",
    "beng": "bengali",
    "deva": "devanagari",
    "gujr": "gujarati",
    "guru": "gurmukhi",
    "khmr": "khmer",
    "knda": "kannada",
    "laoo": "lao",
    "mlym": "malayalam",
    "mong": "mongolian",
    "mymr": "myanmar",
    "orya": "oriya",
    "tamldec": "tamil",
    "telu": "telugu",
    "thai": "thai",
    "tibt": "tibetan",
}
"""The CSS predefined counter style (CSS Counter Styles Level 3, "Numeric" styles) that writes
the digits of each CLDR numbering system, as `_ZERO_DIGITS` has them."""


def counter_style(numbering: str) -> str | None:
    """The CSS ``list-style-type`` that numbers a list in the digits of the CLDR `numbering`
    system: a predefined counter style (``khmr``: ``khmer``, ``arab``: ``arabic-indic``,
    ``arabext``: ``persian``...), else, for the few systems CSS has none for (Adlam, N'Ko, Ol
    Chiki, Vai...), ``openletter-SYSTEM``, which `counter_style_rule` defines; None for ``latn``
    (the browser's ``decimal``) and for systems that are not ten digits."""
    if numbering in _COUNTER_STYLES:
        return _COUNTER_STYLES[numbering]
    return f"openletter-{numbering}" if numbering in _ZERO_DIGITS else None


def counter_style_rule(numbering: str) -> str | None:
    """The CSS ``@counter-style`` rule a page needs for `counter_style` of `numbering`: None when
    that is a predefined style (or none at all), else a numeric style of the system's ten digits."""
    style = counter_style(numbering)
    if style is None or numbering in _COUNTER_STYLES:
        return None
    symbols = " ".join(f'"{digit}"' for digit in write_digits("0123456789", numbering))
    return f'@counter-style {style} {{ system: numeric; symbols: {symbols}; suffix: ". "; }}'


@cache
def _digit_table(system: str) -> dict[int, str]:
    zero = _ZERO_DIGITS.get(system)
    if zero is None:
        return {}
    return {ord("0") + n: chr(zero + n) for n in range(10)}


@cache
def _locale(language: str) -> Any:
    """Babel's locale for a BCP 47 tag (the tag, else its language alone), or None."""
    from babel import Locale, UnknownLocaleError

    for tag in (language, language.split("-", maxsplit=1)[0]):
        try:
            return Locale.parse(tag, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return None


_ERA = "\ue000"
"""Where a pattern's era was (a private-use character, which no CLDR pattern holds)."""


def _buddhist_pattern(pattern: str, year: int) -> str:
    """A CLDR date pattern with its year written as `year` and its era left out, with the space
    that went with the era (the Gregorian era's name, such as "ค.ศ.", would be wrong)."""
    from babel.dates import tokenize_pattern, untokenize_pattern

    pieces: list[str | tuple[str, int]] = []  # literal text, or a field (letter, count)
    for kind, token in tokenize_pattern(pattern):
        if kind == "chars":
            pieces.append(str(token))
            continue
        letter, count = str(token[0]), int(token[1])
        if letter == "G":
            pieces.append(_ERA)  # where the era was
        elif letter in "yYu":
            digits = str(year)
            pieces.append(digits[-2:] if count == 2 else digits.zfill(count))
        else:
            pieces.append((letter, count))
    runs: list[str | tuple[str, int]] = []  # literal text joined in one run between fields:
    for piece in pieces:  # Babel quotes each run apart, and two quoted runs in a row read as a quote
        if isinstance(piece, str) and runs and isinstance(runs[-1], str):
            runs[-1] += piece
        else:
            runs.append(piece)
    tokens: list[tuple[str, Any]] = []
    for run in runs:
        if isinstance(run, str):
            text = run.replace(" " + _ERA, "").replace(_ERA + " ", "").replace(_ERA, "")
            if text:
                tokens.append(("chars", text))
        else:
            tokens.append(("field", run))
    return str(untokenize_pattern(tokens))
