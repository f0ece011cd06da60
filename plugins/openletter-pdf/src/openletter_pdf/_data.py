"""The letter as plain JSON data for the Typst template: its printed parts, in order, words chosen.

What a letter prints, and in which order, is decided once by `openletter.printed.layout`; this
module only turns each printed part into a small JSON object with a ``kind`` (the part's own:
``letterhead``, ``title``, ``address``, ``section``, ``demands``, ``signatory_group``...), and
the template typesets each kind with one function. Nothing here adds a word: labels, separators,
status words and each party's lines come from the parts.

Nothing here writes Typst markup either. Markdown is parsed with openletter's shared parser (in
the letter's one environment, `openletter.printed.markdown_env`: notes numbered in the letter's
order, anchored demands marked) and turned into a tree of nodes (``{"t": "p", "c": [...]}``,
``{"t": "text", "v": "..."}``...) that the template walks; every piece of letter text stays a JSON
string, which Typst shows as text and never evaluates.

Numbering is the letter's one numbering (`openletter.printed.Numbering`): notes in the order of
the letter's references, links that need their address spelled out after the notes, in order of
first appearance as the parts are printed, each address once. The addresses are listed after the
endnotes when the endnotes come last, else after a rule at the end.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from openletter import text_direction
from openletter.markdown import web_address
from openletter.printed import (
    AddressBlock,
    ArchiveNote,
    Closing,
    CountNote,
    Dateline,
    DemandItem,
    DemandList,
    Endnotes,
    Letterhead,
    Notes,
    Numbering,
    Part,
    Postscript,
    Printed,
    Salutation,
    Section,
    SignatoryEntry,
    SignatoryGroup,
    SignatoryHeading,
    Subject,
    Text,
    Title,
    layout,
    markdown_env,
)

if TYPE_CHECKING:
    from markdown_it.token import Token
    from openletter.model import Letter

Node = dict[str, Any]

LOGO_FORMATS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}
"""Typst's image format names, by media type."""

COLUMNS = ((40, 3), (12, 2))
"""A signatory group of more than N members (with no descriptions) is set in M columns (first match)."""

_SCRIPT_OF_LANGUAGE = {
    "km": "khmer",
    "th": "thai",
    "zh": "cjk",
    "ja": "cjk",
    "ko": "cjk",
    "yue": "cjk",
    "he": "hebrew",
    "iw": "hebrew",
    "yi": "hebrew",
}
_SCRIPT_OF_SUBTAG = {"khmr": "khmer", "thai": "thai", "hans": "cjk", "hant": "cjk", "jpan": "cjk", "kore": "cjk",
                     "hebr": "hebrew", "arab": "arabic", "latn": "latin", "cyrl": "latin", "grek": "latin"}  # fmt: skip


