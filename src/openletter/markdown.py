"""The one configured Markdown parser, and the structural rules a letter's Markdown must follow.

Letter text is untrusted, so the parser starts from markdown-it-py's CommonMark preset with raw
HTML switched off (``<script>`` stays text) and links validated by `safe_link`: only web, email
and telephone addresses and relative links become links (not ``javascript:``, ``file:``,
``smb:``, ``ms-msdt:``...). Footnotes (``[^1]``) come from mdit-py-plugins.

The authoring format (``letter.md``) splits the body into sections at level-2 headings and takes
footnote definitions out as references. For that to be lossless, a section's text must not itself
contain a level-1/level-2 heading or a footnote definition, and must not leave a block open
(an unclosed code fence would swallow the next heading). `section_text_problems` and
`reference_text_problems` check exactly that, with the same parser the reader uses.

markdown-it-py is imported on first use, not when ``openletter`` is imported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_SENTINEL = "openletter-end-of-text-sentinel"

NESTING_LIMIT = 8
"""How deep letter text may put lists and block quotes inside one another (a list in a quote in a
list is 3 deep). The model refuses deeper text (`nesting_problem`): the parser drops whatever lies
beyond its own limit, `MAX_NESTING`, and this one is well below it."""

MAX_NESTING = 20
"""markdown-it's ``maxNesting``: the deepest token level the parser builds; the content of
anything deeper is dropped without a word. A list takes two levels (the list and its item), a
block quote one, so text within `NESTING_LIMIT` lists sits at level 16 at most: 17 inside a
footnote, 19 inside one more list an exporter may wrap around it (a numbered demand)."""


@cache
def parser() -> MarkdownIt:
    """Return the shared parser: CommonMark, raw HTML off, footnotes on, tail rule off.

    The footnote tail rule is disabled so that footnote definitions stay where they were written,
    with their source line numbers; exporters list the notes themselves, numbered in the
    letter's order (see `footnote_env`). Rendered HTML is HTML5 (no ``<br />``), and a marker
    renders as ``<sup class="footnote-ref"><a href="#fnN" id="fnrefN">N</a></sup>``, N in the
    digits the environment names (`NUMBERING_KEY`), as are ordered lists' numbers.
    """
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": False, "maxNesting": MAX_NESTING}).use(footnote_plugin)
    md.validateLink = safe_link  # type: ignore[method-assign]
    md.disable(["footnote_tail", "footnote_inline"])  # notes are [^label] references only
    md.add_render_rule("footnote_ref", _footnote_ref)
    md.add_render_rule("ordered_list_open", _ordered_list_open)
    from .anchors import mark

    md.core.ruler.push("openletter_anchors", mark)  # a no-op unless the environment names anchors
    md.add_render_rule("demand_open", _demand_open)
    md.add_render_rule("demand_close", _demand_close)
    return md


STATUS_KEY = "openletter_status_words"
"""The parser environment key holding the words for each demand status (``{"met": "Met"}``)."""

NUMBERING_KEY = "openletter_numbering"
"""The parser environment key holding the CLDR numbering system of the numbers the HTML prints
(note markers and the numbers of ordered lists), when it is not ``latn`` (0-9)."""


def _demand_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    from html import escape

    anchor = tokens[idx].meta["anchor"]
    return f'<span class="demand demand-{escape(anchor.status)}" id="{escape(anchor.element_id)}">'


def _demand_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    from html import escape

    anchor = tokens[idx].meta["anchor"]
    word = env.get(STATUS_KEY, {}).get(anchor.status) if isinstance(env, dict) else None
    status = f' <span class="demand-status">({escape(word)})</span>' if word else ""
    return "</span>" + status


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_IMAGE_DATA = re.compile(r"data:image/(?:gif|png|jpeg|webp);", re.IGNORECASE)


def safe_link(url: str) -> bool:
    """Whether a Markdown link may point at `url`: a web (``http``, ``https``), email (``mailto``)
    or telephone (``tel``) address, or a relative link (``#notes``, ``page.html``); an image may
    also be a ``data:image/...`` URI. A ``mailto:`` link may fill in only the fields RFC 6068
    names (to, cc, bcc, subject, body), not ``attach``. Everything else (``javascript:``, ``file:``, ``smb:``,
    ``ms-msdt:``, ``search-ms:``...) stays text, because such links can run code or leak
    credentials when clicked."""
    text = url.strip()
    scheme = _SCHEME.match(text)
    if scheme is None:
        return True
    if scheme.group(1).lower() == "mailto":
        return _plain_mailto(text)
    return scheme.group(1).lower() in _LINK_SCHEMES or _IMAGE_DATA.match(text) is not None


_MAILTO_FIELDS = frozenset({"to", "cc", "bcc", "subject", "body"})
"""The ``mailto:`` header fields RFC 6068 lets a link fill in; others (``attach``, which some mail
clients honoured with a local file) make the link text."""


def _plain_mailto(url: str) -> bool:
    from urllib.parse import parse_qsl

    query = url.partition("?")[2]
    return all(name.lower() in _MAILTO_FIELDS for name, _ in parse_qsl(query, keep_blank_values=True))


def web_address(url: str) -> bool:
    """Whether `url` may be a link in a document read away from the web (PDF, Word): an absolute
    ``http``/``https`` address with a host, or a ``mailto:`` address. Exporters write other link
    targets as text."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return bool(parts.hostname)
    return scheme == "mailto" and "@" in parts.path and _plain_mailto(url.strip())


def _numbering(env: Any) -> str:
    return str(env.get(NUMBERING_KEY, "latn")) if isinstance(env, dict) else "latn"


def _footnote_ref(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    from .words import write_digits

    meta = tokens[idx].meta
    number = meta["id"] + 1
    sub_id = meta.get("subId", 0)
    ref_id = f"fnref{number}" + (f"-{sub_id}" if sub_id > 0 else "")
    shown = write_digits(str(number), _numbering(env))
    return f'<sup class="footnote-ref"><a href="#fn{number}" id="{ref_id}">{shown}</a></sup>'


def _ordered_list_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """``<ol>``, numbered in the letter's digits (a CSS predefined counter style) when they are
    not 0-9."""
    from .words import counter_style

    style = counter_style(_numbering(env))
    if style is not None:
        tokens[idx].attrSet("style", f"list-style-type: {style}")
    return str(self.renderToken(tokens, idx, options, env))


def footnote_env(labels: Sequence[str]) -> dict[str, Any]:
    """A parser environment in which ``[^label]`` markers are numbered in the order of `labels`.

    Pass the same environment to every parse of one letter; afterwards
    ``env["footnotes"]["list"][n]["count"]`` says how often note ``n`` was cited.
    """
    return {
        "footnotes": {
            "refs": {f":{label}": number for number, label in enumerate(labels)},
            "list": {number: {"label": label, "count": 0} for number, label in enumerate(labels)},
        }
    }


def parse(text: str) -> list[Token]:
    """Parse Markdown block structure with the shared `parser`."""
    return parser().parse(text, {})


BLOCK_LIMIT = 500_000
"""The most blocks (paragraphs, headings, lists, list items, quotes, code blocks...) one Markdown
text, or a letter.md body, may have. Each takes some 1.5 KB of memory while it is parsed: a body
at the limit about 700 MB, where the 16 MiB a letter file may have could otherwise make tens of
millions. (A letter of 100,000 sections, each a heading and a paragraph, has 200,001.)"""

_BUDGET = "openletter_blocks"
"""The parser environment key counting the blocks `parse_blocks` has met."""


class TooManyBlocks(ValueError):
    """Markdown text with more than `BLOCK_LIMIT` blocks; `line` (from 0) is where it went past."""

    def __init__(self, line: int) -> None:
        self.line = line
        super().__init__(f"goes past {BLOCK_LIMIT:,} blocks (paragraphs, headings, list items...)")


def _count_block(state: Any, line: int, end: int, silent: bool) -> bool:
    """A block rule that matches nothing: it counts the blocks (it is tried first at the start of
    each) and stops the parse past `BLOCK_LIMIT`."""
    count = state.env[_BUDGET] = state.env.get(_BUDGET, 0) + 1
    if count > BLOCK_LIMIT:
        raise TooManyBlocks(line)
    return False


@cache
def _block_parser() -> MarkdownIt:
    """A parser configured as `parser`, without its inline pass and with a budget: blocks only."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": False, "maxNesting": MAX_NESTING}).use(footnote_plugin)
    md.disable(["footnote_tail", "footnote_inline", "inline"])
    md.block.ruler.before("table", "openletter_budget", _count_block)
    return md


def parse_blocks(text: str) -> list[Token]:
    """Parse the block structure of `text` alone: `parse`'s tokens, with no ``children`` on the
    ``inline`` tokens (their ``content``, the raw text of a paragraph or heading, is there).

    What splits a letter.md body and checks a section's structure needs only the blocks; the
    inline pass is about a third of the time of a whole parse. Raise `TooManyBlocks` for text of
    more than `BLOCK_LIMIT` blocks, as soon as the parse goes past it.
    """
    return _block_parser().parse(text, {})


def _most_blocks(text: str, lines: int) -> int:
    """How many blocks `text` of `lines` lines can have at most: one leaf block (a paragraph, a
    heading...) starts on a line, and each container that starts there takes a character of its
    own: a ``>``, a list marker (``-``, ``*``, ``+``, ``1.``, ``1)``) or a note's ``]:``."""
    return lines + sum(text.count(mark) for mark in ">-*+.):")


def _blocks_problem(error: TooManyBlocks) -> str:
    return f"{error} on its line {error.line + 1}"


def _structure_problems(tokens: list[Token], *, allow_footnotes: int) -> list[str]:
    problems: list[str] = []
    footnotes = 0
    for token in tokens:
        if token.type == "heading_open" and token.level == 0 and token.tag in ("h1", "h2"):
            line = token.map[0] + 1 if token.map else 1
            problems.append(
                f"has a level-{token.tag[1]} heading on its line {line}; "
                "in a letter, level-2 headings start new sections and the title is a field"
            )
        elif token.type == "footnote_reference_open":
            footnotes += 1
    if footnotes > allow_footnotes:
        problems.append("has a footnote definition ([^label]: ...); put it in 'references'")
    return problems


def _closes(tokens: list[Token]) -> bool:
    """True when the sentinel heading appended to the text parsed as a level-0 heading."""
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0 and token.tag == "h2":
            inline = tokens[i + 1]
            if inline.content == _SENTINEL and i + 3 == len(tokens):
                return True
    return False


_CONTAINER = {"blockquote_open", "bullet_list_open", "ordered_list_open"}
_CONTAINER_CLOSE = {"blockquote_close", "bullet_list_close", "ordered_list_close"}
_PREFIX = re.compile(r"[ \t>*+\-.)0-9]*")
"""What a line can start with to open or continue lists and quotes: markers, numbers, indentation."""


def nesting_problem(text: str) -> str | None:
    """Why `text` nests lists and block quotes too deep (more than `NESTING_LIMIT`), or None.

    Linear: each level of nesting takes at least one column of a line's start (a ``>``, a list
    marker, indentation), so text whose lines all start with at most `NESTING_LIMIT` such columns
    is not parsed; other text is parsed once and its lists and quotes counted.
    """
    widest = 0
    rows = text.split("\n")
    for row in rows:
        prefix = _PREFIX.match(row).group()  # type: ignore[union-attr]  # matches at least ""
        widest = max(widest, len(prefix) + 3 * prefix.count("\t"))  # a tab is up to four columns
    if widest <= NESTING_LIMIT and _most_blocks(text, len(rows)) <= BLOCK_LIMIT:
        return None
    try:
        tokens = parse_blocks(text)
    except TooManyBlocks as error:
        return _blocks_problem(error)
    depth = 0
    for token in tokens:
        if token.type in _CONTAINER:
            depth += 1
            if depth > NESTING_LIMIT:
                line = token.map[0] + 1 if token.map else 1
                return (
                    f"puts lists and block quotes more than {NESTING_LIMIT} deep inside one another "
                    f"(on its line {line}), deeper than every format can show"
                )
        elif token.type in _CONTAINER_CLOSE:
            depth -= 1
    return None


_STRUCTURE = re.compile(
    r"^[ \t>*+\-.)0-9]*(?:[#=]|\[\^|```|~~~)|^[ \t>*+.)0-9]*-[ \t>*+\-.)0-9]*$",
    re.MULTILINE,
)
"""A line that may start a heading, a footnote definition or a code fence (after whatever list
markers, quote marks and indentation), or underline a heading (``---``, ``===``)."""


def _plain_structure(text: str) -> bool:
    """Whether `text` certainly has no heading, footnote definition or code fence: none of its
    lines could start one (`_STRUCTURE`). Such text needs no parse to pass the structural checks;
    the few texts that have such a line are parsed."""
    return "\r" not in text and _STRUCTURE.search(text) is None


def section_text_problems(text: str) -> list[str]:
    """What stops `text` from being a section body that survives a letter.md round trip.

    Text whose lines could not start a heading, a footnote definition or a fence is fine as it
    is; other text is parsed once, with a sentinel heading after it: when the sentinel ends up a
    heading of its own, the text closed every block, and its blocks are those of the text alone.
    """
    if _plain_structure(text):
        return []
    try:
        tokens = parse_blocks(f"{text}\n\n## {_SENTINEL}\n")
        if _closes(tokens):
            return _structure_problems(tokens[:-3], allow_footnotes=0)
        problems = _structure_problems(parse_blocks(text), allow_footnotes=0)
    except TooManyBlocks as error:
        return [_blocks_problem(error)]
    return problems or ["leaves a block open (an unclosed ``` code fence?) that would swallow what follows"]


def indent_continuation(text: str) -> str:
    """Indent every line after the first by four spaces (blank lines stay empty)."""
    first, _, rest = text.partition("\n")
    if not rest:
        return first
    lines = [f"    {line}" if line.strip() else "" for line in rest.split("\n")]
    return first + "\n" + "\n".join(lines)


def footnote_definition(label: str, text: str) -> str:
    """Write a footnote definition ``[^label]: text`` with continuation lines indented."""
    return f"[^{label}]: {indent_continuation(text)}"


def reference_text_problems(text: str) -> list[str]:
    """What stops `text` from being a footnote text that survives a letter.md round trip.

    (Parsed as `section_text_problems` does, inside a footnote definition.)
    """
    if _plain_structure(text):
        return []
    definition = footnote_definition("r", text)
    try:
        tokens = parse_blocks(f"{definition}\n\n## {_SENTINEL}\n")
        starts = [t for t in tokens if t.type == "footnote_reference_open" and t.level == 0]
        if len(starts) == 1 and _closes(tokens):
            return _structure_problems(tokens[:-3], allow_footnotes=1)
        problems = _structure_problems(parse_blocks(definition), allow_footnotes=1)
    except TooManyBlocks as error:
        return [_blocks_problem(error)]
    return problems or ["does not stay inside one footnote (an unclosed ``` code fence?)"]
