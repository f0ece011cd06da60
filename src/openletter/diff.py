"""What changed between two versions of a letter's text, word by word, part by part.

Both letters are compared as their canonical text (`openletter.versions.canonical_text`): what a
text version covers, as a reader reads it, so that re-wrapping or a changed list marker is no
change. Parts are matched by key (``title``, ``sections[background]``, ``demands[release]``);
parts without an id (``sections[2]``) are matched by their text, so that inserting a section
shows one section added rather than every later one changed. A changed part is compared word by
word with `difflib`: its tokens are the words between spaces, except that text in scripts
written without spaces between words (Thai, Lao, Khmer, Myanmar, Tibetan, Chinese, Japanese) is
compared by grapheme cluster (a character with its combining marks; a Khmer or Myanmar subscript
consonant with the sign that stacks it).

`diff_letters` gives a `LetterDiff`; its `text` shows removed words as ``[-words-]`` and added ones
as ``{+words+}`` (as ``wdiff`` does), its `html` a small self-contained page with ``<del>`` and
``<ins>``. In a changed part, the paragraphs without a change are summarised ("[... 3 unchanged
paragraphs ...]"); unchanged parts are summarised at the end.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from html import escape
from typing import TYPE_CHECKING, Literal

import attrs

from .versions import TextPart, canonical_text, version_of

if TYPE_CHECKING:
    from .model import Letter

__all__ = ["LetterDiff", "PartDiff", "Piece", "diff_letters", "tokens"]

Op = Literal["equal", "delete", "insert"]
Status = Literal["unchanged", "changed", "added", "removed"]

_NO_SPACES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x19E0, 0x19FF),  # Khmer symbols
    (0x1A20, 0x1AAF),  # Tai Tham
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3000, 0x312F),  # CJK punctuation, Hiragana, Katakana, Bopomofo
    (0x3190, 0x31FF),  # Kanbun, Bopomofo extended, CJK strokes, Katakana extension
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA9E0, 0xA9FF),  # Myanmar extended B
    (0xAA60, 0xAA7F),  # Myanmar extended A
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF00, 0xFFEF),  # half- and full-width forms
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)
"""Scripts written without spaces between words, whose text is compared cluster by cluster."""

_STACKERS = frozenset("\u17d2\u1039")
"""Khmer coeng and Myanmar virama: the consonant after one is a subscript of the cluster."""

_JOINERS = frozenset("\u200c\u200d")


def _no_spaces(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _NO_SPACES)


def _clusters(word: str) -> Iterator[str]:
    """`word` in grapheme clusters: each character with the combining marks and joiners after it,
    and a consonant after a Khmer coeng or Myanmar virama with the cluster it is stacked in."""
    cluster = ""
    for char in word:
        attach = cluster and (
            unicodedata.category(char).startswith("M") or char in _JOINERS or cluster[-1] in _STACKERS
        )
        if cluster and not attach:
            yield cluster
            cluster = ""
        cluster += char
    if cluster:
        yield cluster


def _pieces(word: str) -> list[str]:
    """A word's tokens: runs of spaced scripts whole, clusters of the other scripts one by one."""
    out: list[str] = []
    run = False  # whether out[-1] is a run of a spaced script that may grow
    for cluster in _clusters(word):
        if _no_spaces(cluster[0]):
            out.append(cluster)
            run = False
        elif run:
            out[-1] += cluster
        else:
            out.append(cluster)
            run = True
    return out


def tokens(text: str) -> list[str]:
    """The tokens a diff compares in canonical `text`: each word with the space before it (the
    first of a line has none), a word in a script without spaces split into grapheme clusters,
    and ``"\\n"`` between lines. Joined, they give `text` back."""
    out: list[str] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            out.append("\n")
        for position, word in enumerate(line.split(" ")):
            pieces = _pieces(word) or [""]
            out.append((" " if position else "") + pieces[0])
            out.extend(pieces[1:])
    return out


@attrs.frozen
class Piece:
    """A run of a part's text: the same in both versions (``equal``), only in the old one
    (``delete``) or only in the new one (``insert``)."""

    op: Op
    text: str


