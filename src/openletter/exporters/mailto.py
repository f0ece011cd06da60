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

from collections.abc import Callable, Sequence
from typing import TypeVar
from urllib.parse import quote

from ..errors import LetterError, Problem
from ..exporter import Exporter, Options
from ..hookspecs import hookimpl
from ..mail.headers import subject_problems
from ..model import Letter
from .eml import mailboxes, subject_of

T = TypeVar("T")

SAFE_LENGTH = 2000
"""Links up to this length open in the common mail clients and browsers (Outlook and older
Windows handlers stop near 2,083 characters; some webmail handlers near 8,000)."""


def _address(mailbox: str) -> str:
    from ..mail.headers import parse_mailboxes

    found = parse_mailboxes(mailbox)
    return found[0][1] if found else mailbox


def link(to: Sequence[str], *, cc: Sequence[str] = (), subject: str = "", body: str = "") -> str:
    """One RFC 6068 ``mailto:`` URI (addresses, then cc, subject and body as query fields)."""
    head = ",".join(quote(_address(a), safe="@") for a in to)
    fields = [("cc", ",".join(quote(_address(a), safe="@") for a in cc))] if cc else []
    if subject:
        fields.append(("subject", quote(subject, safe="")))
    if body:
        fields.append(("body", quote(body.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")))
    query = "&".join(f"{name}={value}" for name, value in fields)
    return f"mailto:{head}" + (f"?{query}" if query else "")


_ALWAYS_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")
"""The bytes `urllib.parse.quote` never percent-encodes."""


def _quoted_length(text: str, safe: str = "") -> int:
    """``len(quote(text, safe=safe))``, without building the quoted text (3 characters a byte
    that is encoded, 1 a byte that is not)."""
    data = text.encode("utf-8")
    kept = bytes(_ALWAYS_SAFE | frozenset(safe.encode("ascii")))
    return len(data) + 2 * len(data.translate(None, kept))


def link_length(to: Sequence[str], *, cc: Sequence[str] = (), subject: str = "", body: str = "") -> int:
    """``len(link(...))``, without building the link: a long letter's link is megabytes."""
    head = sum(_quoted_length(_address(a), "@") for a in to) + max(0, len(to) - 1)
    fields = [3 + sum(_quoted_length(_address(a), "@") for a in cc) + len(cc) - 1] if cc else []
    if subject:
        fields.append(8 + _quoted_length(subject))
    if body:
        fields.append(5 + _quoted_length(body.replace("\r\n", "\n").replace("\n", "\r\n")))
    query = sum(fields) + len(fields) - 1 if fields else 0
    return len("mailto:") + head + (1 + query if fields else 0)


def links(letter: Letter, options: Options) -> list[tuple[str, str]]:
    """(label, link) pairs: everyone first, then each addressee with an email address."""
    return _links(letter, options, link)


def _links(letter: Letter, options: Options, make: Callable[..., T]) -> list[tuple[str, T]]:
    """(label, make(addresses, cc=, subject=, body=)) pairs, in the order of `links`."""
    from ..plaintext import letter_to_text
    from ..words import letter_labels

    fields = {key: [address for _, address in found] for key, found in mailboxes(letter, options).items()}
    subject = subject_of(letter, options)
    body = letter_to_text(letter)
    everyone = letter_labels(letter)["all_recipients"] or "mailto"
    out = [(everyone, make(fields["to"], cc=fields["cc"], subject=subject, body=body))]
    for addressee in letter.addressees:
        if addressee.email is not None:
            out.append((addressee.name, make([addressee.email], subject=subject, body=body)))
    return out


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
    found = _links(letter, {}, link_length)
    long = [(label, length) for label, length in found if length > SAFE_LENGTH]
    if not long:
        return problems
    label, longest = max(long, key=lambda item: item[1])
    if len(found) == 1:
        which = f"the mailto: link is {longest:,} characters long"
    else:
        count = f"all {len(found)}" if len(long) == len(found) else f"{len(long)} of the {len(found)}"
        which = f"{count} mailto: links are longer than {SAFE_LENGTH:,} characters (up to {longest:,}, for {label!r})"
    return [
        *problems,
        Problem(
            path=("email",) if letter.email else ("addressees",) if letter.addressees else (),
            severity="warning",
            message=f"{which}; many mail clients and browsers refuse links over {SAFE_LENGTH:,} "
            "(Outlook stops near 2,083)",
            expected="a shorter letter for mailto: buttons, or the eml format; -t FORMAT builds or checks "
            "only the formats you use",
        ),
    ]
