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
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import attrs

from . import characters
from .errors import FieldError, FieldErrorGroup

__all__ = [
    "Addressee",
    "AddresseeKind",
    "Archive",
    "Calendar",
    "Consent",
    "Contact",
    "DatePosition",
    "Demand",
    "DemandStatus",
    "EmailSettings",
    "FieldLanguages",
    "Labels",
    "Letter",
    "LetterheadLine",
    "Logo",
    "Numerals",
    "Organisation",
    "OrganisationGroup",
    "Person",
    "PersonGroup",
    "Reference",
    "Role",
    "Section",
    "Sender",
    "SignatoryCount",
    "SignatoryGroup",
    "SignatoryNumbering",
    "Signature",
    "Tally",
    "Verification",
    "VerificationMethod",
    "Withdrawal",
]

AddresseeKind = Literal["to", "cc"]
"""`Addressee.kind`: written to (``"to"``) or copied to (``"cc"``)."""
DemandStatus = Literal["open", "met", "partly-met", "not-met", "withdrawn"]
"""`Demand.status`: where the demand stands."""

DatePosition = Literal["head", "before-signatures", "after-signatures"]
"""`Letter.date_position`: where the place and date print: at the head, just above the
signatures, or below them."""
SignatoryNumbering = Literal["none", "group", "continuous"]
"""`Letter.signatory_numbering`: no numbers, numbers starting again in each group, or numbers
counting on across groups."""
ClosingPosition = Literal["own-line", "after-signer"]
"""`Letter.closing_position`: the closing on its own line, or on the signer's line after the name."""
Calendar = Literal["gregorian", "buddhist"]
"""`Letter.calendar`: the calendar dates are written in (``"buddhist"``: the Thai solar calendar)."""
Numerals = Literal["latn", "native"]
"""`Letter.numerals`: the digits numbers and dates are written in: 0-9, or the language's own."""
Consent = Literal["full", "name", "count"]
"""`Signature.consent`: the whole entry may be published, the name only, or only counted."""
VerificationMethod = Literal["email", "account", "in-person", "paper", "none"]
"""`Verification.method`: how a signature was checked to be genuine."""

ADDRESSEE_KINDS: tuple[str, ...] = ("to", "cc")
DEMAND_STATUSES: tuple[str, ...] = ("open", "met", "partly-met", "not-met", "withdrawn")
DATE_POSITIONS: tuple[str, ...] = ("head", "before-signatures", "after-signatures")
SIGNATORY_NUMBERINGS: tuple[str, ...] = ("none", "group", "continuous")
CLOSING_POSITIONS: tuple[str, ...] = ("own-line", "after-signer")
CALENDARS: tuple[str, ...] = ("gregorian", "buddhist")
NUMERALS: tuple[str, ...] = ("latn", "native")
CONSENTS: tuple[str, ...] = ("full", "name", "count")
VERIFICATION_METHODS: tuple[str, ...] = ("email", "account", "in-person", "paper", "none")

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


def _bad_character(found: re.Match[str]) -> str:
    named = characters.name(found.group())
    shown = f" ({named})" if named and named != "a control character" else ""
    return f"contains the control character U+{ord(found.group()):04X}{shown} at position {found.start() + 1}"


def line_problem(value: object) -> str | None:
    """Why `value` is not a valid one-line text field, or None when it is."""
    if isinstance(value, str) and value.isprintable() and value[:1] not in ("", " ") and value[-1] != " ":
        # the common case, at once: no character str.isprintable refuses (controls, separators,
        # surrogates, unassigned code points: every one _BAD_IN_LINE finds), and the only
        # whitespace it allows, the space, not at either end
        return None
    return _plain_text_problem(value, _BAD_IN_LINE)


def _plain_text_problem(value: object, refused: re.Pattern[str]) -> str | None:
    """Why `value` is not text without `refused` characters and edge whitespace, or None."""
    if not isinstance(value, str):
        return f"got {_describe(value)}"
    if not value.strip():
        return "is empty"
    bad = refused.search(value)
    if bad:
        return _bad_character(bad)
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
        return _bad_character(bad)
    if value != value.rstrip() or not value.split("\n", 1)[0].strip():
        return "starts with a blank line or ends with whitespace"
    from .markdown import nesting_problem

    return nesting_problem(value)


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