@attrs.frozen
class PartDiff:
    """One part compared: its `key` and `label` ("Section 2 “Background”"), its `status`, and its
    text as `pieces` (the old text removed and the new added, for a part added or removed)."""

    key: str
    kind: str
    label: str
    status: Status
    pieces: tuple[Piece, ...]


def _word_diff(old: str, new: str) -> tuple[Piece, ...]:
    """The pieces of two canonical texts, compared token by token. Tokens are compared without
    the space before them, so that a word that starts a line in one text and follows a space in
    the other is the same word (the line break shows as changed); a space added or removed
    elsewhere (between the words of a Thai sentence, say) is a change of its own."""
    a, b = tokens(old), tokens(new)
    pieces: list[Piece] = []

    def add(op: Op, text: str) -> None:
        if pieces and pieces[-1].op == op:
            pieces[-1] = Piece(op, pieces[-1].text + text)
        elif text:
            pieces.append(Piece(op, text))

    matcher = difflib.SequenceMatcher(None, [t.lstrip(" ") for t in a], [t.lstrip(" ") for t in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            add("delete", "".join(a[i1:i2]))
            add("insert", "".join(b[j1:j2]))
            continue
        for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
            was, now = a[i], b[j]
            if was != now and not (i and a[i - 1] == "\n") and not (j and b[j - 1] == "\n"):
                add("delete" if was.startswith(" ") else "insert", " ")
                now = now.lstrip(" ")
            add("equal", now)
    return tuple(pieces)


_SINGLE = {
    "title": "Title",
    "subtitle": "Subtitle",
    "subject": "Subject",
    "salutation": "Salutation",
    "closing": "Closing",
}


def _labels(parts: Sequence[TextPart]) -> dict[str, str]:
    """Each part's label, by key: "Title", "Section 2 “Background”", "Demand 3 (release)"."""
    labels: dict[str, str] = {}
    counts: dict[str, int] = {}
    for part in parts:
        kind = "demand" if part.kind == "marked-demand" else part.kind
        number = counts[kind] = counts.get(kind, 0) + 1
        if part.kind in _SINGLE:
            labels[part.key] = _SINGLE[part.kind]
            continue
        ident = part.key.partition("[")[2][:-1]
        named = "" if ident.isdecimal() else f" ({ident})"
        if part.kind == "section":
            first = part.text.split("\n", 1)[0]
            heading = f" “{first[3:]}”" if first.startswith("## ") else ""
            labels[part.key] = f"Section {number}{heading}{named}"
        elif part.kind == "endnote":
            labels[part.key] = f"Endnote {number}{named}"
        else:
            marked = ", marked in the body" if part.kind == "marked-demand" else ""
            labels[part.key] = f"Demand {number}{named}{marked}"
    return labels


def _match_key(part: TextPart) -> tuple[str, ...]:
    """What matches a part with its counterpart: its key when it names the part (an id, or a
    one-of-a-kind field), else its kind and text (``sections[2]`` may be another section now)."""
    ident = part.key.partition("[")[2][:-1]
    return (part.kind, part.text) if ident.isdecimal() else ("key", part.key)


@attrs.frozen
class LetterDiff:
    """Two versions of a letter's text compared: their versions, and each part's `PartDiff`
    (in the new letter's order, a removed part where it was)."""

    old_version: str
    new_version: str
    title: str
    language: str
    parts: tuple[PartDiff, ...]

    @property
    def identical(self) -> bool:
        """Whether the two texts are the same (and so are their versions)."""
        return all(part.status == "unchanged" for part in self.parts)

    def changed(self) -> list[PartDiff]:
        """The parts that changed, were added or were removed."""
        return [part for part in self.parts if part.status != "unchanged"]

    def unchanged_summary(self) -> str:
        """The unchanged parts in a few words: "the title, the salutation, 3 demands, the closing"."""
        return _summary([part for part in self.parts if part.status == "unchanged"])

    def text(self, old_name: str = "old", new_name: str = "new") -> str:
        """The changes as text: ``[-removed-]{+added+}``, part by part."""
        return _text(self, old_name, new_name)

    def html(self, old_name: str = "old", new_name: str = "new") -> str:
        """The changes as a self-contained HTML page, ``<del>`` and ``<ins>``, part by part."""
        return _html(self, old_name, new_name)


def diff_letters(old: Letter, new: Letter) -> LetterDiff:
    """Compare the text of two versions of a letter (see the module docstring)."""
    before, after = canonical_text(old), canonical_text(new)
    old_labels, new_labels = _labels(before), _labels(after)
    found: list[PartDiff] = []

    def removed(part: TextPart) -> None:
        found.append(PartDiff(part.key, part.kind, old_labels[part.key], "removed", (Piece("delete", part.text),)))

    def added(part: TextPart) -> None:
        found.append(PartDiff(part.key, part.kind, new_labels[part.key], "added", (Piece("insert", part.text),)))

    def compared(was: TextPart, now: TextPart) -> None:
        label = new_labels[now.key]
        if was.text == now.text and was.kind == now.kind:
            found.append(PartDiff(now.key, now.kind, label, "unchanged", (Piece("equal", now.text),)))
        else:
            found.append(PartDiff(now.key, now.kind, label, "changed", _word_diff(was.text, now.text)))

    matcher = difflib.SequenceMatcher(None, [_match_key(p) for p in before], [_match_key(p) for p in after], False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for was, now in zip(before[i1:i2], after[j1:j2], strict=True):
                compared(was, now)
            continue
        olds, news = list(before[i1:i2]), list(after[j1:j2])
        while olds or news:  # pair the parts of one kind in order; the rest were removed or added
            if olds and news and _family(olds[0]) == _family(news[0]):
                compared(olds.pop(0), news.pop(0))
            elif olds and not any(_family(p) == _family(olds[0]) for p in news):
                removed(olds.pop(0))
            elif news and not any(_family(p) == _family(news[0]) for p in olds):
                added(news.pop(0))
            elif olds:
                removed(olds.pop(0))
            else:
                added(news.pop(0))
    return LetterDiff(
        old_version=version_of(before),
        new_version=version_of(after),
        title=new.title,
        language=new.language,
        parts=tuple(found),
    )


def _family(part: TextPart) -> str:
    return "demand" if part.kind == "marked-demand" else part.kind


_PLURALS = {"section": "sections", "demand": "demands", "endnote": "endnotes"}


def _summary(parts: Sequence[PartDiff]) -> str:
    counts: dict[str, int] = {}
    for part in parts:
        family = "demand" if part.kind == "marked-demand" else part.kind
        counts[family] = counts.get(family, 0) + 1
    said = []
    for family, count in counts.items():
        if family in _PLURALS:
            said.append(f"{count} {_PLURALS[family] if count != 1 else family}")
        else:
            said.append(f"the {family}")
    return ", ".join(said)


Line = list[Piece]


def _lines(part: PartDiff) -> list[Line]:
    """The pieces of a part, line by line (a block per line). In a changed part, lines are those
    of the new text, and a line break that was removed or added shows as ``¶`` in the change."""
    lines: list[Line] = [[]]
    changed = part.status == "changed"
    for piece in part.pieces:
        rows = piece.text.split("\n")
        for number, row in enumerate(rows):
            last = number == len(rows) - 1
            shown = row + "¶" if changed and not last and piece.op != "equal" else row
            if shown:
                lines[-1].append(Piece(piece.op, shown))
            if not last and not (changed and piece.op == "delete"):
                lines.append([])
    return [line for line in lines if line]


def _shown(lines: Sequence[Line]) -> Iterator[Line | int]:
    """The lines of a changed part to show: those with a change, and for each run of unchanged
    ones between them, how many there are."""
    skipped = 0
    for line in lines:
        if all(piece.op == "equal" for piece in line):
            skipped += 1
            continue
        if skipped:
            yield skipped
            skipped = 0
        yield line
    if skipped:
        yield skipped


def _skipped(count: int) -> str:
    return f"[... {count} unchanged paragraph{'s' * (count != 1)} ...]"


def _split(text: str, after_removed: bool) -> tuple[str, str]:
    """A changed piece as the space to show before its marker and the words in it: the space
    before the words goes outside (not twice in a row, after removed words), and a piece that is
    a space alone (a space added or removed) stays inside."""
    words = text.lstrip(" ")
    if not words:
        return "", text
    return (" " if text != words and not after_removed else ""), words


def _text_line(line: Line) -> str:
    out: list[str] = []
    for piece in line:
        if piece.op == "equal":
            out.append(piece.text)
            continue
        lead, words = _split(piece.text, bool(out) and out[-1].endswith("-]"))
        out.append(lead + (f"[-{words}-]" if piece.op == "delete" else f"{{+{words}+}}"))
    return "".join(out)


def _heading_text(part: PartDiff) -> str:
    status = {"changed": "changed", "added": "added", "removed": "removed"}[part.status]
    return f"{part.label}: {status}"


def _text(diff: LetterDiff, old_name: str, new_name: str) -> str:
    out = [f"--- {old_name} ({diff.old_version})", f"+++ {new_name} ({diff.new_version})", ""]
    if diff.identical:
        out.append("The texts are the same.")
        return "\n".join(out) + "\n"
    for part in diff.changed():
        out.append(f"== {_heading_text(part)} ==")
        for shown in _shown(_lines(part)):
            out.append(_skipped(shown) if isinstance(shown, int) else _text_line(shown))
        out.append("")
    unchanged = diff.unchanged_summary()
    out.append(f"Unchanged: {unchanged}." if unchanged else "Every part changed.")
    return "\n".join(out) + "\n"


_STYLE = """\
body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 42rem; margin: 1rem auto; padding: 0 1rem;
  color: #1a1a1a; background: #fff; }
del { background: #ffe3e3; color: #8a0000; text-decoration: line-through; }
ins { background: #dcf5dc; color: #004d00; text-decoration: underline; }
.change-note { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
  white-space: nowrap; }
.skipped { color: #555; font-style: italic; }
code { font-size: 0.95em; }
"""


def _html_line(line: Line) -> str:
    out: list[str] = []
    for piece in line:
        if piece.op == "equal":
            out.append(escape(piece.text))
            continue
        lead, words = _split(piece.text, bool(out) and out[-1].endswith("</del>"))
        words = escape(words)
        if piece.op == "delete":
            out.append(f'{lead}<del><span class="change-note">removed: </span>{words}</del>')
        else:
            out.append(f'{lead}<ins><span class="change-note">added: </span>{words}</ins>')
    return "".join(out)


def _html(diff: LetterDiff, old_name: str, new_name: str) -> str:
    from .words import text_direction

    lang = escape(diff.language)
    direction = text_direction(diff.language)
    title = escape(diff.title)
    body: list[str] = [
        f'<h1>Changes to “<span lang="{lang}" dir="{direction}">{title}</span>”</h1>',
        f"<p>From <code>{escape(diff.old_version)}</code> ({escape(old_name)})"
        f" to <code>{escape(diff.new_version)}</code> ({escape(new_name)}).",
    ]
    if diff.identical:
        body[-1] += " The texts are the same.</p>"
    else:
        body[-1] += " Removed words are <del>struck through</del>; added words are <ins>underlined</ins>.</p>"
    for number, part in enumerate(diff.changed(), start=1):
        body.append(f'<section aria-labelledby="part-{number}">')
        heading = re.sub(
            "“(.*)”", lambda m: f'“<bdi lang="{lang}">{m.group(1)}</bdi>”', escape(_heading_text(part)), count=1
        )
        body.append(f'<h2 id="part-{number}">{heading}</h2>')
        body.append(f'<div lang="{lang}" dir="{direction}">')
        for shown in _shown(_lines(part)):
            if isinstance(shown, int):
                body.append(f'<p class="skipped" lang="en" dir="ltr">{escape(_skipped(shown))}</p>')
            else:
                body.append(f"<p>{_html_line(shown)}</p>")
        body.append("</div>")
        body.append("</section>")
    unchanged = diff.unchanged_summary()
    if unchanged and not diff.identical:
        body.append(f"<p>Unchanged: {escape(unchanged)}.</p>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Changes to “{title}”</title>\n<style>\n{_STYLE}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )
