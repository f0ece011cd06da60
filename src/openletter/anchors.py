"""Demands anchored in the body: finding a demand's `quote` in the sections, and marking it.

A demand with a ``quote`` is a passage of the body. The passage is looked for in the *words* of
each paragraph, list item or heading of the sections, the way a reader sees them: emphasis,
links and endnote markers do not count, and any run of spaces or line breaks matches any other.
It must occur exactly once in the whole body, and must not start inside emphasis or a link and
end outside it (the marked passage has to be one piece of the text).

`anchor_problems` is what the model runs when a letter is made (so ``openletter check`` reports
FILE:LINE for a quote that matches nothing or several passages); `mark` is the markdown-it core
rule that wraps each passage in ``demand_open`` / ``demand_close`` tokens, which every format
renders in its own way (an ``id`` and a ``class`` in HTML, a bookmark in PDF and Word).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from .errors import FieldError

if TYPE_CHECKING:
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

    from .model import Letter

ENV_KEY = "openletter_anchors"
"""The parser environment key under which `mark` finds the anchors to mark."""

DONE_KEY = "openletter_anchors_done"
"""The parser environment key of the anchors already marked: each passage is marked once, where
the body has it (the sections are parsed first), never again in a note or a later text."""


@attrs.frozen
class Anchor:
    """One demand to mark: where it is in the letter, its HTML id and its status."""

    index: int
    """The demand's position in ``letter.demands``."""
    quote: str
    element_id: str
    status: str


def pattern(quote: str) -> re.Pattern[str]:
    """The quote as a pattern: its words in order, any whitespace between them."""
    return re.compile(r"\s+".join(re.escape(word) for word in quote.split()))


_TEXT_LIKE = ("text", "code_inline")
_BREAKS = ("softbreak", "hardbreak")


def _plain(children: Sequence[Token]) -> tuple[str, list[tuple[int, int, int]]]:
    """The words of an inline token's children, and (child index, start, end) of each piece."""
    out: list[str] = []
    spans: list[tuple[int, int, int]] = []
    position = 0
    for index, child in enumerate(children):
        if child.type in _TEXT_LIKE:
            piece = child.content
        elif child.type in _BREAKS:
            piece = "\n"
        else:
            continue
        spans.append((index, position, position + len(piece)))
        out.append(piece)
        position += len(piece)
    return "".join(out), spans


def _depths(children: Sequence[Token]) -> list[int]:
    """The nesting depth (emphasis, links) before each child."""
    depths = []
    depth = 0
    for child in children:
        if child.nesting == -1:
            depth -= 1
        depths.append(depth)
        if child.nesting == 1:
            depth += 1
    return depths


@attrs.frozen
class _Place:
    start_child: int
    start_offset: int
    end_child: int
    end_offset: int


def _place(children: Sequence[Token], match: re.Match[str], spans: list[tuple[int, int, int]]) -> _Place | None:
    """Where a match starts and ends, in children and offsets; None when it cuts across markup."""
    start, end = match.span()
    first = next(s for s in spans if s[1] <= start < s[2])
    last = next(s for s in spans if s[1] < end <= s[2])
    if children[first[0]].type != "text" and start != first[1]:
        return None  # starts inside inline code
    if children[last[0]].type != "text" and end != last[2]:
        return None
    depths = _depths(children)
    low = min(depths[first[0] : last[0] + 1])
    if depths[first[0]] != depths[last[0]] or low < depths[first[0]]:
        return None
    return _Place(first[0], start - first[1], last[0], end - last[1])


def _inline_blocks(tokens: Sequence[Token]) -> list[Token]:
    return [t for t in tokens if t.type == "inline" and t.children]


def _problem(index: int, message: str, expected: str) -> FieldError:
    return FieldError(("demands", index, "quote"), message, expected)


def anchor_problems(letter: Letter) -> list[FieldError]:
    """Every demand whose quote matches no passage, several, or cuts across formatting."""
    from .markdown import parser

    md = parser()
    parsed = [_inline_blocks(md.parse(section.text, {})) for section in letter.sections]
    # The words of every paragraph, list item and heading, worked out once for all the demands.
    plain = [
        (number, block_number, *_plain(block.children or []))
        for number, blocks in enumerate(parsed)
        for block_number, block in enumerate(blocks)
    ]
    problems: list[FieldError] = []
    taken: dict[tuple[int, int, int], int] = {}  # (section, block, character) -> demand index
    for index, demand in enumerate(letter.demands):
        if demand.quote is None:
            continue
        regex = pattern(demand.quote)
        found: list[tuple[int, int, re.Match[str], list[tuple[int, int, int]]]] = [
            (number, block_number, match, spans)
            for number, block_number, text, spans in plain
            for match in regex.finditer(text)
        ]
        if not found:
            problems.append(
                _problem(
                    index,
                    f"{_short(demand.quote)} matches no passage of the body",
                    "words that occur in one paragraph or list item of the body, exactly as written",
                )
            )
            continue
        if len(found) > 1:
            where = ", ".join(f"sections[{n}]" for n in dict.fromkeys(f[0] for f in found))
            problems.append(
                _problem(
                    index,
                    f"{_short(demand.quote)} matches {len(found)} passages of the body ({where})",
                    "a quote long enough to match one passage only",
                )
            )
            continue
        number, block_number, match, spans = found[0]
        children = parsed[number][block_number].children or []
        if _place(children, match, spans) is None:
            problems.append(
                _problem(
                    index,
                    f"{_short(demand.quote)} starts inside emphasis, a link or code and ends outside it",
                    "a quote that takes in or leaves out each piece of emphasis, link or code whole",
                )
            )
            continue
        for character in range(*match.span()):
            other = taken.setdefault((number, block_number, character), index)
            if other != index:
                problems.append(
                    _problem(
                        index,
                        f"{_short(demand.quote)} overlaps the quote of demands[{other}]",
                        "demands that quote separate passages",
                    )
                )
                break
    return problems


