"""Whether any text under a long list of model objects matches a pattern, in one search.

Checks that look at every text field (`openletter.lint`) walk the letter field by field, which
costs a few microseconds an object: seconds for a list of 100,000 signatories, nearly all of it
spent finding nothing. `may_match` gathers the text of a whole list column by column (the same
fields of every entry at once, by the fields' types) and searches it once, so that a check can
skip a list in which nothing can be found and walk, as before, only a list in which something may.
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Iterable, Sequence
from itertools import chain
from operator import attrgetter
from typing import Any, Literal, Union, get_args, get_origin

import attrs

from .model import MARKDOWN

__all__ = ["may_match"]


@attrs.frozen
class _Plan:
    """Where a class keeps text: its own text fields, lists of text, and nested objects."""

    texts: tuple[str, ...]
    text_lists: tuple[str, ...]
    objects: tuple[str, ...]
    object_lists: tuple[str, ...]
    known: bool
    """False when a field's type is one the plan cannot tell holds no text: scan nothing."""


def _kind(type_: Any) -> str:
    """``text``, ``texts`` (a tuple of text), ``object``, ``objects``, ``none`` or ``unknown``."""
    if type_ is str:
        return "text"
    if (
        type_ in (bool, int, bytes)
        or type_ is type(None)
        or (isinstance(type_, type) and type_.__module__ == "datetime")
    ):
        return "none"
    if isinstance(type_, type) and attrs.has(type_):
        return "object"
    origin, args = get_origin(type_), get_args(type_)
    if origin is Literal:
        return "text"
    if origin in (Union, types.UnionType):
        kinds = {_kind(arg) for arg in args} - {"none"}
        return kinds.pop() if len(kinds) == 1 else "unknown" if kinds else "none"
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _kind(args[0])
        return {"text": "texts", "object": "objects", "none": "none"}.get(item, "unknown")
    return "unknown"


@functools.cache
def _plan(cls: type, markdown: bool) -> _Plan:
    """The plan for `cls`: its text fields that are Markdown (`markdown`) or that are not."""
    fields = attrs.fields(attrs.resolve_types(cls))
    kinds = [(a.name, _kind(a.type), bool(a.metadata.get(MARKDOWN))) for a in fields]
    return _Plan(
        texts=tuple(name for name, kind, is_md in kinds if kind == "text" and is_md == markdown),
        text_lists=tuple(name for name, kind, _ in kinds if kind == "texts"),
        objects=tuple(name for name, kind, _ in kinds if kind == "object"),
        object_lists=tuple(name for name, kind, _ in kinds if kind == "objects"),
        known=all(kind != "unknown" for _, kind, _ in kinds),
    )


def _column(items: Sequence[Any], names: tuple[str, ...]) -> Iterable[Any]:
    """The values of fields `names` of every item, item by item."""
    if len(names) == 1:
        return map(attrgetter(names[0]), items)
    return chain.from_iterable(map(attrgetter(*names), items))


def may_match(entries: Sequence[object], pattern: re.Pattern[str], *, markdown: bool) -> bool:
    """False only when no text under `entries` (model objects, or text) matches `pattern`.

    The text searched is every text field at any depth that is Markdown (with `markdown`) or that
    is not (without it), and every text in a list of text, whichever: more than any walk of the
    letter's prose looks at, never less. The texts are searched joined by newlines, so `pattern`
    must still match a text that it matches with a newline before and after it (character classes
    do; so does ``\\[\\^x\\](?!:)``); a match across two texts answers True, which is only a
    wasted walk. When an entry is of a type it cannot read, the answer is True.
    """
    classes = set(map(type, entries))
    if len(classes) == 1:
        groups: list[tuple[type, Sequence[Any]]] = [(classes.pop(), entries)]
    else:
        groups = [(cls, [entry for entry in entries if type(entry) is cls]) for cls in classes]
    for cls, items in groups:
        if cls is str:
            if pattern.search("\n".join(items)):
                return True
            continue
        if not attrs.has(cls):
            return True
        plan = _plan(cls, markdown)
        if not plan.known:
            return True
        if plan.texts and pattern.search("\n".join(filter(None, _column(items, plan.texts)))):
            return True
        if plan.text_lists and pattern.search("\n".join(chain.from_iterable(_column(items, plan.text_lists)))):
            return True
        nested = [value for value in _column(items, plan.objects) if value is not None] if plan.objects else []
        nested += chain.from_iterable(_column(items, plan.object_lists)) if plan.object_lists else ()
        if nested and may_match(nested, pattern, markdown=markdown):
            return True
    return False