class MarkdownTree:
    """Markdown text to JSON node trees, in one letter's parser environment and numbering."""

    def __init__(self, printed: Printed) -> None:
        from openletter.markdown import STATUS_KEY, parser

        self.md = parser()
        self.env = markdown_env(printed)
        self.numbering = Numbering(printed.letter)
        self.statuses: dict[str, str] = self.env[STATUS_KEY]  # type: ignore[assignment]

    def blocks(self, text: str) -> list[Node]:
        """Block Markdown (a section, a demand, a note) as a list of block nodes."""
        return self._blocks(self.md.parse(text, self.env))

    def optional(self, text: str | None) -> list[Node] | None:
        """`blocks`, or None for no text."""
        return None if text is None else self.blocks(text)

    def inline(self, text: str) -> list[Node]:
        """One line of inline Markdown (a section heading) as a list of inline nodes."""
        nodes: list[Node] = []
        for token in self.md.parseInline(text, self.env):
            nodes += self._inlines(token.children or [])
        return nodes

    def _blocks(self, tokens: Sequence[Token]) -> list[Node]:
        root: list[Node] = []
        stack: list[Node] = [{"t": "root", "c": root}]
        for token in tokens:
            kind = token.type
            if token.nesting == 1:
                node: Node = {"t": "group", "c": []}
                if kind == "paragraph_open":
                    node = {"t": "p", "tight": bool(token.hidden), "c": []}
                elif kind == "heading_open":
                    node = {"t": "h", "level": int(token.tag[1:]), "c": []}
                elif kind == "bullet_list_open":
                    node = {"t": "ul", "tight": True, "c": []}
                elif kind == "ordered_list_open":
                    start = token.attrs.get("start", 1)
                    node = {"t": "ol", "tight": True, "start": int(start) if start is not None else 1, "c": []}
                elif kind == "list_item_open":
                    node = {"t": "li", "c": []}
                elif kind == "blockquote_open":
                    node = {"t": "quote", "c": []}
                stack[-1]["c"].append(node)
                stack.append(node)
            elif token.nesting == -1:
                closed = stack.pop()
                if closed["t"] == "h":
                    closed["anchors"] = _hoist(closed["c"])
                if closed["t"] in ("ul", "ol"):
                    closed["tight"] = all(
                        child.get("tight", True) for item in closed["c"] for child in item["c"] if child["t"] == "p"
                    )
            elif kind == "inline":
                stack[-1]["c"].extend(self._inlines(token.children or []))
            elif kind in ("fence", "code_block"):
                stack[-1]["c"].append({"t": "codeblock", "v": token.content.rstrip("\n")})
            elif kind == "hr":
                stack[-1]["c"].append({"t": "hr"})
            elif token.content:  # anything else with text (raw HTML is off, so none expected): keep it as text
                stack[-1]["c"].append({"t": "p", "tight": False, "c": [_text(token.content)]})
        return root

    def _inlines(self, children: Sequence[Token]) -> list[Node]:
        root: list[Node] = []
        stack: list[Node] = [{"t": "root", "c": root}]
        for child in children:
            kind = child.type
            out = stack[-1]["c"]
            if kind in ("strong_open", "em_open", "link_open", "demand_open"):
                node: Node = {"t": kind.removesuffix("_open"), "c": []}
                if kind == "link_open":
                    node["url"] = str(child.attrs.get("href", ""))
                    node["n"] = None
                elif kind == "demand_open":
                    anchor = child.meta["anchor"]
                    node["id"] = anchor.element_id
                    node["title"] = " ".join(anchor.quote.split())  # the bookmark's words
                out.append(node)
                stack.append(node)
            elif kind in ("strong_close", "em_close", "link_close", "demand_close"):
                closed = stack.pop() if len(stack) > 1 else None
                if closed is not None and closed["t"] == "link":
                    url = closed["url"]
                    if not web_address(url):
                        # nothing to point to, or not a web or email address (a relative link, tel:):
                        # keep the words, and no clickable link (see openletter.markdown.web_address)
                        closed["t"] = "span"
                        del closed["url"]
                    else:  # the words show; an address they do not spell out gets a number
                        closed["n"] = self.numbering.link(url, _plain(closed["c"]))
                elif kind == "demand_close":
                    word = self.statuses.get(child.meta["anchor"].status)
                    if word:
                        stack[-1]["c"].append({"t": "status", "v": word})
            elif kind == "text":
                out.append(_text(child.content))
            elif kind == "code_inline":
                out.append({"t": "code", "v": child.content})
            elif kind == "softbreak":
                out.append({"t": "space"})
            elif kind == "hardbreak":
                out.append({"t": "linebreak"})
            elif kind == "footnote_ref":
                label = str(child.meta.get("label", ""))
                out.append({"t": "note", "n": self.numbering.notes.get(label, int(child.meta["id"]) + 1)})
            elif kind == "image":
                src = str(child.attrs.get("src", ""))
                out.append({"t": "span", "c": [_text(child.content)]})
                number = self.numbering.link(src, child.content)
                if number is not None:
                    out.append({"t": "note", "n": number})
            elif child.content:
                out.append(_text(child.content))
        return root


def _hoist(nodes: Iterable[Node]) -> list[Node]:
    """The anchors of demands marked in a heading, to set before it: a bookmark inside a heading
    would become part of the heading's own bookmark. The passages stay marked where they are."""
    anchors = []
    for node in nodes:
        if node["t"] == "demand":
            node["hoisted"] = True
            anchors.append({"id": node["id"], "title": node["title"]})
        anchors += _hoist(node.get("c", ()))
    return anchors


def _text(value: str) -> Node:
    return {"t": "text", "v": value}


def _plain(nodes: Iterable[Node]) -> str:
    """The words of inline nodes, as a reader sees them."""
    out = []
    for node in nodes:
        if node["t"] in ("text", "code"):
            out.append(node["v"])
        elif node["t"] == "space":
            out.append(" ")
        elif node["t"] == "note":
            out.append(str(node["n"]))
        else:
            out.append(_plain(node.get("c", ())))
    return "".join(out)


# --------------------------------------------------------------------------- language and script


