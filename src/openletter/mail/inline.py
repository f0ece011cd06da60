"""CSS inlining for the HTML part of an email, in bounded memory however long the letter.

css-inline parses the whole page into a tree before it writes it back with the styles on the
elements: for a page of 1,000,000 signatories (90 MB) that tree takes well over a gigabyte. Long
signatory lists are written in runs of `openletter.exporters.html.LIST_RUN` entries; here the page
is inlined without them (each run held back as a marker, see
`openletter.exporters.html.render_page`), then each run on its own, inside a page made of the
same head and the same ancestors, elements and attributes as in the whole page, so that every
rule of the stylesheet finds the same elements it would find in the whole page. The result is the
same text as inlining the whole page at once (tests/test_mail_scale.py compares them), for any
stylesheet whose selectors do not look at the siblings of the lists themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from html.parser import HTMLParser

_START = "<!--openletter:inline:start-->"
_END = "<!--openletter:inline:end-->"

_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr")
)
"""Elements with no end tag (HTML Living Standard, "void elements")."""


class _Ancestors(HTMLParser):
    """The start tags open at each marker of a page, outermost first, as written in the page."""

    def __init__(self, markers: Sequence[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.markers = {marker[4:-3]: index for index, marker in enumerate(markers)}  # the comments' text
        self.open: list[tuple[str, str]] = []
        self.found: dict[int, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.open.append((tag, self.get_starttag_text() or f"<{tag}>"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return

    def handle_comment(self, data: str) -> None:
        index = self.markers.get(data)
        if index is not None:
            self.found[index] = [text for _, text in self.open]


def inline(page: str, held: Sequence[str], marker: str) -> str:
    """`page` with its CSS inlined by css-inline, each of the `held` runs put back in place of
    ``marker.format(index)``, inlined in the context it has in the page."""
    import css_inline

    if not held:
        whole: str = css_inline.inline(page)
        return whole
    markers = [marker.format(index) for index in range(len(held))]
    if any(page.count(m) != 1 for m in markers) or _START in page or _END in page:
        raise ValueError("a run marker is missing from the page or written more than once")
    head_end = page.index("</head>") + len("</head>")
    parser = _Ancestors(markers)
    parser.feed(page[head_end:])
    parser.close()
    shell: str = css_inline.inline(page)
    out: list[str] = []
    position = 0
    for index, run in enumerate(held):
        at = shell.index(markers[index], position)
        out.append(shell[position:at])
        position = at + len(markers[index])
        ancestors = parser.found[index]
        closing = "".join(f"</{_tag(text)}>" for text in reversed(ancestors))
        # joined, not added: a run may be markupsafe.Markup, whose + would escape the rest
        document = "".join((page[:head_end], *ancestors, _START, run, _END, closing))
        inlined: str = css_inline.inline(document)
        out.append(inlined[inlined.index(_START) + len(_START) : inlined.rindex(_END)])
    out.append(shell[position:])
    return "".join(out)


def _tag(start: str) -> str:
    """The element name of a start tag as written (``<ol class="x">`` -> ``ol``)."""
    return start[1:].split(None, 1)[0].rstrip(">/").lower()
