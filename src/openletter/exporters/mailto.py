"""The ``mailto`` format: RFC 6068 links for "email your representative" buttons.

The output is a text file: first a link addressed to every recipient (the letter's ``to`` and
``cc``), then one link per addressee that has an email address, each on its own line after the
addressee's name. Subject and body (the plain-text letter) are percent-encoded UTF-8, line
breaks as ``%0D%0A``, as RFC 6068 asks.

Mail clients and browsers cap the length of the links they accept, so when the mailto format is
built or checked, this plugin's lint hook warns about every link longer than `SAFE_LENGTH`
characters, the link for all recipients included (even when it names nobody). The subject becomes
a Subject header in the mail client: encoded-word syntax (``=?``) in it is refused, as in the
eml format (see `openletter.mail.headers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from ..errors import LetterError, Problem
from ..exporter import Exporter, Options
from ..hookspecs import hookimpl
from ..mail.headers import subject_problems
from ..model import Letter, OrganisationGroup
from .eml import mailboxes, subject_of

SAFE_LENGTH = 2000
"""Links up to this length open in the common mail clients and browsers (Outlook and older
Windows handlers stop near 2,083 characters; some webmail handlers near 8,000)."""


def _address(mailbox: str) -> str:
    from ..mail.headers import parse_mailboxes

    found = parse_mailboxes(mailbox)
    return found[0][1] if found else mailbox


def link(to: Sequence[str], *, cc: Sequence[str] = (), subject: str = "", body: str = "") -> str:
    """One RFC 6068 ``mailto:`` URI (addresses, then cc, subject and body as query fields)."""
    return _link(to, cc, subject, _encoded_body(body) if body else "")


def _encoded_body(body: str) -> str:
    """The body as a ``body`` field holds it: CRLF line breaks, percent-encoded."""
    return quote(_crlf(body), safe="")


def _crlf(body: str) -> str:
    return body.replace("\r\n", "\n").replace("\n", "\r\n")


_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")
_ENCODED = bytes(b for b in range(256) if b not in _UNRESERVED)
"""The bytes `quote` writes as ``%XX`` (with ``safe=""``): three characters for one."""


def _encoded_length(body: str) -> int:
    """``len(_encoded_body(body))``, counted without writing it."""
    data = _crlf(body).encode("utf-8")
    kept = data.translate(None, _ENCODED)  # the bytes written as they are
    return len(kept) + 3 * (len(data) - len(kept))


def _link(to: Sequence[str], cc: Sequence[str], subject: str, encoded_body: str) -> str:
    head = ",".join(quote(_address(a), safe="@") for a in to)
    fields = [("cc", ",".join(quote(_address(a), safe="@") for a in cc))] if cc else []
    if subject:
        fields.append(("subject", quote(subject, safe="")))
    if encoded_body:
        fields.append(("body", encoded_body))
    query = "&".join(f"{name}={value}" for name, value in fields)
    return f"mailto:{head}" + (f"?{query}" if query else "")


def link_length(to: Sequence[str], *, cc: Sequence[str] = (), subject: str = "", body: str = "") -> int:
    """``len(link(...))``, without building the link: a long letter's link is megabytes."""
    return len(_link(to, cc, subject, "")) + (len("&body=") + _encoded_length(body) if body else 0)


def _recipients(
    letter: Letter, options: Options, body: str | None = None
) -> tuple[str, str, list[tuple[str, list[str], list[str]]]]:
    """The subject, the body (the plain-text letter, unless given), and (label, to, cc) for each
    link: everyone first, then each addressee with an email address. The body, most of every
    link, is written once, and encoded once for the links (and not at all to measure them)."""
    from ..plaintext import letter_to_text
    from ..words import letter_labels

    fields = {key: [address for _, address in found] for key, found in mailboxes(letter, options).items()}
    everyone = letter_labels(letter)["all_recipients"] or "mailto"
    out = [(everyone, fields["to"], fields["cc"])]
    out += [(a.name, [a.email], []) for a in letter.addressees if a.email is not None]
    return subject_of(letter, options), letter_to_text(letter) if body is None else body, out


