"""How an export's columns become the columns of a letter's signatory CSV file: the mapping.

A mapping is a small TOML file (docs/importing-signatures.md has the reference), or a preset
shipped with openletter (``presets/NAME.toml``, the same format), or a mapping file that starts
from a preset (``preset = "google-forms"``) and changes what differs.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
import zoneinfo
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import attrs

from ..errors import LetterError, Problem
from ..model import CONSENTS, VERIFICATION_METHODS
from ..sources.csv_source import SIGNATURE_COLUMNS

Kind = Literal["people", "organisations"]

PERSON_COLUMNS = ("name", "honorific", "honorific_suffix", "title", "affiliation", "country", "lang")
ORGANISATION_COLUMNS = ("name", "short_name", "country", "url", "email", "description", "lang")
RECORD_COLUMNS = tuple(c for c in SIGNATURE_COLUMNS if c != "withdrawal_shown")
"""The signature columns an export can fill (`openletter.sources.csv_source.SIGNATURE_COLUMNS`)."""
DATE_COLUMNS = ("signed", "verified", "withdrawn")

_KEYS = {
    "preset",
    "kind",
    "encoding",
    "delimiter",
    "date_formats",
    "timezone",
    "name_join",
    "source",
    "verification",
    "consent",
    "columns",
    "values",
}


def presets() -> list[str]:
    """The names of the presets shipped with openletter."""
    folder = resources.files("openletter.imports").joinpath("presets")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def header_key(text: str) -> str:
    """A column name as headers are matched: NFKC, case-folded, ``_`` and ``-`` as spaces, single
    spaces (``First_Name`` matches ``first name``)."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("_", " ").replace("-", " ")
    return " ".join(text.split())


def value_key(text: str) -> str:
    """A cell as value tables match it: NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@attrs.frozen(kw_only=True)
class Mapping:
    """A mapping from an export's columns to the signatory CSV columns, with the rules for values."""

    kind: Kind = "people"
    """Whether the rows are people (`openletter.Person`) or organisations."""
    columns: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    """Each signatory CSV column and the export column(s) that fill it (several for a name in
    parts, joined with `name_join`)."""
    required: frozenset[str] = frozenset()
    """The signatory columns whose export columns must be in the export (those the user's own
    mapping names; a preset's are used when present)."""
    values: dict[str, dict[str, str]] = attrs.field(factory=dict)
    """Per signatory column, cell (as `value_key` gives it) to value."""
    originals: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    """Per signatory column, the cells of its value table as the mapping writes them."""
    date_formats: tuple[str, ...] = ()
    """``strptime`` formats tried in order after ISO 8601."""
    timezone: dt.tzinfo | None = None
    """The zone of date-times written without an offset (without it, only their day is kept)."""
    name_join: str = " "
    source: str | None = None
    """The ``source`` of every imported signature, unless a column gives one."""
    verification: str | None = None
    """The verification method of every imported signature, unless a column gives one."""
    consent: str | None = None
    """The consent of every imported signature, unless a column gives one (default: full)."""
    encoding: str | None = None
    delimiter: str | None = None
    name: str = "(mapping)"
    """Where the mapping comes from, for messages."""

    @property
    def targets(self) -> tuple[str, ...]:
        """The signatory CSV columns a row of this kind may have."""
        return (PERSON_COLUMNS if self.kind == "people" else ORGANISATION_COLUMNS) + RECORD_COLUMNS


def _line_of(text: str, key: str) -> int:
    pattern = re.compile(rf'^\s*(?:\[\s*)?(?:"{re.escape(key)}"|{re.escape(key)})\s*[=\].]', re.MULTILINE)
    found = pattern.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else 1


def _problem(name: str, text: str, key: str, message: str, expected: str | None = None) -> Problem:
    return Problem(
        file=name,
        line=_line_of(text, key.rsplit(".", maxsplit=1)[-1]),
        path=tuple(key.split(".")),
        message=message,
        expected=expected,
    )


