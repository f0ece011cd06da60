"""The letter as plain text, for email: wrapped at 72 columns, links and notes as numbered references.

Markdown is read with the shared parser and written back as text a mail client shows well:
paragraphs wrapped, lists with ``-`` or numbers, quotes with ``>``, code indented, emphasis
dropped. A link becomes its text followed by ``[n]``; a note marker ``[^x]`` becomes ``[n]``; the
numbered list at the end gives each note's text and each link's address (notes first, in the
letter's order, then links in order of first appearance).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from .model import Letter, OrganisationGroup

if TYPE_CHECKING:
    from markdown_it.token import Token

WIDTH = 72


class _References:
    """Numbers for notes (fixed, in the letter's order) and links (in order of appearance)."""

    def __init__(self, labels: list[str]) -> None:
        self.notes = {label: number for number, label in enumerate(labels, start=1)}
        self.links: dict[str, int] = {}

    def link(self, url: str) -> int:
        if url not in self.links:
            self.links[url] = len(self.notes) + len(self.links) + 1
        return self.links[url]


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
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
    return lines


def _inline(children: list[Token], refs: _References) -> str:
    out: list[str] = []
    links: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            out.append(child.content)
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("\n")
        elif kind == "link_open":
            links.append(str(child.attrs.get("href", "")))
        elif kind == "link_close" and links:
            out.append(f" [{refs.link(links.pop())}]")
        elif kind == "image":
            out.append(f"{child.content} [{refs.link(str(child.attrs.get('src', '')))}]")
        elif kind == "footnote_ref":
            label = str(child.meta.get("label", ""))
            out.append(f"[{refs.notes.get(label, '?')}]")
    return "".join(out)


def markdown_to_text(markdown: str, refs: _References) -> str:
    """Render Markdown block text as wrapped plain text."""
    from .markdown import footnote_env, parser

    tokens = parser().parse(markdown, footnote_env(list(refs.notes)))
    blocks: list[str] = []
    prefixes: list[str] = []  # one per open container (list item / quote)
    counters: list[int | None] = []  # per open list: next number, or None for bullets
    first_line_marker: list[str] = []

    def prefix(first: bool) -> tuple[str, str]:
        rest = "".join(prefixes)
        if first and first_line_marker:
            return rest[: -len(first_line_marker[-1])] + first_line_marker.pop(), rest
        return rest, rest

    def emit(lines: list[str]) -> None:
        blocks.append("\n".join(lines))

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
            marker = "- " if number is None else f"{number}. "
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
            text = _inline(token.children or [], refs)
            first, rest = prefix(True)
            lines = _wrap(text, first, rest)
            if tokens[index - 1].type == "heading_open":
                lines.append(rest + "-" * min(WIDTH - len(rest), max(len(line) - len(rest) for line in lines)))
            tight = tokens[index - 1].hidden
            if tight and previous_tight:  # items of a tight list: no blank line between them
                blocks[-1] += "\n" + "\n".join(lines)
            else:
                emit(lines)
            previous_tight = tight
        elif kind in ("fence", "code_block"):
            first, rest = prefix(True)
            code = [f"{rest}    {line}".rstrip() for line in token.content.rstrip("\n").split("\n")]
            if first != rest:
                code[0] = first + code[0][len(rest) :]
            emit(code)
            previous_tight = False
        elif kind == "hr":
            emit(["-" * 20])
            previous_tight = False
    return "\n\n".join(blocks)


def _signatory(member: object) -> str:
    parts = []
    for name in ("honorific", "name"):
        value = getattr(member, name, None)
        if value:
            parts.append(value)
    text = " ".join(parts)
    for name in ("short_name", "title", "affiliation"):
        value = getattr(member, name, None)
        if value and (name != "short_name" or value not in text):
            text += f" ({value})" if name == "short_name" else f", {value}"
    country = getattr(member, "country", None)
    return f"{text} ({country})" if country else text


def letter_to_text(letter: Letter, *, salutation: str | None = None) -> str:
    """The whole letter as plain text: heading block, body, demands, signatories, notes, links."""
    from .words import display_date, labels

    words = labels(letter.language)
    refs = _References([r.id for r in letter.references])
    out: list[str] = ["\n".join(_wrap(letter.title))]
    if letter.subtitle:
        out[-1] += "\n" + "\n".join(_wrap(letter.subtitle))
    dateline = ", ".join(x for x in (letter.place, display_date(letter)) if x)
    if dateline:
        out.append(dateline)
    for label, people in ((words["to"], letter.recipients), (words["cc"], letter.copied)):
        if people:
            names = [
                " ".join(x for x in (a.honorific, a.name) if x) + (f", {a.role}" if a.role else "") for a in people
            ]
            lead = f"{label}{words['colon']}"
            out.append("\n".join(_wrap("; ".join(names), lead, " " * len(lead))))
    if letter.subject:
        out.append("\n".join(_wrap(letter.subject, f"{words['subject']}{words['colon']}", "  ")))
    greeting = salutation if salutation is not None else letter.salutation
    if greeting:
        out.append(greeting)
    for section in letter.sections:
        if section.heading:
            heading = _inline_text(section.heading, refs)
            out.append(f"{heading}\n{'-' * min(WIDTH, len(heading))}")
        out.append(markdown_to_text(section.text, refs))
    if letter.demands:
        items = []
        for number, demand in enumerate(letter.demands, start=1):
            marker = f"{number}. "
            items.append("\n".join(_wrap(_inline_text(demand.text, refs), marker, " " * len(marker))))
        out.append(f"{words['demands']}:\n\n" + "\n".join(items))
    if letter.closing:
        out.append(letter.closing)
    for group in letter.signatories:
        members = group.organisations if isinstance(group, OrganisationGroup) else group.people
        lines = [group.heading] if group.heading else []
        lines += ["\n".join(_wrap(_signatory(m), "" if len(members) == 1 else "- ", "  ")) for m in members]
        out.append("\n".join(lines))
    if letter.postscript:
        out.append(f"{words['postscript']} " + markdown_to_text(letter.postscript, refs))
    notes = [(refs.notes[r.id], markdown_to_text(r.text, refs)) for r in letter.references]
    if notes or refs.links:
        lines = []
        for number, text in notes:
            lines.append("\n".join(_wrap(text.replace("\n\n", "\n"), f"[{number}] ", " " * (len(str(number)) + 3))))
        for url, number in refs.links.items():
            lines.append(f"[{number}] {url}")
        out.append(f"{words['notes']}:\n\n" + "\n".join(lines))
    return "\n\n".join(out) + "\n"


def _inline_text(markdown: str, refs: _References) -> str:
    text = markdown_to_text(markdown, refs)
    return " ".join(text.split("\n")) if "\n" in text else text