def links(letter: Letter, options: Options) -> list[tuple[str, str]]:
    """(label, link) pairs: everyone first, then each addressee with an email address."""
    subject, body, recipients = _recipients(letter, options)
    encoded = _encoded_body(body) if body else ""
    return [(label, _link(to, cc, subject, encoded)) for label, to, cc in recipients]


def _link_lengths(letter: Letter, options: Options, body: str | None = None) -> list[tuple[str, int]]:
    """(label, length) of each of `links`, without writing them: a letter with many addressees
    would otherwise hold a copy of its whole text for each. `body`: the plain-text letter, when
    already written."""
    subject, body, recipients = _recipients(letter, options, body)
    tail = len("&body=") + _encoded_length(body) if body else 0
    return [(label, len(_link(to, cc, subject, "")) + tail) for label, to, cc in recipients]


def render(letter: Letter, options: Options) -> str:
    """The links, one per line, each after its label."""
    refused = subject_problems(letter) if "subject" not in options else []
    if refused:
        raise LetterError(refused)
    return "".join(f"{label}:\n{url}\n\n" for label, url in links(letter, options))


@hookimpl
def openletter_exporters() -> Sequence[Exporter]:
    """Provide the ``mailto`` format."""
    from .eml import OPTIONS

    return [
        Exporter(
            name="mailto",
            title="mailto: links (RFC 6068) for email buttons",
            suffix=".mailto.txt",
            media_type="text/plain; charset=utf-8",
            render=render,
            options={k: v for k, v in OPTIONS.items() if k not in ("sender", "reply_to", "bcc")},
        )
    ]


@hookimpl
def openletter_lint(letter: Letter, formats: Sequence[str]) -> Sequence[Problem]:
    """When the mailto format is built: warn about every link too long for common mail clients,
    and refuse encoded-word syntax in the subject."""
    if "mailto" not in formats:
        return []
    problems = subject_problems(letter)
    floor, body = names_length(letter), None
    if floor <= FLOOR_LENGTH:
        from ..plaintext import text_within

        written = text_within(letter, FLOOR_LENGTH)  # (the body's characters are a floor too)
        floor, body = (written, None) if isinstance(written, int) else (floor, written)
    if floor > FLOOR_LENGTH:  # far over: not worth writing the whole letter out to say by how much
        links_ = 1 + sum(a.email is not None for a in letter.addressees)  # (as `links` makes them)
        which = (
            f"the mailto: link is more than {floor:,} characters long"
            if links_ == 1
            else f"all {links_} mailto: links are longer than {SAFE_LENGTH:,} characters (each more than {floor:,})"
        )
        return [*problems, _too_long(letter, which)]
    found = _link_lengths(letter, {}, body)  # (the body written once, for the floor and here)
    long = [(label, length) for label, length in found if length > SAFE_LENGTH]
    if not long:
        return problems
    label, longest = max(long, key=lambda item: item[1])
    if len(found) == 1:
        which = f"the mailto: link is {longest:,} characters long"
    else:
        count = f"all {len(found)}" if len(long) == len(found) else f"{len(long)} of the {len(found)}"
        which = f"{count} mailto: links are longer than {SAFE_LENGTH:,} characters (up to {longest:,}, for {label!r})"
    return [*problems, _too_long(letter, which)]


FLOOR_LENGTH = 100_000
"""Past this many characters of signatories' names (`names_length`), or of the plain-text letter
as far as it is written (`openletter.plaintext.text_within`), the mailto lint says the links are
longer than that rather than writing the whole letter out to measure them."""


def names_length(letter: Letter) -> int:
    """The characters of the signatories' names: a floor under every link's length, since the
    plain-text letter in each link's body prints every name, and encoding only lengthens text."""
    return sum(
        sum(map(len, (o.name for o in group.organisations)))
        if isinstance(group, OrganisationGroup)
        else sum(map(len, (p.name for p in group.people)))
        for group in letter.signatories
    )


def _too_long(letter: Letter, which: str) -> Problem:
    return Problem(
        path=("email",) if letter.email else ("addressees",) if letter.addressees else (),
        severity="warning",
        message=f"{which}; many mail clients and browsers refuse links over {SAFE_LENGTH:,} (Outlook stops near 2,083)",
        expected="a shorter letter for mailto: buttons, or the eml format; -t FORMAT builds or checks "
        "only the formats you use",
    )
