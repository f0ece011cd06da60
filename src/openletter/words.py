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

from .model import Letter

__all__ = [
    "LABEL_KEYS",
    "LABEL_LANGUAGES",
    "display_date",
    "format_date",
    "label_language",
    "labels",
    "letter_labels",
    "text_direction",
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
)
"""Every label a format may print. ``colon`` follows a label such as "To" or "Subject", with the
spacing the language puts after it ("Objet : ", "事由：", "កម្មវត្ថុ៖ "); ``comma`` and ``semicolon``
separate the parts of a name line and items of a list; ``back``, ``all_recipients`` and
``languages`` are navigation words (the page's "back to the text" links, the mailto file's first
link, the name of the page's list of its translations)."""

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
    return MappingProxyType(data)


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
    """The date as the letter shows it: `date_text`, else a long date in the letter's language."""
    if letter.date_text is not None:
        return letter.date_text
    if letter.date is None:
        return None
    return format_date(letter.date, letter.language)


def format_date(date: dt.date, language: str) -> str:
    """A long date in `language` (\"8 June 2023\", \"8 มิถุนายน 2023\"), from the CLDR data; ISO when
    Babel has no locale for the language."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date

    for tag in (language, language.split("-", maxsplit=1)[0]):
        try:
            locale = Locale.parse(tag, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
        return str(format_date(date, format="long", locale=locale))
    return date.isoformat()
