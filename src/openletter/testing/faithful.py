"""Is a format faithful to the letter? Every printed word in order, nothing the letter lacks.

`faithfulness_problems` compares the text a format shows (the page's visible text, an email's
parts, ``pdftotext`` of a PDF, a Word document's paragraphs) with what `openletter.printed.layout`
says the letter prints:

* every printed unit of text (a line, a heading, a passage of a paragraph between links and
  endnote markers, a signatory's name...) appears, in the order the layout gives;
  the labels the letter prints (its own or its language's: "To", "Signatories"...) are units
  too, where the layout puts them;
* once the units are taken out, what is left is only the words the format declares as its
  navigation (listed in one place: `NAVIGATION`, and the ``back`` and ``all_recipients``
  labels), link addresses of the letter, and numbers, punctuation and symbols (list numbers,
  ``[1]`` note markers, rules, page numbers).

So a sentence printed twice (a demand repeated after the body), a label the letter does not use,
a name in the letterhead that is not the sender's, or a word of boilerplate all show up as text
"not in the letter". Whitespace, invisible format characters (soft hyphens, bidi marks) and
Unicode normalisation do not count: text is compared squeezed (see `squeeze`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from markdown_it.token import Token

    from ..model import Letter
    from ..printed import Printed

__all__ = [
    "NAVIGATION",
    "Unit",
    "faithfulness_problems",
    "html_visible_text",
    "printed_units",
    "squeeze",
]

NAVIGATION: Mapping[str, tuple[str, ...]] = {
    "html": ("↩",),
    "eml": ("↩",),
    "mailto": (),
    "pdf": (),
    "docx": (),
}
"""Words a format adds to find one's way, by format: they are not the letter's text.