def _part_id(owner: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A section's or demand's id: an `_id` that is not a number, since ``sections[2]`` names
    the third section wherever a path names a part (translations, PO files, error messages)."""
    _id(owner, attribute, value)
    if isinstance(value, str) and value.isdecimal():
        raise FieldError(
            (attribute.name,),
            f"{value!r} is a number, which names a position, not an id",
            "an id with at least one letter or '-', '_', '.' (e.g. 'demand-1')",
        )


_opt_line = attrs.validators.optional(_line)
_opt_markdown = attrs.validators.optional(_markdown)
_opt_id = attrs.validators.optional(_id)
_opt_part_id = attrs.validators.optional(_part_id)


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


_opt_language = attrs.validators.optional(_language)


def _bool(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise FieldError((attribute.name,), f"got {_describe(value)}", "true or false")


def _opt_count(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise FieldError((attribute.name,), f"got {_describe(value)}", "a whole number, 0 or more")


def _count(owner: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        raise FieldError((attribute.name,), f"got {_describe(value)}", "a whole number, 0 or more")
    _opt_count(owner, attribute, value)


def label_problem(value: object) -> str | None:
    """Why `value` is not a label (any text on one line, possibly empty or with edge spaces)."""
    if not isinstance(value, str):
        return f"got {_describe(value)}"
    bad = _BAD_IN_LINE.search(value)
    if bad:
        return f"contains the control character U+{ord(bad.group()):04X} at position {bad.start() + 1}"
    return None


def _opt_label(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _check((attribute.name,), label_problem(value), 'one line of text, or "" to print no label')


def _one_of(choices: tuple[str, ...], expected: str | None = None) -> Validator:
    expected = expected or "one of: " + ", ".join(choices)

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value not in choices:
            raise FieldError((attribute.name,), f"{value!r} is not allowed", expected)

    return check


ENTRY_LIMITS: dict[str, tuple[int, str]] = {
    "addressees": (10_000, "addressees"),
    "sections": (200_000, "sections"),
    "demands": (10_000, "demands"),
    "references": (200_000, "endnotes"),
}
"""The most entries a letter's lists may have, and what they are called: each entry costs time
and memory in every format, and a letter file of a few MiB could otherwise hold millions.
(Signatories and their CSV files have limits of their own.)"""


def _each(item: Validator, *, non_empty: bool = False, cls: type | None = None) -> Validator:
    """Validate a tuple field: it is a tuple, optionally not empty, no longer than its
    `ENTRY_LIMITS` entry, and each item passes `item`.

    Every entry that does not is reported (a `FieldErrorGroup` when there are several). With
    `cls` (when `item` checks only that an entry is an instance of it), a tuple of instances is
    accepted in one pass (a list of 100,000 signatories, checked entry by entry, costs 50 ms).
    """

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise FieldError((attribute.name,), f"got {_describe(value)}", "a list")
        if non_empty and not value:
            raise FieldError((attribute.name,), "is empty", "at least one entry")
        most, what = ENTRY_LIMITS.get(attribute.name, (0, ""))
        if most and len(value) > most:
            raise FieldError(
                (attribute.name, most),
                f"the letter has {len(value):,} {what}, more than {most:,}",
                f"at most {most:,} {what} in one letter",
            )
        if cls is not None and all(map(isinstance, value, repeat(cls))):
            return
        errors = []
        for index, entry in enumerate(value):
            try:
                item(instance, attribute, entry)
            except FieldError as error:
                errors.append(FieldError((attribute.name, index, *error.path[1:]), error.message, error.expected))
        if len(errors) == 1:
            raise errors[0]
        if errors:  # every bad entry, not only the first
            raise FieldErrorGroup(f"{len(errors)} entries of {attribute.name} are wrong", errors)

    return check


def _instance(cls: type) -> Validator:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, cls):
            raise FieldError((attribute.name,), f"got {_describe(value)}", f"a {cls.__name__}")

    return check


def _instances(cls: type, *, non_empty: bool = False) -> Validator:
    """A tuple of instances of `cls` (`_each` of `_instance`, checked in one pass)."""
    return _each(_instance(cls), non_empty=non_empty, cls=cls)


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

LANG_HELP = "a BCP 47 language tag such as en, km, th, zh-Hant or pt-BR"


@attrs.frozen(kw_only=True)
class Addressee:
    """Someone the letter is written to (``kind="to"``) or copied to (``kind="cc"``).

    By default the address block prints "honorific name, role, organisation". `lines` prints the
    addressee exactly as the letter writes it instead (role first, title first, on several lines).
    With ``printed: false`` the addressee is a target of the letter (for demands, JSON-LD and
    email) but no address block line is printed: for a letter addressed in its title only.
    """

    id: str | None = attrs.field(default=None, validator=_opt_id)
    name: str = attrs.field(validator=_line)
    honorific: str | None = attrs.field(default=None, validator=_opt_line)
    role: str | None = attrs.field(default=None, validator=_opt_line)
    organisation: str | None = attrs.field(default=None, validator=_opt_line)
    email: str | None = attrs.field(default=None, validator=_opt_email)
    kind: AddresseeKind = attrs.field(default="to", validator=_one_of(ADDRESSEE_KINDS))
    lines: tuple[str, ...] = attrs.field(default=(), validator=_each(_line))
    printed: bool = attrs.field(default=True, validator=_bool)
    lang: str | None = attrs.field(default=None, validator=_opt_language)


# --------------------------------------------------------------------------- signature records

Moment = dt.date | dt.datetime
"""When something happened: a day (``2024-05-03``), or an instant with its UTC offset
(``2024-05-03T14:30:00+02:00``)."""


def moment_problem(value: object) -> str | None:
    """Why `value` is not a `Moment` (a date, or a datetime with a UTC offset), or None."""
    if isinstance(value, dt.datetime):
        return None if value.utcoffset() is not None else "is a date and time without a UTC offset"
    if isinstance(value, dt.date):
        return None
    return f"got {_describe(value)}"


def _opt_moment(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _check(
            (attribute.name,),
            moment_problem(value),
            "a date like 2024-05-03, or a date and time with its offset like 2024-05-03T14:30:00+02:00",
        )


def block_problem(value: object) -> str | None:
    """Why `value` is not a plain text block (several lines, such as a postal address), or None."""
    return _plain_text_problem(value, _BAD_IN_BLOCK)


def _opt_block(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _check((attribute.name,), block_problem(value), "text, on one or more lines")


@attrs.frozen(kw_only=True)
class Contact:
    """How to reach a signatory, kept for delivery and follow-up only.

    **Private**: the public view (`openletter.public_letter`) drops it, so no format ever
    writes it; only the source (`openletter.dumps`) keeps it. `address` may span several lines.
    """

    email: str | None = attrs.field(default=None, validator=_opt_email)
    phone: str | None = attrs.field(default=None, validator=_opt_line)
    address: str | None = attrs.field(default=None, validator=_opt_block)

    def __attrs_post_init__(self) -> None:
        """A contact says something."""
        if self.email is None and self.phone is None and self.address is None:
            raise FieldError(("email",), "the contact has no email, phone or address", "at least one of them")


@attrs.frozen(kw_only=True)
class Verification:
    """How a signature was checked to be genuine (`method`), and when (`at`).

    ``email``: the signer confirmed from their address; ``account``: signed in to an account;
    ``in-person``: signed in front of the organisers; ``paper``: a signed paper form;
    ``none``: not verified (said so explicitly).
    """

    method: VerificationMethod = attrs.field(
        validator=_one_of(VERIFICATION_METHODS, "email, account, in-person, paper or none")
    )
    at: Moment | None = attrs.field(default=None, validator=_opt_moment)


@attrs.frozen(kw_only=True)
class Withdrawal:
    """A signature taken back: when (`at`, None when not known), and whether the withdrawal itself
    may be shown to the addressee (`shown`, in a delivery pack). Public formats never name a
    withdrawn signatory: they only count withdrawals."""

    at: Moment | None = attrs.field(default=None, validator=_opt_moment)
    shown: bool = attrs.field(default=False, validator=_bool)


@attrs.frozen(kw_only=True)
class Signature:
    """The record behind a signatory entry: when it signed, what it consented to, how it was
    verified, whether it was withdrawn, the text version it signed, where it came from, and how
    to reach it.

    `consent` says what may be published: ``full`` (the whole entry, the default), ``name`` (the
    name only: titles, affiliations, country, links and descriptions are left out) or ``count``
    (counted, never named). The record itself is **private**: no public format writes any of it
    (`openletter.public_letter`); the source (`openletter.dumps`) keeps all of it.

    `version` is the text version the signer agreed to, an opaque id such as ``v1-3f2a...``;
    `source` says where the entry came from (``form``, ``import 2024-05-03``...).
    """

    signed: Moment | None = attrs.field(default=None, validator=_opt_moment)
    consent: Consent = attrs.field(default="full", validator=_one_of(CONSENTS, "full, name or count"))
    verification: Verification | None = attrs.field(
        default=None, validator=attrs.validators.optional(_instance(Verification))
    )
    withdrawal: Withdrawal | None = attrs.field(
        default=None, validator=attrs.validators.optional(_instance(Withdrawal))
    )
    version: str | None = attrs.field(default=None, validator=_opt_line)
    source: str | None = attrs.field(default=None, validator=_opt_line)
    contact: Contact | None = attrs.field(default=None, validator=attrs.validators.optional(_instance(Contact)))

    @property
    def withdrawn(self) -> bool:
        """Whether the signature was withdrawn."""
        return self.withdrawal is not None

    @property
    def public(self) -> bool:
        """Whether the entry is named in public formats (not withdrawn, consent not ``count``)."""
        return self.withdrawal is None and self.consent != "count"


_opt_signature = attrs.validators.optional(_instance(Signature))


@attrs.frozen(kw_only=True)
class Tally:
    """Signatures a public letter counts without naming them, set by the public view
    (`openletter.public_letter`): `unnamed` entries (consent ``count``) and `withdrawn` ones; and
    `earlier`, the signatures that stand (named or not) given to another version of the letter's
    text than its current one (`Signature.version`, see `openletter.text_version`).

    Every format prints them after the signatory list, the same way ("Signatures: 1,104 (not
    named: 37); withdrawn: 12"). A source may hold one (the ``json`` format's output does): its
    counts are those of entries already left out, and the public view adds what it leaves out.
    """

    unnamed: int = attrs.field(default=0, validator=_count)
    withdrawn: int = attrs.field(default=0, validator=_count)
    earlier: int = attrs.field(default=0, validator=_count)


@attrs.frozen(kw_only=True)
class Organisation:
    """An organisation that signs (or sends): a coalition member, or the sender of the letter.

    Its `description`, when given, is printed right after its name in the signatory list.
    """

    name: str = attrs.field(validator=_line)
    short_name: str | None = attrs.field(default=None, validator=_opt_line)
    country: str | None = attrs.field(default=None, validator=_opt_line)
    url: str | None = attrs.field(default=None, validator=_opt_url)
    email: str | None = attrs.field(default=None, validator=_opt_email)
    description: str | None = _md(_opt_markdown, default=None)
    lang: str | None = attrs.field(default=None, validator=_opt_language)
    signature: Signature | None = attrs.field(default=None, validator=_opt_signature)
    """The signature record (private: see `Signature`)."""


@attrs.frozen(kw_only=True)
class Role:
    """One of a person's roles: a title and/or the body it is held in."""

    title: str | None = attrs.field(default=None, validator=_opt_line)
    affiliation: str | None = attrs.field(default=None, validator=_opt_line)

    def __attrs_post_init__(self) -> None:
        """A role says something."""
        if self.title is None and self.affiliation is None:
            raise FieldError(
                ("title",), "the role has neither a title nor an affiliation", "a title, an affiliation or both"
            )


@attrs.frozen(kw_only=True)
class Person:
    """An individual signatory: "Hon. Name AO, title, affiliation (country)".

    `honorific_suffix` holds post-nominals (AO, QC, OBE, MP). A person with several roles lists
    them in `roles` (each a title and/or an affiliation) instead of `title` and `affiliation`.
    `pseudonym` says the name is not the signer's legal name (JSON-LD then does not present it
    as one).
    """

    name: str = attrs.field(validator=_line)
    honorific: str | None = attrs.field(default=None, validator=_opt_line)
    honorific_suffix: str | None = attrs.field(default=None, validator=_opt_line)
    title: str | None = attrs.field(default=None, validator=_opt_line)
    affiliation: str | None = attrs.field(default=None, validator=_opt_line)
    roles: tuple[Role, ...] = attrs.field(default=(), validator=_each(_instance(Role)))
    country: str | None = attrs.field(default=None, validator=_opt_line)
    pseudonym: bool = attrs.field(default=False, validator=_bool)
    lang: str | None = attrs.field(default=None, validator=_opt_language)
    signature: Signature | None = attrs.field(default=None, validator=_opt_signature)
    """The signature record (private: see `Signature`)."""

    def __attrs_post_init__(self) -> None:
        """`roles` replaces `title` and `affiliation`: not both."""
        if self.roles and (self.title is not None or self.affiliation is not None):
            raise FieldError(
                ("roles",),
                "both 'roles' and 'title'/'affiliation' are given",
                "either one title and affiliation, or a list of roles",
            )

    @property
    def all_roles(self) -> tuple[Role, ...]:
        """Every role, whether written as `title`/`affiliation` or as `roles`."""
        if self.roles:
            return self.roles
        if self.title is None and self.affiliation is None:
            return ()
        return _single_role(self.title, self.affiliation)


@functools.lru_cache(maxsize=4096)
def _single_role(title: str | None, affiliation: str | None) -> tuple[Role, ...]:
    """`Person.all_roles` of a person with a title and/or an affiliation: made (and validated) once
    for each pair, since a long list repeats its titles and affiliations (a `Role` is immutable)."""
    return (Role(title=title, affiliation=affiliation),)


@attrs.frozen(kw_only=True)
class OrganisationGroup:
    """Organisations signing together, optionally under a heading such as "International".

    `note_before` prints above the group (a label such as "Signed by, as of 3 May 2024:");
    `note_after` below it (a disclaimer, "partial list: the full list is at ..."). With
    `endnotes_before`, the letter's endnotes print just before this group.
    """

    heading: str | None = attrs.field(default=None, validator=_opt_line)
    note_before: str | None = _md(_opt_markdown, default=None)
    organisations: tuple[Organisation, ...] = attrs.field(validator=_instances(Organisation, non_empty=True))
    note_after: str | None = _md(_opt_markdown, default=None)
    endnotes_before: bool = attrs.field(default=False, validator=_bool)
    lang: str | None = attrs.field(default=None, validator=_opt_language)


@attrs.frozen(kw_only=True)
class PersonGroup:
    """Individuals signing together, optionally under a heading such as "Members of Parliament".

    `note_before`, `note_after` and `endnotes_before` work as for `OrganisationGroup`.
    """

    heading: str | None = attrs.field(default=None, validator=_opt_line)
    note_before: str | None = _md(_opt_markdown, default=None)
    people: tuple[Person, ...] = attrs.field(validator=_instances(Person, non_empty=True))
    note_after: str | None = _md(_opt_markdown, default=None)
    endnotes_before: bool = attrs.field(default=False, validator=_bool)
    lang: str | None = attrs.field(default=None, validator=_opt_language)


SignatoryGroup = OrganisationGroup | PersonGroup
"""An entry of `Letter.signatories`: organisations, or people, signing together."""


@attrs.frozen(kw_only=True)
class LetterheadLine:
    """One line of the letterhead, in its own language (a sender named in two languages)."""

    text: str = attrs.field(validator=_line)
    lang: str | None = attrs.field(default=None, validator=_opt_language)


@attrs.frozen(kw_only=True)
class Sender:
    """Who publishes the letter: one or more organisations or people.

    The letterhead, the page's site name, the email's From name and the document author come
    from here and only from here (never from the signatory list). `letterhead` gives the lines
    printed at the top, when they differ from the names (a name in two languages).
    """

    organisations: tuple[Organisation, ...] = attrs.field(default=(), validator=_each(_instance(Organisation)))
    people: tuple[Person, ...] = attrs.field(default=(), validator=_each(_instance(Person)))
    letterhead: tuple[LetterheadLine, ...] = attrs.field(default=(), validator=_each(_instance(LetterheadLine)))
    printed: bool = attrs.field(default=True, validator=_bool)
    """With ``printed: false`` the sender is metadata only (author, site name, From): no letterhead."""

    def __attrs_post_init__(self) -> None:
        """A sender is somebody, named on the letter (never withdrawn or counted only)."""
        if not self.organisations and not self.people:
            raise FieldError(("organisations",), "the sender names nobody", "at least one organisation or person")
        lists: tuple[tuple[str, Sequence[Organisation | Person]], ...] = (
            ("organisations", self.organisations),
            ("people", self.people),
        )
        for key, entries in lists:
            for index, entry in enumerate(entries):
                signature = entry.signature
                if signature is not None and not signature.public:
                    field = "withdrawal" if signature.withdrawn else "consent"
                    raise FieldError(
                        (key, index, "signature", field),
                        "the sender publishes the letter and is named on it, so it cannot be "
                        + ("withdrawn" if signature.withdrawn else "counted without its name"),
                        "no withdrawal and a consent of full or name for a sender",
                    )

    @property
    def names(self) -> tuple[str, ...]:
        """The senders' names, organisations first."""
        return tuple(o.name for o in self.organisations) + tuple(p.name for p in self.people)


@attrs.frozen(kw_only=True)
class SignatoryCount:
    """How many have signed, as the letter states it ("1,104 signatures as of 3 May 2024").

    `text` is printed after the signatory list, as written; `count` and `as_of` are the same
    facts as data (for JSON-LD and checks).
    """

    text: str = _md(_markdown)
    count: int | None = attrs.field(default=None, validator=_opt_count)
    as_of: dt.date | None = attrs.field(default=None, validator=_opt_date)
    lang: str | None = attrs.field(default=None, validator=_opt_language)


@attrs.frozen(kw_only=True)
class Labels:
    """The letter's own words for the labels formats print, overriding the language's defaults.

    Each field left out takes the default of the letter's language (`openletter.labels`); an
    empty string prints no label at all.
    """

    to: str | None = attrs.field(default=None, validator=_opt_label)
    cc: str | None = attrs.field(default=None, validator=_opt_label)
    subject: str | None = attrs.field(default=None, validator=_opt_label)
    demands: str | None = attrs.field(default=None, validator=_opt_label)
    signatories: str | None = attrs.field(default=None, validator=_opt_label)
    notes: str | None = attrs.field(default=None, validator=_opt_label)
    back: str | None = attrs.field(default=None, validator=_opt_label)
    postscript: str | None = attrs.field(default=None, validator=_opt_label)
    all_recipients: str | None = attrs.field(default=None, validator=_opt_label)
    languages: str | None = attrs.field(default=None, validator=_opt_label)
    status_met: str | None = attrs.field(default=None, validator=_opt_label)
    status_partly_met: str | None = attrs.field(default=None, validator=_opt_label)
    status_not_met: str | None = attrs.field(default=None, validator=_opt_label)
    status_withdrawn: str | None = attrs.field(default=None, validator=_opt_label)
    excerpt: str | None = attrs.field(default=None, validator=_opt_label)
    source: str | None = attrs.field(default=None, validator=_opt_label)
    retrieved: str | None = attrs.field(default=None, validator=_opt_label)
    colon: str | None = attrs.field(default=None, validator=_opt_label)
    comma: str | None = attrs.field(default=None, validator=_opt_label)
    semicolon: str | None = attrs.field(default=None, validator=_opt_label)
    tally_signatures: str | None = attrs.field(default=None, validator=_opt_label)
    tally_unnamed: str | None = attrs.field(default=None, validator=_opt_label)
    tally_earlier: str | None = attrs.field(default=None, validator=_opt_label)
    tally_withdrawn: str | None = attrs.field(default=None, validator=_opt_label)

    def given(self) -> dict[str, str]:
        """The labels the letter sets (empty ones included)."""
        return {a.name: v for a in attrs.fields(Labels) if (v := getattr(self, a.name)) is not None}


@attrs.frozen(kw_only=True)
class FieldLanguages:
    """The language of a letter-level text field written in another language than the letter's."""

    title: str | None = attrs.field(default=None, validator=_opt_language)
    subtitle: str | None = attrs.field(default=None, validator=_opt_language)
    subject: str | None = attrs.field(default=None, validator=_opt_language)
    place: str | None = attrs.field(default=None, validator=_opt_language)
    date_text: str | None = attrs.field(default=None, validator=_opt_language)
    salutation: str | None = attrs.field(default=None, validator=_opt_language)
    closing: str | None = attrs.field(default=None, validator=_opt_language)
    postscript: str | None = attrs.field(default=None, validator=_opt_language)
    notes: str | None = attrs.field(default=None, validator=_opt_language)

    def get(self, field: str) -> str | None:
        """The language of `field`, or None when it is the letter's."""
        value: str | None = getattr(self, field, None)
        return value


@attrs.frozen(kw_only=True)
class Archive:
    """Where a collected letter's text was taken from, and whether it is whole.

    An excerpt is always printed with a note saying so (in the letter's language), with its
    source and retrieval date when given, so that a cut-off letter never looks whole.
    """

    url: str | None = attrs.field(default=None, validator=_opt_url)
    retrieved: dt.date | None = attrs.field(default=None, validator=_opt_date)
    excerpt: bool = attrs.field(default=False, validator=_bool)


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
    """A part of the body: Markdown text, optionally under a (level-2) heading.

    An `id` names the section for its translations: they align with it by id rather than by
    position (in letter.md, ids go in the front matter's ``sections`` list).
    """

    id: str | None = attrs.field(default=None, validator=_opt_part_id)
    heading: str | None = attrs.field(default=None, validator=_opt_line)
    text: str = _md(_section_text)
    lang: str | None = attrs.field(default=None, validator=_opt_language)


def _quote(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    _check((attribute.name,), line_problem(value), "a passage of the body, quoted exactly (one line)")


@attrs.frozen(kw_only=True)
class Demand:
    """A call to action: what is asked, of whom (addressee ids), by when, and where it stands.

    A demand the body already makes is *anchored* in it: `quote` is that passage, word for word
    as it reads (emphasis and links aside), and must occur exactly once in the body. Formats mark
    the passage in place and never print the demand a second time; `text` may then hold a short
    summary for data (JSON-LD), and is not printed. A demand without `quote` is printed in the
    demands list after the body, with its `text`.
    """

    id: str | None = attrs.field(default=None, validator=_opt_part_id)
    targets: tuple[str, ...] = attrs.field(default=(), validator=_each(_id))
    quote: str | None = attrs.field(default=None, validator=_quote)
    text: str | None = _md(_opt_markdown, default=None)
    deadline: dt.date | None = attrs.field(default=None, validator=_opt_date)
    status: DemandStatus = attrs.field(default="open", validator=_one_of(DEMAND_STATUSES))
    lang: str | None = attrs.field(default=None, validator=_opt_language)

    def __attrs_post_init__(self) -> None:
        """A demand says what it asks: in `text`, or by quoting the body."""
        if self.text is None and self.quote is None:
            raise FieldError(("text",), "required field is missing", "the demand's text, or a quote of the body")

    @property
    def target(self) -> str | None:
        """The first target's id (letters written before demands had several targets)."""
        return self.targets[0] if self.targets else None

    @property
    def anchored(self) -> bool:
        """Whether the demand is a passage of the body (and so is not printed again)."""
        return self.quote is not None


@attrs.frozen(kw_only=True)
class Reference:
    """An endnote: written ``[^id]`` in the text and ``[^id]: text`` below it in letter.md."""

    id: str = attrs.field(validator=_id)
    text: str = _md(_reference_text)
    lang: str | None = attrs.field(default=None, validator=_opt_language)


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

    Only `title`, `language`, `sections` and either `signatories` or a `sender` (or, in a public
    letter whose signatures are all counted only, a `tally`) are required. A
    letter with no date or no salutation is still a letter. Every format prints what the letter
    says and nothing more: see `openletter.printed` for the one place that decides what that is.
    """

    title: str = attrs.field(validator=_line)
    language: str = attrs.field(validator=_language)
    subtitle: str | None = attrs.field(default=None, validator=_opt_line)
    subject: str | None = attrs.field(default=None, validator=_opt_line)
    date: dt.date | None = attrs.field(default=None, validator=_opt_date)
    date_text: str | None = attrs.field(default=None, validator=_opt_line)
    place: str | None = attrs.field(default=None, validator=_opt_line)
    date_position: DatePosition = attrs.field(default="head", validator=_one_of(DATE_POSITIONS))
    calendar: Calendar = attrs.field(default="gregorian", validator=_one_of(CALENDARS))
    numerals: Numerals = attrs.field(default="latn", validator=_one_of(NUMERALS))
    published: dt.date | None = attrs.field(default=None, validator=_opt_date)
    url: str | None = attrs.field(default=None, validator=_opt_url)
    sender: Sender | None = attrs.field(default=None, validator=attrs.validators.optional(_instance(Sender)))
    logo: Logo | None = attrs.field(default=None, validator=attrs.validators.optional(_instance(Logo)))
    keywords: tuple[str, ...] = attrs.field(default=(), validator=_each(_line))
    addressees: tuple[Addressee, ...] = attrs.field(default=(), validator=_each(_instance(Addressee)))
    salutation: str | None = attrs.field(default=None, validator=_opt_line)
    sections: tuple[Section, ...] = attrs.field(validator=_each(_instance(Section), non_empty=True))
    demands: tuple[Demand, ...] = attrs.field(default=(), validator=_each(_instance(Demand)))
    closing: str | None = attrs.field(default=None, validator=_opt_line)
    closing_position: ClosingPosition = attrs.field(default="own-line", validator=_one_of(CLOSING_POSITIONS))
    signatories: tuple[SignatoryGroup, ...] = attrs.field(
        default=(),
        validator=_each(_instance(OrganisationGroup | PersonGroup)),  # type: ignore[arg-type]
    )
    signatory_numbering: SignatoryNumbering = attrs.field(default="none", validator=_one_of(SIGNATORY_NUMBERINGS))
    signatory_count_note: SignatoryCount | None = attrs.field(
        default=None, validator=attrs.validators.optional(_instance(SignatoryCount))
    )
    notes: str | None = _md(_opt_markdown, default=None)
    postscript: str | None = _md(_opt_markdown, default=None)
    references: tuple[Reference, ...] = attrs.field(default=(), validator=_each(_instance(Reference)))
    labels: Labels = attrs.field(factory=Labels, validator=_instance(Labels))
    field_lang: FieldLanguages = attrs.field(factory=FieldLanguages, validator=_instance(FieldLanguages))
    archive: Archive | None = attrs.field(default=None, validator=attrs.validators.optional(_instance(Archive)))
    email: EmailSettings | None = attrs.field(
        default=None, validator=attrs.validators.optional(_instance(EmailSettings))
    )
    tally: Tally | None = attrs.field(default=None, validator=attrs.validators.optional(_instance(Tally)))
    """Signatures counted but not named (set by `openletter.public_letter`; see `Tally`)."""

    def __attrs_post_init__(self) -> None:
        """Check what involves several fields; raise every problem (a `FieldErrorGroup` if several)."""
        errors = [
            FieldError(
                ("sections", index, "heading"),
                "only the first section may have no heading",
                "a heading for every section after the first",
            )
            for index, section in enumerate(self.sections[1:], start=1)
            if section.heading is None
        ]
        if not self.signatories and self.sender is None and self.tally is None:
            errors.append(
                FieldError(
                    ("signatories",),
                    "is empty, and the letter has no sender to sign it",
                    "at least one signatory group, or a 'sender' who signs alone",
                )
            )
        if self.signatory_numbering != "none" and not self.signatories and self.tally is None:
            errors.append(
                FieldError(
                    ("signatory_numbering",),
                    f"{self.signatory_numbering!r} numbers a signatory list, and the letter has none",
                    "'none', or signatory groups to number",
                )
            )
        errors += _unique(self.addressees, "id", "addressees")
        errors += _unique(self.sections, "id", "sections")
        errors += _unique(self.demands, "id", "demands")
        errors += _unique(self.references, "id", "references")
        targets = {a.id for a in self.addressees if a.id is not None}
        errors += [
            FieldError(
                ("demands", index, "targets", number),
                f"no addressee has the id {target!r}",
                "the id of one of the addressees: " + (", ".join(sorted(targets)) or "none has an id"),
            )
            for index, demand in enumerate(self.demands)
            for number, target in enumerate(demand.targets)
            if target not in targets
        ]
        if self.closing_position == "after-signer" and (self.closing is None or self.signatory_count > 1):
            errors.append(
                FieldError(
                    ("closing_position",),
                    "'after-signer' needs a closing and exactly one signer"
                    if self.closing is None
                    else f"'after-signer' needs exactly one signer, and the letter has {self.signatory_count}",
                    "'own-line', or one signer and a closing",
                )
            )
        if any(d.quote is not None for d in self.demands):
            from .anchors import anchor_problems

            errors += anchor_problems(self)
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise FieldErrorGroup("the letter's parts do not fit together", errors)

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
        """How many organisations and people sign and are named (the sender, when it signs alone:
        1 or more; a public letter whose signatures are all counted only names none)."""
        if not self.signatories and self.sender is not None and self.tally is None:
            return len(self.sender.organisations) + len(self.sender.people)
        return sum(
            len(g.organisations) if isinstance(g, OrganisationGroup) else len(g.people) for g in self.signatories
        )

    def lang_of(self, field: str) -> str:
        """The language of a letter-level text field (`field_lang`, else the letter's)."""
        return self.field_lang.get(field) or self.language


# --------------------------------------------------------------------------- every text field

_NOT_PROSE = frozenset(
    {
        "id",
        "email",
        "url",
        "language",
        "lang",
        "kind",
        "status",
        "file",
        "targets",
        "date_position",
        "calendar",
        "numerals",
        "closing_position",
        "signatory_numbering",
    }
)
_PROSE_ONLY: dict[type, frozenset[str]] = {
    EmailSettings: frozenset({"subject"}),
    FieldLanguages: frozenset(),
    Archive: frozenset(),
    Logo: frozenset({"alt"}),
    Signature: frozenset(),  # private records, not words of the letter
    Tally: frozenset(),
}

TextField = tuple[tuple[str | int, ...], str, bool]
"""A text field: its path (``("sections", 0, "text")``), its value, and whether it is Markdown."""


def text_fields(
    value: object, path: tuple[str | int, ...] = (), *, prune: Callable[[tuple[object, ...]], bool] | None = None
) -> Iterator[TextField]:
    """Every text field of a letter (or of any model object), in field order.

    Text means the words of the letter: titles, names, headings, Markdown, labels, the email
    subject; not ids, addresses, URLs, language tags or choices such as ``status``. Lint checks,
    mail-merge placeholders and anything else that must see every word use this one list.
    With `prune`, a list of objects for which it returns True is left out (a check that knows
    it would find nothing in a long list: `openletter.scan.may_match`).
    """
    cls = type(value)
    allowed = _PROSE_ONLY.get(cls)
    for attribute in attrs.fields(cls):  # type: ignore[arg-type]
        name = attribute.name
        field = getattr(value, name)
        if (name in _NOT_PROSE and not attrs.has(type(field))) or (allowed is not None and name not in allowed):
            continue  # (a letter's `email` is its settings, whose subject is text: not skipped)
        here = (*path, name)
        if isinstance(field, str):
            yield here, field, bool(attribute.metadata.get(MARKDOWN))
        elif isinstance(field, tuple):
            if prune is not None and prune(field):
                continue
            for index, item in enumerate(field):
                if isinstance(item, str):
                    yield (*here, index), item, False
                elif attrs.has(type(item)):
                    yield from text_fields(item, (*here, index), prune=prune)
        elif attrs.has(type(field)):
            yield from text_fields(field, here, prune=prune)


def map_text(value: T, change: Callable[[str], str]) -> T:
    """A copy of a letter (or model object) with `change` applied to every `text_fields` value."""
    cls = type(value)
    allowed = _PROSE_ONLY.get(cls)
    updates: dict[str, Any] = {}
    for attribute in attrs.fields(cls):  # type: ignore[arg-type]
        name = attribute.name
        field = getattr(value, name)
        if (name in _NOT_PROSE and not attrs.has(type(field))) or (allowed is not None and name not in allowed):
            continue
        if isinstance(field, str):
            updates[name] = change(field)
        elif isinstance(field, tuple):
            updates[name] = tuple(
                change(item) if isinstance(item, str) else map_text(item, change) if attrs.has(type(item)) else item
                for item in field
            )
        elif attrs.has(type(field)):
            updates[name] = map_text(field, change)
    return attrs.evolve(value, **updates) if updates else value  # type: ignore[misc]