def sections_of(letter: Letter) -> dict[int, int]:
    """For each anchored demand (by index), the index of the section its passage is in."""
    from .markdown import parser

    md = parser()
    wanted = {i: pattern(d.quote) for i, d in enumerate(letter.demands) if d.quote is not None}
    found: dict[int, int] = {}
    for number, section in enumerate(letter.sections):
        if len(found) == len(wanted):
            break
        for block in _inline_blocks(md.parse(section.text, {})):
            text = _plain(block.children or [])[0]
            for index, regex in wanted.items():
                if index not in found and regex.search(text):
                    found[index] = number
    return found


def _short(quote: str) -> str:
    return repr(quote if len(quote) <= 60 else quote[:57] + "...")


def anchors(letter: Letter) -> list[Anchor]:
    """The letter's anchored demands, with the element id each one gets in HTML."""
    from .printed import demand_element_ids

    ids = demand_element_ids(letter)
    return [
        Anchor(index=index, quote=demand.quote, element_id=ids[index], status=demand.status)
        for index, demand in enumerate(letter.demands)
        if demand.quote is not None
    ]


def mark(state: StateCore) -> None:
    """markdown-it core rule: wrap each anchored passage in ``demand_open``/``demand_close``.

    Does nothing unless the environment holds anchors under `ENV_KEY`, nor in one-line parses
    (headings). Each anchor is marked once per environment (`DONE_KEY`): the first time its
    passage is met, which is in the body, since formats parse the sections first. The tokens
    carry the `Anchor` in ``meta["anchor"]``.
    """
    wanted: list[Anchor] | None = state.env.get(ENV_KEY) if isinstance(state.env, dict) else None
    if not wanted or state.inlineMode:  # one line (a heading): the body's paragraphs only
        return
    done: set[int] = state.env.setdefault(DONE_KEY, set())
    compiled = [(anchor, pattern(anchor.quote)) for anchor in wanted if anchor.index not in done]
    for block in _inline_blocks(state.tokens):
        children = block.children or []
        text, spans = _plain(children)
        for anchor, regex in compiled:
            if anchor.index in done:
                continue
            match = regex.search(text)
            if match is None:
                continue
            place = _place(children, match, spans)
            if place is None:
                continue
            block.children = children = _split(children, place, anchor, state)
            text, spans = _plain(children)  # the passage's tokens are in: the pieces moved
            done.add(anchor.index)


def _split(children: list[Token], place: _Place, anchor: Anchor, state: StateCore) -> list[Token]:
    from markdown_it.token import Token

    def token(kind: str, nesting: Literal[-1, 1]) -> Token:
        made = Token(kind, "span", nesting)
        made.meta = {"anchor": anchor}
        return made

    def cut(child: Token, offset: int) -> tuple[Token, Token]:
        before = Token("text", "", 0, content=child.content[:offset])
        after = Token("text", "", 0, content=child.content[offset:])
        return before, after

    out: list[Token] = []
    for index, child in enumerate(children):
        pieces: list[Any] = [child]
        if index == place.start_child == place.end_child and child.type == "text":
            head, rest = cut(child, place.start_offset)
            middle, tail = cut(rest, place.end_offset - place.start_offset)
            pieces = [head, token("demand_open", 1), middle, token("demand_close", -1), tail]
        elif index == place.start_child:
            if child.type == "text":
                head, rest = cut(child, place.start_offset)
                pieces = [head, token("demand_open", 1), rest]
            else:
                pieces = [token("demand_open", 1), child]
            if index == place.end_child:  # inline code, whole
                pieces.append(token("demand_close", -1))
        elif index == place.end_child:
            if child.type == "text":
                head, rest = cut(child, place.end_offset)
                pieces = [head, token("demand_close", -1), rest]
            else:
                pieces = [child, token("demand_close", -1)]
        out += [p for p in pieces if p.type != "text" or p.content]
    del state
    return out
