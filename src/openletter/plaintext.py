"""The letter as plain text, for email: wrapped at 72 columns, links and notes as numbered references.

The parts and their order come from `openletter.printed.layout`; this module only sets them as
text. Markdown is read with the shared parser and written back as text a mail client shows well:
paragraphs wrapped, lists with ``-`` or numbers, quotes with ``>``, code indented, emphasis
dropped. A note marker ``[^x]`` becomes ``[n]``; a link whose words are not its address becomes
its words followed by ``[n]``, and the address is listed at the end (notes first, in the
letter's order, then links in order of first appearance: `openletter.printed.Numbering`).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from .bidi import balance, isolate, isolate_pieces
from .printed import (
    AddressBlock,
    ArchiveNote,
    Closing,
    CountNote,
    Dateline,
    DemandList,
    Endnotes,
    Letterhead,
    Notes,
    Numbering,
    Postscript,
    Printed,
    Salutation,
    Section,
    SignatoryGroup,
    SignatoryHeading,
    Subject,
    Title,
    layout,
)
from .words import text_direction

if TYPE_CHECKING:
    from markdown_it.token import Token

    from .model import Letter

WIDTH = 72


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    if text.isprintable() and len(first) + len(text) <= WIDTH and text[-1:] not in ("", " "):
        return [first + text]  # one short line (a signatory): as textwrap sets it, at a tenth of the cost
    return _textwrap(text, first, rest)


def _textwrap(text: str, first: str, rest: str) -> list[str]:
    lines: list[str] = []
    for number, piece in enumerate(text.split("\n")):
        lines.extend(
            textwrap.wrap(
                piece,
                width=WIDTH,
                initial_indent=first if number == 0 else rest,
                subsequent_indent=rest,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [(first if number == 0 else rest).rstrip()]
        )
    isolated = "\u2068" in text or "\u2066" in text or "\u2067" in text  # (`openletter.bidi`)
    return balance(lines) if isolated and len(lines) > 1 else lines


class _Writer:
    """Markdown to wrapped text for one letter, with its numbering and parser environment."""

    def __init__(self, printed: Printed) -> None:
        from .markdown import STATUS_KEY, parser
        from .printed import markdown_env

        self.md = parser()
        self.env = markdown_env(printed)
        self.numbering = Numbering(printed.letter)
        self.number = printed.number  # in the letter's digits
        self.statuses: dict[str, str] = self.env[STATUS_KEY]  # type: ignore[assignment]

    def inline(self, children: list[Token]) -> str:
        out: list[str] = []
        links: list[tuple[str, int]] = []  # open links: address, where their words start
        for child in children:
            kind = child.type
            if kind in ("text", "code_inline"):
                out.append(child.content)
            elif kind == "softbreak":
                out.append(" ")
            elif kind == "hardbreak":
                out.append("\n")
            elif kind == "link_open":
                links.append((str(child.attrs.get("href", "")), len(out)))
            elif kind == "link_close" and links:
                url, start = links.pop()
                number = self.numbering.link(url, "".join(out[start:]))
                if number is not None:
                    out.append(f" [{self.number(number)}]")
            elif kind == "image":
                src = str(child.attrs.get("src", ""))
                out.append(child.content)
                number = self.numbering.link(src, child.content)
                if number is not None:
                    out.append(f" [{self.number(number)}]")
            elif kind == "footnote_ref":
                label = str(child.meta.get("label", ""))
                note = self.numbering.notes.get(label)
                out.append(f"[{'?' if note is None else self.number(note)}]")
            elif kind == "demand_close":
                word = self.statuses.get(child.meta["anchor"].status)
                if word:
                    out.append(f" ({word})")
        return "".join(out)

    def block(self, markdown: str, marker: str = "") -> str:
        """Render Markdown block text as wrapped plain text, after `marker` ("1. ", "[2] ") when
        given, the lines that follow indented as far."""
        return self._blocks(self.md.parse(markdown, self.env), marker)

    def line(self, markdown: str) -> str:
        """Render one line of inline Markdown (a heading) as text."""
        return "".join(self.inline(t.children or []) for t in self.md.parseInline(markdown, self.env))

    def _blocks(self, tokens: list[Token], marker: str = "") -> str:
        blocks: list[str] = []
        prefixes: list[str] = [" " * len(marker)] if marker else []  # one per open container (list item / quote)
        counters: list[int | None] = []  # per open list: next number, or None for bullets
        first_line_marker: list[str] = [marker] if marker else []

        def prefix(first: bool) -> tuple[str, str]:
            rest = "".join(prefixes)
            if first and first_line_marker:
                return rest[: -len(first_line_marker[-1])] + first_line_marker.pop(), rest
            return rest, rest

        previous_tight = False  # the last block was a paragraph of a tight list item
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "bullet_list_open":
                counters.append(None)
            elif kind == "ordered_list_open":
                counters.append(int(token.attrs.get("start", 1) or 1))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                counters.pop()
            elif kind == "list_item_open":
                number = counters[-1]
                marker = "- " if number is None else f"{self.number(number)}. "
                if number is not None:
                    counters[-1] = number + 1
                prefixes.append(" " * len(marker))
                first_line_marker.append(marker)
            elif kind == "list_item_close":
                prefixes.pop()
            elif kind == "blockquote_open":
                prefixes.append("> ")
            elif kind == "blockquote_close":
                prefixes.pop()
            elif kind == "inline" and tokens[index - 1].type in ("paragraph_open", "heading_open"):
                text = self.inline(token.children or [])
                first, rest = prefix(True)
                lines = _wrap(text, first, rest)
                if tokens[index - 1].type == "heading_open":
                    lines.append(rest + "-" * min(WIDTH - len(rest), max(len(line) - len(rest) for line in lines)))
                tight = tokens[index - 1].hidden
                if tight and previous_tight:  # items of a tight list: no blank line between them
                    blocks[-1] += "\n" + "\n".join(lines)
                else:
                    blocks.append("\n".join(lines))
                previous_tight = tight
            elif kind in ("fence", "code_block"):
                first, rest = prefix(True)
                code = [f"{rest}    {line}".rstrip() for line in token.content.rstrip("\n").split("\n")]
                if first != rest:
                    code[0] = first + code[0][len(rest) :]
                blocks.append("\n".join(code))
                previous_tight = False
            elif kind == "hr":
                blocks.append("-" * 20)
                previous_tight = False
        return "\n\n".join(blocks)


def _heading(text: str) -> str:
    return f"{text}\n{'-' * min(WIDTH, max(1, len(text)))}"


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0], *((rest + line) if line else "" for line in lines[1:])])


def letter_to_text(letter: Letter, *, salutation: str | None = None) -> str:
    """The whole letter as plain text, part by part as `openletter.printed.layout` gives them."""
    return _letter_to_text(letter, salutation, None)


class _Enough(Exception):
    """Raised when the text written so far passes a length (see `text_within`)."""

    def __init__(self, length: int) -> None:
        self.length = length


def text_within(letter: Letter, limit: int) -> str | int:
    """The plain-text letter (as `letter_to_text`), or, when the writing passes `limit`
    characters, a length the text certainly passes (the characters written then), found without
    writing the rest: a letter of 20,000 endnotes stops at the first few hundred."""
    try:
        return _letter_to_text(letter, None, limit)
    except _Enough as enough:
        return enough.length


def _letter_to_text(letter: Letter, salutation: str | None, limit: int | None) -> str:
    printed = layout(letter)
    writer = _Writer(printed)
    direction = printed.direction  # values in another direction are isolated (`openletter.bidi`)
    out: list[str] = []
    last_notes: list[str] | None = None  # the lines of endnotes printed last, for the links
    written, counted = 0, 0  # characters in `out`, and its entries counted (only with a `limit`)
    for part in printed:
        if limit is not None:
            written += sum(map(len, out[counted:]))  # what the parts before added
            counted = len(out)
            if written > limit:
                raise _Enough(written)
        last_notes = None
        if isinstance(part, Letterhead):
            if part.lines:
                out.append("\n".join(line.text for line in part.lines))
        elif isinstance(part, Title):
            text = "\n".join(_wrap(part.title.text))
            if part.subtitle is not None:
                text += "\n" + "\n".join(_wrap(part.subtitle.text))
            out.append(text)
        elif isinstance(part, Dateline):
            out.append(isolate_pieces(part.pieces, direction))
        elif isinstance(part, AddressBlock):
            lead = part.label.lead
            lines: list[str] = []
            for party in part.parties:
                within = text_direction(party.lang or printed.language)
                for pieces in party.pieces:
                    line = isolate_pieces(pieces, within)
                    lines += _wrap(line, lead if not lines else " " * len(lead), " " * len(lead))
            out.append("\n".join(lines))
        elif isinstance(part, Subject):
            subject = isolate(part.text.text, text_direction(part.text.lang or printed.language))
            out.append("\n".join(_wrap(subject, part.label.lead, "  " if part.label.lead else "")))
        elif isinstance(part, Salutation | Closing):
            out.append(part.text.text if salutation is None or not isinstance(part, Salutation) else salutation)
        elif isinstance(part, Section):
            if part.heading is not None:
                out.append(_heading(writer.line(part.heading.text)))
            out.append(writer.block(part.markdown))
        elif isinstance(part, ArchiveNote):
            out.append("\n".join(_wrap(isolate_pieces(part.pieces, direction, address=True))))
        elif isinstance(part, DemandList):
            if part.heading:
                out.append(_heading(part.heading))
            items = []
            for number, item in enumerate(part.items, start=1):
                text = writer.block(item.markdown, f"{printed.number(number)}. ")
                if item.status:
                    text += f" ({item.status})"
                items.append(text)
            out.append("\n".join(items))
        elif isinstance(part, SignatoryHeading):
            out.append(_heading(part.text))
        elif isinstance(part, SignatoryGroup):
            out += _group(part, writer, text_direction(part.lang or printed.language))
        elif isinstance(part, CountNote | Notes):
            out.append(writer.block(part.markdown))
        elif isinstance(part, Postscript):
            out.append(_indent(writer.block(part.markdown), f"{part.label} " if part.label else "", ""))
        elif isinstance(part, Endnotes):
            lines = []
            noted = written
            for note in part.items:
                lines.append(writer.block(note.markdown, f"[{printed.number(note.number)}] ").replace("\n\n", "\n"))
                noted += len(lines[-1])
                if limit is not None and noted > limit:
                    raise _Enough(noted)
            if part.heading:
                out.append(_heading(part.heading))
            out.append("\n".join(lines))
            last_notes = lines
    links = [f"[{printed.number(number)}] {url}" for url, number in writer.numbering.links.items()]
    if links:
        if last_notes is not None:
            out[-1] += "\n" + "\n".join(links)
        else:  # the addresses after a rule: no heading the letter does not have
            out.append("-" * 20 + "\n" + "\n".join(links))
    return "\n\n".join(x for x in out if x) + "\n"


def _group(part: SignatoryGroup, writer: _Writer, direction: str) -> list[str]:
    out: list[str] = []
    if part.heading:
        out.append(part.heading)
    if part.note_before:
        out.append(writer.block(part.note_before))
    entries: list[str] = []
    bare = len(part.entries) == 1 and not part.numbered
    for entry in part.entries:
        marker = "" if bare else (f"{writer.number(entry.number)}. " if entry.number is not None else "- ")
        within = text_direction(entry.lang) if entry.lang else direction
        line = isolate(entry.name, within) + isolate_pieces(entry.pieces, within)
        line = f"{line} {entry.closing}" if entry.closing else line
        text = "\n".join(_wrap(line, marker, " " * len(marker)))
        if entry.description:
            text += "\n\n" + (
                writer.block(entry.description, " " * len(marker)) if marker else writer.block(entry.description)
            )
        entries.append(text)
    joined = "\n\n" if any(e.description for e in part.entries) else "\n"
    if out and not part.note_before:
        out[-1] += "\n" + joined.join(entries)
    else:
        out.append(joined.join(entries))
    if part.note_after:
        out.append(writer.block(part.note_after))
    return out


def markdown_to_text(markdown: str, letter: Letter) -> str:
    """Render one Markdown text of `letter` as wrapped plain text (notes numbered as the letter's)."""
    return _Writer(layout(letter)).block(markdown)
