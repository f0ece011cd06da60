"""Personalised messages, fast: render the letter once, then fill in each recipient.

Placeholders are ``[[field]]``, where ``field`` is a column of the recipients file (or
``honorific`` / ``honorific_name``, derived from ``role``). They may stand in any text field of
the letter (`openletter.model.text_fields`): the salutation, the body, the demands, the closing,
the subject... Nothing is evaluated: a
placeholder is replaced by the recipient's text, escaped for HTML in the HTML part, and never read
as Markdown.

Speed: building an ``EmailMessage`` per recipient runs at about 440 messages a second. Here the
plain-text and HTML parts are rendered once with markers in place of the placeholders, cut into
byte chunks, and each message is a join of those chunks with the recipient's values plus a few
headers: thousands of messages a second, in constant memory.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import re
from collections.abc import Iterable, Iterator, Sequence

import attrs

from ..errors import LetterError, OptionError, Problem
from ..model import Letter, mailbox_problem, map_text, text_fields
from .headers import (
    ENCODED_WORD_EXPECTED,
    ENCODED_WORD_PROBLEM,
    Mailbox,
    UnsafeHeaderError,
    address_header,
    encoded_word_problem,
    format_mailbox,
    parse_mailboxes,
    text_header,
    verify,
)
from .outputs import mbox_body, mboxrd_quoted
from .recipients import Recipient

PLACEHOLDER = re.compile(r"\[\[\s*([A-Za-z_][A-Za-z0-9_]*)\s*\]\]")
_MBOX_QUOTED = re.compile(rb">*From ")
"""The start of a line that an mbox quotes ("mboxrd", see `openletter.mail.outputs`)."""


def _letter_digest(letter: Letter) -> str:
    """The SHA-256 of everything in the letter (its repr leaves the logo's image out: added here).

    Marker prefixes and MIME boundaries are cut from it: derived from the letter itself, no text
    of the letter can contain them (text written to look like a marker, "OLMERGE7X", stays text).
    """
    image = letter.logo.data if letter.logo is not None else b""
    return hashlib.sha256(repr(letter).encode() + image).hexdigest()


_MAX_LINE = 998


def placeholders(letter: Letter) -> list[str]:
    """Every placeholder field the letter uses, in order of first use."""
    found: dict[str, None] = {}
    for _, text, _ in text_fields(letter):
        for name in PLACEHOLDER.findall(text):
            found.setdefault(name, None)
    return list(found)


def check_fields(letter: Letter, columns: Iterable[str], file: str, *, what: str = "the letter") -> None:
    """Refuse placeholders that no recipient column (or derived field) can fill; `what` names the
    letter in the message (``the km translation``)."""
    known = {*columns, "honorific", "honorific_name"}
    missing = [name for name in placeholders(letter) if name not in known]
    if missing:
        raise LetterError(
            [
                Problem(
                    file=file,
                    line=1,
                    path=("recipients",),
                    message=f"{what} uses [[{missing[0]}]], but the recipients file has no such column",
                    expected="a column for every placeholder: " + ", ".join(sorted(known)),
                )
            ]
        )


def _marked(letter: Letter, names: list[str], prefix: str) -> Letter:
    def marks(text: str) -> str:
        return PLACEHOLDER.sub(lambda m: f"{prefix}{names.index(m.group(1))}X", text)

    return map_text(letter, marks)


def _chunks(text: str, prefix: str) -> list[str | int]:
    """Split rendered text into literal pieces and field indexes."""
    out: list[str | int] = []
    position = 0
    for match in re.finditer(re.escape(prefix) + r"(\d+)X", text):
        out.append(text[position : match.start()])
        out.append(int(match.group(1)))
        position = match.end()
    out.append(text[position:])
    return out


def _line(name: str, value: str) -> bytes:
    return f"{name}: {value}\r\n".encode()


def checked_copies(label: str, addresses: Iterable[str]) -> tuple[str, ...]:
    """The copy addresses, each checked to be one mailbox on one line (else `OptionError`)."""
    out = []
    for address in addresses:
        problem = mailbox_problem(address)
        if problem is not None:
            raise OptionError(f"{label}: {problem} (expected an address like name@example.org)")
        out.append(address)
    return tuple(out)


def _distinct(mailboxes: Iterable[str], skip: Iterable[str] = ()) -> tuple[str, ...]:
    """The mailboxes, each address once (the first time), leaving out those in `skip`."""
    from .campaign import address_key

    seen = {address_key(m) for m in skip}
    out = []
    for mailbox in mailboxes:
        if (key := address_key(mailbox)) not in seen:
            seen.add(key)
            out.append(mailbox)
    return tuple(out)


def letter_cc(letter: Letter) -> list[str]:
    """The letter's own copies: its ``cc`` addressees that have an email, then ``email.cc``."""
    from ..exporters.eml import envelope

    return envelope(letter, {})["cc"]


def needs_smtputf8(message: bytes) -> bool:
    """Whether the message's headers hold raw UTF-8 (a non-ASCII address)."""
    return not message.split(b"\r\n\r\n", 1)[0].isascii()


@attrs.define
class Factory:
    """Makes one personalised message (bytes, CRLF) per recipient.

    A message goes to its recipient (To), plus only the copies asked for: `cc` (a Cc header on
    every message) and `bcc` (envelope only, never a header). The letter's own To, Cc and Bcc
    are those of the one open-letter message (the ``eml`` format), not of each merged one.
    """

    letter: Letter
    names: list[str]
    sender: str
    text: list[str | int]
    html: list[str | int]
    subject: list[str | int]
    static: bytes
    """The headers every message has (From, Date, MIME-Version...), already checked."""
    boundary: str
    domain: str
    logo: bytes = b""
    """The logo's MIME part (headers and base64 body), when the letter has a logo."""
    cc: tuple[str, ...] = ()
    """Mailboxes copied on every message, in its Cc header and its envelope."""
    bcc: tuple[str, ...] = ()
    """Mailboxes blind-copied on every message: in its envelope only."""
    longest: tuple[int, int] = (0, 0)
    """The longest line (in octets) of the text and HTML parts' fixed pieces."""
    _layouts: dict[bytes, _Layout] = attrs.field(init=False, factory=dict, repr=False, eq=False)
    """The fixed bytes of every message, by line end (made once each)."""
    _uses: tuple[tuple[int, ...], tuple[int, ...]] = attrs.field(init=False, default=((), ()), repr=False, eq=False)
    """The placeholders of the text and HTML parts, once per appearance."""

    def __attrs_post_init__(self) -> None:
        def longest(chunks: list[str | int]) -> int:
            pieces = "".join(p if isinstance(p, str) else "" for p in chunks).encode("utf-8").split(b"\r\n")
            return max(map(len, pieces), default=0)

        self.longest = (longest(self.text), longest(self.html))
        self._uses = (
            tuple(p for p in self.text if isinstance(p, int)),
            tuple(p for p in self.html if isinstance(p, int)),
        )

    @classmethod
    def for_letter(
        cls, letter: Letter, options: dict[str, str], *, cc: Sequence[str] = (), bcc: Sequence[str] = ()
    ) -> Factory:
        """The factory for `letter`; `options` may replace its ``sender`` and ``subject``.

        Each message goes to its recipient and to the `cc` and `bcc` mailboxes, nobody else.
        """
        from ..exporters.eml import (
            campaign_headers,
            content_languages,
            date_header,
            html_part,
            logo_cid,
            mailboxes,
            message_id_domain,
            refuse_unsafe_fields,
            subject_of,
        )
        from ..plaintext import letter_to_text
        from ..public import public_letter

        letter = public_letter(letter)  # as every format: no signature record, no contact data
        refuse_unsafe_fields(letter, options)
        fields = mailboxes(letter, options)
        if not fields["sender"]:
            raise OptionError("mail merge needs a sender: set email.sender in the letter, or --from")
        names = placeholders(letter)
        digest = _letter_digest(letter)
        prefix = "OLMERGE" + digest[:12].upper() + "N"
        marked = _marked(letter, names, prefix)
        sender = format_mailbox(fields["sender"][0])
        cc = _distinct(checked_copies("cc", cc))
        bcc = _distinct(checked_copies("bcc", bcc), skip=cc)  # a Cc copy needs no blind one too
        copies = [mailbox for text in cc for mailbox in parse_mailboxes(text) or ()]
        headers: list[tuple[str, str, str | Sequence[Mailbox] | None]] = [
            ("From", address_header("From", fields["sender"][:1]), fields["sender"][:1])
        ]
        if copies:
            headers.append(("Cc", address_header("Cc", copies), copies))
        if fields["reply_to"]:  # where replies go: not a recipient
            headers.append(("Reply-To", address_header("Reply-To", fields["reply_to"]), fields["reply_to"]))
        date = date_header(letter.date or dt.datetime.now(tz=dt.UTC).date())
        headers.append(("Date", date, date))
        headers += [(name, value, value) for name, value in campaign_headers(letter)]
        languages = content_languages(letter)  # as the eml format writes it: every language of the letter
        headers.append(("Content-Language", languages, languages))
        headers.append(("MIME-Version", "1.0", "1.0"))
        boundary = f"=_openletter_{digest[:24]}"
        headers.append(("Content-Type", f'multipart/alternative;\r\n boundary="{boundary}"', None))
        static = b"".join(_line(name, value) for name, value, _ in headers)
        verify(static, [(name, meant) for name, _, meant in headers])
        domain = message_id_domain(sender)
        cid = logo_cid(letter, domain)
        return cls(
            letter=letter,
            names=names,
            sender=sender,
            text=_chunks(letter_to_text(marked).replace("\n", "\r\n"), prefix),
            html=_chunks(html_part(marked, cid).replace("\r\n", "\n").replace("\n", "\r\n"), prefix),
            subject=_chunks(subject_of(marked, options), prefix),
            static=static,
            boundary=boundary,
            domain=domain,
            logo=b"" if cid is None else _logo_part(letter, cid),
            cc=cc,
            bcc=bcc,
        )

    @property
    def personalised(self) -> bool:
        """Whether the messages differ by more than their headers."""
        return bool(self.names)

    def message_id(self, recipient: Recipient) -> str:
        """The recipient's Message-ID: the same letter and address always give the same one."""
        key = hashlib.sha256(f"{self.boundary}\0{recipient.email}".encode()).hexdigest()[:32]
        return f"<{key}@{self.domain}>"

    def envelope(self, recipient: Recipient) -> list[str]:
        """Every address the recipient's message is delivered to (SMTP ``RCPT TO``), each once:
        the recipient first, then the Cc copies, then the Bcc copies."""
        from email.utils import getaddresses

        from .campaign import address_key

        out = [recipient.email]
        seen = {address_key(recipient.email)}
        for _, address in getaddresses([*self.cc, *self.bcc]):
            key = address_key(address)
            if key not in seen:
                seen.add(key)
                out.append(address)
        return out

    def subject_for(self, recipient: Recipient) -> str:
        """The recipient's subject, placeholders filled in."""
        fields = recipient.fields
        return "".join(p if isinstance(p, str) else fields.get(self.names[p], "") for p in self.subject).strip()

    def problem(self, recipient: Recipient) -> str | None:
        """Why no message can be made for `recipient`, or None.

        Each cell was checked when the file was read; here, what the cells make together: a
        subject such as "[[a]][[b]]" can hold ``=?`` that no single cell holds.
        """
        if encoded_word_problem(self.subject_for(recipient)):
            return f"the subject for this row {ENCODED_WORD_PROBLEM}"
        return None

    def check(self, recipients: Iterable[Recipient], file: str) -> int:
        """Check every recipient before anything is written; return how many there are.

        Raise `LetterError` at the first row no message can be made for (FILE:LINE).
        """
        count = 0
        for recipient in recipients:
            problem = self.problem(recipient)
            if problem is not None:
                raise LetterError(
                    [
                        Problem(
                            file=file,
                            line=recipient.line,
                            path=("recipients",),
                            message=f"row {recipient.line}: {problem}",
                            expected=ENCODED_WORD_EXPECTED,
                        )
                    ]
                )
            count += 1
        return count

    def headers_for(self, recipient: Recipient) -> bytes:
        """The recipient's To, Subject and Message-ID headers, checked (`UnsafeHeaderError`).

        They follow the static headers, themselves checked once: each block ends with CRLF and the
        next starts with a header name, so the message's header block is the two blocks together.
        """
        problem = self.problem(recipient)
        if problem is not None:
            raise UnsafeHeaderError(f"row {recipient.line}: {problem}")
        to = [(recipient.fields.get("name") or "", recipient.email)]
        subject = self.subject_for(recipient)
        message_id = self.message_id(recipient)
        block = (
            _line("To", address_header("To", to))
            + _line("Subject", text_header("Subject", subject))
            + _line("Message-ID", message_id)
        )
        verify(block, [("To", to), ("Subject", subject), ("Message-ID", None)])  # the ID: hex digits, checked domain
        return block

    def layout(self, newline: bytes = b"\r\n") -> _Layout:
        """The fixed bytes of every message with line ends `newline` (CRLF, or LF as an mbox
        stores a message), encoded once."""
        found = self._layouts.get(newline)
        if found is None:
            found = self._layouts[newline] = _Layout.of(self, newline)
        return found

    def make(self, recipient: Recipient, *, mbox: bool = False) -> bytes:
        """The message for one recipient, as it goes on the wire (CRLF line ends); with `mbox`,
        as an mbox stores it: `openletter.mail.outputs.mbox_body` of the wire message (LF line
        ends, "mboxrd" quoting), made at once rather than copied."""
        values = [recipient.fields.get(name, "").encode("utf-8") for name in self.names]
        escaped = [html.escape(recipient.fields.get(name, "")).encode("utf-8") for name in self.names]
        # Values hold no line breaks, so a line grows by at most their total length: scan the
        # parts for long lines only when that bound could pass 998 octets.
        scan_text = self.longest[0] + sum(len(values[p]) for p in self._uses[0]) > _MAX_LINE
        scan_html = self.longest[1] + sum(len(escaped[p]) for p in self._uses[1]) > _MAX_LINE
        if (scan_text or scan_html) and mbox:  # a part may need base64 of its CRLF form
            return mbox_body(self.make(recipient))
        fixed = self.layout(b"\n" if mbox else b"\r\n")
        head = self.headers_for(recipient)
        text = b"".join(p if isinstance(p, bytes) else values[p] for p in fixed.text)
        page = b"".join(p if isinstance(p, bytes) else escaped[p] for p in fixed.html)
        if scan_text or scan_html:
            return b"".join(
                (
                    fixed.static,
                    head,
                    fixed.separator,
                    _part(b"text/plain", text, scan=scan_text),
                    fixed.separator,
                    fixed.related_start,
                    _part(b"text/html", page, scan=scan_html),
                    fixed.related_end,
                    fixed.end,
                )
            )
        if mbox:
            head = head.replace(b"\r\n", b"\n")
        message = b"".join(
            (
                fixed.static,
                head,
                fixed.separator,
                fixed.text_head,
                text,
                fixed.separator,
                fixed.related_start,
                fixed.html_head,
                page,
                fixed.related_end,
                fixed.end,
            )
        )
        if mbox and fixed.quoting(head, values + escaped):
            return mboxrd_quoted(message)
        return message

    def messages(self, recipients: Iterable[Recipient], *, mbox: bool = False) -> Iterator[tuple[Recipient, bytes]]:
        """Each recipient with their message (as an mbox stores it, with `mbox`: see `make`),
        one at a time."""
        for recipient in recipients:
            yield recipient, self.make(recipient, mbox=mbox)


@attrs.frozen
class _Layout:
    """What every message of a `Factory` shares, as bytes with one kind of line end: a message
    is these pieces joined with the recipient's headers and values (see `Factory.make`).

    Each piece is the CRLF form with every CRLF made `newline`; no CRLF spans two pieces (values
    hold no line break, and every LF of a piece follows a CR of the same piece), so the joined
    message is the CRLF message with every CRLF made `newline`.
    """

    static: bytes
    text: tuple[bytes | int, ...]
    html: tuple[bytes | int, ...]
    separator: bytes
    text_head: bytes
    html_head: bytes
    related_start: bytes
    related_end: bytes
    end: bytes
    quoted: bool = False
    """Whether a line without placeholders starts with ``>*From `` (see `quoting`)."""
    lines: tuple[tuple[bytes | int, ...], ...] = ()
    """The lines that hold a placeholder: fixed bytes, and indexes into the text part's values
    followed by the HTML part's (see `quoting`)."""

    def quoting(self, head: bytes, values: Sequence[bytes]) -> bool:
        """Whether the message of these LF headers and values has a line that starts with
        ``>*From ``, which an mbox quotes: only the lines that hold a value are looked at (values
        hold no line break), and the headers (a few short lines), not the whole message."""
        if self.quoted or head.startswith((b">", b"From ")) or b"\n>" in head or b"\nFrom " in head:
            return True
        return any(
            _MBOX_QUOTED.match(b"".join(p if isinstance(p, bytes) else values[p] for p in line)) for line in self.lines
        )

    @classmethod
    def of(cls, factory: Factory, newline: bytes) -> _Layout:
        def line_ends(data: bytes) -> bytes:
            return data if newline == b"\r\n" else data.replace(b"\r\n", newline)

        def pieces(chunks: list[str | int]) -> tuple[bytes | int, ...]:
            return tuple(line_ends(p.encode("utf-8")) if isinstance(p, str) else p for p in chunks)

        b = factory.boundary.encode("ascii")
        start = end = b""
        if factory.logo:  # multipart/related [text/html, the image], as the eml format writes it
            r = b"=_openletter_related_" + b[len("=_openletter_") :]
            start = b'Content-Type: multipart/related; type="text/html";\r\n boundary="' + r + b'"\r\n'
            start += b"\r\n--" + r + b"\r\n"
            end = b"\r\n--" + r + b"\r\n" + factory.logo + b"\r\n--" + r + b"--"
        fixed = cls(
            static=line_ends(factory.static),
            text=pieces(factory.text),
            html=pieces(factory.html),
            separator=line_ends(b"\r\n--" + b + b"\r\n"),
            text_head=line_ends(_part(b"text/plain", b"")),
            html_head=line_ends(_part(b"text/html", b"")),
            related_start=line_ends(start),
            related_end=line_ends(end),
            end=line_ends(b"\r\n--" + b + b"--\r\n"),
        )
        if newline != b"\n":
            return fixed
        # The body's lines, the headers' aside: the static block and the headers each end a line.
        offset = len(factory.names)  # the HTML part's values follow the text part's
        html = tuple(p + offset if isinstance(p, int) else p for p in fixed.html)
        body = (fixed.separator, fixed.text_head, *fixed.text, fixed.separator, fixed.related_start, fixed.html_head)
        lines: list[list[bytes | int]] = [[piece] for piece in fixed.static.split(b"\n")]
        lines.append([])
        for piece in (*body, *html, fixed.related_end, fixed.end):
            if isinstance(piece, int):
                lines[-1].append(piece)
                continue
            first, *rest = piece.split(b"\n")
            lines[-1].append(first)
            lines += [[part] for part in rest]
        held = tuple(tuple(line) for line in lines if any(isinstance(p, int) for p in line))
        alone = [b"".join(p for p in line if isinstance(p, bytes)) for line in lines if tuple(line) not in held]
        return attrs.evolve(fixed, quoted=any(_MBOX_QUOTED.match(line) for line in alone), lines=held)


def _logo_part(letter: Letter, cid: str) -> bytes:
    """The logo's MIME part: headers and base64 body, CRLF, without a final line break."""
    from email.message import MIMEPart
    from email.policy import SMTP

    from ..exporters.eml import logo_filename

    assert letter.logo is not None
    part = MIMEPart(policy=SMTP)
    maintype, _, subtype = letter.logo.media_type.partition("/")
    part.set_content(
        letter.logo.data,
        maintype=maintype,
        subtype=subtype,
        cid=f"<{cid}>",
        disposition="inline",
        filename=logo_filename(letter),
    )
    return part.as_bytes().rstrip(b"\r\n")


def _part(content_type: bytes, body: bytes, *, scan: bool = True) -> bytes:
    """A MIME part: 8bit when every line fits in 998 octets, base64 otherwise."""
    if not scan or max(map(len, body.split(b"\r\n")), default=0) <= _MAX_LINE:
        return b"Content-Type: " + content_type + b'; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n' + body
    encoded = base64.encodebytes(body).replace(b"\n", b"\r\n")
    return (
        b"Content-Type: " + content_type + b'; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n' + encoded
    )
