"""The authoring format, ``letter.md``: YAML front matter, then the body in Markdown.

::

    ---
    title: Open Letter to ...
    language: en
    date: 2023-06-08
    ...                       every field except sections and references
    ---

    Text before the first level-2 heading is the first section.

    ## A heading starts a new section

    Text with an endnote.[^1]

    [^1]: Footnote definitions, wherever they are written, become the letter's references.
"""

from __future__ import annotations

import re
from typing import Any

from .. import markdown
from ..errors import LetterError, Problem
from ..markdown import TooManyBlocks, parse_blocks
from . import yaml_source
from .locate import SourceMap

_FENCE = re.compile(r"(---|\.\.\.)[ \t]*\Z")
_DEFINITION_START = re.compile(r"[ ]{0,3}\[\^[^\]]+\]:[ \t]*")
_BODY_FIELDS = ("sections", "references")


def parse(text: str, file: str) -> tuple[dict[str, Any], SourceMap]:
    """Split front matter from body; return plain letter data and its source map."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise LetterError(
            [
                Problem(
                    file=file,
                    line=1,
                    message="the file does not start with front matter",
                    expected="a first line '---', the letter's fields in YAML, then a closing '---' line",
                )
            ]
        )
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        raise LetterError(
            [
                Problem(
                    file=file,
                    line=1,
                    message="the front matter is never closed",
                    expected="a '---' line after the letter's fields, before the body",
                )
            ]
        )
    data, source = yaml_source.parse("\n".join(lines[1:end]), file, line_offset=1)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise LetterError(
            [
                Problem(
                    file=file, line=2, message="the front matter is not a set of fields", expected="'name: value' lines"
                )
            ]
        )
    problems: list[Problem] = []
    extras = {name: _body_extras(data, name, file, source, problems) for name in _BODY_FIELDS}
    body_start = end + 1
    sections, references = _split_body(lines[body_start:], body_start, file, source, problems)
    _merge_extras(sections, extras["sections"], file, source, problems, by_id=False)
    _merge_extras(references, extras["references"], file, source, problems, by_id=True)
    if problems:
        raise LetterError(problems)
    data["sections"] = sections
    if references:
        data["references"] = references
    return data, source


_EXTRA_FIELDS = {"sections": ("id", "lang"), "references": ("id", "lang")}
"""What the front matter may say about sections and endnotes, whose text is the body: their id
(a section's, for its translations) and language (sections by position, endnotes by id)."""


def _body_extras(
    data: dict[str, Any], name: str, file: str, source: SourceMap, problems: list[Problem]
) -> list[dict[str, Any]] | None:
    """The front matter's `name` list (only languages), or None; problems for anything else."""
    if name not in data:
        return None
    value = data.pop(name)
    allowed = _EXTRA_FIELDS[name]
    if isinstance(value, list) and all(isinstance(v, dict) and set(v) <= set(allowed) for v in value):
        return value
    problems.append(
        Problem(
            file=file,
            line=source.where((name,))[1],
            path=(name,),
            message=f"the text of '{name}' comes from the Markdown body in letter.md, not the front matter",
            expected=f"sections under '## ' headings and footnotes ([^1]: ...) in the body; in the front matter, "
            f"only a list of {' and '.join(allowed)} for each",
        )
    )
    return None


def _merge_extras(
    items: list[dict[str, str]],
    extras: list[dict[str, Any]] | None,
    file: str,
    source: SourceMap,
    problems: list[Problem],
    *,
    by_id: bool,
) -> None:
    """Add the front matter's languages to the body's sections (by position) or notes (by id)."""
    if not extras:
        return
    name = "references" if by_id else "sections"
    if not by_id:
        if len(extras) != len(items):
            problems.append(
                Problem(
                    file=file,
                    line=source.where((name,))[1],
                    path=(name,),
                    message=f"the front matter lists {len(extras)} sections and the body has {len(items)}",
                    expected="one entry per section of the body, in order ({} for a section in the letter's language)",
                )
            )
            return
        for item, extra in zip(items, extras, strict=True):
            item.update(extra)
        return
    by_label = {item["id"]: item for item in items}
    for extra in extras:
        label = extra.get("id")
        if label not in by_label:
            problems.append(
                Problem(
                    file=file,
                    line=source.where((name,))[1],
                    path=(name,),
                    message=f"the front matter names the endnote {label!r}, which the body does not define",
                    expected="the id of a footnote defined in the body ([^id]: ...)",
                )
            )
            continue
        by_label[label].update(extra)


def _trim(lines: list[str]) -> str:
    while lines and not lines[0].strip():
        del lines[0]
    return "\n".join(lines).rstrip()


def _split_body(
    body: list[str], offset: int, file: str, source: SourceMap, problems: list[Problem]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Cut the body into sections at level-2 headings and pull out footnote definitions."""
    try:
        tokens = parse_blocks("\n".join(body))
    except TooManyBlocks as error:
        raise LetterError(
            [
                Problem(
                    file=file,
                    line=error.line + offset + 1,
                    path=("sections",),
                    message=f"the body {error} here",
                    expected=f"a body of at most {markdown.BLOCK_LIMIT:,} blocks",
                )
            ]
        ) from None
    skip: set[int] = set()
    references: list[dict[str, str]] = []
    starts: list[tuple[int, str | None]] = [(0, None)]  # (first body line of the section, heading)
    for index, token in enumerate(tokens):
        if token.level != 0 or token.map is None:
            continue
        first, last = token.map
        if token.type == "footnote_reference_open":
            skip.update(range(first, last))
            label = str(token.meta["label"])
            chunk = body[first:last]
            chunk[0] = _DEFINITION_START.sub("", chunk[0], count=1)
            chunk[1:] = [_dedent(line) for line in chunk[1:]]
            where = (file, first + offset + 1)
            source.lines[("references", len(references))] = where
            source.lines[("references", len(references), "id")] = where
            source.lines[("references", len(references), "text")] = where
            references.append({"id": label, "text": _trim(chunk)})
        elif token.type == "heading_open" and token.tag == "h1":
            problems.append(
                Problem(
                    file=file,
                    line=first + offset + 1,
                    path=("sections",),
                    message="a level-1 heading ('# ...') in the body",
                    expected="the title in the front matter ('title: ...') and '## ' headings for sections",
                )
            )
        elif token.type == "heading_open" and token.tag == "h2":
            skip.update(range(first, last))
            starts.append((first, tokens[index + 1].content))
    sections: list[dict[str, str]] = []
    for number, (first, heading) in enumerate(starts):
        stop = starts[number + 1][0] if number + 1 < len(starts) else len(body)
        text = _trim([body[i] for i in range(first, stop) if i not in skip])
        if heading is None and not text:
            continue
        where = (file, first + offset + 1)
        path = ("sections", len(sections))
        source.lines[path] = where
        source.lines[(*path, "heading")] = where
        text_line = next((i for i in range(first, stop) if i not in skip and body[i].strip()), first)
        source.lines[(*path, "text")] = (file, text_line + offset + 1)
        section = {"text": text}
        if heading is not None:
            section["heading"] = heading
        sections.append(section)
    source.lines.setdefault(("sections",), (file, offset + 1))
    return sections, references


def _dedent(line: str) -> str:
    """Remove up to four columns of indentation (a footnote's continuation indent)."""
    removed = 0
    while line and removed < 4:
        if line[0] == " ":
            removed += 1
        elif line[0] == "\t":
            removed = 4
        else:
            break
        line = line[1:]
    return line


def dump(
    front_matter: dict[str, Any], sections: list[tuple[str | None, str]], references: list[tuple[str, str]]
) -> str:
    """Write a letter.md from front-matter data, (heading, text) sections and (id, text) notes.

    (The languages of sections and notes, when they have their own, go in the front matter as
    ``sections`` and ``references`` lists: see `parse`.)"""
    from ..markdown import footnote_definition

    parts = ["---\n" + yaml_source.dump(front_matter) + "---\n"]
    for heading, text in sections:
        if heading is not None:
            closing = " ##" if heading.endswith("#") else ""
            parts.append(f"## {heading}{closing}\n")
        parts.append(text + "\n")
    for label, text in references:
        parts.append(footnote_definition(label, text) + "\n")
    return "\n".join(parts)
