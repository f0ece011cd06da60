"""YAML documents with the line of every field, and guards against YAML's traps.

* Every mapping key and sequence item is mapped to its line (from the parser's marks).
* Duplicate keys, which YAML parsers silently collapse, are an error.
* Anchors and aliases are refused: letter text is untrusted and aliases are how "billion laughs"
  documents blow up memory. Merge keys (``<<:``) are refused too, with or without an alias: they
  make fields appear where none are written.
* An unquoted ``no``/``yes``/``on``/``off`` that YAML 1.1 reads as a boolean gets a hint, so the
  error for ``country: NO`` says to write ``"NO"``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import yaml

from .. import characters
from ..errors import FieldPath, LetterError, Problem
from . import yaml_errors
from .locate import SourceMap, long_number


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader (libyaml when available) that leaves dates as text for the converter to check.

    PyYAML would turn ``2023-06-31`` into an exception without a line number; as text, the
    converter reports it at its field, and a date still becomes a `datetime.date`.
    """

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


_MAX_DEPTH = 100
"""Letters nest a few levels deep; libyaml's composer recurses in C and crashes the process
(a segmentation fault, not an exception) on documents nested some ten thousand levels deep."""

_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
"""Tries each integer before the document is constructed, so that a number too long to read
(``sys.get_int_max_str_digits``) is reported at its line instead of crashing construction."""
_SCALAR_TAGS = {
    "tag:yaml.org,2002:int": "number",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:null": "null",
}


def parse(text: str, file: str, *, line_offset: int = 0) -> tuple[Any, SourceMap]:
    """Parse one YAML document; return its data and a `SourceMap`. Raise `LetterError` on bad YAML."""
    loader = _Loader(text)
    source = SourceMap(file)
    problems: list[Problem] = []
    try:
        too_deep = _too_deep(text)
        if too_deep is not None:
            raise LetterError(
                [
                    Problem(
                        file=file,
                        line=too_deep + line_offset,
                        message=f"the data is nested more than {_MAX_DEPTH} levels deep",
                        expected="a letter's fields",
                    )
                ]
            )
        node = loader.get_single_node()
        # Walk before constructing: construction resolves merge keys (<<: *name) out of the tree.
        if node is not None:
            _walk(node, (), source, problems, set(), line_offset)
        data = None if node is None or problems else loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        raise LetterError([yaml_errors.explain(error, text, file, line_offset)]) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow (pasted from Word...)
        line = text.count("\n", 0, error.position) + 1 + line_offset
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        character = error.character if isinstance(error.character, str) else chr(error.character)
        raise LetterError(
            [
                Problem(
                    file=file,
                    line=line,
                    message=f"{characters.describe(character)} at column {column} is not allowed in YAML",
                    expected="text without control characters: delete it, or retype the text around it",
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise LetterError(
            [
                Problem(
                    file=file, line=1 + line_offset, message=f"this is not valid YAML: {error}", expected="valid YAML"
                )
            ]
        ) from None
    finally:
        loader.dispose()
    if problems:
        raise LetterError(problems)
    return data, source


def _too_deep(text: str) -> int | None:
    """The line where lists and mappings first nest more than `_MAX_DEPTH` deep, if they do."""
    # Cheap screen: flow nesting needs a bracket per level, block nesting a column of indent (or
    # "- "/"? ") per level; a letter with long signatory lists has neither, and skips the event pass.
    flow = text.count("[") + text.count("{")
    if flow < _MAX_DEPTH and all(len(line) - len(line.lstrip(" -?")) < _MAX_DEPTH for line in text.split("\n")):
        return None
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > _MAX_DEPTH:
                return event.start_mark.line + 1 if event.start_mark else 1
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1
    return None


def _unreadable_int(node: yaml.Node) -> bool:
    """Whether `node` is an integer with more digits than Python reads."""
    if node.tag != _INT_TAG or not isinstance(node, yaml.ScalarNode):
        return False
    try:
        _CONSTRUCTOR.construct_yaml_int(node)
    except ValueError:
        return True
    return False


def _walk(
    node: yaml.Node, path: FieldPath, source: SourceMap, problems: list[Problem], seen: set[int], offset: int
) -> None:
    line = node.start_mark.line + 1 + offset
    if id(node) in seen:  # an alias: the node it names was already visited
        problems.append(
            Problem(
                file=source.file,
                line=source.where(path)[1],
                path=path,
                message="YAML aliases (*name) are not supported in letters",
                expected="the value written out in full",
            )
        )
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if _unreadable_int(node):
            problems.append(long_number(source.file, line, path))
        if node.tag == _BOOL_TAG and not node.style and node.value.lower() not in ("true", "false"):
            source.hints[path] = (
                f"YAML reads the unquoted word {node.value} as a yes/no value: "
                f'write "{node.value}" in quotes if you mean the text'
            )
        elif node.tag in _SCALAR_TAGS and not node.style:
            shown = f"unquoted {node.value}" if node.value else "empty value"
            source.hints[path] = f"YAML reads the {shown} as a {_SCALAR_TAGS[node.tag]}"
        source.lines.setdefault(path, (source.file, line))
        return
    source.lines.setdefault(path, (source.file, line))
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), source, problems, seen, offset)
    elif isinstance(node, yaml.MappingNode):
        keys: dict[object, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
            key_line = key_node.start_mark.line + 1 + offset
            odd = yaml_errors.odd_indent(key) if isinstance(key, str) and not key_node.style else None
            if odd is not None:  # "\xa0 country: X": YAML reads the non-breaking space as part of the name
                problems.append(yaml_errors.odd_indent_problem(source.file, key_line, odd))
                continue
            if _unreadable_int(key_node):
                problems.append(long_number(source.file, key_line, path))
                continue
            if key_node.tag == _MERGE_TAG:  # construction would copy another mapping's fields in
                problems.append(
                    Problem(
                        file=source.file,
                        line=key_line,
                        path=(*path, key),
                        message="YAML merge keys (<<:) are not supported in letters",
                        expected="the fields written out in full",
                    )
                )
                continue
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _BOOL_TAG and not key_node.style:
                problems.append(
                    Problem(
                        file=source.file,
                        line=key_line,
                        path=(*path, key),
                        message=f"YAML reads the field name {key} as a yes/no value, not a name",
                        expected=f'a field name; write "{key}" in quotes if you mean it',
                    )
                )
            if key in keys:
                problems.append(
                    Problem(
                        file=source.file,
                        line=key_line,
                        path=(*path, key),
                        message=f"the field {key!r} is given twice (first on line {keys[key]})",
                        expected="each field once",
                    )
                )
            keys[key] = key_line
            source.lines.setdefault((*path, key), (source.file, key_line))
            _walk(value_node, (*path, key), source, problems, seen, offset)


def dump(data: Any) -> str:
    """Dump plain data as block-style YAML, Unicode kept, multi-line text as literal blocks."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """SafeDumper (libyaml when available) that writes multi-line strings as ``|`` blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)
