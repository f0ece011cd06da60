"""The sandbox that theme templates run in: Jinja2's, with a bound on what a template may allocate.

A theme (``openletter build --theme DIR``) is shared like a document, so its template is not
trusted. Jinja2's sandbox keeps a template away from Python's internals, but not from asking for
any amount of memory: ``{{ "a" * 2000000000 }}`` takes 2 GB, ``{{ "{:999999999}".format(1) }}``
one. Here every operation that can make a value much larger than its inputs is checked *before* it
runs, against a budget of characters for the whole page (`Budget`):

* the operators ``*``, ``+``, ``%``, ``**`` and ``~``;
* the string methods that pad, repeat, join, split or encode (`STRING_METHODS`), and
  ``int.to_bytes``;
* the filters that do the same, and those that write their input out (`FILTER_SIZES`,
  `WRITTEN_OUT`) or make a list of it (`LISTING`);
* ``lipsum`` (``range`` has Jinja2's own limit, 100,000 numbers);
* every value printed (``{{ ... }}``), every block captured (``{% set %}...{% endset %}``, macros,
  ``{% filter %}``, ``{% call %}``) and the page itself.

Lists, dicts and sets cannot be changed in place (Jinja2's immutable sandbox), so values grow only
through those. A template is one file: ``{% include %}``, ``{% extends %}``, ``{% import %}`` and
``{% from ... import %}`` are refused when it is compiled, so a theme never reads another file.
Exceeding the budget raises `ThemeLimitError`, a Jinja2 `SecurityError`.
"""

from __future__ import annotations

import functools
import re
import string
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace, generate_lorem_ipsum
from markupsafe import Markup

THEME_BUDGET = 16 * 2**20
"""Characters a template may produce and allocate in all, over and above `PAGE_FACTOR` times the
size of the page's data (so that a letter with 100,000 signatories still renders)."""

PAGE_FACTOR = 4

OBJECT = 64
"""What one new Python object (an item of a list a filter makes, a piece of a split) counts for."""

DEEPEST = 200
"""How deeply nested a value may be (lists in lists...) for its size to be estimated."""


class ThemeLimitError(SecurityError):
    """A template asked for more than its budget, or for a value nested too deeply."""


