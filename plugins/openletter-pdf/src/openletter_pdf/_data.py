"""The letter as plain JSON data for the Typst template: strings, numbers and small node trees.

Nothing here writes Typst markup. Markdown is parsed with openletter's shared parser and turned
into a tree of nodes (``{"t": "p", "c": [...]}``, ``{"t": "text", "v": "..."}``...) that the
template walks; every piece of letter text stays a JSON string, which Typst shows as text and
never evaluates.

Numbering follows the other formats: demands 1, 2, 3...; notes (``[^id]``) in the order of the
letter's references; links after the notes, in order of first appearance, each URL listed once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from openletter import display_date, format_date, labels, text_direction
from openletter.markdown import web_address
from openletter.model import Addressee, Letter, Organisation, OrganisationGroup, Person

if TYPE_CHECKING:
    from markdown_it.token import Token

Node = dict[str, Any]

LOGO_FORMATS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}
"""Typst's image format names, by media type."""

COLUMNS = ((40, 3), (12, 2))
"""A signatory group of more than N members is set in M columns (first match)."""

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


class References:
    """Numbers for notes (fixed, in the letter's order) and links (after the notes, by first use)."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        self.links: dict[str, int] = {}

    def link(self, url: str) -> int:
        """The number of `url` in the notes list, given on first use."""
        if url not in self.links:
            self.links[url] = len(self.labels) + len(self.links) + 1
        return self.links[url]


class MarkdownTree:
    """Markdown text to JSON node trees, with one letter's note and link numbering."""

    def __init__(self, references: References) -> None:
        from openletter.markdown import footnote_env, parser

        self.refs = references
        self.md = parser()
        self.env = footnote_env(references.labels)

    def blocks(self, text: str) -> list[Node]:
        """Block Markdown (a section, a demand, a note) as a list of block nodes."""
        return _blocks(self.md.parse(text, self.env), self.refs)

    def inline(self, text: str) -> list[Node]:
        """One line of inline Markdown (a section heading) as a list of inline nodes."""
        nodes: list[Node] = []
        for token in self.md.parseInline(text, self.env):
            nodes += _inlines(token.children or [], self.refs)
        return nodes


def _blocks(tokens: Sequence[Token], refs: References) -> list[Node]:
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
            if closed["t"] in ("ul", "ol"):
                closed["tight"] = all(
                    child.get("tight", True) for item in closed["c"] for child in item["c"] if child["t"] == "p"
                )
        elif kind == "inline":
            stack[-1]["c"].extend(_inlines(token.children or [], refs))
        elif kind in ("fence", "code_block"):
            stack[-1]["c"].append({"t": "codeblock", "v": token.content.rstrip("\n")})
        elif kind == "hr":
            stack[-1]["c"].append({"t": "hr"})
        elif token.content:  # anything else with text (raw HTML is off, so none expected): keep it as text
            stack[-1]["c"].append({"t": "p", "tight": False, "c": [_text(token.content)]})
    return root


def _text(value: str) -> Node:
    return {"t": "text", "v": value}


def _plain(nodes: Iterable[Node]) -> str:
    return "".join(n["v"] if n["t"] in ("text", "code") else _plain(n.get("c", ())) for n in nodes)


def _inlines(children: Sequence[Token], refs: References) -> list[Node]:
    root: list[Node] = []
    stack: list[Node] = [{"t": "root", "c": root}]
    for child in children:
        kind = child.type
        out = stack[-1]["c"]
        if kind in ("strong_open", "em_open", "link_open"):
            node: Node = {"t": kind.removesuffix("_open"), "c": []}
            if kind == "link_open":
                node["url"] = str(child.attrs.get("href", ""))
                node["n"] = None
                node["autolink"] = child.markup == "autolink"
            out.append(node)
            stack.append(node)
        elif kind in ("strong_close", "em_close", "link_close"):
            closed = stack.pop() if len(stack) > 1 else None
            if closed is not None and closed["t"] == "link":
                url = closed["url"]
                autolink = closed.pop("autolink")
                if not web_address(url):
                    # nothing to point to, or not a web or email address (a relative link, tel:):
                    # keep the words, and no clickable link (see openletter.markdown.web_address)
                    closed["t"] = "span"
                    del closed["url"]
                elif not autolink and _plain(closed["c"]) != url:
                    closed["n"] = refs.link(url)  # the words show, the address goes to the notes
                # else the address itself is the text shown: no number needed
        elif kind == "text":
            out.append(_text(child.content))
        elif kind == "code_inline":
            out.append({"t": "code", "v": child.content})
        elif kind == "softbreak":
            out.append({"t": "space"})
        elif kind == "hardbreak":
            out.append({"t": "linebreak"})
        elif kind == "footnote_ref":
            out.append({"t": "note", "n": int(child.meta["id"]) + 1})
        elif kind == "image":
            src = str(child.attrs.get("src", ""))
            alt = child.content or src
            out.append({"t": "span", "c": [_text(alt)]})
            if web_address(src):
                out.append({"t": "note", "n": refs.link(src)})
        elif child.content:
            out.append(_text(child.content))
    return root


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


