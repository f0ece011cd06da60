"""The ``eml`` format: the letter as one ready-to-send email (RFC 5322 / MIME).

The message is ``multipart/alternative``: a plain-text part first (wrapped at 72 columns, demands
numbered, links and notes as numbered references, signatories listed; see `openletter.plaintext`)
and the HTML page second, with its CSS inlined by css-inline for mail clients. A letter with a logo
puts the HTML page and the image together in a ``multipart/related`` part (RFC 2387), the page
referring to the image by its Content-ID, so that mail clients show it without fetching anything.
Headers: From, To,
Cc, Bcc, Reply-To, Subject, Date (the letter's date), Message-ID (derived from the content, so
the same letter gives the same bytes), MIME-Version, Content-Language and, for campaigns,
List-Unsubscribe (with List-Unsubscribe-Post for one-click https links, RFC 8058).

The address headers and the subject are written by `openletter.mail.headers` (display names
quoted or RFC 2047-encoded so that folding cannot change them; encoded-word syntax in any field
is refused), and the header block is parsed back and checked before the message is returned.
When an address itself is not ASCII the message is written for SMTPUTF8 (RFC 6532). Lines are
CRLF-terminated and within 998 octets (Python's ``email`` package chooses quoted-printable or
base64 for the parts as needed).

With no recipient at all, the message is a draft: it carries ``X-Unsent: 1``, which Outlook and
Apple Mail (and Thunderbird, with an extension) read as "open this ready to edit and send".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ..errors import LetterError, OptionError, Problem
from ..exporter import Exporter, Options
from ..hookspecs import hookimpl
from ..mail.headers import (
    ENCODED_WORD_EXPECTED,
    ENCODED_WORD_PROBLEM,
    Expected,
    Mailbox,
    address_header,
    encoded_word_problem,
    format_mailbox,
    parse_mailboxes,
    sender_display_default,
    subject_field,
    text_header,
    verify,
)
from ..mail.headers import problems as header_problems
from ..model import Letter, line_problem, mailbox_problem

if TYPE_CHECKING:
    from email.message import EmailMessage
    from email.policy import EmailPolicy

LIST_OPTIONS = ("to", "cc", "bcc")
OPTIONS: Mapping[str, str] = {
    "sender": "the From address, replacing email.sender",
    "reply_to": "the Reply-To address, replacing email.reply_to",
    "subject": "the subject, replacing email.subject",
    "to": "comma-separated To addresses, replacing the letter's",
    "cc": "comma-separated Cc addresses, replacing the letter's",
    "bcc": "comma-separated Bcc addresses, replacing the letter's",
}


def _checked(name: str, value: str) -> Mailbox:
    problem = mailbox_problem(value)  # encoded-word syntax included
    if problem is not None:
        raise OptionError(f"eml.{name}: {problem} (expected an address like name@example.org)")
    (mailbox,) = parse_mailboxes(value) or [("", "")]
    return mailbox


def _split(name: str, value: str) -> list[Mailbox]:
    if any(c in value for c in "\r\n\x00"):
        raise OptionError(f"eml.{name}: addresses are one line (no CR, LF or NUL)")
    if encoded_word_problem(value):
        raise OptionError(f"eml.{name}: {ENCODED_WORD_PROBLEM} (expected {ENCODED_WORD_EXPECTED})")
    mailboxes = parse_mailboxes(value) if value.strip() else []
    if mailboxes is None:
        raise OptionError(
            f"eml.{name}: {value!r} is not a list of addresses (expected a@example.org, B <b@example.org>)"
        )
    return [_checked(name, format_mailbox(m)) for m in mailboxes]


def mailboxes(letter: Letter, options: Options) -> dict[str, list[Mailbox]]:
    """Sender and recipients as (display name, address) pairs: the letter's email settings and
    addressees, then the options."""
    settings = letter.email

    def parsed(texts: Sequence[str]) -> list[Mailbox]:
        return [m for text in texts for m in parse_mailboxes(text) or ()]  # validated by the model

    fields: dict[str, list[Mailbox]] = {
        "sender": parsed([settings.sender] if settings else []),
        "reply_to": parsed([settings.reply_to] if settings and settings.reply_to else []),
        "to": [(a.name, a.email) for a in letter.recipients if a.email] + parsed(settings.to if settings else ()),
        "cc": [(a.name, a.email) for a in letter.copied if a.email] + parsed(settings.cc if settings else ()),
        "bcc": parsed(settings.bcc if settings else ()),
    }
    default = sender_display_default(letter)
    if default is not None and fields["sender"]:  # a bare address: the letter's sender names it
        fields["sender"] = [(default, fields["sender"][0][1])]
    for name in ("sender", "reply_to"):
        if name in options:
            fields[name] = [_checked(name, options[name])]
    for name in LIST_OPTIONS:
        if name in options:
            fields[name] = _split(name, options[name])
    return fields


def envelope(letter: Letter, options: Options) -> dict[str, list[str]]:
    """Sender and recipients, each mailbox on one line (``"Smith, Jo" <jo@example.org>``)."""
    return {key: [format_mailbox(m) for m in found] for key, found in mailboxes(letter, options).items()}


def subject_of(letter: Letter, options: Options) -> str:
    """The subject: the option, the email settings', the letter's subject line, or its title."""
    if "subject" in options:
        problem = line_problem(options["subject"]) or encoded_word_problem(options["subject"])
        if problem is not None:
            raise OptionError(f"eml.subject: the subject {problem} (expected one line of text without '=?')")
        return options["subject"]
    return subject_field(letter)[1]


def refuse_unsafe_fields(letter: Letter, options: Options) -> None:
    """Raise `LetterError` when a field that reaches a header holds encoded-word syntax (the
    letter's subject or title only when no option replaces it)."""
    replaced = subject_field(letter)[0] if "subject" in options else None
    found = [problem for problem in header_problems(letter) if problem.path != replaced]
    if found:
        raise LetterError(found)


def _policy(addresses: Sequence[str]) -> EmailPolicy[EmailMessage]:
    """SMTPUTF8 (UTF-8 headers, RFC 6532) only when an address itself is not ASCII.

    Headers written by `openletter.mail.headers` are never refolded by the email package.
    """
    from email.policy import SMTP, SMTPUTF8

    policy = SMTPUTF8 if any(not a.isascii() for a in addresses) else SMTP
    return policy.clone(refold_source="none")


def html_part(letter: Letter, logo_cid: str | None = None) -> str:
    """The HTML page for email, CSS inlined by css-inline (in bounded memory: see
    `openletter.mail.inline`); the logo referred to by `logo_cid`."""
    from urllib.parse import quote

    from ..mail.inline import inline
    from .html import RUN_MARKER, render_page

    # RFC 2392: a cid: URL is the Content-ID with URL-unsafe characters %-encoded.
    src = None if logo_cid is None else "cid:" + quote(logo_cid, safe="@.-_~!$&'()*+,;=:")
    held: list[str] = []  # long signatory lists, inlined run by run (see openletter.mail.inline)
    page = render_page(letter, {}, email=True, logo_src=src, held=held)
    return inline(page, held, RUN_MARKER)


def logo_cid(letter: Letter, domain: str) -> str | None:
    """The Content-ID of the logo's MIME part (without angle brackets), from the image's bytes."""
    import hashlib

    if letter.logo is None:
        return None
    return f"logo.{hashlib.sha256(letter.logo.data).hexdigest()[:24]}@{domain}"


def logo_filename(letter: Letter) -> str:
    """The image part's file name (Content-Disposition): ``logo.png``, ``logo.jpg`` or ``logo.gif``.

    Never the name the letter gives: the email package would decode an RFC 2047 encoded word in
    it (``=?utf-8?q?=0D=0A?=``) into a line break inside the header.
    """
    assert letter.logo is not None
    return "logo." + letter.logo.media_type.partition("/")[2].replace("jpeg", "jpg")


def date_header(date: dt.date) -> str:
    """The Date header for a letter dated by day: that day at 00:00 UTC."""
    from email.utils import format_datetime

    return format_datetime(dt.datetime.combine(date, dt.time(0), tzinfo=dt.UTC))


_ASCII_PRINTABLE = "".join(map(chr, range(0x21, 0x7F)))


def campaign_headers(letter: Letter) -> list[tuple[str, str]]:
    """List-Unsubscribe, and List-Unsubscribe-Post for one-click https links (RFC 8058).

    The link is written as it is, on one line, as a URI: other than ASCII characters are
    percent-encoded in UTF-8 (RFC 3987, RFC 6068), never made into encoded words.
    """
    from urllib.parse import quote

    link = letter.email.list_unsubscribe if letter.email is not None else None
    if link is None:
        return []
    headers = [("List-Unsubscribe", f"<{quote(link, safe=_ASCII_PRINTABLE)}>")]
    if link.startswith("https://"):
        headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    return headers


def message_id_domain(sender: str | None) -> str:
    """The domain for Message-IDs: the sender's, in ASCII (IDNA), or ``openletter.invalid``."""
    found = parse_mailboxes(sender) if sender else None
    domain = found[0][1].rpartition("@")[2] if found else ""
    try:
        return domain.encode("idna").decode("ascii") if domain else "openletter.invalid"
    except UnicodeError:
        return "openletter.invalid"


def compose(letter: Letter, options: Options) -> EmailMessage:
    """Build the message (pure: the same letter and options give the same message)."""
    return _compose(letter, options)[0]


def _compose(letter: Letter, options: Options) -> tuple[EmailMessage, Expected]:
    """The message, and its headers as meant (for `openletter.mail.headers.verify`)."""
    import hashlib
    from email.message import EmailMessage

    from ..plaintext import letter_to_text

    refuse_unsafe_fields(letter, options)
    boxes = mailboxes(letter, options)
    subject = subject_of(letter, options)
    everyone = [format_mailbox(m) for key in ("sender", "reply_to", "to", "cc", "bcc") for m in boxes[key]]
    message = EmailMessage(policy=_policy([a for key in boxes for _, a in boxes[key]]))
    expected: list[tuple[str, str | Sequence[Mailbox] | None]] = []

    def put(name: str, value: str, meant: str | Sequence[Mailbox] | None) -> None:
        message.set_raw(name, value)  # written as it is: never refolded (see _policy)
        expected.append((name, meant))

    if boxes["sender"]:
        put("From", address_header("From", boxes["sender"][:1]), boxes["sender"][:1])
    for header, key in (("To", "to"), ("Cc", "cc"), ("Bcc", "bcc"), ("Reply-To", "reply_to")):
        if boxes[key]:
            put(header, address_header(header, boxes[key]), boxes[key])
    put("Subject", text_header("Subject", subject), subject)
    if letter.date is not None:
        put("Date", date_header(letter.date), date_header(letter.date))
    for name, value in campaign_headers(letter):
        put(name, value, value)
    if not (boxes["to"] or boxes["cc"] or boxes["bcc"]):
        put("X-Unsent", "1", "1")
    text = letter_to_text(letter)
    domain = message_id_domain(everyone[0] if boxes["sender"] else None)
    cid = logo_cid(letter, domain)  # derived from the image, which is in no other part of the digest
    parts = [subject, *everyone, text, *([cid] if cid is not None else [])]
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
    put("Message-ID", f"<{digest}@{domain}>", f"<{digest}@{domain}>")
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html_part(letter, cid), subtype="html", charset="utf-8")
    if letter.logo is not None and cid is not None:
        # multipart/alternative [text/plain, multipart/related [text/html, the image]] (RFC 2387)
        page = list(message.iter_parts())[1]
        assert isinstance(page, EmailMessage)
        maintype, _, subtype = letter.logo.media_type.partition("/")
        page.add_related(
            letter.logo.data,
            maintype=maintype,
            subtype=subtype,
            cid=f"<{cid}>",
            disposition="inline",
            filename=logo_filename(letter),
        )
        page.set_boundary(f"=_openletter_related_{digest}")
        page.set_param("type", "text/html")  # RFC 2387: the root part's type
    languages = content_languages(letter)
    message["Content-Language"] = languages  # after set_content, which clears Content-*
    message.set_boundary(f"=_openletter_{digest}")  # fixed, so the same letter gives the same bytes
    expected += [("MIME-Version", None), ("Content-Type", None), ("Content-Language", languages)]
    return message, expected


