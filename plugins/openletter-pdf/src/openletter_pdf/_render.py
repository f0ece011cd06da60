"""Typeset the letter: JSON data and the static template go to Typst, a PDF comes back.

Pure: the template is read from this package, fonts from the system's font folders; nothing is
written, nothing is fetched. The same letter and options give the same bytes: the PDF's dates
come from the letter's date (1970-01-01 when it has none), and Typst derives the document ID
from the content, not from a random number.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

from openletter import Letter, OptionError

from . import PAPERS
from ._data import letter_data

if TYPE_CHECKING:
    import typst

TEMPLATE = "letter.typ"


@cache
def template() -> bytes:
    """The Typst template shipped with this package."""
    return files("openletter_pdf").joinpath(TEMPLATE).read_bytes()


@cache
def system_fonts() -> typst.Fonts:
    """The system's fonts (and Typst's own), found once per process: searching takes ~0.2 s."""
    import typst

    return typst.Fonts(include_system_fonts=True, include_embedded_fonts=True)


def timestamp(letter: Letter) -> dt.datetime:
    """The moment written into the PDF: midnight UTC on the letter's date, or 1970-01-01."""
    date = letter.date or dt.date(1970, 1, 1)
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)


def paper(options: Mapping[str, str]) -> str:
    """The Typst paper name the options ask for; `OptionError` for one not offered."""
    value = options.get("paper", "a4").strip().lower()
    if value not in PAPERS:
        raise OptionError(f"pdf.paper must be one of {', '.join(PAPERS)}, not {options.get('paper')!r}")
    return PAPERS[value]


def render_pdf(letter: Letter, options: Mapping[str, str], *, fonts: typst.Fonts | None = None) -> bytes:
    """Typeset `letter`; `fonts` replaces the system's fonts (tests use it to take fonts away)."""
    import typst

    data = letter_data(letter, paper=paper(options))
    inputs = {"letter": json.dumps(data, ensure_ascii=False)}
    if letter.logo is not None:
        # The image's bytes as a JSON array of numbers, which the template turns back into bytes.
        # (typst-py 0.15 cannot take a binary file in its dict of in-memory files: it decodes
        # every file there as UTF-8 and fails on the image.)
        inputs["logo"] = json.dumps(list(letter.logo.data), separators=(",", ":"))

    def compile_pdf() -> bytes:
        output, _warnings = typst.compile_with_warnings(
            template(),
            format="pdf",
            font_paths=fonts if fonts is not None else system_fonts(),
            sys_inputs=inputs,
            timestamp=timestamp(letter),
        )
        return bytes(output)

    try:
        return compile_pdf()
    except typst.TypstError as error:
        if "logo" not in inputs or "decode image" not in str(error):
            raise
    # The logo has a PNG, JPEG or GIF signature but cannot be decoded: the letterhead goes
    # without it, as the Word format's does (a damaged image must not stop the letter).
    del inputs["logo"]
    inputs["letter"] = json.dumps({**data, "logo": None}, ensure_ascii=False)
    return compile_pdf()