# --------------------------------------------------------------------------- the letter


def _addressee(addressee: Addressee) -> Node:
    name = " ".join(x for x in (addressee.honorific, addressee.name) if x)
    return {"name": name, "lines": [x for x in (addressee.role, addressee.organisation) if x]}


def _member(member: Organisation | Person, comma: str) -> Node:
    if isinstance(member, Organisation):
        name = member.name
        if member.short_name and member.short_name not in member.name:
            name += f" ({member.short_name})"
        return {"name": name, "extra": None, "country": member.country}
    name = " ".join(x for x in (member.honorific, member.name) if x)
    extra = comma.join(x for x in (member.title, member.affiliation) if x) or None
    return {"name": name, "extra": extra, "country": member.country}


def _columns(count: int) -> int:
    return next((columns for more_than, columns in COLUMNS if count > more_than), 1)


def letter_data(letter: Letter, *, paper: str) -> dict[str, Any]:
    """Everything the template shows, as JSON-compatible data."""

    words = dict(labels(letter.language))
    refs = References([r.id for r in letter.references])
    tree = MarkdownTree(refs)
    lang, region, _ = language_parts(letter.language)
    organisations = list(letter.organisations())
    sender = organisations[0] if organisations else None
    addressees = {a.id: a for a in letter.addressees if a.id is not None}

    sections = [
        {"heading": tree.inline(s.heading) if s.heading else None, "body": tree.blocks(s.text)} for s in letter.sections
    ]
    demands = []
    for demand in letter.demands:
        target = addressees[demand.target] if demand.target else None
        demands.append(
            {
                "body": tree.blocks(demand.text),
                "target": " ".join(x for x in (target.honorific, target.name) if x) if target else None,
                "deadline": format_date(demand.deadline, letter.language) if demand.deadline else None,
            }
        )
    groups = []
    for group in letter.signatories:
        members: Sequence[Organisation | Person] = (
            group.organisations if isinstance(group, OrganisationGroup) else group.people
        )
        groups.append(
            {
                "heading": group.heading,
                "kind": "organisations" if isinstance(group, OrganisationGroup) else "people",
                "columns": _columns(len(members)),
                "members": [_member(m, words["comma"]) for m in members],
            }
        )
    postscript = tree.blocks(letter.postscript) if letter.postscript else None
    about = [{"name": o.name, "body": tree.blocks(o.description)} for o in organisations if o.description is not None]
    notes = [{"n": n, "body": tree.blocks(r.text)} for n, r in enumerate(letter.references, start=1)]
    links = [{"n": n, "url": url} for url, n in refs.links.items()]  # after the notes: they may hold links too

    date_text = display_date(letter)
    logo = None
    if letter.logo is not None:
        logo = {"format": LOGO_FORMATS[letter.logo.media_type], "alt": letter.logo.alt}
    authors = [o.name for o in organisations] or [p.name for p in letter.people()]
    return {
        "paper": paper,
        "lang": lang,
        "region": region,
        "dir": text_direction(letter.language),
        "script": script_of(letter.language),
        "cjk": cjk_variant(letter.language),
        "title": letter.title,
        "subtitle": letter.subtitle,
        "subject": letter.subject,
        "keywords": list(letter.keywords),
        "authors": authors[:20],
        "date": {"year": letter.date.year, "month": letter.date.month, "day": letter.date.day} if letter.date else None,
        "dateline": words["comma"].join(x for x in (letter.place, date_text) if x) or None,
        "sender": {"name": sender.name, "url": sender.url, "email": sender.email} if sender else None,
        "logo": logo,
        "labels": words,
        "recipients": [_addressee(a) for a in letter.recipients],
        "copied": [_addressee(a) for a in letter.copied],
        "salutation": letter.salutation,
        "sections": sections,
        "demands": demands,
        "closing": letter.closing,
        "signatory_count": letter.signatory_count,
        "groups": groups,
        "postscript": postscript,
        "about": about,
        "notes": notes,
        "links": links,
    }
