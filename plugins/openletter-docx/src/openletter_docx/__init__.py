"""openletter-docx: the ``docx`` format, an open letter as a Word document an NGO can edit.

The document uses Word's own built-in styles (Title, Subtitle, Heading 1/2, List Number, List
Bullet, Quote, Normal...), so that changing a style in Word or LibreOffice changes every part of
the letter that uses it. python-docx is imported only when a letter is rendered.

Install it next to openletter and ``openletter build letter.md -t docx`` writes ``letter.docx``::

    pip install openletter-docx
"""

from __future__ import annotations

from collections.abc import Sequence

import openletter
from openletter import Exporter, Letter, Options

__all__ = ["MEDIA_TYPE", "PAPER_SIZES", "openletter_exporters", "render"]

__version__ = "0.1.0"

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

PAPER_SIZES: dict[str, tuple[int, int]] = {"a4": (11906, 16838), "us-letter": (12240, 15840)}
"""Page width and height in twips (1/1440 inch) for each value of the ``paper`` option."""


def render(letter: Letter, options: Options) -> bytes:
    """The letter as the bytes of a ``.docx`` file; the same letter and options give the same bytes.

    Option ``paper``: ``a4`` (the default) or ``us-letter``; any other value raises
    `openletter.OptionError`.
    """
    paper = options.get("paper", "a4").strip().lower()
    if paper not in PAPER_SIZES:
        raise openletter.OptionError(
            f"docx.paper must be one of {', '.join(PAPER_SIZES)}, not {options.get('paper')!r}"
        )
    from ._render import render_docx  # noqa: PLC0415 -- python-docx loads only when a letter is rendered

    return render_docx(letter, page_size=PAPER_SIZES[paper])


@openletter.hookimpl
def openletter_exporters() -> Sequence[Exporter]:
    """Provide the ``docx`` format."""
    return [
        Exporter(
            name="docx",
            title="Word document (.docx)",
            suffix=".docx",
            media_type=MEDIA_TYPE,
            render=render,
            options={"paper": "a4 (default) or us-letter"},
        )
    ]
