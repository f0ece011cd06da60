"""A mail-merge campaign: one letter sent to one list of recipients, and what changed since.

A send journal belongs to one campaign. Its first line says which: digests of the letter's
message parts and of the recipients, the subject as written, the sender, the copies, when the
campaign began and which openletter wrote it. A campaign in several languages (a ``language``
column, see `openletter.mail.languages`) covers every translation its recipients get, each
described as the original is, and which recipients get which: an edit to a translation is a
change like an edit to the letter. Delivery is recorded by recipient (the address,
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
    from .languages import Merge
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
    translations: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    """Each translation the recipients get, by language: its ``letter``, ``subject``, ``sender``
    and ``headers``, as the fields above describe the original."""
    languages: Mapping[str, str] = attrs.field(factory=dict)
    """For each recipient (`address_key`) who gets a translation: its language (the others get
    the original)."""

    @classmethod
    def of(
        cls, factory: Factory | Merge, recipients: Iterable[Recipient], *, now: dt.datetime | None = None
    ) -> Campaign:
        """The campaign that `factory`'s letter (a `Merge`: the letter and its translations) and
        these recipients make."""
        from .merge import Factory

        original = factory if isinstance(factory, Factory) else factory.factory
        rows: dict[str, str] = {}
        languages: dict[str, str] = {}
        translated: dict[str, Factory] = {}
        for recipient in recipients:
            key = address_key(recipient.email)
            made = original if isinstance(factory, Factory) else factory.factory_for(recipient)
            used = ["name", *made.names]
            row = json.dumps([recipient.email, *(recipient.fields.get(name, "") for name in used)], ensure_ascii=False)
            rows[key] = _sha256((rows.get(key, "") + row).encode())[:16]  # a repeated address: both rows
            if made is not original:
                languages[key] = made.letter.language
                translated[made.letter.language] = made
            else:
                languages.pop(key, None)  # a repeated address: its last row's letter
        described = _described(original)
        return cls(
            letter=described["letter"],
            subject=described["subject"],
            sender=original.sender,
            cc=original.cc,
            bcc=original.bcc,
            headers=described["headers"],
            recipients=_sha256(
                "".join(
                    f"{k} {v}{' ' + languages[k] if k in languages else ''}\n" for k, v in sorted(rows.items())
                ).encode()
            ),
            rows=rows,
            created=(now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            openletter=__version__,
            translations={tag: _described(made) for tag, made in sorted(translated.items())},
            languages=languages,
        )

    def to_json(self) -> dict[str, Any]:
        """The journal's header line (``{"campaign": ...}``)."""
        data = attrs.asdict(self)
        data["cc"], data["bcc"], data["rows"] = list(self.cc), list(self.bcc), dict(self.rows)
        data["translations"] = {tag: dict(described) for tag, described in self.translations.items()}
        data["languages"] = dict(self.languages)
        return {"campaign": data}

    @classmethod
    def from_json(cls, data: object) -> Campaign | None:
        """The campaign a journal line names, or None when the line is not a well-formed one."""
        if not isinstance(data, dict):
            return None
        strings = ("letter", "subject", "sender", "headers", "recipients", "created", "openletter")
        lists = (data.get("cc", []), data.get("bcc", []))
        rows, languages = data.get("rows", {}), data.get("languages", {})
        translations = data.get("translations", {})

        def strings_by_string(value: object) -> bool:
            return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())

        if (
            not all(isinstance(data.get(name, ""), str) for name in strings)
            or not all(isinstance(v, list) and all(isinstance(a, str) for a in v) for v in lists)
            or not strings_by_string(rows)
            or not strings_by_string(languages)
            or not isinstance(translations, dict)
            or not all(isinstance(k, str) and strings_by_string(v) for k, v in translations.items())
        ):
            return None
        return cls(
            **{name: data.get(name, "") for name in strings},
            cc=tuple(lists[0]),
            bcc=tuple(lists[1]),
            rows=rows,
            translations=translations,
            languages=languages,
        )

    @property
    def began(self) -> str:
        """When the campaign began, for people: ``2024-06-08 10:15 UTC``."""
        return self.created[:16].replace("T", " ") + " UTC" if self.created else "at an unknown time"


