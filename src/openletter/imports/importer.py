"""Importing signatures from a CSV export into a letter's signatory CSV file.

The rules (docs/importing-signatures.md tells them to the people who run imports):

* **Bad rows.** A row that does not make a valid signatory is rejected with one located problem
  per fault (``export.csv:17: signed: '31/02/2024' is not a date (expected ...)``); the good
  rows are imported. With ``strict``, one rejected row means nothing is written.
* **Duplicates.** Two rows are the same signatory when they have the same email address (NFKC,
  case-folded, trimmed), or the same name and affiliation (NFKC, case-folded, whitespace
  collapsed). The first one, in the signatory file or else earlier in the export, is kept; each
  later one is reported as a duplicate with both locations, and not added.
* **Withdrawals.** An export row whose withdrawal column says so, and each row of a withdrawals
  file, records a withdrawal (its date, or ``true``) on the matching signatory: the row stays in
  the file. A withdrawal that matches no signatory is reported.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from ..errors import FieldError, FieldErrorGroup, LetterError, Problem, format_path, printable
from ..model import CONSENTS, VERIFICATION_METHODS, Contact, Organisation, Person, Signature, Verification, Withdrawal
from .exportfile import ExportFile, read_export
from .mapping import DATE_COLUMNS, Mapping, header_key, value_key
from .target import Record, TargetFile, read_target

_TIME = re.compile(r"%[HIMSfpXcz]")
_SWITCH = {
    "true": "true",
    "yes": "true",
    "y": "true",
    "1": "true",
    "false": "false",
    "no": "false",
    "n": "false",
    "0": "false",
}
_SAMPLE = dt.datetime(2024, 12, 31, 14, 30, 5)


def _email_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _name_key(name: str, affiliation: str) -> str:
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).casefold().split())

    return norm(name) + "\x00" + norm(affiliation)


@attrs.frozen
class Located:
    """A signatory (or withdrawal) in a report: where it is, its name, and what to say."""

    file: str
    line: int
    name: str
    detail: str = ""

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}: {printable(self.name)}"  # names come from the files read
        return f"{text}: {printable(self.detail)}" if self.detail else text

    def as_json(self) -> dict[str, Any]:
        """The entry as JSON data."""
        data: dict[str, Any] = {"file": self.file, "line": self.line, "name": self.name}
        if self.detail:
            data["detail"] = self.detail
        return data


@attrs.define
class ImportReport:
    """What an import did: added, duplicates, withdrawn, rejected, unmatched withdrawals."""

    export: str
    into: str
    added: list[Located] = attrs.field(factory=list)
    duplicates: list[Located] = attrs.field(factory=list)
    withdrawn: list[Located] = attrs.field(factory=list)
    already_withdrawn: list[Located] = attrs.field(factory=list)
    """Withdrawals asked for again, of signatures whose withdrawal the file already records."""
    rejected: list[Problem] = attrs.field(factory=list)
    unmatched: list[Located] = attrs.field(factory=list)
    written: bool = False
    reason: str = ""
    """Why nothing was written, when nothing was (dry run, strict, nothing to change)."""

    def as_json(self) -> dict[str, Any]:
        """The report as JSON data (``--report``)."""
        return {
            "export": self.export,
            "into": self.into,
            "written": self.written,
            "counts": {
                "added": len(self.added),
                "duplicates": len(self.duplicates),
                "withdrawn": len(self.withdrawn),
                "already_withdrawn": len(self.already_withdrawn),
                "rejected": len({(p.file, p.line) for p in self.rejected}),
                "withdrawals_not_found": len(self.unmatched),
            },
            "added": [entry.as_json() for entry in self.added],
            "duplicates": [entry.as_json() for entry in self.duplicates],
            "withdrawn": [entry.as_json() for entry in self.withdrawn],
            "already_withdrawn": [entry.as_json() for entry in self.already_withdrawn],
            "rejected": [
                {
                    "file": p.file,
                    "line": p.line,
                    "column": format_path(p.path),
                    "message": p.message,
                    "expected": p.expected,
                    "text": str(p),
                }
                for p in self.rejected
            ],
            "withdrawals_not_found": [entry.as_json() for entry in self.unmatched],
        }

    def text(self) -> str:
        """The report as printed."""
        rows = len({(p.file, p.line) for p in self.rejected})
        lines = [f"import of {self.export} into {self.into}", f"added: {len(self.added)}"]
        lines.append(f"duplicates (not added): {len(self.duplicates)}")
        lines.extend(f"  {entry}" for entry in self.duplicates)
        lines.append(f"withdrawn: {len(self.withdrawn)}")
        lines.extend(f"  {entry}" for entry in self.withdrawn)
        if self.already_withdrawn:
            lines.append(f"already withdrawn (nothing to do): {len(self.already_withdrawn)}")
            lines.extend(f"  {entry}" for entry in self.already_withdrawn)
        lines.append(f"rejected: {rows}")
        lines.extend(f"  {problem}" for problem in self.rejected)
        if self.unmatched:
            lines.append(f"withdrawals not found: {len(self.unmatched)}")
            lines.extend(f"  {entry}" for entry in self.unmatched)
        lines.append(f"written to {self.into}" if self.written else f"nothing written: {self.reason}")
        return "\n".join(lines) + "\n"


@attrs.define
class _Entry:
    """A signatory an import knows: in the file (`record`) or added from the export (`row`)."""

    file: str
    line: int
    name: str
    record: Record | None = None
    row: dict[str, str] | None = None


class _Index:
    """The signatories by email address and by name and affiliation: the first of each."""

    def __init__(self) -> None:
        self.emails: dict[str, _Entry] = {}
        self.names: dict[str, _Entry] = {}

    @staticmethod
    def keys(email: str, name: str, affiliation: str) -> tuple[str, str]:
        """The keys a signatory is found by: its email address and its name and affiliation."""
        return (_email_key(email) if email else "", _name_key(name, affiliation) if name else "")

    def find(self, keys: tuple[str, str]) -> tuple[_Entry, str] | None:
        if keys[0] and (entry := self.emails.get(keys[0])):
            return entry, "same email address as"
        if keys[1] and (entry := self.names.get(keys[1])):
            return entry, "same name and affiliation as"
        return None

    def add(self, entry: _Entry, keys: tuple[str, str]) -> None:
        if keys[0]:
            self.emails.setdefault(keys[0], entry)
        if keys[1]:
            self.names.setdefault(keys[1], entry)


def _example(formats: tuple[str, ...]) -> str:
    shown = [f"{_SAMPLE.strftime(f)} ({f})" for f in formats]
    return ", ".join([*shown, "or ISO 8601 such as 2024-12-31 or 2024-12-31T14:30:05+02:00"])


def parse_moment(cell: str, mapping: Mapping) -> dt.date | dt.datetime:
    """The day or instant `cell` gives, by ISO 8601 or one of the mapping's `date_formats`.

    A date and time without an offset takes the mapping's `timezone`; without one, only its day
    is kept (the export does not say when in UTC it was). Raise ValueError when it is no date.
    """
    value: dt.date | dt.datetime | None = None
    try:
        if cell[4:5] != "-":  # not ISO 8601: no exception to raise and catch for each row
            raise ValueError(cell)
        value = dt.date.fromisoformat(cell) if len(cell) == 10 else dt.datetime.fromisoformat(cell)
        fmt_has_time = isinstance(value, dt.datetime)
    except ValueError:
        for fmt in mapping.date_formats:
            try:
                value = dt.datetime.strptime(cell, fmt)
            except ValueError:
                continue
            fmt_has_time = bool(_TIME.search(fmt))
            break
    if value is None:
        raise ValueError(cell)
    if not isinstance(value, dt.datetime):
        return value
    if not fmt_has_time:
        return value.date()
    if value.tzinfo is None:
        if mapping.timezone is None:
            return value.date()
        value = value.replace(tzinfo=mapping.timezone)
    offset = value.utcoffset()
    assert offset is not None
    return value.replace(tzinfo=dt.timezone(offset))


def _text(value: dt.date | dt.datetime) -> str:
    return value.isoformat()


class _Importer:
    def __init__(
        self, mapping: Mapping, export: ExportFile, target: TargetFile, source: str | None, version: str | None = None
    ) -> None:
        self.mapping = mapping
        self.export = export
        self.target = target
        self.source = source if source is not None else mapping.source
        self.version = version
        self.report = ImportReport(export=export.name, into=str(target.path))
        self.index = _Index()
        self.email_column = "contact_email"
        self.columns = self._resolve()

    def _resolve(self) -> dict[str, tuple[int, ...]]:
        keys = {header_key(column): index for index, column in reversed(list(enumerate(self.export.header)))}
        resolved: dict[str, tuple[int, ...]] = {}
        problems = []
        for target, parts in self.mapping.columns.items():
            indexes = tuple(keys.get(header_key(part), -1) for part in parts)
            missing = [part for part, index in zip(parts, indexes, strict=True) if index < 0]
            if missing and (target in self.mapping.required or target == "name"):
                problems.append(
                    Problem(
                        file=self.export.name,
                        line=self.export.header_line,
                        path=(target,),
                        message=f"the export has no column {missing[0]!r} ({self.mapping.name} names it)",
                        expected="one of the export's columns: " + ", ".join(repr(c) for c in self.export.header),
                    )
                )
            elif not missing:
                resolved[target] = indexes
        if problems:
            raise LetterError(problems)
        return resolved

    # ----------------------------------------------------------------- the signatory file
    def index_target(self) -> None:
        target = self.target
        for record in target.records:
            entry = _Entry(str(target.path), record.line, target.cell(record, "name"), record=record)
            email = target.cell(record, "contact_email") or (
                target.cell(record, "email") if self.mapping.kind == "organisations" else ""
            )
            self.index.add(entry, self.index.keys(email, entry.name, target.cell(record, "affiliation")))

    # ----------------------------------------------------------------- one export row
    def row(self, line: int, cells: tuple[str, ...]) -> None:
        export = self.export
        problems: list[Problem] = []

        def fail(column: str, message: str, expected: str | None = None) -> None:
            problems.append(Problem(file=export.name, line=line, path=(column,), message=message, expected=expected))

        if len(cells) > len(export.header):
            fail(
                "(row)",
                f"this row has {len(cells)} cells but the header has {len(export.header)} columns",
                "one cell per column (quote cells that contain the delimiter)",
            )
            self.report.rejected.extend(problems)
            return
        row: dict[str, str] = {}
        for column, indexes in self.columns.items():
            parts = [cells[i] for i in indexes if i < len(cells) and cells[i]]
            if parts:
                row[column] = self.mapping.name_join.join(parts) if len(parts) > 1 else parts[0]
        for column, table in self.mapping.values.items():
            if column in row:
                mapped = table.get(value_key(row[column]))
                if mapped is not None:
                    row[column] = mapped
                elif column in _CHOICES and row[column] not in _CHOICES[column]:
                    given = ", ".join(repr(k) for k in self.mapping.originals.get(column, ()))
                    fail(
                        column,
                        f"{row[column]!r} is not in the mapping's values",
                        f"one of {given}, or one of: {', '.join(_CHOICES[column])}",
                    )
        if "name" not in row:
            fail("name", "is empty", "a name in " + " and ".join(repr(export.header[i]) for i in self.columns["name"]))
        withdrawal: Withdrawal | None = None
        if "withdrawn" in row:
            switch = _SWITCH.get(value_key(row["withdrawn"]))
            if switch == "false":
                del row["withdrawn"]
            elif switch == "true":
                row["withdrawn"] = "true"
        moments: dict[str, dt.date | dt.datetime] = {}
        for column in DATE_COLUMNS:
            if column in row and row[column] != "true":
                try:
                    moments[column] = parse_moment(row[column], self.mapping)
                except ValueError:
                    fail(column, f"{row[column]!r} is not a date", _example(self.mapping.date_formats))
                    continue
                row[column] = _text(moments[column])
        if "withdrawn" in row:
            withdrawal = Withdrawal(at=moments.get("withdrawn"))
        if "consent" not in row and self.mapping.consent:
            row["consent"] = self.mapping.consent
        if (
            "verification" not in row
            and self.mapping.verification
            and ("verified" in row or "verification" not in self.columns)
        ):
            row["verification"] = self.mapping.verification
        if "source" not in row and self.source:
            row["source"] = self.source
        if "version" not in row and self.version:
            row["version"] = self.version
        built = None if problems else self._build(row, withdrawal, moments, fail)
        if problems or built is None:
            self.report.rejected.extend(problems)
            return
        name = row["name"]
        affiliation = row.get("affiliation", "")
        email = row.get("contact_email", "") or (row.get("email", "") if self.mapping.kind == "organisations" else "")
        keys = self.index.keys(email, name, affiliation)
        found = self.index.find(keys)
        if found is not None:
            first, why = found
            if withdrawal is not None:
                self._withdraw(first, row.get("withdrawn", "true"), f"{export.name}:{line}")
                return
            self.report.duplicates.append(Located(export.name, line, name, f"{why} {first.file}:{first.line}"))
            return
        entry = _Entry(export.name, line, name, row=row)
        self.index.add(entry, keys)
        self.target.added.append(row)
        self.report.added.append(Located(export.name, line, name))
        if withdrawal is not None:
            self.report.withdrawn.append(Located(export.name, line, name, "withdrawn in the export"))

    def _build(
        self,
        row: dict[str, str],
        withdrawal: Withdrawal | None,
        moments: dict[str, dt.date | dt.datetime],
        fail: Callable[..., None],
    ) -> Person | Organisation | None:
        """The signatory of `row`, as the letter will read it, or None (its problems reported)."""
        mapping = self.mapping
        try:
            verification = None
            if "verification" in row:
                verification = Verification(method=row["verification"], at=moments.get("verified"))  # type: ignore[arg-type]
            elif "verified" in row:
                fail(
                    "verified", "a verification date without a verification method", "a verification column or default"
                )
                return None
            contact = None
            if any(c in row for c in ("contact_email", "contact_phone", "contact_address")):
                contact = Contact(
                    email=row.get("contact_email"), phone=row.get("contact_phone"), address=row.get("contact_address")
                )
            signature = Signature(
                signed=moments.get("signed"),
                consent=row.get("consent", "full"),  # type: ignore[arg-type]
                verification=verification,
                withdrawal=withdrawal,
                version=row.get("version"),
                source=row.get("source"),
                contact=contact,
            )
            fields: dict[str, Any] = {k: v for k, v in row.items() if k in _ENTRY_FIELDS[mapping.kind]}
            cls = Person if mapping.kind == "people" else Organisation
            return cls(**fields, signature=signature)
        except FieldErrorGroup as group:
            for error in group.exceptions:
                if isinstance(error, FieldError):
                    fail(_column_of(error), error.message, error.expected)
        except FieldError as error:
            fail(_column_of(error), error.message, error.expected)
        return None

    # ----------------------------------------------------------------- withdrawals
    def _withdraw(self, entry: _Entry, when: str, origin: str) -> None:
        if entry.record is not None:
            if self.target.cell(entry.record, "withdrawn") not in ("", "false", "False", "FALSE"):
                self.report.already_withdrawn.append(
                    Located(entry.file, entry.line, entry.name, f"already withdrawn ({origin})")
                )
                return
            self.target.set_cell(entry.record, "withdrawn", when)
        elif entry.row is not None:
            if "withdrawn" in entry.row:
                self.report.already_withdrawn.append(
                    Located(entry.file, entry.line, entry.name, f"already withdrawn ({origin})")
                )
                return
            entry.row["withdrawn"] = when
        self.report.withdrawn.append(Located(entry.file, entry.line, entry.name, f"withdrawal from {origin}"))

    def withdrawals(self, path: Path) -> None:
        """Apply the withdrawals file at `path`: columns email, or name (and affiliation), and an
        optional date (withdrawn, or date)."""
        file = read_export(path)
        keys = {header_key(c): i for i, c in reversed(list(enumerate(file.header)))}

        def index(*names: str) -> int | None:
            return next((keys[n] for n in names if n in keys), None)

        email_at = index("email", "email address", "contact email", "e mail")
        name_at = index("name", "full name")
        affiliation_at = index("affiliation", "organisation", "organization")
        date_at = index("withdrawn", "date", "withdrawn at", "unsubscribed at", "unsub time")
        if email_at is None and name_at is None:
            raise LetterError(
                [
                    Problem(
                        file=file.name,
                        line=file.header_line,
                        message="the withdrawals file has no email or name column",
                        expected="columns email (or name and affiliation), and optionally withdrawn (the date)",
                    )
                ]
            )

        def cell(cells: tuple[str, ...], at: int | None) -> str:
            return cells[at] if at is not None and at < len(cells) else ""

        for row in file.rows:
            email, name = cell(row.cells, email_at), cell(row.cells, name_at)
            when = cell(row.cells, date_at)
            if when:
                try:
                    when = _text(parse_moment(when, self.mapping))
                except ValueError:
                    self.report.rejected.append(
                        Problem(
                            file=file.name,
                            line=row.line,
                            path=("withdrawn",),
                            message=f"{when!r} is not a date",
                            expected=_example(self.mapping.date_formats),
                        )
                    )
                    continue
            found = self.index.find(self.index.keys(email, name, cell(row.cells, affiliation_at)))
            if found is None:
                self.report.unmatched.append(
                    Located(
                        file.name,
                        row.line,
                        name or "(no name)",
                        "no signatory with this email address or name and affiliation",
                    )
                )
                continue
            self._withdraw(found[0], when or "true", f"{file.name}:{row.line}")


_CHOICES = {"consent": CONSENTS, "verification": VERIFICATION_METHODS}
_ENTRY_FIELDS = {
    "people": {"name", "honorific", "honorific_suffix", "title", "affiliation", "country", "lang"},
    "organisations": {"name", "short_name", "country", "url", "email", "description", "lang"},
}
_SIGNATURE_PATHS = {
    ("signed",): "signed",
    ("consent",): "consent",
    ("verification",): "verification",
    ("version",): "version",
    ("source",): "source",
    ("withdrawal",): "withdrawn",
}
_CONTACT = {"email": "contact_email", "phone": "contact_phone", "address": "contact_address"}


def _column_of(error: FieldError) -> str:
    """The signatory CSV column a model error is about."""
    path = error.path
    if path and path[0] in _CONTACT and len(path) == 1 and error.message.startswith("the contact"):
        return "contact_email"
    if path and isinstance(path[0], str) and path[0] in _CONTACT:
        return _CONTACT[path[0]]
    if path and path[0] == "method":
        return "verification"
    if path and path[0] == "at":
        return "verified"
    return str(path[0]) if path else "(row)"


def import_signatures(
    export: Path,
    into: Path,
    mapping: Mapping,
    *,
    withdrawals: Path | None = None,
    source: str | None = None,
    strict: bool = False,
    dry_run: bool = False,
    delimiter: str | None = None,
    version: str | None = None,
) -> ImportReport:
    """Import the signatures of the CSV `export` into the signatory CSV file `into`; `version`
    is the text version (`openletter.text_version`) recorded on every imported signature whose
    row does not give one.

    Returns the report; writes `into` (atomically) unless `dry_run`, or `strict` and a row was
    rejected, or nothing changed. Raises `LetterError` when the export, the withdrawals file or
    the signatory file cannot be read at all, or the export lacks a column the mapping names.
    """
    if export.resolve() == into.resolve():
        raise LetterError(
            [Problem(file=str(into), line=1, message="the export and the signatory file are the same file")]
        )
    file = read_export(export, encoding=mapping.encoding, delimiter=delimiter or mapping.delimiter)
    target = read_target(into)
    importer = _Importer(mapping, file, target, source, version)
    importer.index_target()
    for row in file.rows:
        importer.row(row.line, row.cells)
    if withdrawals is not None:
        importer.withdrawals(withdrawals)
    report = importer.report
    used = [c for c in mapping.targets if any(c in row for row in target.added)]
    if not target.header:
        target.header = ["name"]
    target.ensure_columns(used)
    target.order_columns(mapping.targets)
    changed = bool(target.added) or any(r.changed for r in target.records)
    if dry_run:
        report.reason = "dry run"
    elif strict and report.rejected:
        report.reason = "--strict, and rows were rejected"
    elif not changed:
        report.reason = "no new signature or withdrawal"
    else:
        target.write()
        report.written = True
    return report
