"""The letter model: frozen, slotted attrs classes with validators, and no I/O.

Every text field is one of two kinds:

* a **line** (names, titles, headings...): one line of text, not empty, no control characters,
  no leading or trailing whitespace;
* **Markdown** (section text, demands, references, descriptions...): CommonMark text with
  ``\\n`` line ends, not starting with a blank line, not ending in whitespace.

Collections are tuples, so a `Letter` is hashable and immutable all the way down. Validators raise
`openletter.errors.FieldError` naming the field, which the converter reports with its full path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import attrs

from .errors import FieldError

__all__ = [
    "Addressee",
    "AddresseeKind",
    "Demand",
    "DemandStatus",
    "EmailSettings",
    "Letter",
    "Logo",
    "Organisation",
    "OrganisationGroup",
    "Person",
    "PersonGroup",
    "Reference",
    "Section",
    "SignatoryGroup",
]

AddresseeKind = Literal["to", "cc"]
DemandStatus = Literal["open", "met", "partly-met", "not-met", "withdrawn"]

ADDRESSEE_KINDS: tuple[str, ...] = ("to", "cc")
DEMAND_STATUSES: tuple[str, ...] = ("open", "met", "partly-met", "not-met", "withdrawn")

# C0/C1 controls, line/paragraph separators and lone surrogates never belong in letter text.
# Also Unicode noncharacters (U+FDD0..FDEF, U+xFFFE/xFFFF), which HTML forbids.
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17)
)
_BAD_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{_NONCHARACTERS}]")
_BAD_IN_BLOCK = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{_NONCHARACTERS}]")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"\\?&=%#/]+@[^\s@<>()\[\],;:\"\\?&=%#/]+\.[^\s@<>()\[\],;:\"\\?&=%#/]+\Z")
# RFC 5646 "langtag" syntax (private-use and grandfathered tags aside, which letters do not need).
_BCP47 = re.compile(
    r"""
    [A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}                     # language (+ extlang)
    (?:-[A-Za-z]{4})?                                      # script
    (?:-(?:[A-Za-z]{2}|[0-9]{3}))?                         # region
    (?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*         # variants
    (?:-[0-9A-WYZa-wyz](?:-[A-Za-z0-9]{2,8})+)*            # extensions
    (?:-[xX](?:-[A-Za-z0-9]{1,8})+)?                       # private use
    \Z""",
    re.VERBOSE,
)

# Characters RFC 3986 never allows in a URL (they must be percent-encoded), and any space.
_BAD_IN_URL = re.compile(r'[\s"<>\\^`{|}\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]')

T = TypeVar("T")
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if value is None:
        return "nothing (null)"
    return f"a {type(value).__name__}"


def line_problem(value: object) -> str | None:
    """Why `value` is not a valid one-line text field, or None when it is."""
    if not isinstance(value, str):
        return f"got {_describe(value)}"
    if not value.strip():
        return "is empty"
    bad = _BAD_IN_LINE.search(value)
    if bad:
        return f"contains the control character U+{ord(bad.group()):04X} at position {bad.start() + 1}"
    if value != value.strip():
        return "has leading or trailing whitespace"
    return None


def markdown_problem(value: object) -> str | None:
    """Why `value` is not a valid Markdown text field, or None when it is."""
    if not isinstance(value, str):
        return f"got {_describe(value)}"
    if not value.strip():
        return "is empty"
    bad = _BAD_IN_BLOCK.search(value)
    if bad:
        return f"contains the control character U+{ord(bad.group()):04X} at position {bad.start() + 1}"
    if value != value.rstrip() or not value.split("\n", 1)[0].strip():
        return "starts with a blank line or ends with whitespace"
    return None


def _check(path: tuple[str | int, ...], problem: str | None, expected: str) -> None:
    if problem is not None:
        raise FieldError(path, problem, expected)


def _line(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _check((attribute.name,), line_problem(value), "one line of text")


def _markdown(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _check((attribute.name,), markdown_problem(value), "Markdown text")


def _id(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not _ID.match(value):
        raise FieldError(
            (attribute.name,),
            f"{value!r} is not a valid id",
            "letters, digits, '-', '_' or '.', starting with a letter or digit",
        )


_opt_line = attrs.validators.optional(_line)
_opt_markdown = attrs.validators.optional(_markdown)
_opt_id = attrs.validators.optional(_id)


def _opt_url(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    problem = line_problem(value)
    if problem is None:
        assert isinstance(value, str)
        try:
            parts = urlsplit(value)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or _BAD_IN_URL.search(value):
            problem = f"{value!r} is not an absolute web address"
    _check((attribute.name,), problem, "an absolute http:// or https:// URL")


def email_problem(value: object) -> str | None:
    """Why `value` is not a bare address (``name@example.org``, no name, no space), or None."""
    problem = line_problem(value)
    if problem is None and not _EMAIL.match(str(value)):
        problem = f"{value!r} is not an email address"
    return problem


def _opt_email(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _check((attribute.name,), email_problem(value), "an address like name@example.org")


def _opt_date(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        raise FieldError((attribute.name,), f"got {_describe(value)}", "a date like 2023-06-08")


def _language(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not _BCP47.match(value):
        raise FieldError(
            (attribute.name,),
            f"{value!r} is not a BCP 47 language tag",
            "a language tag such as en, km, th, zh-Hant or pt-BR",
        )


def _one_of(choices: tuple[str, ...]) -> Validator:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value not in choices:
            raise FieldError((attribute.name,), f"{value!r} is not allowed", "one of: " + ", ".join(choices))

    return check


def _each(item: Validator, *, non_empty: bool = False) -> Validator:
    """Validate a tuple field: it is a tuple, optionally not empty, and each item passes `item`."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise FieldError((attribute.name,), f"got {_describe(value)}", "a list")
        if non_empty and not value:
            raise FieldError((attribute.name,), "is empty", "at least one entry")
        for index, entry in enumerate(value):
            try:
                item(instance, attribute, entry)
            except FieldError as error:
                raise FieldError((attribute.name, index, *error.path[1:]), error.message, error.expected) from None

    return check


def _instance(cls: type) -> Validator:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, cls):
            raise FieldError((attribute.name,), f"got {_describe(value)}", f"a {cls.__name__}")

    return check