def _described(factory: Factory) -> dict[str, str]:
    """What a campaign records of one version of the letter: digests of its message parts and
    other fixed headers, its subject as written, its sender."""
    parts = json.dumps([factory.text, factory.html], ensure_ascii=False).encode() + factory.logo
    return {
        "letter": _sha256(parts),
        "subject": "".join(p if isinstance(p, str) else f"[[{factory.names[p]}]]" for p in factory.subject),
        "sender": factory.sender,
        "headers": _sha256(_other_headers(factory.static)),
    }


def _some(addresses: list[str]) -> str:
    shown = ", ".join(addresses[:EXAMPLES])
    return shown + (f" and {len(addresses) - EXAMPLES} more" if len(addresses) > EXAMPLES else "")


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def _version_changes(
    what: str, before: Mapping[str, str], now: Mapping[str, str], versions: tuple[str, str]
) -> list[str]:
    """What differs between two descriptions of one version of the letter (`_described`);
    `what` names it (``the letter``, ``the km translation``), `versions` the openletter
    versions of the journal and of this run."""
    out: list[str] = []
    if before.get("letter") != now.get("letter"):
        line = f"{what}'s text (its message parts) changed"
        if versions[0] and versions[0] != versions[1]:
            line += (
                f"; the journal was begun by openletter {versions[0]} and this is {versions[1]},"
                " which may write the same letter differently"
            )
        out.append(line)
    subject = "the subject" if what == "the letter" else f"{what}'s subject"
    if before.get("subject") != now.get("subject"):
        out.append(f"{subject} changed: {before.get('subject')!r} is now {now.get('subject')!r}")
    sender = "the sender" if what == "the letter" else f"{what}'s sender"
    if before.get("sender") != now.get("sender"):
        out.append(f"{sender} changed: {before.get('sender')!r} is now {now.get('sender')!r}")
    return out


def changes(before: Campaign, now: Campaign) -> list[str]:
    """What differs between the journal's campaign and this run's, one line each; [] when nothing."""
    versions = (before.openletter, now.openletter)
    fields = ("letter", "subject", "sender")
    out = _version_changes(
        "the letter", {f: getattr(before, f) for f in fields}, {f: getattr(now, f) for f in fields}, versions
    )
    for name, old, new in (("Cc", before.cc, now.cc), ("Bcc", before.bcc, now.bcc)):
        if old != new:
            out.append(f"the {name} copies changed: {', '.join(old) or 'none'} is now {', '.join(new) or 'none'}")
    if before.headers != now.headers:
        out.append("other headers changed (Reply-To, List-Unsubscribe or the letter's language)")
    for tag in sorted({*before.translations, *now.translations}):
        then, later = before.translations.get(tag), now.translations.get(tag)
        if then is None:
            out.append(f"the {tag} translation is sent now, and was not when the campaign began")
        elif later is None:
            out.append(f"the {tag} translation was sent when the campaign began, and is not now")
        else:
            out += _version_changes(f"the {tag} translation", then, later, versions)
            if then.get("headers") != later.get("headers"):
                out.append(f"the {tag} translation's other headers changed (Reply-To, List-Unsubscribe)")
    if before.recipients != now.recipients:
        added = [key for key in now.rows if key not in before.rows]
        removed = [key for key in before.rows if key not in now.rows]
        edited = [key for key in now.rows if key in before.rows and now.rows[key] != before.rows[key]]
        moved = [
            f"{key} ({before.languages.get(key, 'the original')} -> {now.languages.get(key, 'the original')})"
            for key in now.rows
            if key in before.rows and before.languages.get(key) != now.languages.get(key)
        ]
        if added:
            out.append(f"{_count(len(added), 'recipient', 'recipients')} added: {_some(added)}")
        if removed:
            out.append(f"{_count(len(removed), 'recipient', 'recipients')} removed: {_some(removed)}")
        if edited:
            out.append(
                f"{_count(len(edited), 'recipient has', 'recipients have')} a changed address, name or"
                f" placeholder value: {_some(edited)}"
            )
        if moved:
            out.append(f"{_count(len(moved), 'recipient gets', 'recipients get')} another language: {_some(moved)}")
        if not (added or removed or edited or moved):
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