Labels (`openletter.letter_labels`: "Back to the text", "All recipients", "Notes"...) are always
allowed and need not be listed here."""


def squeeze(text: str) -> str:
    """NFC, without whitespace and invisible format characters (soft hyphens, bidirectional marks
    that text extractors such as pdftotext add): how printed text is compared."""
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


@attrs.frozen
class Unit:
    """A piece of text the letter prints, and the kind of part it belongs to (``label`` for the
    labels the letter prints: "To", "Signatories", a demand's status...)."""

    text: str
    kind: str


class _Pieces:
    """Markdown of one letter as printed words, cut where formats may add something: at a link
    (a reference number after it), an endnote marker, an image, a hard break, a demand's status
    (which is a label, and a unit of its own); blocks apart."""

    def __init__(self, printed: Printed) -> None:
        from ..markdown import STATUS_KEY, parser
        from ..printed import markdown_env

        self.md = parser()
        self.env = markdown_env(printed)
        self.statuses: dict[str, str] = self.env[STATUS_KEY]  # type: ignore[assignment]

    def block(self, markdown: str) -> Iterator[tuple[str, bool]]:
        """(text, is a label) pieces of block Markdown."""
        for token in self.md.parse(markdown, self.env):
            if token.type == "inline":
                yield from self.inline(token.children or [])
            elif token.type in ("fence", "code_block"):
                yield from ((line, False) for line in token.content.split("\n"))

    def line(self, markdown: str) -> Iterator[tuple[str, bool]]:
        """(text, is a label) pieces of one line of inline Markdown."""
        for token in self.md.parseInline(markdown, self.env):
            yield from self.inline(token.children or [])

    def inline(self, children: list[Token]) -> Iterator[tuple[str, bool]]:
        piece: list[str] = []
        for child in children:
            if child.type in ("text", "code_inline"):
                piece.append(child.content)
            elif child.type == "softbreak":
                piece.append(" ")
            elif child.type in ("link_open", "link_close", "footnote_ref", "hardbreak"):
                yield "".join(piece), False
                piece = []
            elif child.type == "image":
                yield "".join(piece), False
                piece = [child.content]
            elif child.type == "demand_close":
                yield "".join(piece), False
                piece = []
                word = self.statuses.get(child.meta["anchor"].status)
                if word:
                    yield word, True
        yield "".join(piece), False


def printed_units(letter: Letter, kinds: Collection[str] | None = None) -> list[Unit]:
    """The letter's printed text, in order, as units (see the module's docstring).

    `kinds` limits the units to some kinds of parts (`openletter.printed.Part.kind`), for a format
    that carries only part of a letter.
    """
    from .. import printed as p

    printed = p.layout(letter)
    pieces = _Pieces(printed)
    units: list[Unit] = []

    def add(kind: str, *texts: str | None, label: bool = False) -> None:
        if kinds is None or kind in kinds:
            units.extend(Unit(t, "label" if label else kind) for t in texts if t and squeeze(t))

    def markdown(kind: str, text: str | None) -> None:
        for piece, label in pieces.block(text) if text is not None else ():
            add(kind, piece, label=label)

    for part in printed:
        kind = part.kind
        if isinstance(part, p.Letterhead):
            add(kind, *(line.text for line in part.lines))
        elif isinstance(part, p.Title):
            add(kind, part.title.text, part.subtitle.text if part.subtitle else None)
        elif isinstance(part, p.Dateline):
            add(kind, part.place.text if part.place else None, part.date.text if part.date else None)
        elif isinstance(part, p.AddressBlock):
            add(kind, part.label.text, label=True)
            add(kind, *(line for party in part.parties for line in party.lines))
        elif isinstance(part, p.Subject):
            add(kind, part.label.text, label=True)
            add(kind, part.text.text)
        elif isinstance(part, p.Salutation | p.Closing):
            add(kind, part.text.text)
        elif isinstance(part, p.Section):
            for piece, label in pieces.line(part.heading.text) if part.heading is not None else ():
                add(kind, piece, label=label)
            markdown(kind, part.markdown)
        elif isinstance(part, p.ArchiveNote):
            add(kind, part.excerpt, part.source.text if part.source else None, label=True)
            add(kind, part.url)
            add(kind, part.retrieved, label=True)
        elif isinstance(part, p.DemandList):
            add(kind, part.heading, label=True)
            for item in part.items:
                markdown(kind, item.markdown)
                add(kind, item.status, label=True)
        elif isinstance(part, p.SignatoryHeading):
            add(kind, part.text, label=True)
        elif isinstance(part, p.SignatoryGroup):
            add(kind, part.heading)
            markdown(kind, part.note_before)
            for entry in part.entries:
                add(kind, entry.name, entry.rest, entry.closing)
                markdown(kind, entry.description)
            markdown(kind, part.note_after)
        elif isinstance(part, p.CountNote | p.Notes):
            markdown(kind, part.markdown)
        elif isinstance(part, p.Postscript):
            add(kind, part.label, label=True)
            markdown(kind, part.markdown)
        elif isinstance(part, p.Endnotes):
            add(kind, part.heading, label=True)
            for note in part.items:
                markdown(kind, note.markdown)
    return units


def _allowed(letter: Letter, navigation: Iterable[str]) -> list[str]:
    """Navigation words and link addresses: what may appear besides the units."""
    from ..markdown import parser
    from ..model import text_fields
    from ..words import letter_labels

    words = letter_labels(letter)
    allowed = [words["back"], words["all_recipients"], words["languages"], *navigation]
    md = parser()
    for _, text, is_markdown in text_fields(letter):
        if not is_markdown:
            continue
        for token in md.parse(text, {}):
            for child in token.children or ():
                if child.type == "link_open":
                    allowed.append(str(child.attrs.get("href", "")))
                elif child.type == "image":
                    allowed.append(str(child.attrs.get("src", "")))
    return sorted({squeeze(a) for a in allowed if squeeze(a)}, key=len, reverse=True)


_MASK = "\x00"


def faithfulness_problems(
    letter: Letter, text: str, *, kinds: Collection[str] | None = None, navigation: Iterable[str] = ()
) -> list[str]:
    """What is wrong with `text` as a rendering of `letter`: units missing or out of order, and
    text that is not the letter's (see the module's docstring). Empty when it is faithful."""
    shown = squeeze(text)
    problems: list[str] = []
    position = 0
    spans: list[tuple[int, int]] = []
    for unit in printed_units(letter, kinds):
        wanted = squeeze(unit.text)
        found = shown.find(wanted, position)
        if found < 0:
            where = "out of order" if wanted in shown else "missing"
            problems.append(f"{where}: {unit.text!r} ({unit.kind})")
            continue
        spans.append((found, found + len(wanted)))
        position = found + len(wanted)
    rest = list(shown)
    for start, end in spans:
        rest[start:end] = [_MASK] * (end - start)
    remainder = "".join(rest)
    for word in _allowed(letter, navigation):
        remainder = remainder.replace(word, _MASK)
    for piece in remainder.split(_MASK):
        words = "".join(c for c in piece if unicodedata.category(c)[0] in "LM")
        if words:
            problems.append(f"not in the letter: {piece!r}")
    return problems


class _Visible(HTMLParser):
    """The text a reader sees in the body of an HTML page (no head, scripts, styles or alt text)."""

    _HIDDEN = frozenset({"head", "script", "style", "template", "title"})
    _BLOCKS = frozenset({"p", "li", "div", "section", "h1", "h2", "h3", "h4", "br", "tr", "address", "footer"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden -= 1
        elif tag in self._BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.out.append(data)


def html_visible_text(html: str) -> str:
    """The visible text of an HTML page or email part (for `faithfulness_problems`)."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return "".join(parser.out)
