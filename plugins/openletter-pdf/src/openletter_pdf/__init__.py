"""openletter-pdf: the ``pdf`` format, a printed letter typeset with Typst.

The letter goes to a static Typst template (``letter.typ``, shipped with this package) as JSON
data; no letter text is ever written into Typst markup. See the README for the design.

Only the hook lives here: Typst and the Markdown parser are imported when a PDF is rendered, so
``openletter formats`` stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence

import openletter
from openletter import Exporter, Letter, Options, Problem

__all__ = [
    "PAPERS",
    "TEXT_LIMIT",
    "TextLimitError",
    "openletter_exporters",
    "openletter_lint",
    "render",
    "text_limit_problem",
]
__version__ = "0.1.0"

PAPERS: dict[str, str] = {"a4": "a4", "us-letter": "us-letter"}
"""Accepted ``paper`` option values and the Typst paper names they stand for."""


TEXT_LIMIT = 1_000_000
"""The most characters of letter text (every text field, Markdown as written) the pdf format
typesets. Typst holds every laid-out page in memory until the PDF is written, some 250 to 400
bytes a character: a letter at the limit takes about 400 MB, one of 10 MB would take 3 GB."""


class TextLimitError(ValueError):
    """The letter has more text than the pdf format typesets (`TEXT_LIMIT`)."""


def _past_limit(letter: Letter) -> tuple[str | int, ...] | None:
    """The field where the letter's text goes past `TEXT_LIMIT`, or None. (The walk stops there:
    a letter of a million signatories is not read to its end to be refused.)"""
    from openletter.model import text_fields

    total = 0
    for path, value, _markdown in text_fields(letter):
        total += len(value)
        if total > TEXT_LIMIT:
            return path
    return None


def text_limit_problem(letter: Letter) -> Problem | None:
    """The warning for a letter with more text than `TEXT_LIMIT`, at the field where its text
    goes past the limit; None for a letter within it."""
    where = _past_limit(letter)
    if where is None:
        return None
    return Problem(
        path=where,
        severity="warning",
        message=f"the letter's text goes past {TEXT_LIMIT:,} characters here, "
        "more than the pdf format typesets: no PDF will be made",
        expected=f"at most {TEXT_LIMIT:,} characters of text for a PDF, which Typst lays out whole in memory; "
        "-t FORMAT builds or checks only the formats you use, and the others take longer letters",
    )


def render(letter: Letter, options: Options) -> bytes:
    """The letter as a PDF (options: ``paper``); `TextLimitError` for more text than `TEXT_LIMIT`."""
    from ._render import render_pdf

    if _past_limit(letter) is not None:
        raise TextLimitError(f"the letter has more than the {TEXT_LIMIT:,} characters of text the pdf format typesets")
    return render_pdf(letter, options)


@openletter.hookimpl
def openletter_lint(letter: Letter, formats: Sequence[str]) -> Sequence[Problem]:
    """When the pdf format is built or checked: warn, at the field where its text goes past
    `TEXT_LIMIT`, that a letter this long gets no PDF (before any typesetting). A warning, as the
    mailto format's for links too long: the letter is fine, and its other formats are made."""
    if "pdf" not in formats:
        return []
    problem = text_limit_problem(letter)
    return [problem] if problem is not None else []


@openletter.hookimpl
def openletter_exporters() -> Sequence[Exporter]:
    """Provide the ``pdf`` format."""
    return [
        Exporter(
            name="pdf",
            title="PDF (printed letter, typeset with Typst)",
            suffix=".pdf",
            media_type="application/pdf",
            render=render,
            options={"paper": "a4 (default) or us-letter"},
        )
    ]
