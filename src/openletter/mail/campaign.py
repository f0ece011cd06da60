"""A mail-merge campaign: one letter sent to one list of recipients, and what changed since.

A send journal belongs to one campaign. Its first line says which: digests of the letter's
message parts and of the recipients, the subject as written, the sender, the copies, when the
campaign began and which openletter wrote it. Delivery is recorded by recipient (the address,
compared by `address_key`), so that a re-run knows who has the letter whatever the letter looks
like now; and a re-run whose letter or recipients differ from the journal's is told exactly what
changed (`changes`) before anything is sent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .._version import __version__
from ..errors import OpenLetterError

if TYPE_CHECKING:
    from .merge import Factory
    from .recipients import Recipient

EXAMPLES = 3
"""How many addresses a change lists before "and N more"."""


def address_key(address: str) -> str:
    """The recipient an address names: the bare address, Unicode NFC, in lower case, with the
    domain in its ASCII (IDNA) form, so that ``Jane@Example.org``, ``jane@example.org`` and
    ``Jane <jane@example.org>`` are one recipient, as are ``ü@exämple.org`` and
    ``ü@xn--exmple-cua.org``."""
    from email.utils import parseaddr

    bare = (parseaddr(address)[1] or address).strip()
    local, at, domain = unicodedata.normalize("NFC", bare).rpartition("@")
    if not at:
        return bare.lower()
    domain = domain.lower().rstrip(".")
    with contextlib.suppress(UnicodeError):  # else not a name IDNA 2003 encodes: compared as written
        domain = domain.encode("idna").decode("ascii")
    return f"{local.lower()}@{domain}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _other_headers(static: bytes) -> bytes:
    """The fixed headers that neither the sender, the copies nor the body already stand for, and
    that do not change from day to day (the Date of an undated letter is today's)."""
    fields = re.split(rb"\r\n(?![ \t])", static)
    skip = {b"from", b"cc", b"date", b"content-type"}
    return b"\r\n".join(f for f in fields if f.split(b":", 1)[0].strip().lower() not in skip)


@attrs.frozen
class Campaign:
    """What a campaign sends, and to whom: the journal's header line."""

    letter: str
    """The SHA-256 of the messages' parts (plain text, HTML, logo), placeholders unfilled."""
    subject: str
    """The subject as written, ``[[placeholders]]`` and all."""
    sender: str
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    headers: str
    """The SHA-256 of the other fixed headers (Reply-To, List-Unsubscribe, Content-Language)."""
    recipients: str
    """The SHA-256 of `rows`: who gets the letter, and what is filled in for each."""
    rows: Mapping[str, str]
    """For each recipient (`address_key`, in file order): a digest of what the letter uses of their
    row (their address, name and placeholder values)."""
    created: str = ""
    """When the campaign began (ISO 8601, UTC)."""
    openletter: str = ""
    """The openletter version that began it."""

    @classmethod
    def of(cls, factory: Factory, recipients: Iterable[Recipient], *, now: dt.datetime | None = None) -> Campaign:
        """The campaign that `factory`'s letter and these recipients make."""
        used = ["name", *factory.names]
        rows: dict[str, str] = {}
        for recipient in recipients:
            key = address_key(recipient.email)
            row = json.dumps([recipient.email, *(recipient.fields.get(name, "") for name in used)], ensure_ascii=False)
            rows[key] = _sha256((rows.get(key, "") + row).encode())[:16]  # a repeated address: both rows
        parts = json.dumps([factory.text, factory.html], ensure_ascii=False).encode() + factory.logo
        return cls(
            letter=_sha256(parts),
            subject="".join(p if isinstance(p, str) else f"[[{factory.names[p]}]]" for p in factory.subject),
            sender=factory.sender,
            cc=factory.cc,
            bcc=factory.bcc,
            headers=_sha256(_other_headers(factory.static)),
            recipients=_sha256("".join(f"{k} {v}\n" for k, v in sorted(rows.items())).encode()),
            rows=rows,
            created=(now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            openletter=__version__,
        )

    def to_json(self) -> dict[str, Any]:
        """The journal's header line (``{"campaign": ...}``)."""
        data = attrs.asdict(self)
        data["cc"], data["bcc"], data["rows"] = list(self.cc), list(self.bcc), dict(self.rows)
        return {"campaign": data}

    @classmethod
    def from_json(cls, data: object) -> Campaign | None:
        """The campaign a journal line names, or None when the line is not a well-formed one."""
        if not isinstance(data, dict):
            return None
        strings = ("letter", "subject", "sender", "headers", "recipients", "created", "openletter")
        lists = (data.get("cc", []), data.get("bcc", []))
        rows = data.get("rows", {})
        if (
            not all(isinstance(data.get(name, ""), str) for name in strings)
            or not all(isinstance(v, list) and all(isinstance(a, str) for a in v) for v in lists)
            or not isinstance(rows, dict)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in rows.items())
        ):
            return None
        return cls(
            **{name: data.get(name, "") for name in strings},
            cc=tuple(lists[0]),
            bcc=tuple(lists[1]),
            rows=rows,
        )

    @property
    def began(self) -> str:
        """When the campaign began, for people: ``2024-06-08 10:15 UTC``."""
        return self.created[:16].replace("T", " ") + " UTC" if self.created else "at an unknown time"


def _some(addresses: list[str]) -> str:
    shown = ", ".join(addresses[:EXAMPLES])
    return shown + (f" and {len(addresses) - EXAMPLES} more" if len(addresses) > EXAMPLES else "")


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def changes(before: Campaign, now: Campaign) -> list[str]:
    """What differs between the journal's campaign and this run's, one line each; [] when nothing."""
    out: list[str] = []
    if before.letter != now.letter:
        line = "the letter's text (its message parts) changed"
        if before.openletter and before.openletter != now.openletter:
            line += (
                f"; the journal was begun by openletter {before.openletter} and this is {now.openletter},"
                " which may write the same letter differently"
            )
        out.append(line)
    if before.subject != now.subject:
        out.append(f"the subject changed: {before.subject!r} is now {now.subject!r}")
    if before.sender != now.sender:
        out.append(f"the sender changed: {before.sender!r} is now {now.sender!r}")
    for name, old, new in (("Cc", before.cc, now.cc), ("Bcc", before.bcc, now.bcc)):
        if old != new:
            out.append(f"the {name} copies changed: {', '.join(old) or 'none'} is now {', '.join(new) or 'none'}")
    if before.headers != now.headers:
        out.append("other headers changed (Reply-To, List-Unsubscribe or the letter's language)")
    if before.recipients != now.recipients:
        added = [key for key in now.rows if key not in before.rows]
        removed = [key for key in before.rows if key not in now.rows]
        edited = [key for key in now.rows if key in before.rows and now.rows[key] != before.rows[key]]
        if added:
            out.append(f"{_count(len(added), 'recipient', 'recipients')} added: {_some(added)}")
        if removed:
            out.append(f"{_count(len(removed), 'recipient', 'recipients')} removed: {_some(removed)}")
        if edited:
            out.append(
                f"{_count(len(edited), 'recipient has', 'recipients have')} a changed address, name or"
                f" placeholder value: {_some(edited)}"
            )
        if not (added or removed or edited):
            out.append("the recipients changed")
    return out


def legacy_changes(
    legacy: Mapping[str, tuple[str, str]], decided: set[str], message_id: Callable[[str], str]
) -> list[str]:
    """What an old journal (no campaign line; lines keyed by Message-ID) shows changed.

    Its Message-IDs were derived from the letter and the address, so an entry whose Message-ID
    this letter does not give was written for another letter. Only entries that decide something
    count: the recipients in `decided` (accepted, or uncertain).
    """
    stale = [address for key, (address, mid) in legacy.items() if key in decided and message_id(address) != mid]
    if not stale:
        return []
    return [
        f"the journal was written by an older openletter (it has no campaign line), and"
        f" {_count(len(stale), 'message', 'messages')} it records ({_some(stale)}) were made from"
        " a different letter: its Message-IDs are not this letter's"
    ]


class CampaignChanged(OpenLetterError):
    """The journal belongs to another campaign: the letter or the recipients changed since it began."""


def refusal(journal: Path, began: str, what: list[str], accepted: int, uncertain: int) -> str:
    """The message for a run whose letter or recipients are not the journal's campaign's."""
    lines = [
        f"the journal {journal} was begun {began} for a different letter or list of recipients;"
        " this run sent nothing. Since then:",
        *(f"  - {line}" for line in what),
        f"The journal has {_count(accepted, 'recipient', 'recipients')} as accepted and"
        f" {uncertain} as uncertain. Run again with one of:",
        "  --resume-unsent   send the letter as it is now only to the recipients the journal does not"
        " have as accepted or uncertain (the campaign goes on with this letter);",
        "  --new-campaign    start a new campaign that sends to every recipient again (the old journal"
        " is kept, renamed).",
    ]
    return "\n".join(lines)
