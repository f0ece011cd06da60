"""Signatory lists as front-matter YAML, written fast: the text `yaml_source.dump` writes for them.

PyYAML builds a node for every value of the data it writes, in Python, even with libyaml's
emitter: the front matter of a letter with 100,000 signatories took seven seconds. Most of a long
list is names, titles and countries that YAML writes as they are (``name: Jane Doe``), so those
lines are written here directly; a value YAML would quote, fold, tag or write as a block (a
``yes``, a ``: ``, a long line, a line break, a list of roles) leaves its whole entry to PyYAML,
written in the same place of the same structure, so the text is the same byte for byte.

`front_matter` is the whole: the letter's front matter is written by `yaml_source.dump` with each
signatory list standing in as one line, and the lists are written here and put in their place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Mapping, Sequence
from typing import Any

__all__ = ["front_matter", "members_text"]

WIDTH = 100
"""The line width `yaml_source.dump` writes with; a plain value is folded beyond it."""

_INDENT = "  "
"""Where a signatory list stands in the front matter: ``signatories: - people:`` (its entries'
dashes two spaces in, as YAML writes a block sequence in a mapping in a block sequence)."""

_MEMBER_KEYS = ("organisations", "people")

# A value YAML writes as it is, in a block mapping (see libyaml's scalar analysis): a letter or
# digit first; no line break, control character, byte-order mark, surrogate or character beyond
# the Basic Multilingual Plane (libyaml escapes those); no ": " or " #";
# no ":" at the end; no space at either end. (What it resolves to is checked separately.)
_PLAIN = re.compile(
    r"(?![\s\S]*(?:: | #|:\Z))[^\W_][^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe-\U0010ffff]*(?<! )\Z"
)


class _Whole(Exception):
    """A signatory list that changes how YAML ends the document: the front matter is written whole."""


def _kept_break(data: object) -> bool:
    """Whether `data` holds a text ending in a line break, which YAML writes as a block that keeps
    its final breaks (``|+``) and then marks the end of the document (``...``) unless another
    block follows it: a decision about the whole document, which is then written whole."""
    if isinstance(data, str):
        return data.endswith(("\n", "\r", "\x85", "\u2028", "\u2029"))
    if isinstance(data, dict):
        return any(_kept_break(value) for value in data.values())
    if isinstance(data, list | tuple):
        return any(_kept_break(value) for value in data)
    return False


class _Everything:
    """Every first character (a resolver that looks at every value)."""

    def __contains__(self, _: object) -> bool:
        return True


class _Plain:
    """Which strings YAML writes plain, each string decided once."""

    def __init__(self) -> None:
        import yaml

        self.known: dict[str, bool] = {}
        resolver = yaml.resolver.Resolver()
        first = resolver.yaml_implicit_resolvers  # by the first character of the values they type
        self.typed: Container[str] = _Everything() if None in first else frozenset(first)

        def resolve(value: str) -> str:
            return str(resolver.resolve(yaml.ScalarNode, value, (True, False)))  # type: ignore[no-untyped-call]

        self.resolve = resolve

    def __call__(self, value: str) -> bool:
        found = self.known.get(value)
        if found is None:
            found = self.known[value] = bool(
                _PLAIN.match(value)
                and value.strip() == value
                and (value[0] not in self.typed or self.resolve(value) == "tag:yaml.org,2002:str")
            )
        return found


def members_text(members: Sequence[Mapping[str, Any]], dump: Callable[[Any], str]) -> str:
    """The YAML lines of a signatory list (each entry its unstructured data) as `dump` (the front
    matter's YAML writer) writes them inside ``signatories: - people:``, followed by more: a
    document's end, where YAML may mark the end of a block (``...``), is left to YAML (an entry
    that could make YAML mark the document's end raises `_Whole`)."""
    plain = _Plain()
    lines: list[str] = []
    unusual: list[Mapping[str, Any]] = []
    first_prefix, next_prefix = _INDENT + "- ", _INDENT + "  "

    def flush() -> None:  # entries YAML writes itself, in the same place, with more to follow
        if _kept_break(unusual):
            raise _Whole
        text = dump({"signatories": [{"people": unusual}], "more": 0})
        lines.append(text.split("\n", 2)[2].removesuffix("more: 0\n"))  # from "- people:" to "more"
        unusual.clear()

    for member in members:
        entry = []
        prefix = first_prefix
        for key, value in member.items():
            if (
                value.__class__ is not str
                or key.__class__ is not str
                or len(prefix) + len(key) + 2 + len(value) > WIDTH
                or not plain(key)
                or not plain(value)
            ):
                break
            entry.append(f"{prefix}{key}: {value}\n")
            prefix = next_prefix
        else:
            if entry:
                if unusual:
                    flush()
                lines.append("".join(entry))
                continue
        unusual.append(member)
    if unusual:
        flush()
    return "".join(lines)


def front_matter(front: dict[str, Any], write: Callable[[dict[str, Any]], str], dump: Callable[[Any], str]) -> str:
    """`write(front)` (a writer of text with the front matter in it, `dump` its YAML writer),
    with the signatory lists of `front` written by `members_text`; `front` is not changed."""
    groups = front.get("signatories")
    if not isinstance(groups, list):
        return write(front)
    lists: list[tuple[str, Sequence[Mapping[str, Any]]]] = []
    standing = []
    for group in groups:
        key = next(
            (k for k in _MEMBER_KEYS if isinstance(group, dict) and isinstance(group.get(k), list) and group[k]), None
        )
        if key is None:
            standing.append(group)
            continue
        mark = f"openletter-signatory-list-{len(lists)}"
        lists.append((mark, group[key][:-1]))
        standing.append({**group, key: [mark, group[key][-1]]})  # the last entry where YAML ends it
    if _kept_break(standing) or _kept_break({k: v for k, v in front.items() if k != "signatories"}):
        return write(front)
    text = write({**front, "signatories": standing})
    if any(text.count(f"- {mark}\n") != 1 or f"\n{_INDENT}- {mark}\n" not in text for mark, _ in lists):
        return write(front)  # (a mark in the letter's own text: the letter written the slow way)
    pieces = []
    for mark, members in lists:
        before, _, text = text.partition(f"\n{_INDENT}- {mark}\n")
        try:
            pieces += [before, "\n", members_text(members, dump)]
        except _Whole:
            return write(front)
    pieces.append(text)
    return "".join(pieces)
