"""openletter-pdf: the ``pdf`` format, a printed letter typeset with Typst.

The letter goes to a static Typst template (``letter.typ``, shipped with this package) as JSON
data; no letter text is ever written into Typst markup. See the README for the design.

Only the hook lives here: Typst and the Markdown parser are imported when a PDF is rendered, so
``openletter formats`` stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence

import openletter
from openletter import Exporter, Letter, Options

__all__ = ["PAPERS", "openletter_exporters", "render"]
__version__ = "0.1.0"

PAPERS: dict[str, str] = {"a4": "a4", "us-letter": "us-letter"}
"""Accepted ``paper`` option values and the Typst paper names they stand for."""


def render(letter: Letter, options: Options) -> bytes:
    """The letter as a PDF (options: ``paper``)."""
    from ._render import render_pdf

    return render_pdf(letter, options)


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