def _section_text(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _markdown(_, attribute, value)
    from .markdown import section_text_problems

    for problem in section_text_problems(str(value)):
        raise FieldError((attribute.name,), problem, "Markdown body text of one section")


def _reference_text(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _markdown(_, attribute, value)
    from .markdown import reference_text_problems

    assert isinstance(value, str)
    if value != value.lstrip():
        raise FieldError((attribute.name,), "starts with whitespace", "Markdown text")
    for problem in reference_text_problems(value):
        raise FieldError((attribute.name,), problem, "Markdown text of one endnote")


MARKDOWN = "openletter.markdown"
"""attrs metadata key marking a Markdown field (the converter trims blank edges of such text)."""


def _md(validator: Validator, **kwargs: Any) -> Any:
    return attrs.field(validator=validator, metadata={MARKDOWN: True}, **kwargs)


# --------------------------------------------------------------------------- people and groups


@attrs.frozen(kw_only=True)
class Addressee:
    """Someone the letter is written to (``kind="to"``) or copied to (``kind="cc"``)."""

    id: str | None = attrs.field(default=None, validator=_opt_id)
    name: str = attrs.field(validator=_line)
    honorific: str | None = attrs.field(default=None, validator=_opt_line)
    role: str | None = attrs.field(default=None, validator=_opt_line)
    organisation: str | None = attrs.field(default=None, validator=_opt_line)
    email: str | None = attrs.field(default=None, validator=_opt_email)
    kind: AddresseeKind = attrs.field(default="to", validator=_one_of(ADDRESSEE_KINDS))


@attrs.frozen(kw_only=True)
class Organisation:
    """An organisation that signs: the sender of a one-organisation letter, or a coalition member."""

    name: str = attrs.field(validator=_line)
    short_name: str | None = attrs.field(default=None, validator=_opt_line)
    country: str | None = attrs.field(default=None, validator=_opt_line)
    url: str | None = attrs.field(default=None, validator=_opt_url)
    email: str | None = attrs.field(default=None, validator=_opt_email)
    description: str | None = _md(_opt_markdown, default=None)


@attrs.frozen(kw_only=True)
class Person:
    """An individual signatory: "Hon. Name, title, affiliation (country)"."""

    name: str = attrs.field(validator=_line)
    honorific: str | None = attrs.field(default=None, validator=_opt_line)
    title: str | None = attrs.field(default=None, validator=_opt_line)
    affiliation: str | None = attrs.field(default=None, validator=_opt_line)
    country: str | None = attrs.field(default=None, validator=_opt_line)


@attrs.frozen(kw_only=True)
class OrganisationGroup:
    """Organisations signing together, optionally under a heading such as "International"."""

    heading: str | None = attrs.field(default=None, validator=_opt_line)
    organisations: tuple[Organisation, ...] = attrs.field(validator=_each(_instance(Organisation), non_empty=True))


@attrs.frozen(kw_only=True)
class PersonGroup:
    """Individuals signing together, optionally under a heading such as "Members of Parliament"."""

    heading: str | None = attrs.field(default=None, validator=_opt_line)
    people: tuple[Person, ...] = attrs.field(validator=_each(_instance(Person), non_empty=True))


SignatoryGroup = OrganisationGroup | PersonGroup

# --------------------------------------------------------------------------- the logo

IMAGE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
}
"""Logo file suffixes: media type and the bytes such a file starts with (what every mail client,
browser, PDF engine and word processor shows)."""

LOGO_MAX_BYTES = 1024 * 1024
"""The largest logo accepted: every copy of the letter (each email, each page) carries it."""


def logo_file_problem(value: object) -> str | None:
    """Why `value` is not a logo file name (a relative path inside the letter's folder), or None."""
    problem = line_problem(value)
    if problem is not None:
        return problem
    text = str(value)
    parts = text.replace("\\", "/").split("/")
    if text.startswith(("/", "\\")) or (len(text) > 1 and text[1] == ":") or ".." in parts or "" in parts:
        return f"{text!r} is not a relative path inside the letter's folder"
    suffix = "." + text.rpartition(".")[2].lower() if "." in parts[-1] else ""
    if suffix not in IMAGE_TYPES:
        return f"{text!r} is not a PNG, JPEG or GIF file name"
    return None


def _logo_file(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _check(
        (attribute.name,),
        logo_file_problem(value),
        "a relative path to a .png, .jpg or .gif file next to the letter, such as logo.png",
    )


def _logo_data(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bytes):
        raise FieldError((attribute.name,), f"got {_describe(value)}", "the image file's bytes")


@attrs.frozen(kw_only=True)
class Logo:
    """The sender's logo, shown in the letterhead: an image file in the letter's folder.

    `file` is the name as written in the letter (a relative path); `data` is the image itself,
    read by `openletter.load` from the letter's folder. `alt` is the text alternative that screen
    readers and mail clients that block images show (usually the organisation's name).
    """

    file: str = attrs.field(validator=_logo_file)
    alt: str = attrs.field(validator=_line)
    data: bytes = attrs.field(repr=False, validator=_logo_data)

    def __attrs_post_init__(self) -> None:
        """The bytes must be an image of the kind the file name says, and not too large.

        (Reported at ``file``, which is what the author wrote.)
        """
        if not self.data:
            raise FieldError(("file",), "the image file is empty", "a PNG, JPEG or GIF image")
        if len(self.data) > LOGO_MAX_BYTES:
            raise FieldError(
                ("file",),
                f"the image is {len(self.data) // 1024} KiB, more than {LOGO_MAX_BYTES // 1024} KiB",
                "a logo of at most 1 MiB (every email and page carries it; 20-50 KiB is plenty)",
            )
        media_type, signatures = IMAGE_TYPES["." + self.file.rpartition(".")[2].lower()]
        if not self.data.startswith(signatures):
            kind = media_type.partition("/")[2].upper()
            raise FieldError(("file",), f"{self.file!r} is not a {kind} image", f"a {kind} file, as its name says")

    @property
    def media_type(self) -> str:
        """The image's media type, such as ``image/png``."""
        return IMAGE_TYPES["." + self.file.rpartition(".")[2].lower()][0]


# --------------------------------------------------------------------------- the letter's parts


@attrs.frozen(kw_only=True)
class Section:
    """A part of the body: Markdown text, optionally under a (level-2) heading."""

    heading: str | None = attrs.field(default=None, validator=_opt_line)
    text: str = _md(_section_text)


@attrs.frozen(kw_only=True)
class Demand:
    """A call to action: what is asked, of whom (an addressee id), by when, and where it stands."""

    id: str | None = attrs.field(default=None, validator=_opt_id)
    target: str | None = attrs.field(default=None, validator=_opt_id)
    text: str = _md(_markdown)
    deadline: dt.date | None = attrs.field(default=None, validator=_opt_date)
    status: DemandStatus = attrs.field(default="open", validator=_one_of(DEMAND_STATUSES))


@attrs.frozen(kw_only=True)
class Reference:
    """An endnote: written ``[^id]`` in the text and ``[^id]: text`` below it in letter.md."""

    id: str = attrs.field(validator=_id)
    text: str = _md(_reference_text)


ENCODED_WORD_PROBLEM = (
    "contains RFC 2047 encoded-word syntax '=?', which mail programs decode into other text "
    "(even a line break and a new header)"
)


def encoded_word_problem(value: str) -> str | None:
    """Why `value` may not reach an email header (it holds ``=?``; see `openletter.mail.headers`)."""
    return ENCODED_WORD_PROBLEM if "=?" in value else None


def mailbox_problem(value: object) -> str | None:
    """Why `value` is not a mailbox (``name@example.org`` or ``Name <name@example.org>``)."""
    problem = line_problem(value)
    if problem is not None:
        return problem
    if encoded_word_problem(str(value)):
        return ENCODED_WORD_PROBLEM
    from email.headerregistry import HeaderRegistry

    text = str(value)
    try:
        header = HeaderRegistry()("to", text)
        addresses = header.addresses  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 -- the parser's failures all mean "not an address"
        return f"{text!r} is not an email address"
    from email.errors import NonASCIILocalPartDefect

    defects = [d for d in header.defects if not isinstance(d, NonASCIILocalPartDefect)]  # SMTPUTF8 is fine
    if defects or len(addresses) != 1 or not _EMAIL.match(addresses[0].addr_spec):
        return f"{text!r} is not one email address"
    return None


def _mailbox(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _check((attribute.name,), mailbox_problem(value), 'an address like name@example.org or "Name <name@example.org>"')


_opt_mailbox = attrs.validators.optional(_mailbox)


def _opt_header_line(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _check((attribute.name,), line_problem(value) or encoded_word_problem(str(value)), "one line without '=?'")


UNSUBSCRIBE_LENGTH = 900
"""The longest unsubscribe link: it is written on one header line, which holds 998 octets."""


def unsubscribe_problem(value: object) -> str | None:
    """Why `value` is not one unsubscribe link (an https:// URL or a mailto: link), or None.

    It is written as ``List-Unsubscribe: <link>``, where ``<``, ``>`` and ``,`` would start or
    separate other links (RFC 2369), and ``=?`` could be decoded as an RFC 2047 encoded word.
    """
    problem = line_problem(value)
    if problem is not None:
        return problem
    text = str(value)
    if encoded_word_problem(text):
        return ENCODED_WORD_PROBLEM
    bad = re.search(r"[<>,]", text) or _BAD_IN_URL.search(text)
    if bad:
        return f"{text!r} contains {bad.group()!r}, which cannot be in one unsubscribe link"
    if len(text) > UNSUBSCRIBE_LENGTH:
        return f"the link is {len(text):,} characters long (at most {UNSUBSCRIBE_LENGTH})"
    if text.startswith("mailto:"):
        return None if _EMAIL.match(text[7:].split("?", 1)[0]) else f"{text!r} is not a mailto: address"
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme != "https" or not parts.hostname:
        return f"{text!r} is neither an https:// address nor a mailto: link"
    return None


def _opt_unsubscribe(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _check((attribute.name,), unsubscribe_problem(value), "one https:// URL or mailto: link that unsubscribes")


@attrs.frozen(kw_only=True)
class EmailSettings:
    """How the letter goes out by email: sender, recipients, subject, unsubscribe link.

    Recipients given here come on top of the addressees that have an email address (``to`` and
    ``cc``); ``bcc`` recipients are only ever here.
    """

    sender: str = attrs.field(validator=_mailbox)
    reply_to: str | None = attrs.field(default=None, validator=_opt_mailbox)
    subject: str | None = attrs.field(default=None, validator=_opt_header_line)
    to: tuple[str, ...] = attrs.field(default=(), validator=_each(_mailbox))
    cc: tuple[str, ...] = attrs.field(default=(), validator=_each(_mailbox))
    bcc: tuple[str, ...] = attrs.field(default=(), validator=_each(_mailbox))
    list_unsubscribe: str | None = attrs.field(default=None, validator=_opt_unsubscribe)


def _unique(items: Sequence[object], key: str, path: str) -> Iterator[FieldError]:
    seen: dict[object, int] = {}
    for index, item in enumerate(items):
        value = getattr(item, key)
        if value is None:
            continue
        if value in seen:
            yield FieldError(
                (path, index, key),
                f"{value!r} is already used by {path}[{seen[value]}]",
                "a unique id",
            )
        else:
            seen[value] = index


@attrs.frozen(kw_only=True)
class Letter:
    """An open letter.

    Only `title`, `language`, `sections` and `signatories` are required. A letter with no date or
    no salutation is still a letter.
    """

    title: str = attrs.field(validator=_line)
    language: str = attrs.field(validator=_language)
    subtitle: str | None = attrs.field(default=None, validator=_opt_line)
    subject: str | None = attrs.field(default=None, validator=_opt_line)
    date: dt.date | None = attrs.field(default=None, validator=_opt_date)
    date_text: str | None = attrs.field(default=None, validator=_opt_line)
    place: str | None = attrs.field(default=None, validator=_opt_line)
    url: str | None = attrs.field(default=None, validator=_opt_url)
    logo: Logo | None = attrs.field(default=None, validator=attrs.validators.optional(_instance(Logo)))
    keywords: tuple[str, ...] = attrs.field(default=(), validator=_each(_line))
    addressees: tuple[Addressee, ...] = attrs.field(default=(), validator=_each(_instance(Addressee)))
    salutation: str | None = attrs.field(default=None, validator=_opt_line)
    sections: tuple[Section, ...] = attrs.field(validator=_each(_instance(Section), non_empty=True))
    demands: tuple[Demand, ...] = attrs.field(default=(), validator=_each(_instance(Demand)))
    closing: str | None = attrs.field(default=None, validator=_opt_line)
    signatories: tuple[SignatoryGroup, ...] = attrs.field(
        validator=_each(_instance(OrganisationGroup | PersonGroup), non_empty=True)  # type: ignore[arg-type]
    )
    postscript: str | None = _md(_opt_markdown, default=None)
    references: tuple[Reference, ...] = attrs.field(default=(), validator=_each(_instance(Reference)))
    email: EmailSettings | None = attrs.field(
        default=None, validator=attrs.validators.optional(_instance(EmailSettings))
    )

    def __attrs_post_init__(self) -> None:
        """Check what involves several fields; raise every problem (an ExceptionGroup if several)."""
        errors = [
            FieldError(
                ("sections", index, "heading"),
                "only the first section may have no heading",
                "a heading for every section after the first",
            )
            for index, section in enumerate(self.sections[1:], start=1)
            if section.heading is None
        ]
        errors += _unique(self.addressees, "id", "addressees")
        errors += _unique(self.demands, "id", "demands")
        errors += _unique(self.references, "id", "references")
        targets = {a.id for a in self.addressees if a.id is not None}
        errors += [
            FieldError(
                ("demands", index, "target"),
                f"no addressee has the id {demand.target!r}",
                "the id of one of the addressees: " + (", ".join(sorted(targets)) or "none has an id"),
            )
            for index, demand in enumerate(self.demands)
            if demand.target is not None and demand.target not in targets
        ]
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise ExceptionGroup("the letter's parts do not fit together", errors)

    # Convenience views used by exporters; all derived, nothing stored.

    @property
    def recipients(self) -> tuple[Addressee, ...]:
        """The ``to`` addressees."""
        return tuple(a for a in self.addressees if a.kind == "to")

    @property
    def copied(self) -> tuple[Addressee, ...]:
        """The ``cc`` addressees."""
        return tuple(a for a in self.addressees if a.kind == "cc")

    def organisations(self) -> Iterator[Organisation]:
        """Every signing organisation, in order."""
        for group in self.signatories:
            if isinstance(group, OrganisationGroup):
                yield from group.organisations

    def people(self) -> Iterator[Person]:
        """Every signing person, in order."""
        for group in self.signatories:
            if isinstance(group, PersonGroup):
                yield from group.people

    @property
    def signatory_count(self) -> int:
        """How many organisations and people sign."""
        return sum(
            len(g.organisations) if isinstance(g, OrganisationGroup) else len(g.people) for g in self.signatories
        )