def language_parts(language: str) -> tuple[str, str | None, str | None]:
    """The Typst ``lang`` (ISO 639), ``region`` (ISO 3166 alpha-2) and the script subtag of a BCP 47 tag."""
    parts = language.split("-")
    lang = parts[0].lower()
    script = next((p.lower() for p in parts[1:3] if len(p) == 4 and p.isalpha()), None)
    region = next((p.upper() for p in parts[1:4] if len(p) == 2 and p.isalpha()), None)
    return lang, region, script


def script_of(language: str) -> str:
    """Which family of fonts comes first: latin, khmer, thai, cjk, arabic or hebrew."""
    lang, _, script = language_parts(language)
    if script is not None and script in _SCRIPT_OF_SUBTAG:
        return _SCRIPT_OF_SUBTAG[script]
    if lang in _SCRIPT_OF_LANGUAGE:
        return _SCRIPT_OF_LANGUAGE[lang]
    if text_direction(language) == "rtl":
        return "arabic"
    return "latin"


def cjk_variant(language: str) -> str:
    """The Noto CJK variant for the language: SC, TC, HK, JP or KR."""
    lang, region, script = language_parts(language)
    if lang == "ja":
        return "JP"
    if lang == "ko":
        return "KR"
    if region == "HK" or (lang == "yue" and script != "hans"):
        return "HK"
    if script == "hant" or region in ("TW", "MO"):
        return "TC"
    return "SC"


def language_data(language: str, text: str | None = None) -> Node:
    """What the template sets for text in `language`: lang, region, direction, script, CJK variant.

    The direction is the language's, or, for a short `text`, the direction of its first strong
    character (as HTML's ``dir="auto"``): a line of Latin letters marked as Arabic is not set
    right to left, which would move its leading and trailing punctuation to the other end.
    """
    lang, region, _ = language_parts(language)
    return {
        "lang": lang,
        "region": region,
        "dir": (first_strong(text) if text is not None else None) or text_direction(language),
        "script": script_of(language),
        "cjk": cjk_variant(language),
    }


_ISOLATES = {"\u2066": 1, "\u2067": 1, "\u2068": 1, "\u2069": -1}


def first_strong(text: str) -> str | None:
    """``ltr`` or ``rtl``: the direction of the first strong character of `text` outside bidi
    isolates (Unicode's rules P2 and P3), or None when it has none."""
    depth = 0
    for char in text:
        depth = max(0, depth + _ISOLATES.get(char, 0))
        if depth or char in _ISOLATES:
            continue
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