def _timezone(value: str) -> dt.tzinfo | None:
    found = re.fullmatch(r"(?:UTC)?([+-])(\d{2}):?(\d{2})", value.strip())
    if found:
        sign = 1 if found.group(1) == "+" else -1
        return dt.timezone(sign * dt.timedelta(hours=int(found.group(2)), minutes=int(found.group(3))))
    if value.strip().upper() in ("UTC", "Z"):
        return dt.UTC
    try:
        return zoneinfo.ZoneInfo(value.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def parse_mapping(text: str, name: str, *, base: dict[str, Any] | None = None, user: bool = True) -> Mapping:
    """Read a mapping from TOML `text` (over the raw data of its preset, `base`); raise
    `LetterError` listing every problem, each at its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        raise LetterError(
            [Problem(file=name, line=int(found.group(1)) if found else 1, message=f"this is not valid TOML: {error}")]
        ) from None
    problems: list[Problem] = []
    preset_name = data.get("preset")
    if preset_name is not None:
        if not isinstance(preset_name, str) or preset_name not in presets():
            problems.append(
                _problem(name, text, "preset", f"unknown preset {preset_name!r}", "one of: " + ", ".join(presets()))
            )
        else:
            base = _preset_data(preset_name)
    for key in data:
        if key not in _KEYS:
            problems.append(
                _problem(name, text, key, f"unknown setting {key!r}", "one of: " + ", ".join(sorted(_KEYS)))
            )
    merged: dict[str, Any] = dict(base or {})
    merged.pop("columns", None)
    merged.pop("values", None)
    merged.update({k: v for k, v in data.items() if k not in ("columns", "values", "preset")})
    kind = merged.get("kind", "people")
    if kind not in ("people", "organisations"):
        problems.append(_problem(name, text, "kind", f"{kind!r} is not a kind of signatory", "people or organisations"))
        kind = "people"
    targets = (PERSON_COLUMNS if kind == "people" else ORGANISATION_COLUMNS) + RECORD_COLUMNS
    columns: dict[str, tuple[str, ...]] = {}
    required: set[str] = set()
    for layer, own in (((base or {}).get("columns", {}), False), (data.get("columns", {}), user)):
        if not isinstance(layer, dict):
            problems.append(_problem(name, text, "columns", "is not a table", "a [columns] table"))
            continue
        for target, given in layer.items():
            where = f"columns.{target}"
            if target not in targets:
                problems.append(
                    _problem(name, text, where, f"unknown signatory column {target!r}", "one of: " + ", ".join(targets))
                )
                continue
            parts = (given,) if isinstance(given, str) else tuple(given) if isinstance(given, list) else ()
            if not parts or not all(isinstance(p, str) and p.strip() for p in parts):
                problems.append(
                    _problem(name, text, where, "is not a column name", 'a column of the export, e.g. "Email Address"')
                )
                continue
            if len(parts) > 1 and target != "name":
                problems.append(
                    _problem(name, text, where, "only a name can be joined from several columns", "one column name")
                )
                continue
            columns[target] = parts
            if own:
                required.add(target)
            else:
                required.discard(target)
    if "name" not in columns:
        problems.append(
            Problem(
                file=name,
                line=1,
                path=("columns", "name"),
                message="the mapping gives no name column",
                expected='name = "Full name", or name = ["First name", "Last name"]',
            )
        )
    values: dict[str, dict[str, str]] = {}
    originals: dict[str, list[str]] = {}
    for layer in ((base or {}).get("values", {}), data.get("values", {})):
        if not isinstance(layer, dict):
            problems.append(_problem(name, text, "values", "is not a table", "[values.consent] tables"))
            continue
        for target, table in layer.items():
            where = f"values.{target}"
            if target not in targets or not isinstance(table, dict):
                problems.append(
                    _problem(name, text, where, f"no value table for {target!r}", "a table for a signatory column")
                )
                continue
            cells = values.setdefault(target, {})
            for cell, value in table.items():
                if not isinstance(value, str):
                    problems.append(_problem(name, text, cell, f"the value for {cell!r} is not text", "a string"))
                    continue
                allowed = _allowed(target)
                if allowed and value not in allowed:
                    problems.append(
                        _problem(
                            name, text, cell, f"{value!r} is not a {target} value", "one of: " + ", ".join(allowed)
                        )
                    )
                    continue
                cells[value_key(cell)] = value
                originals.setdefault(target, []).append(cell)
    formats = merged.get("date_formats", [])
    if isinstance(formats, str):
        formats = [formats]
    if not isinstance(formats, list) or not all(isinstance(f, str) and "%" in f for f in formats):
        problems.append(
            _problem(name, text, "date_formats", "is not a list of date formats", 'formats like "%d/%m/%Y %H:%M"')
        )
        formats = []
    zone = None
    if "timezone" in merged:
        zone = _timezone(str(merged["timezone"]))
        if zone is None:
            problems.append(
                _problem(
                    name,
                    text,
                    "timezone",
                    f"unknown time zone {merged['timezone']!r}",
                    'an offset like "+02:00", "UTC", or a zone like "Europe/Berlin"',
                )
            )
    for key, allowed in (("verification", VERIFICATION_METHODS), ("consent", CONSENTS)):
        if key in merged and merged[key] not in allowed:
            problems.append(
                _problem(name, text, key, f"{merged[key]!r} is not a {key}", "one of: " + ", ".join(allowed))
            )
    for key in ("source", "encoding", "name_join"):
        if key in merged and not isinstance(merged[key], str):
            problems.append(_problem(name, text, key, "is not text", "a string"))
    delimiter = merged.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter.replace("\\t", "\t")) != 1):
        problems.append(_problem(name, text, "delimiter", f"{delimiter!r} is not one character", '",", ";" or "\\t"'))
        delimiter = None
    if "verified" in columns and "verification" not in columns and "verification" not in merged:
        problems.append(
            Problem(
                file=name,
                line=_line_of(text, "verified"),
                path=("columns", "verified"),
                message="a verification date without a verification method",
                expected='verification = "email" (or a verification column) in the mapping',
            )
        )
    if problems:
        raise LetterError(problems)
    return Mapping(
        kind=kind,
        columns=columns,
        required=frozenset(required),
        values=values,
        originals={k: tuple(v) for k, v in originals.items()},
        date_formats=tuple(formats),
        timezone=zone,
        name_join=merged.get("name_join", " "),
        source=merged.get("source"),
        verification=merged.get("verification"),
        consent=merged.get("consent"),
        encoding=merged.get("encoding"),
        delimiter=delimiter.replace("\\t", "\t") if isinstance(delimiter, str) else None,
        name=name,
    )


def _allowed(target: str) -> tuple[str, ...]:
    if target == "consent":
        return CONSENTS
    if target == "verification":
        return VERIFICATION_METHODS
    if target == "withdrawn":
        return ("true", "false")
    return ()


def _preset_data(name: str) -> dict[str, Any]:
    text = resources.files("openletter.imports").joinpath("presets", f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def preset(name: str) -> Mapping:
    """The preset `name` (see `presets`); raise `LetterError` for an unknown one."""
    if name not in presets():
        raise LetterError(
            [Problem(file=None, message=f"unknown preset {name!r}", expected="one of: " + ", ".join(presets()))]
        )
    text = resources.files("openletter.imports").joinpath("presets", f"{name}.toml").read_text(encoding="utf-8")
    return parse_mapping(text, f"preset {name}", user=False)


def load_mapping(path: Path) -> Mapping:
    """Read a mapping file; raise `LetterError` (located) when it is wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise LetterError([Problem(file=str(path), line=1, message=f"cannot read the mapping: {error}")]) from None
    return parse_mapping(text, str(path))