class Budget:
    """The characters one rendering may still use."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def charge(self, size: int, what: str) -> None:
        """Count `size` characters for `what`; raise `ThemeLimitError` past the limit."""
        self.used += max(size, 0)
        if self.used > self.limit:
            raise ThemeLimitError(f"{what} would go past the theme's limit of {self.limit:,} characters")


_BUDGET: ContextVar[Budget | None] = ContextVar("openletter_theme_budget", default=None)


def room() -> int:
    """How many characters the rendering may still use: estimates stop counting past it."""
    budget = _BUDGET.get()
    return THEME_BUDGET + 1 if budget is None else budget.limit - budget.used + 1


def charge(size: int, what: str) -> None:
    """Count `size` characters against the rendering's budget (`render`), or, outside one, refuse
    a single operation larger than `THEME_BUDGET`."""
    (_BUDGET.get() or Budget(THEME_BUDGET)).charge(size, what)


def render(template: Any, budget: Budget, **context: Any) -> str:
    """Render `template` (from `ThemeEnvironment`) with `context`, within `budget`."""
    token = _BUDGET.set(budget)
    try:
        return str(template.render(**context))
    finally:
        _BUDGET.reset(token)


# --------------------------------------------------------------------------- estimating sizes


def _children(value: object) -> Iterable[Any] | None:
    """The items a container is written out with, or None for anything else."""
    if isinstance(value, Mapping):
        return (part for pair in value.items() for part in pair)
    if isinstance(value, list | tuple | set | frozenset | types.MappingProxyType):
        return value
    if isinstance(value, type({}.keys()) | type({}.values()) | type({}.items())):
        return value
    if isinstance(value, Namespace):
        attributes: dict[str, Any] = value._Namespace__attrs
        return (part for pair in attributes.items() for part in pair)
    return None


def size_of(value: object, limit: int | None = None) -> int:
    """About how many characters `value` takes written out (``str(value)``), or more: an item held
    several times counts each time, as it is written each time. Counting stops above `limit`
    (default: the rendering's `room`)."""
    limit = room() if limit is None else limit
    memo: dict[int, int] = {}
    active: set[int] = set()

    def walk(item: object, depth: int) -> int:
        if isinstance(item, str | bytes | bytearray):
            return len(item)
        if item is None or isinstance(item, bool | float | complex):
            return 24
        if isinstance(item, int):
            return item.bit_length() // 3 + 2
        children = _children(item)
        if children is None:
            return 64  # another object: written as a short name
        key = id(item)
        if key in memo:
            return memo[key]
        if key in active:
            return 5  # written as [...]
        if depth > DEEPEST:
            raise ThemeLimitError(f"a value is nested more than {DEEPEST} deep")
        active.add(key)
        total = 2
        for child in children:
            total += walk(child, depth + 1) + 2
            if total > limit:
                break
        active.discard(key)
        memo[key] = total
        return total

    return walk(value, 0)


def escaped_size(value: object) -> int:
    """How long `value` is once written out and HTML-escaped (each of ``<>&"'`` grows by up to 4)."""
    if isinstance(value, Markup):
        return len(value)
    if isinstance(value, str):
        return len(value) + 4 * sum(value.count(c) for c in "<>&\"'")
    return 5 * size_of(value)


def materialized(value: Any, what: str) -> Any:
    """`value`, or the list of its items when it is an iterator (a generator of ``map``,
    ``select``...), counting `OBJECT` for each item."""
    if not isinstance(value, Iterator):
        return value
    items = []
    for number, item in enumerate(value, start=1):
        items.append(item)
        if number % 1024 == 0:
            charge(1024 * OBJECT, what)
    charge(len(items) % 1024 * OBJECT, what)
    return items


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _widths(spec: str, values: Iterable[Any]) -> int:
    """The widths and precisions a format specification asks for; ``*`` or a nested field takes
    the largest number among the values."""
    total = sum(int(digits) for digits in re.findall(r"\d+", spec))
    if "*" in spec or "{" in spec:
        total += max((abs(v) for v in values if isinstance(v, int)), default=0)
    return total


_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?.")


def printf_size(template: str, arguments: Any) -> int:
    """How long ``template % arguments`` can be."""
    values = list(arguments.values()) if isinstance(arguments, Mapping) else arguments
    values = list(values) if isinstance(values, tuple) else [values]
    largest = max((size_of(v) for v in values), default=0)
    directives = _PRINTF.findall(template)
    return len(template) + sum(largest + _widths(d[1:], values) for d in directives)


def format_size(template: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> int:
    """How long ``template.format(*args, **kwargs)`` can be."""
    values = [*args, *kwargs.values()]
    largest = max((size_of(v) for v in values), default=0)
    total = 0
    try:
        for literal, field, spec, _ in string.Formatter().parse(template):
            total += len(literal)
            if field is not None:
                total += largest + _widths(spec or "", values)
    except ValueError:
        return len(template)  # str.format raises the same error
    return total


def _replace_size(text: str | bytes, old: Any, new: Any, count: Any = -1) -> int:
    found = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(text) + found * size_of(new)


def _translate_size(text: str | bytes, table: Any, *_: Any) -> int:
    items = table.values() if isinstance(table, Mapping) else table if isinstance(table, list | tuple) else ()
    return len(text) * max(1, max((size_of(v) for v in items), default=1))


def _tab(text: str | bytes) -> str | bytes:
    return "\t" if isinstance(text, str) else b"\t"


STRING_METHODS: dict[str, Callable[..., int]] = {
    "center": lambda text, width, *_: max(len(text), _int(width)),
    "ljust": lambda text, width, *_: max(len(text), _int(width)),
    "rjust": lambda text, width, *_: max(len(text), _int(width)),
    "zfill": lambda text, width: max(len(text), _int(width)),
    "expandtabs": lambda text, tabsize=8: len(text) + text.count(_tab(text)) * max(_int(tabsize), 0),
    "replace": _replace_size,
    "translate": _translate_size,
    "encode": lambda text, *_, **__: 4 * len(text),
    "split": lambda text, *_, **__: OBJECT * (len(text) + 1),
    "rsplit": lambda text, *_, **__: OBJECT * (len(text) + 1),
    "splitlines": lambda text, *_, **__: OBJECT * (len(text) + 1),
}
"""How long the result of each string (and bytes) method that can grow its string can be.
``join``, ``format`` and ``format_map`` are checked too (`_checked_method`, `ThemeEnvironment`)."""


def _checked_method(value: Any) -> Any:
    """`value`, or, for a method that can make a large value, the method checked first."""
    if not isinstance(value, types.BuiltinMethodType | types.MethodType):
        return value
    owner, name = value.__self__, value.__name__
    if isinstance(owner, str | bytes) and (name in STRING_METHODS or name == "join"):
        label = f"{type(owner).__name__}.{name}()"

        def checked(*args: Any, **kwargs: Any) -> Any:
            if name == "join" and args:
                items = materialized(iter(args[0]), label)
                charge(size_of(items) + len(owner) * len(items), label)
                return value(items, *args[1:], **kwargs)
            charge(STRING_METHODS[name](owner, *args, **kwargs), label)
            return value(*args, **kwargs)

        return functools.update_wrapper(checked, value)
    if isinstance(owner, int) and name == "to_bytes":

        def to_bytes(length: Any = 1, *args: Any, **kwargs: Any) -> Any:
            charge(_int(length), "int.to_bytes()")
            return value(length, *args, **kwargs)

        return functools.update_wrapper(to_bytes, value)
    return value


def binop_size(operator: str, left: Any, right: Any) -> int:
    """How long the result of ``left OPERATOR right`` can be (0 for numbers of ordinary size)."""
    sequences = (str, bytes, list, tuple)
    if operator == "*":
        if isinstance(left, sequences) and isinstance(right, int):
            return size_of(left) * max(right, 0)
        if isinstance(right, sequences) and isinstance(left, int):
            return size_of(right) * max(left, 0)
        if isinstance(left, int) and isinstance(right, int):
            return (left.bit_length() + right.bit_length()) // 3
    elif operator == "+":
        if isinstance(left, sequences) and isinstance(right, sequences):
            return size_of(left) + size_of(right)
    elif operator == "%":
        if isinstance(left, str | bytes):
            return printf_size(left if isinstance(left, str) else left.decode("latin-1"), right)
    elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
        return left.bit_length() * right // 3
    return 0


# --------------------------------------------------------------------------- filters


def _join_size(value: Any, separator: Any = "", attribute: Any = None) -> int:
    items = value if isinstance(value, list | tuple) else list(value) if isinstance(value, Iterable) else [value]
    return size_of(items) + size_of(separator) * len(items)


def _indent_size(text: Any, width: Any = 4, *_: Any, **__: Any) -> int:
    lines = str(text).count("\n") + 1
    return lines * (len(width) if isinstance(width, str) else max(_int(width), 0))


def _wordwrap_size(text: Any, width: Any = 79, long_words: Any = True, wrapstring: Any = None, *_: Any) -> int:
    return (size_of(text) + 1) * max(1, size_of(wrapstring) if wrapstring is not None else 1)


def _urlize_size(text: Any, *_: Any, target: Any = None, rel: Any = None, **__: Any) -> int:
    size = size_of(text)
    return 2 * size + (size // 2 + 1) * (40 + size_of(target or "") + size_of(rel or ""))


def _sum_size(value: Any, attribute: Any = None, start: Any = 0) -> int:
    if not isinstance(start, str | bytes | list | tuple):
        return 0
    return size_of(start) + size_of(value if isinstance(value, list | tuple) else ())


def _padding(value: Any, count: Any, *_: Any) -> int:
    return OBJECT * max(_int(count), 0)


FILTER_SIZES: dict[str, Callable[..., int]] = {
    "center": lambda value, width=80: max(_int(width), 0),
    "indent": _indent_size,
    "format": lambda value, *args, **kwargs: printf_size(str(value), kwargs or args),
    "join": _join_size,
    "replace": lambda text, old, new, count=None: _replace_size(str(text), str(old), new, count),
    "wordwrap": _wordwrap_size,
    "urlize": _urlize_size,
    "truncate": lambda text, length=255, killwords=False, end="...", *_: size_of(end),
    "batch": _padding,
    "slice": _padding,
    "sum": _sum_size,
    "tojson": lambda value, *_: 5 * size_of(value),
    "xmlattr": lambda value, *_: 5 * size_of(value),
    "urlencode": lambda value, *_: 8 * size_of(value),
    "escape": escaped_size,
    "e": escaped_size,
    "forceescape": lambda value: escaped_size(str(value)),
}
"""For each filter that can make more than its input, how much more it can make."""

WRITTEN_OUT = frozenset(
    {"string", "safe", "pprint", "capitalize", "lower", "upper", "title", "trim", "striptags", "wordcount",
     "reverse", "int", "float", *(FILTER_SIZES.keys() - {"join", "batch", "slice", "sum"})}
)  # fmt: skip
"""Filters that write their input out as a string: its size counts (`size_of`)."""

LISTING = frozenset(
    {"list", "sort", "unique", "reverse", "dictsort", "groupby", "batch", "slice", "sum", "join", "first", "last",
     "random", "min", "max"}
)  # fmt: skip
"""Filters that take all the items of their input: an iterator is listed first (`materialized`),
and each item of a list they make counts as an `OBJECT`."""

_MAKES_A_LIST = frozenset({"list", "sort", "unique", "dictsort", "groupby", "batch", "slice"})


def _checked_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    passed = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0
    extra = FILTER_SIZES.get(name)
    label = f"the {name} filter"

    def checked(*args: Any, **kwargs: Any) -> Any:
        if len(args) <= passed:
            return function(*args, **kwargs)
        head, value, rest = args[:passed], args[passed], args[passed + 1 :]
        if name in LISTING:
            value = materialized(value, label)
            if name in _MAKES_A_LIST or (name == "reverse" and not isinstance(value, str)):
                charge(OBJECT * len(value) if hasattr(value, "__len__") else 0, label)
        if name in WRITTEN_OUT:
            charge(size_of(value), label)
        if extra is not None:
            charge(extra(value, *rest, **kwargs), label)
        return function(*head, value, *rest, **kwargs)

    return functools.update_wrapper(checked, function)  # keeps jinja_pass_arg


def _checked_lipsum(function: Callable[..., str]) -> Callable[..., str]:
    def lipsum(n: Any = 5, html: Any = True, min: Any = 20, max: Any = 100) -> str:
        charge(_int(n) * (_int(max) + 2) * 16, "lipsum()")
        return function(n, html, min, max)

    return functools.update_wrapper(lipsum, function)


# --------------------------------------------------------------------------- the environment


class _Buffer(list[str]):
    """The output of a captured block (``{% set %}`` block, macro, ``{% filter %}``...), counted."""

    def append(self, piece: str) -> None:
        charge(len(piece) + 1, "a captured block")
        super().append(piece)

    def extend(self, pieces: Iterable[str]) -> None:
        pieces = tuple(pieces)
        charge(sum(len(piece) + 1 for piece in pieces), "a captured block")
        super().extend(pieces)


def _concat(pieces: Iterable[str]) -> str:
    """Join the page's (or a captured block's) output, counting each piece of the page."""
    if isinstance(pieces, _Buffer):
        return "".join(pieces)
    parts = []
    for piece in pieces:
        charge(len(piece) + 1, "the page")
        parts.append(piece)
    return "".join(parts)


def _printed(value: Any) -> Any:
    """Count a value as ``{{ ... }}`` writes it out (escaped)."""
    charge(escaped_size(value), "a value written out")
    return value


class _CodeGenerator(CodeGenerator):
    """Jinja2's code generator, with captured blocks counted and ``~`` checked; a template that
    would read another (``include``, ``extends``, ``import``) is refused."""

    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.output_buffer()")

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.checked_join({join}, (")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")

    def _one_file(self, node: nodes.Node, tag: str) -> None:
        self.fail(f"line {node.lineno}: {{% {tag} %}} is not supported: a theme's template is one file", node.lineno)

    def visit_Extends(self, node: nodes.Extends, frame: Frame) -> None:
        self._one_file(node, "extends")

    def visit_Include(self, node: nodes.Include, frame: Frame) -> None:
        self._one_file(node, "include")

    def visit_Import(self, node: nodes.Import, frame: Frame) -> None:
        self._one_file(node, "import")

    def visit_FromImport(self, node: nodes.FromImport, frame: Frame) -> None:
        self._one_file(node, "from ... import")


class ThemeEnvironment(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, with what a template allocates counted (see the module)."""

    intercepted_binops = frozenset({"*", "+", "%", "**"})
    code_generator_class = _CodeGenerator
    concat = staticmethod(_concat)

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=_printed, **options)
        self.filters = {name: _checked_filter(name, function) for name, function in self.filters.items()}
        self.globals["lipsum"] = _checked_lipsum(generate_lorem_ipsum)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        charge(binop_size(operator, left, right), f"the {operator} operator")
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        return _checked_method(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return _checked_method(super().getitem(obj, argument))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        template, name = value.__self__, value.__name__

        def checked(*args: Any, **kwargs: Any) -> str:
            if name == "format_map":
                charge(
                    format_size(template, (), args[0] if args and isinstance(args[0], Mapping) else {}), "format_map()"
                )
            else:
                charge(format_size(template, args, kwargs), "str.format()")
            return wrapped(*args, **kwargs)

        return functools.update_wrapper(checked, wrapped)

    @staticmethod
    def output_buffer() -> list[str]:
        """A new buffer for a captured block."""
        return _Buffer()

    @staticmethod
    def checked_join(join: Callable[[Iterable[Any]], str], values: tuple[Any, ...]) -> str:
        """``a ~ b ~ c``: count the values written out, then join them."""
        charge(sum(escaped_size(value) for value in values), "the ~ operator")
        return join(values)