def content_languages(letter: Letter) -> str:
    """The Content-Language header (RFC 3282): the letter's language first, then every other
    language a part of it is written in (``it, en`` for an Italian letter with an English block)."""
    import attrs

    found = [letter.language]

    def walk(value: object) -> None:
        if isinstance(value, tuple):
            for item in value:
                walk(item)
        elif attrs.has(type(value)):
            for field in attrs.fields(type(value)):  # type: ignore[arg-type]
                item = getattr(value, field.name)
                if field.name == "lang" and isinstance(item, str):
                    found.append(item)
                elif not isinstance(item, str | bytes):
                    walk(item)

    walk(letter)
    found += [v for v in attrs.asdict(letter.field_lang).values() if v]
    return ", ".join(dict.fromkeys(found))


def render(letter: Letter, options: Options) -> bytes:
    """The message as bytes, CRLF line ends; its headers checked before they are returned."""
    message, expected = _compose(letter, options)
    data = message.as_bytes()
    verify(data.split(b"\r\n\r\n", 1)[0] + b"\r\n", expected)
    return data


@hookimpl
def openletter_exporters() -> Sequence[Exporter]:
    """Provide the ``eml`` format."""
    return [
        Exporter(
            name="eml",
            title="Email message (RFC 5322, plain text and HTML)",
            suffix=".eml",
            media_type="message/rfc822",
            render=render,
            options=OPTIONS,
        )
    ]