class _Parts:
    """Each printed part as template data, in one letter's Markdown environment and numbering."""

    def __init__(self, printed: Printed) -> None:
        self.printed = printed
        self.letter = printed.letter
        self.tree = MarkdownTree(printed)
        self.signatory_heading = bool(printed.of(SignatoryHeading))
        self.groups_seen = 0

    def lang(self, lang: str | None, text: str | None = None) -> Node | None:
        """The language of a part (of one short `text`), when it is not the letter's (None: the letter's)."""
        return None if lang is None or lang == self.letter.language else language_data(lang, text)

    def text(self, text: Text | None) -> Node | None:
        return None if text is None else {"text": text.text, "lang": self.lang(text.lang, text.text)}

    def part(self, part: Part) -> Node:
        """One part as template data: its kind and what it prints."""
        item: Node = {"kind": part.kind}
        if isinstance(part, Letterhead):
            return item | {"lines": [self.text(line) for line in part.lines]}
        if isinstance(part, Title):
            return item | {"title": self.text(part.title), "subtitle": self.text(part.subtitle)}
        if isinstance(part, Dateline):
            return item | {
                "place": self.text(part.place),
                "date": self.text(part.date),
                "separator": part.separator,
                "position": part.position,
            }
        if isinstance(part, AddressBlock):
            return item | {
                "role": part.role,
                "label": part.label.text,
                "colon": part.label.colon,
                "parties": [
                    {"lines": list(p.lines), "lang": self.lang(p.lang, " ".join(p.lines))} for p in part.parties
                ],
            }
        if isinstance(part, Subject):
            return item | {"label": part.label.text, "colon": part.label.colon, "text": self.text(part.text)}
        if isinstance(part, Salutation | Closing):
            return item | {"text": self.text(part.text)}
        if isinstance(part, Section):
            heading = self.tree.inline(part.heading.text) if part.heading is not None else None
            return item | {
                "id": part.element_id,
                "heading": heading,
                "anchors": _hoist(heading or ()),
                "body": self.tree.blocks(part.markdown),
                "lang": self.lang(part.lang),
            }
        if isinstance(part, ArchiveNote):
            return item | {
                "excerpt": part.excerpt,
                "source": part.source.lead if part.source is not None else None,
                "url": part.url,
                "linked": part.url is not None and web_address(part.url),
                "retrieved": part.retrieved,
                "separator": part.separator,
            }
        if isinstance(part, DemandList):
            return item | {"heading": part.heading, "items": [self.demand(d, n) for n, d in enumerate(part.items, 1)]}
        if isinstance(part, SignatoryHeading):
            return item | {"text": part.text}
        if isinstance(part, SignatoryGroup):
            return item | self.group(part)
        if isinstance(part, CountNote | Notes):
            return item | {"body": self.tree.blocks(part.markdown), "lang": self.lang(part.lang)}
        if isinstance(part, Postscript):
            return item | {"label": part.label, "body": self.tree.blocks(part.markdown), "lang": self.lang(part.lang)}
        if isinstance(part, Endnotes):
            notes = [
                {"n": note.number, "body": self.tree.blocks(note.markdown), "lang": self.lang(note.lang)}
                for note in part.items
            ]
            return item | {"heading": part.heading, "items": notes, "links": []}
        raise TypeError(f"no PDF rendering for printed part {part.kind!r}")  # pragma: no cover

    def demand(self, item: DemandItem, number: int) -> Node:
        """A listed demand: number, anchor, Markdown, and its status word after the last paragraph."""
        body = self.tree.blocks(item.markdown)
        if item.status:
            status: Node = {"t": "status", "v": item.status}
            if body and body[-1]["t"] == "p":
                body[-1]["c"].append(status)
            else:
                body.append({"t": "p", "tight": True, "c": [status]})
        title = " ".join(_plain(n.get("c", ())) for n in body if n["t"] == "p").split()
        return {
            "n": number,
            "id": item.element_id,
            "title": " ".join(title),
            "body": body,
            "lang": self.lang(item.lang),
        }

    def group(self, part: SignatoryGroup) -> Node:
        self.groups_seen += 1
        described = any(e.description for e in part.entries)
        return {
            "id": part.element_id,
            "heading": part.heading,
            "note_before": self.tree.optional(part.note_before),
            "entries": [self.entry(e) for e in part.entries],
            "note_after": self.tree.optional(part.note_after),
            "columns": 1 if described else _columns(len(part.entries)),
            # room to sign above the first signature, when no heading stands over the list
            "room": self.groups_seen == 1 and not self.signatory_heading and part.heading is None,
            "lang": self.lang(part.lang),
        }

    def entry(self, entry: SignatoryEntry) -> Node:
        return {
            "n": entry.number,
            "name": entry.name,
            "rest": entry.rest,
            "closing": entry.closing,
            "url": entry.url if entry.url is not None and web_address(entry.url) else None,
            "description": self.tree.optional(entry.description),
            "lang": self.lang(entry.lang, entry.name),
        }


def _columns(count: int) -> int:
    return next((columns for more_than, columns in COLUMNS if count > more_than), 1)


def parts_data(printed: Printed) -> list[Node]:
    """The printed parts as template data, in order, and the link addresses at the end."""
    maker = _Parts(printed)
    parts = [maker.part(part) for part in printed]
    links = [{"n": n, "url": url} for url, n in maker.tree.numbering.links.items()]
    if links:
        if parts and parts[-1]["kind"] == "endnotes":
            parts[-1]["links"] = links
        else:  # after a rule, with no heading the letter does not have
            parts.append({"kind": "links", "items": links})
    return parts


def letter_data(letter: Letter, *, paper: str) -> dict[str, Any]:
    """Everything the template shows, as JSON-compatible data."""
    printed = layout(letter)
    logo = None
    if letter.logo is not None:
        logo = {"format": LOGO_FORMATS[letter.logo.media_type], "alt": letter.logo.alt}
    return {
        "paper": paper,
        **language_data(letter.language),
        "dir": printed.direction,
        "title": letter.title,
        "keywords": list(letter.keywords),
        "authors": list(printed.sender_names),
        "date": {"year": letter.date.year, "month": letter.date.month, "day": letter.date.day} if letter.date else None,
        "logo": logo,
        "digits": digits(printed),
        "parts": parts_data(printed),
    }


def digits(printed: Printed) -> list[str] | None:
    """The ten digits the template writes the numbers it prints in (list, demand, signatory, note,
    link and page numbers): the letter's (`openletter.printed.Printed.numbering`), or None for 0-9."""
    from openletter.words import write_digits

    if printed.numbering == "latn":
        return None
    return list(write_digits("0123456789", printed.numbering))
