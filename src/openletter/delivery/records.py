"""The signature records of a delivery pack: one row per signature, in the letter's order, and
the hash chain over them.

A row holds the public fields of a signature (or the fields the organisation chooses for the
addressee, `FIELDS`), as the consent of each signer allows: a signer who agreed to be counted
but not named (``consent: count``) is a row with no name and nothing that identifies them: after
the named rows (where a row stands in the list would tell its neighbours), with no position, and
signed on a day rather than at an instant; a signer who agreed to their name only
(``consent: name``) is a row with the name alone. The named rows are numbered 1, 2, 3... in the
letter's order. Withdrawn
signatures are not rows: they are counted in the manifest, and those whose withdrawal may be shown
are listed in ``withdrawals.csv``. Contact data is never a field.

The record of a row is its cells as written in ``signatures.csv``, joined by U+001F (the unit
separator, which no cell can hold) and encoded in UTF-8. The chain starts from 64 zeros; each link
is ``sha256(previous link (hex, ASCII) + "\\n" + record)`` in hex. The last link, the chain's head,
is in the manifest; so is the SHA-256 of each record, which lets `openletter verify` say which
rows were removed, added, altered or moved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Letter, Organisation, Person

FIELDS: dict[str, str] = {
    "position": "the named signature's place in the letter's order (1, 2, 3...; none for those counted only)",
    "kind": "person or organisation",
    "group": "the heading of the signatory group",
    "name": "the name as printed",
    "honorific": "a person's honorific (Hon., Dr)",
    "title": "a person's titles (several roles joined by '; ')",
    "affiliation": "a person's affiliations (several roles joined by '; ')",
    "country": "the country",
    "consent": "full, name (the name only) or count (counted, not named)",
    "signed": "when it was signed (ISO 8601)",
    "verification": "how it was verified: email, account, in-person, paper or none",
    "verified": "when it was verified (ISO 8601)",
    "version": "the text version signed",
    "source": "where it came from (form, import batch)",
}
"""Every field a signature row may have, with what it holds."""

DEFAULT_FIELDS = (
    "position",
    "kind",
    "group",
    "name",
    "honorific",
    "title",
    "affiliation",
    "country",
    "consent",
    "signed",
    "verification",
    "verified",
    "version",
)
"""The fields of a pack's ``signatures.csv`` unless the organisation chooses others (``source``,
where a signature came from, is internal: only when chosen)."""

IDENTIFYING = frozenset({"name", "honorific", "title", "affiliation", "country", "group", "position"})
"""Fields left blank for a signer counted but not named (the group too: a small group would tell)."""

NAME_ONLY_BLANK = frozenset({"honorific", "title", "affiliation", "country"})
"""Fields left blank for a signer who agreed to their name only."""

WITHDRAWAL_FIELDS = ("name", "kind", "withdrawn")
"""The columns of ``withdrawals.csv``: the withdrawals that may be shown."""

SEPARATOR = "\x1f"
CHAIN_START = "0" * 64
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    """A cell that spreadsheet programs show as text, never run as a formula (``=HYPERLINK(...)``
    becomes ``'=HYPERLINK(...)``): the OWASP advice for CSV files."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _moment(value: object) -> str:
    if value is None:
        return ""
    isoformat = getattr(value, "isoformat", None)
    return str(isoformat()) if callable(isoformat) else str(value)


def entries(letter: Letter) -> Iterator[tuple[str, Person | Organisation]]:
    """Every signatory of the letter, in order, with the heading of its group ("" for none): the
    sender's organisations and people when the sender signs alone (as `Letter.signatory_count`
    counts them)."""
    from ..model import OrganisationGroup

    if not letter.signatories and letter.sender is not None:
        yield from (("", organisation) for organisation in letter.sender.organisations)
        yield from (("", person) for person in letter.sender.people)
        return
    for group in letter.signatories:
        members: Sequence[Person | Organisation] = (
            group.organisations if isinstance(group, OrganisationGroup) else group.people
        )
        for entry in members:
            yield group.heading or "", entry


def _cells(position: int, group: str, entry: Person | Organisation) -> dict[str, str]:
    from ..model import Person

    signature = entry.signature
    cells = {
        "position": str(position),
        "group": group,
        "name": entry.name,
        "country": entry.country or "",
        "consent": signature.consent if signature is not None else "full",
        "signed": _moment(signature.signed) if signature is not None else "",
        "source": (signature.source or "") if signature is not None else "",
        "version": (signature.version or "") if signature is not None else "",
    }
    verification = signature.verification if signature is not None else None
    cells["verification"] = verification.method if verification is not None else ""
    cells["verified"] = _moment(verification.at) if verification is not None else ""
    if isinstance(entry, Person):
        cells["kind"] = "person"
        cells["honorific"] = entry.honorific or ""
        roles = entry.all_roles
        cells["title"] = "; ".join(r.title for r in roles if r.title)
        cells["affiliation"] = "; ".join(r.affiliation for r in roles if r.affiliation)
    else:
        cells["kind"] = "organisation"
        cells["honorific"] = cells["title"] = cells["affiliation"] = ""
    blank = IDENTIFYING if cells["consent"] == "count" else NAME_ONLY_BLANK if cells["consent"] == "name" else ()
    for field in blank:
        cells[field] = ""
    return cells


def rows(letter: Letter, fields: Sequence[str] = DEFAULT_FIELDS) -> Iterator[list[str]]:
    """The signature rows (without the header): every named signature not withdrawn, in the
    letter's order, then every one counted only; each cell as the letter has it
    (``signatures.csv`` writes them `inert`)."""
    counted: list[list[str]] = []
    position = 0
    for group, entry in entries(letter):
        signature = entry.signature
        if signature is not None and signature.withdrawal is not None:
            continue
        if signature is not None and signature.consent == "count":
            cells = _cells(0, group, entry)
            cells["signed"] = cells["signed"][:10]  # the day: an instant could tell who it was
            counted.append([cells[field] for field in fields])
            continue
        position += 1
        cells = _cells(position, group, entry)
        yield [cells[field] for field in fields]
    yield from counted


def withdrawals(letter: Letter) -> Iterator[list[str]]:
    """The rows of ``withdrawals.csv``: each withdrawn signature whose withdrawal may be shown, of
    a signer who agreed to be named (a signer counted but not named is not named here either)."""
    from ..model import Person

    for _, entry in entries(letter):
        signature = entry.signature
        if signature is None or signature.withdrawal is None or not signature.withdrawal.shown:
            continue
        if signature.consent == "count":
            continue
        kind = "person" if isinstance(entry, Person) else "organisation"
        yield [entry.name, kind, _moment(signature.withdrawal.at)]


def record(cells: Sequence[str]) -> bytes:
    """The bytes a row's hashes are taken of."""
    return SEPARATOR.join(cells).encode("utf-8")


def link(previous: str, cells: Sequence[str]) -> str:
    """The chain's next link after `previous`, for the row `cells`."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + record(cells)).hexdigest()


def record_hash(cells: Sequence[str]) -> str:
    """The SHA-256 of one row's record, on its own."""
    return hashlib.sha256(record(cells)).hexdigest()