SUBJECT_LENGTH = 78
"""Subjects longer than this are cut short by most mail clients' message lists."""

LOGO_BYTES = 100 * 1024
"""A logo larger than this makes every message heavy (and base64 adds a third on the wire)."""

VISIBLE_RECIPIENTS = 10
"""More To/Cc recipients than this in one message exposes a list of addresses to everyone on it."""


@hookimpl
def openletter_lint(letter: Letter, formats: Sequence[str]) -> Sequence[Problem]:
    """When the eml format is built: refuse encoded-word syntax in any field that reaches a header
    (see `openletter.mail.headers`); warn about a long subject, large To/Cc lists that expose
    everyone's address, a heavy logo."""
    if "eml" not in formats:
        return []
    problems: list[Problem] = header_problems(letter)
    if letter.logo is not None and len(letter.logo.data) > LOGO_BYTES:
        problems.append(
            Problem(
                path=("logo", "file"),
                severity="warning",
                message=f"the logo is {len(letter.logo.data) // 1024} KiB, and every email carries a copy",
                expected=f"a logo of at most {LOGO_BYTES // 1024} KiB (a PNG of 300 pixels or so is plenty)",
            )
        )
    subject = subject_of(letter, {})
    if letter.email is not None and len(subject) > SUBJECT_LENGTH:
        problems.append(
            Problem(
                path=("email", "subject") if letter.email.subject else ("title",),
                severity="warning",
                message=f"the email subject is {len(subject)} characters; mail clients show about {SUBJECT_LENGTH}",
                expected=f"a subject of at most {SUBJECT_LENGTH} characters (set email.subject)",
            )
        )
    visible = len([a for a in letter.addressees if a.email]) + (
        len(letter.email.to) + len(letter.email.cc) if letter.email else 0
    )
    if visible > VISIBLE_RECIPIENTS:
        problems.append(
            Problem(
                path=("email",) if letter.email else ("addressees",),
                severity="warning",
                message=f"{visible} recipients are in To/Cc: each one sees every other address",
                expected="bcc for a list of recipients, or one message each with openletter mail",
            )
        )
    return problems
