"""The one cattrs converter: `Letter` to plain Python data and back.

"Plain data" is what JSON, TOML and YAML hold: dicts with string keys, lists, strings, and
`datetime.date` for dates (JSON carries them as ISO strings, which `structure` accepts too).
`unstructure` leaves out fields that hold their default, so documents stay short.

Structuring is strict, because silently accepting the wrong thing loses data: a number or a
boolean is not text (YAML's ``country: NO`` is the boolean false, not Norway), a string is not a
list, unknown fields are refused with a "did you mean" hint. Every problem in a document is
reported at once, each with its field path (`LetterError.problems`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Sequence
from typing import Any, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ForbiddenExtraKeysError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from .errors import FieldError, FieldErrorGroup, FieldPath, LetterError, Problem
from .model import (
    MARKDOWN,
    Addressee,
    Archive,
    Contact,
    Demand,
    EmailSettings,
    FieldLanguages,
    Labels,
    Letter,
    LetterheadLine,
    Logo,
    Organisation,
    OrganisationGroup,
    Person,
    PersonGroup,
    Reference,
    Role,
    Section,
    Sender,
    SignatoryCount,
    SignatoryGroup,
    Signature,
    Tally,
    Verification,
    Withdrawal,
    _describe,
)

__all__ = ["Prestructured", "RecordBuilder", "converter", "structure", "unstructure"]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d")


class StructureProblem(ValueError):
    """A value of the wrong shape; `expected` says what would have been right."""

    def __init__(self, message: str, expected: str) -> None:
        self.message = message
        self.expected = expected
        super().__init__(f"{message} (expected {expected})")


def _got(value: object) -> str:
    """Describe a value in the words of the source formats: text, a list, a mapping, a number..."""
    if isinstance(value, str):
        return f"the text {value if len(value) <= 40 else value[:37] + '...'!r}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of fields"
    return _describe(value)


def _structure_str(value: object, _: type) -> str:
    if isinstance(value, str):
        return value
    raise StructureProblem(f"got {_got(value)}", 'text (put it in quotes: "...")')


def _structure_bool(value: object, _: type) -> bool:
    if isinstance(value, bool):
        return value
    raise StructureProblem(f"got {_got(value)}", "true or false")


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise StructureProblem(f"got {_got(value)}", "a whole number, such as 1104")


def _structure_date(value: object, _: type) -> dt.date:
    if isinstance(value, dt.datetime):
        raise StructureProblem("got a date with a time of day", "a date only, like 2023-06-08")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE_TIME.match(value):
        raise StructureProblem(f"{value!r} is a date with a time of day", "a date only, like 2023-06-08")
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as error:
            raise StructureProblem(f"{value!r} is not a real date ({error})", "a date like 2023-06-08") from None
    shown = repr(value) if isinstance(value, str) else _got(value)
    raise StructureProblem(f"{shown} is not an ISO date", "a date written YYYY-MM-DD, like 2023-06-08")


_MOMENT_EXPECTED = "a date like 2024-05-03, or a date and time with its UTC offset like 2024-05-03T14:30:00+02:00"


def _structure_moment(value: object, _: object) -> dt.date | dt.datetime | None:
    """A day or an instant (`openletter.model.Moment`): a date, or a date and time with its UTC
    offset (ISO 8601, ``Z`` for UTC); a time without an offset is refused, since it names no
    instant. (The model's validator judges the result again, as for every field.)"""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE_TIME.match(value):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise StructureProblem(f"{value!r} is not an ISO 8601 date and time", _MOMENT_EXPECTED) from None
        if moment.utcoffset() is None:
            raise StructureProblem(f"{value!r} has no UTC offset", _MOMENT_EXPECTED)
        return moment
    if isinstance(value, str) and _ISO_DATE.match(value):
        return _structure_date(value, dt.date)
    shown = repr(value) if isinstance(value, str) else _got(value)
    raise StructureProblem(f"{shown} is not an ISO date", _MOMENT_EXPECTED)


def _is_moment(type_: Any) -> bool:
    """Whether `type_` is ``Moment | None`` (`openletter.model.Moment`)."""
    return bool(type_ == dt.date | dt.datetime | None)


def _unstructure_datetime(value: dt.datetime) -> str:
    """An instant as ISO 8601 text with its offset (every source format carries text; a date stays
    a `datetime.date`)."""
    return value.isoformat()


def _structure_signatory_group(value: object, _: type) -> SignatoryGroup:
    if not isinstance(value, dict):
        raise StructureProblem(f"got {_got(value)}", "a group with 'organisations' or 'people'")
    has_orgs, has_people = "organisations" in value, "people" in value
    if has_orgs == has_people:
        found = "both" if has_orgs else "neither"
        raise StructureProblem(
            f"has {found} of 'organisations' and 'people'",
            "a group with either an 'organisations' list or a 'people' list",
        )
    if has_orgs:
        return converter.structure(value, OrganisationGroup)
    return converter.structure(value, PersonGroup)


def _structure_markdown(value: object, _: type) -> str:
    """Markdown text, with blank lines at its start and whitespace at its end trimmed.

    Those carry no meaning in Markdown, and YAML block scalars (``|``) and TOML multi-line strings
    end in a newline, so trimming here keeps authors from tripping over invisible whitespace.
    """
    text = _structure_str(value, str)
    lines = text.rstrip().split("\n")
    while lines and not lines[0].strip():
        del lines[0]
    return "\n".join(lines)


def _structure_optional_markdown(value: object, _: type) -> str | None:
    return None if value is None else _structure_markdown(value, str)


def _structure_bytes(value: object, _: type) -> bytes:
    if isinstance(value, bytes):
        return value
    raise StructureProblem(f"got {_got(value)}", "the image file's bytes, read from the letter's folder")


def _is_tuple(type_: Any) -> bool:
    return get_origin(type_) is tuple


class Prestructured(list[Any]):
    """A list of entries that a fast reader (the CSV reader) has already structured.

    Each entry is either a model instance that `RecordBuilder` built, having structured and
    validated every field exactly as `structure` would, or the plain mapping it was read as,
    which `structure` then judges (and reports) as usual. `complete` is true when every entry
    is an instance.
    """

    complete: bool = False


def _make_tuple_hook(type_: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
    (item_type, _ellipsis) = get_args(type_)
    inner = converter.get_structure_hook(item_type)

    def hook(value: Any, _: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise StructureProblem(f"got {_got(value)}", "a list")
        built = isinstance(value, Prestructured) and isinstance(item_type, type)
        if isinstance(value, Prestructured) and built and value.complete:
            return tuple(value)
        items: list[Any] = []
        errors: list[Exception] = []
        for index, item in enumerate(value):
            if built and type(item) is item_type:
                items.append(item)
                continue
            try:
                items.append(inner(item, item_type))
            except Exception as error:  # noqa: BLE001 -- collected and reported per index
                error.add_note(IterableValidationNote(f"@ index {index}", index, item_type))
                errors.append(error)
        if errors:
            raise cattrs.IterableValidationError(f"While structuring {type_!r}", errors, type_)
        return tuple(items)

    return hook


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(omit_if_default=True, forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_structure_hook(bytes, _structure_bytes)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(int, _structure_int)
    conv.register_unstructure_hook(dt.date, lambda d: d)
    conv.register_unstructure_hook(dt.datetime, _unstructure_datetime)
    conv.register_structure_hook_func(_is_moment, _structure_moment)
    conv.register_structure_hook_func(
        lambda t: get_origin(t) is not None and str(get_origin(t)) == "typing.Literal", _structure_str
    )
    conv.register_unstructure_hook_func(_is_tuple, lambda t: [conv.unstructure(x) for x in t])
    return conv


converter: cattrs.Converter = _make_converter()


def _model_unstructure_hook(cls: type) -> Callable[[Any], dict[str, Any]]:
    """Unstructure with defaults left out, keys in the model's field order (cattrs puts required first)."""
    unstructure_fn: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(
        cls, converter, _cattrs_omit_if_default=True
    )
    names = tuple(a.name for a in attrs.fields(cls))

    def hook(value: Any) -> dict[str, Any]:
        data = unstructure_fn(value)
        return {name: data[name] for name in names if name in data}

    return hook


def _validated(attribute: attrs.Attribute[Any], inner: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Structure a field, then run its validator, so that every bad field of an object is reported.

    (attrs runs validators in ``__init__``, which cattrs calls only when every field structured;
    the model's field validators look at the value alone, so they can run here first.)
    """
    validator = attribute.validator

    def hook(value: Any, type_: Any) -> Any:
        result = inner(value, type_)
        if validator is not None:
            try:
                validator(None, attribute, result)
            except FieldError as error:  # the path's first part is the attribute, which cattrs notes
                raise _relative(error) from None
            except FieldErrorGroup as group:  # several entries of a list
                raise ExceptionGroup(
                    group.message, [_relative(e) for e in group.exceptions if isinstance(e, FieldError)]
                ) from None
        return result

    return hook


def _relative(error: FieldError) -> FieldError:
    """The error with its path's first part (the attribute's name) taken off."""
    return FieldError(error.path[1:], error.message, error.expected)


def _field_hooks(cls: type) -> dict[str, Callable[[Any, Any], Any]]:
    """Each field's structure hook, validator included (`_validated`), by field name."""
    hooks = {}
    for a in attrs.fields(attrs.resolve_types(cls)):
        inner: Callable[[Any, Any], Any]
        if a.metadata.get(MARKDOWN):
            inner = _structure_optional_markdown if a.default is None else _structure_markdown
        else:
            inner = converter.get_structure_hook(a.type)
        hooks[a.name] = _validated(a, inner)
    return hooks


def _model_structure_fn(cls: type) -> Callable[[Any, Any], Any]:
    """Generate the function that structures `cls` from a mapping (cattrs compiles it)."""
    overrides = {name: override(struct_hook=hook) for name, hook in _field_hooks(cls).items()}
    structure_fn: Callable[[Any, Any], Any] = make_dict_structure_fn(cls, converter, **overrides)  # type: ignore[arg-type]
    return structure_fn


def _model_hook(cls: type) -> Callable[[Any, Any], Any]:
    """The structure hook of model class `cls`. Its function is generated the first time a `cls`
    is structured, when every hook of this module is registered: a letter makes only the
    functions of the classes it holds (generating all of them cost most of this module's import)."""
    made: list[Callable[[Any, Any], Any]] = []

    def hook(value: Any, type_: Any) -> Any:
        if not isinstance(value, dict):
            raise StructureProblem(f"got {_got(value)}", "a mapping of fields ('name: value')")
        if not made:
            made.append(_model_structure_fn(cls))
        return made[0](value, type_)

    return hook


def _structure_logo(value: object, type_: type) -> Logo:
    """A logo names its file; the loader adds the file's bytes (`openletter.sources.assets`)."""
    if isinstance(value, dict) and "data" not in value:
        if isinstance(value.get("file"), str):
            raise FieldError(
                ("file",),
                "the logo file was not read: only a letter read from a file (or given base_dir) can name one",
                "openletter.load(path), or openletter.loads(text, base_dir=...)",
            )
        # No usable file name: report it (and the alt text) as for any other field. The stand-in
        # image never makes a Logo, because the file field is missing or wrong.
        value = {**value, "data": b"\x89PNG\r\n\x1a\n"}
    logo: Logo = _logo_hook(value, type_)
    return logo


def _unstructure_logo(logo: Logo) -> dict[str, Any]:
    """The file name and text alternative; the bytes stay in the file."""
    return {"file": logo.file, "alt": logo.alt}


_logo_hook = _model_hook(Logo)
converter.register_structure_hook(Logo, _structure_logo)
converter.register_unstructure_hook(Logo, _unstructure_logo)


# The tuple and group hooks are registered before the models' (whose functions are generated on
# first use, when every hook here is registered): cattrs' own tuple hook would read a string or a
# mapping as a list (of its characters, of its keys).
converter.register_structure_hook_factory(_is_tuple, _make_tuple_hook)
converter.register_structure_hook(SignatoryGroup, _structure_signatory_group)
_demand_hook = _model_hook(Demand)


def _structure_demand(value: object, type_: type) -> Demand:
    """A demand; ``target: id`` (one target, as letters wrote it before) is read as ``targets: [id]``."""
    if isinstance(value, dict) and "target" in value:
        if "targets" in value:
            raise FieldError(("target",), "both 'target' and 'targets' are given", "'targets', a list of addressee ids")
        value = {("targets" if k == "target" else k): ([v] if k == "target" else v) for k, v in value.items()}
    demand: Demand = _demand_hook(value, type_)
    return demand


converter.register_structure_hook(Demand, _structure_demand)

_MODELS = (
    Addressee,
    Contact,
    Verification,
    Withdrawal,
    Signature,
    Tally,
    Organisation,
    Role,
    Person,
    OrganisationGroup,
    PersonGroup,
    LetterheadLine,
    Sender,
    SignatoryCount,
    Labels,
    FieldLanguages,
    Archive,
    Section,
    Reference,
    EmailSettings,
    Letter,
)
for _cls in _MODELS:
    converter.register_structure_hook(_cls, _model_hook(_cls))

# Unstructure functions are generated the first time a class is unstructured (cattrs keeps
# them): loading and checking a letter, or building a page, never unstructures.
_UNSTRUCTURED = frozenset((Demand, *_MODELS))
converter.register_unstructure_hook_factory(
    lambda type_: isinstance(type_, type) and type_ in _UNSTRUCTURED, _model_unstructure_hook
)


_MISSING = object()
_FACTORY: type = type(attrs.Factory(list))

RECORD_CACHE_SIZE = 4096
"""How many distinct valid values of each field a `RecordBuilder` remembers."""


class RecordBuilder:
    """Build model objects (`Person`, `Organisation`) from flat records such as CSV rows, fast.

    A builder is made for one class and one list of `columns` (field names); `build` takes the
    values of one record in that order ("" for a field not given) and returns the object that
    `structure` would make of the record, or None when the record is not valid (or not one this
    builder judges alone): the caller then leaves the record to `structure`, which reports its
    problems as for any other entry. Each value goes through the very hook and validator
    `structure` uses; the object is then assembled without running the validators a second time
    (as ``__init__`` would), and checked across fields by its ``__attrs_post_init__``. A value seen
    before is not judged again (the hooks and validators look at the value alone) and its first
    copy is kept, so that a country or an affiliation repeated over a million rows is judged once
    and held in memory once.
    """

    def __init__(self, cls: type, columns: Sequence[str]) -> None:
        fields = attrs.fields(attrs.resolve_types(cls))
        slots = {a.name: index for index, a in enumerate(fields)}
        # Assembling by hand is what ``__init__`` does only for plain fields: with a converter, a
        # default factory, a field left out of ``__init__`` or a pre-init hook, or a column that
        # is not a field, every record goes to `structure`.
        self._usable = (
            not hasattr(cls, "__attrs_pre_init__")
            and all(a.init and a.converter is None and not isinstance(a.default, _FACTORY) for a in fields)
            and all(column in slots for column in columns)
            and len(set(columns)) == len(columns)
        )
        required = {a.name for a in fields if a.default is attrs.NOTHING}
        self._usable = self._usable and required <= set(columns)
        self._defaults = [a.default for a in fields]
        hooks = _field_hooks(cls)
        types = {a.name: a.type for a in fields}
        self._columns: list[tuple[int, int, bool, Callable[[Any, Any], Any], Any, dict[str, Any]]] = [
            (index, slots[name], name in required, hooks[name], types[name], {})
            for index, name in enumerate(columns)
            if name in slots
        ]
        self._assemble = _assembler(cls, [a.name for a in fields])
        self._post_init: Callable[[Any], None] | None = getattr(cls, "__attrs_post_init__", None)

    def build(self, record: Sequence[Any]) -> Any | None:
        """The object `structure` makes of `record` (the columns' values, "" for none), or None."""
        if not self._usable:
            return None
        values = self._defaults[:]
        width = len(record)
        for index, slot, required, hook, type_, seen in self._columns:
            raw = record[index] if index < width else ""
            if raw == "":
                if required:
                    return None
                continue
            text = type(raw) is str
            value = seen.get(raw, _MISSING) if text else _MISSING
            if value is _MISSING:
                try:
                    value = hook(raw, type_)
                except Exception:  # noqa: BLE001 -- `structure` reports it
                    return None
                if text and len(seen) < RECORD_CACHE_SIZE:
                    seen[raw] = value
            values[slot] = value
        built = self._assemble(values)
        if self._post_init is not None:
            try:
                self._post_init(built)
            except Exception:  # noqa: BLE001 -- `structure` reports it
                return None
        return built


def _assembler(cls: type, names: list[str]) -> Callable[[list[Any]], Any]:
    """A function making an instance of `cls` from all its field values in order, without
    ``__init__``: generated code, as attrs generates ``__init__`` (one line a field)."""
    lines = "".join(f"    _set(built, {name!r}, values[{index}])\n" for index, name in enumerate(names))
    source = f"def assemble(values):\n    built = _new(_cls)\n{lines}    return built\n"
    scope: dict[str, Any] = {"_new": object.__new__, "_set": object.__setattr__, "_cls": cls}
    exec(compile(source, f"<openletter assemble {cls.__qualname__}>", "exec"), scope)  # (the model's field names only)
    assemble: Callable[[list[Any]], Any] = scope["assemble"]
    return assemble


def unstructure(letter: Letter) -> dict[str, Any]:
    """Return the letter as plain data (dicts, lists, str, `datetime.date`), defaults left out."""
    data: dict[str, Any] = converter.unstructure(letter)
    return data


def structure(data: object) -> Letter:
    """Build a `Letter` from plain data, or raise `LetterError` listing every problem found."""
    if not isinstance(data, dict):
        raise LetterError([Problem(message=f"got {_got(data)}", expected="a mapping of letter fields")])
    try:
        return converter.structure(data, Letter)
    except Exception as error:  # noqa: BLE001 -- every failure becomes a located Problem
        raise LetterError([_as_written(p, data) for p in problems_from(error)]) from None


def _as_written(problem: Problem, data: dict[str, Any]) -> Problem:
    """Name a field as the source wrote it: a demand's one ``target`` is ``targets[0]`` in the
    model, and is reported as ``target`` when the source wrote that."""
    path = problem.path
    if len(path) >= 4 and path[0] == "demands" and path[2:4] == ("targets", 0) and isinstance(path[1], int):
        demands = data.get("demands")
        if isinstance(demands, list) and path[1] < len(demands):
            demand = demands[path[1]]
            if isinstance(demand, dict) and "target" in demand:
                return attrs.evolve(problem, path=(*path[:2], "target", *path[4:]))
    return problem


def problems_from(error: BaseException, path: FieldPath = ()) -> list[Problem]:
    """Flatten a cattrs exception tree into `Problem`s with field paths."""
    for note in getattr(error, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            path = (*path, note.name)
        elif isinstance(note, IterableValidationNote):
            path = (*path, note.index)
    if isinstance(error, BaseExceptionGroup):  # cattrs' error groups, and the model's cross-field checks
        return [p for sub in error.exceptions for p in problems_from(sub, path)]
    if isinstance(error, ForbiddenExtraKeysError):
        fields = [a.name for a in attrs.fields(error.cl)]
        problems = []
        for key in sorted(map(str, error.extra_fields)):  # YAML keys may be numbers or booleans
            hint = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
            message = f"unknown field {key!r}" + (f"; did you mean {hint[0]!r}?" if hint else "")
            problems.append(Problem(path=(*path, key), message=message, expected="one of: " + ", ".join(fields)))
        return problems
    if isinstance(error, FieldError):
        return [Problem(path=(*path, *error.path), message=error.message, expected=error.expected)]
    if isinstance(error, StructureProblem):
        return [Problem(path=path, message=error.message, expected=error.expected)]
    if isinstance(error, KeyError):
        return [Problem(path=path, message="required field is missing", expected="a value for this field")]
    return [Problem(path=path, message=str(error) or type(error).__name__)]
