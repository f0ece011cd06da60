"""What a letter prints, decided once: the printed parts of a `Letter`, in order, words chosen.

Every printed format (the page, the plain text behind eml, mailto and mail merge, the PDF and
Word plugins) renders `layout(letter)` instead of deciding for itself what to print. The layer
decides *what* and *in which order*, with the labels, separators, dateline and each party's line
already written in the letter's words; a format decides only *how it looks*.

The rules, all of them from the letter and none of them a guess:

* the letterhead names the `sender` (its letterhead lines, else its names), never a signatory;
  with no sender (or one with ``printed: false``) there is no letterhead;
* the dateline prints the date written on the letter (``date_text`` or ``date``) and its place,
  at the head, just above the signatures or below them (``date_position``); ``published`` is
  metadata only;
* an address block prints the addressees with ``printed: true`` (their own ``lines``, or
  "honorific name, role, organisation"), under the ``to``/``cc`` label;
* demands anchored in the body (``quote``) are marked where they stand and never printed again;
  the demands list holds only the others, under the ``demands`` label (none when it is empty);
  a demand's status prints only when it is not ``open``;
* the signatories heading prints when the letter sets the ``signatories`` label, or when more
  than one signs; a letter with no signatories is signed by its sender;
* organisations' descriptions print with their names, in the list;
* labels come from `openletter.letter_labels`: the letter's own over its language's, and an empty
  label prints nothing.

`Part` classes are frozen attrs classes; each has a ``kind`` (its renderer's name, as
markdown-it's token types name theirs). `numbering` gives the one note and link numbering every
format uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import ClassVar, TypeVar

import attrs

from .model import (
    Addressee,
    Letter,
    Logo,
    Organisation,
    OrganisationGroup,
    Person,
    PersonGroup,
    Sender,
)

__all__ = [
    "AddressBlock",
    "ArchiveNote",
    "Closing",
    "CountNote",
    "Dateline",
    "DemandItem",
    "DemandList",
    "Endnote",
    "Endnotes",
    "Label",
    "Letterhead",
    "Notes",
    "Numbering",
    "Part",
    "Party",
    "Pieces",
    "Postscript",
    "Printed",
    "Salutation",
    "Section",
    "SignatoryEntry",
    "SignatoryGroup",
    "SignatoryHeading",
    "Subject",
    "TallyNote",
    "Text",
    "Title",
    "addressee_lines",
    "addressee_pieces",
    "demand_element_ids",
    "layout",
    "role_values",
    "tally_note",
    "tally_text",
]


@attrs.frozen
class Text:
    """Printed text in a language: `lang` is None when it is the letter's."""

    text: str
    lang: str | None = None


Pieces = tuple[str, ...]
"""A line the layer writes in pieces: its own words (a label, the letter's comma, brackets) at
even positions and the letter's values (a name, a role, a country) at odd ones; joined, they are
the line. A format isolates each value whose direction may differ from the line's
(`openletter.bidi`), so that the line's punctuation keeps its place."""


def _between(values: Sequence[str], separator: str) -> list[str]:
    """Values with `separator` between them, as the odd and inner even pieces of a line."""
    out: list[str] = []
    for value in values:
        if out:
            out.append(separator)
        out.append(value)
    return out


@attrs.frozen
class Label:
    """A label and what follows it ("To" and ": "); `lead` is both, or "" for no label."""

    text: str
    colon: str

    @property
    def lead(self) -> str:
        """The label with its colon, or the empty string when the letter prints no label."""
        return self.text + self.colon if self.text else ""


class Part:
    """A printed part; `kind` names it for renderers."""

    kind: ClassVar[str] = ""


P = TypeVar("P", bound=Part)


@attrs.frozen
class Letterhead(Part):
    """The sender: letterhead lines (each in its language) and the logo."""

    kind: ClassVar[str] = "letterhead"
    lines: tuple[Text, ...]
    logo: Logo | None


@attrs.frozen
class Title(Part):
    """The letter's title and subtitle."""

    kind: ClassVar[str] = "title"
    title: Text
    subtitle: Text | None


@attrs.frozen
class Dateline(Part):
    """Place and date as printed: ``text`` is the whole line ("Geneva, 3 May 2024")."""

    kind: ClassVar[str] = "dateline"
    place: Text | None
    date: Text | None
    iso_date: dt.date | None
    """The date as data (for ``<time datetime>``), when the printed date is the letter's `date`."""
    separator: str
    position: str

    @property
    def text(self) -> str:
        """The line: place, separator, date."""
        return self.separator.join(x.text for x in (self.place, self.date) if x is not None)

    @property
    def pieces(self) -> Pieces:
        """`text` in pieces: the place and the date at odd positions (values), the separator
        between them (see `Pieces`)."""
        values = [x.text for x in (self.place, self.date) if x is not None]
        return ("", *_between(values, self.separator), "")


def _each_line_one_value(party: Party) -> tuple[Pieces, ...]:
    return tuple(("", line, "") for line in party.lines)


@attrs.frozen
class Party:
    """One addressee as printed: its lines, in its language."""

    lines: tuple[str, ...]
    lang: str | None = None
    pieces: tuple[Pieces, ...] = attrs.field(
        default=attrs.Factory(_each_line_one_value, takes_self=True), eq=False, repr=False
    )
    """Each line in pieces (see `Pieces`): "honorific name", role and organisation are values,
    the commas between them the layer's; a line the letter writes itself is one value."""


@attrs.frozen
class AddressBlock(Part):
    """The ``to`` or ``cc`` addressees that are printed, after their label."""

    kind: ClassVar[str] = "address"
    role: str
    """``to`` or ``cc``."""
    label: Label
    parties: tuple[Party, ...]


@attrs.frozen
class Subject(Part):
    """The subject line, after its label."""

    kind: ClassVar[str] = "subject"
    label: Label
    text: Text


@attrs.frozen
class Salutation(Part):
    """The salutation ("Your Honors,")."""

    kind: ClassVar[str] = "salutation"
    text: Text


@attrs.frozen
class Section(Part):
    """A body section: Markdown, its heading, its element id; anchored demands are marked in it."""

    kind: ClassVar[str] = "section"
    element_id: str
    heading: Text | None
    markdown: str
    lang: str | None


@attrs.frozen
class ArchiveNote(Part):
    """Where a collected letter's text comes from, and whether it is an excerpt."""

    kind: ClassVar[str] = "archive"
    excerpt: str | None
    """The excerpt sentence ("This is an excerpt of the letter."), when it is one."""
    source: Label | None
    """The ``source`` label, when the letter gives where its text was taken from."""
    url: str | None
    retrieved: str | None
    """The ``retrieved`` label and the date ("retrieved 3 May 2024")."""
    separator: str

    @property
    def source_line(self) -> str | None:
        """ "Source: URL, retrieved DATE", or None when there is neither."""
        pieces = [self.source.lead + self.url] if self.source is not None and self.url is not None else []
        if self.retrieved is not None:
            pieces.append(self.retrieved)
        return self.separator.join(pieces) or None

    @property
    def text(self) -> str:
        """The whole note as one line of plain text."""
        return " ".join(x for x in (self.excerpt, self.source_line) if x)

    @property
    def pieces(self) -> Pieces:
        """`text` in pieces (see `Pieces`): the web address is the one value."""
        text = self.text
        if self.source is None or self.url is None:
            return (text,)
        before = (f"{self.excerpt} " if self.excerpt else "") + self.source.lead
        return (before, self.url, text[len(before) + len(self.url) :])


@attrs.frozen
class DemandItem:
    """A demand in the demands list: Markdown, element id, status words (None when open)."""

    index: int
    """Its position in ``letter.demands``."""
    element_id: str
    markdown: str
    status: str | None
    lang: str | None


@attrs.frozen
class DemandList(Part):
    """The demands that are not anchored in the body, under their heading (None: no heading)."""

    kind: ClassVar[str] = "demands"
    heading: str | None
    items: tuple[DemandItem, ...]


@attrs.frozen
class Closing(Part):
    """The closing formula on its own line ("Yours sincerely,")."""

    kind: ClassVar[str] = "closing"
    text: Text


@attrs.frozen
class SignatoryHeading(Part):
    """The heading over the signatory list ("Signatories")."""

    kind: ClassVar[str] = "signatory_heading"
    text: str


@attrs.frozen
class SignatoryEntry:
    """One signatory as printed.

    `text` is the whole line ("Hon. Jane Doe AO, Senator, Parliament of X (Australia)");
    `name` is its first part (the name, for formats that set it in bold) and `rest` the remainder.
    """

    number: int | None
    name: str
    rest: str
    url: str | None
    description: str | None
    """Markdown printed with the entry (an organisation's description)."""
    closing: str | None
    """A closing formula written on the signer's line, after the name ("敬上")."""
    lang: str | None
    pieces: Pieces = attrs.field(
        default=attrs.Factory(lambda entry: (entry.rest,), takes_self=True), eq=False, repr=False
    )
    """`rest` in pieces (see `Pieces`): titles, affiliations, a short name and a country are
    values, the commas and brackets around them the layer's."""

    @property
    def text(self) -> str:
        """The entry's line: name and rest (and the closing, when it shares the line)."""
        line = self.name + self.rest
        return f"{line} {self.closing}" if self.closing else line


@attrs.frozen
class SignatoryGroup(Part):
    """A group of signatories: heading, note before, entries, note after."""

    kind: ClassVar[str] = "signatory_group"
    element_id: str
    heading: str | None
    note_before: str | None
    entries: tuple[SignatoryEntry, ...]
    note_after: str | None
    organisations: bool
    """Whether the entries are organisations (else people)."""
    numbered: bool
    lang: str | None


@attrs.frozen
class CountNote(Part):
    """The letter's statement of how many signed ("1,104 signatures as of 3 May 2024")."""

    kind: ClassVar[str] = "count"
    markdown: str
    lang: str | None


@attrs.frozen
class TallyNote(CountNote):
    """How many signed, when some signatures are not named: "Signatures: 1,104 (not named: 37);
    withdrawn: 12", in the letter's words (the ``tally_`` labels) and digits.

    Printed after the signatory list (after the letter's own `CountNote`, which stays as
    written) whenever the public view left an entry out (`openletter.public_letter`). A
    `CountNote` with the counts as data: a format that prints count notes prints it unchanged.
    """

    signatures: int
    """The signatures that stand: named and counted only (withdrawn ones are not)."""
    unnamed: int
    withdrawn: int
    earlier: int = 0
    """Of the `signatures`, those given to another version of the letter's text (`Tally.earlier`)."""


_MARKDOWN_PUNCTUATION = {ord(c): "\\" + c for c in "\\`*_{}[]()<>#+-.!|~&=:;,'\"^$%@?/"}


def _escaped(text: str) -> str:
    """`text` as Markdown that reads as the text itself (every ASCII punctuation escaped)."""
    return text.translate(_MARKDOWN_PUNCTUATION)


def tally_text(
    letter: Letter, words: Mapping[str, str], signatures: int, unnamed: int, withdrawn: int, earlier: int = 0
) -> str:
    """The tally sentence (see `TallyNote`): the labels with the letter's colon and semicolon,
    each count grouped and in the letter's digits (`openletter.format_count`), a zero count left
    out (but the signatures, which are always stated). The signatures not named and those given
    to an earlier version of the text are parts of the signatures, in parentheses: "Signatures:
    1,104 (not named: 37; on an earlier version of the text: 30); withdrawn: 12"."""
    from .words import english_labels, format_count, labels

    colon, semicolon = words["colon"], words["semicolon"]
    keys = ("tally_signatures", "tally_unnamed", "tally_earlier", "tally_withdrawn")
    own = letter.labels.given()
    if not any(key in own for key in keys) and english_labels(letter.language) >= set(keys):
        english = labels("en")  # English words stand in: with English punctuation
        colon, semicolon = english["colon"], english["semicolon"]

    def stated(key: str, value: int) -> str:
        label = words[key]
        return (label + colon if label else "") + format_count(value, letter)

    text = stated("tally_signatures", signatures)
    within = [stated(key, value) for key, value in (("tally_unnamed", unnamed), ("tally_earlier", earlier)) if value]
    if within:
        text += f" ({semicolon.join(within)})"
    if withdrawn:
        text += semicolon + stated("tally_withdrawn", withdrawn)
    return text


@attrs.frozen
class Notes(Part):
    """Notes after the signatures that are not a postscript (a disclaimer, a partial list)."""

    kind: ClassVar[str] = "notes"
    markdown: str
    lang: str | None


@attrs.frozen
class Postscript(Part):
    """The postscript, after its label ("P.S.")."""

    kind: ClassVar[str] = "postscript"
    label: str
    markdown: str
    lang: str | None


@attrs.frozen
class Endnote:
    """One endnote: its number, id and Markdown text."""

    number: int
    id: str
    markdown: str
    lang: str | None


@attrs.frozen
class Endnotes(Part):
    """The endnotes, under their heading (None: no heading)."""

    kind: ClassVar[str] = "endnotes"
    heading: str | None
    items: tuple[Endnote, ...]


@attrs.frozen
class Printed:
    """A letter's printed parts in order, with its language, direction and resolved labels."""

    letter: Letter
    language: str
    direction: str
    labels: Mapping[str, str]
    parts: tuple[Part, ...]
    numbering: str = "latn"
    """The CLDR numbering system of the numbers the layout prints (`openletter.letter_numbering`):
    ``latn`` (0-9), or the language's native digits when the letter asks for them."""

    def number(self, value: int) -> str:
        """A number the layout prints (a list's, a demand's, a signatory's, a note's or a link's),
        in the letter's digits (`numbering`)."""
        if self.numbering == "latn":
            return str(value)
        from .words import write_digits

        return write_digits(str(value), self.numbering)

    def __iter__(self) -> Iterator[Part]:
        return iter(self.parts)

    def of(self, kind: type[P]) -> list[P]:
        """The parts of one class, in order."""
        return [p for p in self.parts if isinstance(p, kind)]

    @property
    def sender_names(self) -> tuple[str, ...]:
        """Who publishes the letter (for metadata: page site name, document author)."""
        sender = self.letter.sender
        return sender.names if sender is not None else ()


class Numbering:
    """One note and link numbering for every format.

    Notes are numbered 1, 2, 3... in the order of the letter's references. Links that a reader
    away from the screen needs spelled out (web and email addresses whose shown text is not the
    address itself) are numbered after the notes, in order of first appearance as the parts are
    printed, each address once. Formats that list links (plain text, PDF) use these numbers.
    """

    def __init__(self, letter: Letter) -> None:
        self.notes: dict[str, int] = {r.id: n for n, r in enumerate(letter.references, start=1)}
        self.links: dict[str, int] = {}

    def link(self, url: str, shown: str) -> int | None:
        """The number of a link to `url` shown as `shown`, or None when it needs none."""
        from .markdown import web_address

        if not web_address(url) or shown.strip() == url.strip():
            return None
        if url not in self.links:
            self.links[url] = len(self.notes) + len(self.links) + 1
        return self.links[url]


def demand_element_ids(letter: Letter) -> list[str]:
    """Each demand's element id: ``demand-ID``, or ``demand-N`` when it has no id; unique."""
    used: set[str] = set()
    out = []
    for number, demand in enumerate(letter.demands, start=1):
        wanted = f"demand-{demand.id}" if demand.id else f"demand-{number}"
        candidate, suffix = wanted, 2
        while candidate in used:
            candidate, suffix = f"{wanted}-{suffix}", suffix + 1
        used.add(candidate)
        out.append(candidate)
    return out


def addressee_lines(addressee: Addressee, comma: str) -> tuple[str, ...]:
    """An addressee as printed: its own `lines`, else "honorific name, role, organisation"."""
    return tuple("".join(line) for line in addressee_pieces(addressee, comma))


def addressee_pieces(addressee: Addressee, comma: str) -> tuple[Pieces, ...]:
    """`addressee_lines` in pieces (see `Pieces`): each of the addressee's own lines is one
    value; else "honorific name", role and organisation are, with the commas between them."""
    if addressee.lines:
        return tuple(("", line, "") for line in addressee.lines)
    name = " ".join(x for x in (addressee.honorific, addressee.name) if x)
    return (("", *_between([x for x in (name, addressee.role, addressee.organisation) if x], comma), ""),)


def _organisation_entry(member: Organisation, number: int | None) -> SignatoryEntry:
    short = member.short_name if member.short_name and member.short_name not in member.name else None
    pieces = _rest((), member.country, "", "", short)
    return SignatoryEntry(
        number=number,
        name=member.name,
        rest=pieces[0] if len(pieces) == 1 else "".join(pieces),
        url=member.url,
        description=member.description,
        closing=None,
        lang=member.lang,
        pieces=pieces,
    )


def role_values(member: Person) -> Sequence[tuple[str | None, str | None]]:
    """Each role of `member` as its title and affiliation (`Person.all_roles`, without making
    a `Role` of a title and an affiliation written on their own)."""
    if member.roles:
        return [(role.title, role.affiliation) for role in member.roles]
    if member.title is None and member.affiliation is None:
        return ()
    return ((member.title, member.affiliation),)


def _rest(
    roles: Sequence[tuple[str | None, str | None]], country: str | None, comma: str, semicolon: str, short: str | None
) -> Pieces:
    """What follows a signatory's name, in pieces (see `Pieces`): each role's title and
    affiliation after a comma (a semicolon between roles), then the short name and the country in
    brackets. Written in one pass: a list of 100,000 names makes 100,000 of these."""
    pieces: list[str] = []
    words = ""
    for index, role in enumerate(roles):
        words += semicolon if index else comma
        first = True
        for value in role:
            if value:
                if not first:
                    words += comma
                pieces += (words, value)
                words, first = "", False
    for value in (short, country):
        if value:
            pieces += (words + " (", value)
            words = ")"
    pieces.append(words)
    return tuple(pieces)


def _person_entry(member: Person, number: int | None, comma: str, semicolon: str) -> SignatoryEntry:
    honorific, suffix = member.honorific, member.honorific_suffix
    name = member.name if not honorific and not suffix else " ".join(x for x in (honorific, member.name, suffix) if x)
    pieces = _rest(role_values(member), member.country, comma, semicolon, None)
    return SignatoryEntry(
        number=number,
        name=name,
        rest=pieces[0] if len(pieces) == 1 else "".join(pieces),
        url=None,
        description=None,
        closing=None,
        lang=member.lang,
        pieces=pieces,
    )


def _party(addressee: Addressee, comma: str) -> Party:
    pieces = addressee_pieces(addressee, comma)
    return Party(tuple("".join(line) for line in pieces), addressee.lang, pieces)


def _sender_groups(sender: Sender) -> list[OrganisationGroup | PersonGroup]:
    groups: list[OrganisationGroup | PersonGroup] = []
    if sender.organisations:
        groups.append(OrganisationGroup(organisations=sender.organisations))
    if sender.people:
        groups.append(PersonGroup(people=sender.people))
    return groups


def _text(value: str | None, lang: str | None) -> Text | None:
    return None if value is None else Text(value, lang)


def layout(letter: Letter) -> Printed:
    """The letter's printed parts, in order (see the module's docstring for the rules), of its
    public view (`openletter.public_letter`): no format prints a signature record."""
    from .public import public_letter
    from .words import display_date, letter_date, letter_labels, letter_numbering, text_direction

    letter = public_letter(letter)

    words = letter_labels(letter)
    comma, colon = words["comma"], words["colon"]

    def own(field: str) -> str | None:
        value = letter.field_lang.get(field)
        return value if value != letter.language else None

    def label(key: str) -> Label:
        return Label(words[key], colon)

    parts: list[Part] = []
    sender = letter.sender
    if sender is not None and sender.printed:
        lines = tuple(Text(line.text, line.lang) for line in sender.letterhead) or tuple(
            Text(name) for name in sender.names
        )
        parts.append(Letterhead(lines=lines, logo=letter.logo))
    elif letter.logo is not None:
        parts.append(Letterhead(lines=(), logo=letter.logo))
    parts.append(Title(Text(letter.title, own("title")), _text(letter.subtitle, own("subtitle"))))

    date_text = display_date(letter)
    dateline: Dateline | None = None
    if date_text is not None or letter.place is not None:
        dateline = Dateline(
            place=_text(letter.place, own("place")),
            date=_text(date_text, own("date_text") if letter.date_text is not None else None),
            iso_date=letter.date,
            separator=comma,
            position=letter.date_position,
        )
    if dateline is not None and letter.date_position == "head":
        parts.append(dateline)
    for role, people in (("to", letter.recipients), ("cc", letter.copied)):
        printed = tuple(_party(a, comma) for a in people if a.printed)
        if printed:
            parts.append(AddressBlock(role=role, label=label(role), parties=printed))
    if letter.subject is not None:
        parts.append(Subject(label("subject"), Text(letter.subject, own("subject"))))
    if letter.salutation is not None:
        parts.append(Salutation(Text(letter.salutation, own("salutation"))))
    for number, section in enumerate(letter.sections, start=1):
        parts.append(
            Section(
                element_id=f"section-{number}",
                heading=_text(section.heading, section.lang),
                markdown=section.text,
                lang=section.lang,
            )
        )
    archive = letter.archive
    if archive is not None and (archive.excerpt or archive.url or archive.retrieved):
        parts.append(
            ArchiveNote(
                excerpt=words["excerpt"] if archive.excerpt else None,
                source=label("source") if archive.url else None,
                url=archive.url,
                retrieved=None
                if archive.retrieved is None
                else f"{words['retrieved']} {letter_date(letter, archive.retrieved)}".strip(),
                separator=comma,
            )
        )
    ids = demand_element_ids(letter)
    statuses = _status_words(words)
    listed = tuple(
        DemandItem(
            index=index,
            element_id=ids[index],
            markdown=demand.text,
            status=statuses.get(demand.status),
            lang=demand.lang,
        )
        for index, demand in enumerate(letter.demands)
        if demand.quote is None and demand.text is not None
    )
    if listed:
        parts.append(DemandList(heading=words["demands"] or None, items=listed))
    after_signer = letter.closing_position == "after-signer"
    if letter.closing is not None and not after_signer:
        parts.append(Closing(Text(letter.closing, own("closing"))))
    if dateline is not None and letter.date_position == "before-signatures":
        parts.append(dateline)
    parts += _signatures(letter, words, after_signer)
    if dateline is not None and letter.date_position == "after-signatures":
        parts.append(dateline)
    if letter.notes is not None:
        parts.append(Notes(letter.notes, own("notes")))
    if letter.postscript is not None:
        parts.append(Postscript(words["postscript"], letter.postscript, own("postscript")))
    if letter.references and not any(getattr(g, "endnotes_before", False) for g in letter.signatories):
        parts.append(_endnotes(letter, words))
    return Printed(
        letter=letter,
        language=letter.language,
        direction=text_direction(letter.language),
        labels=words,
        parts=tuple(parts),
        numbering=letter_numbering(letter),
    )


def _status_words(words: Mapping[str, str]) -> dict[str, str]:
    return {
        status: words[key]
        for status, key in (
            ("met", "status_met"),
            ("partly-met", "status_partly_met"),
            ("not-met", "status_not_met"),
            ("withdrawn", "status_withdrawn"),
        )
        if words[key]
    }


def _endnotes(letter: Letter, words: Mapping[str, str]) -> Endnotes:
    return Endnotes(
        heading=words["notes"] or None,
        items=tuple(
            Endnote(number=n, id=r.id, markdown=r.text, lang=r.lang) for n, r in enumerate(letter.references, start=1)
        ),
    )


def _signatures(letter: Letter, words: Mapping[str, str], after_signer: bool) -> list[Part]:
    comma, semicolon = words["comma"], words["semicolon"]
    groups: Sequence[OrganisationGroup | PersonGroup] = letter.signatories
    if not groups and letter.sender is not None and letter.tally is None:
        groups = _sender_groups(letter.sender)
    parts: list[Part] = []
    heading = letter.labels.signatories
    if heading is None and letter.signatory_count > 1:
        heading = words["signatories"]
    if heading:
        parts.append(SignatoryHeading(heading))
    numbering = letter.signatory_numbering
    counter = 0
    for number, group in enumerate(groups, start=1):
        if group.endnotes_before and letter.references:
            parts.append(_endnotes(letter, words))
        if numbering == "group":
            counter = 0
        entries = []
        members: Sequence[Organisation | Person] = (
            group.organisations if isinstance(group, OrganisationGroup) else group.people
        )
        for member in members:
            counter += 1
            shown = counter if numbering != "none" else None
            if isinstance(member, Organisation):
                entry = _organisation_entry(member, shown)
            else:
                entry = _person_entry(member, shown, comma, semicolon)
            entries.append(entry)
        if after_signer and letter.closing is not None and entries:
            entries[-1] = attrs.evolve(entries[-1], closing=letter.closing)
        parts.append(
            SignatoryGroup(
                element_id=f"signatories-{number}",
                heading=group.heading,
                note_before=group.note_before,
                entries=tuple(entries),
                note_after=group.note_after,
                organisations=isinstance(group, OrganisationGroup),
                numbered=numbering != "none",
                lang=group.lang,
            )
        )
    note = letter.signatory_count_note
    if note is not None:
        parts.append(CountNote(note.text, note.lang))
    tally = tally_note(letter, words)
    if tally is not None:
        parts.append(tally)
    return parts


def tally_note(letter: Letter, words: Mapping[str, str] | None = None) -> TallyNote | None:
    """The `TallyNote` of a public letter (`openletter.public_letter`) that leaves signatures
    out, else None; `words` are the letter's labels (`openletter.letter_labels`)."""
    tally = letter.tally
    if tally is None or not (tally.unnamed or tally.withdrawn or tally.earlier):
        return None
    if words is None:
        from .words import letter_labels

        words = letter_labels(letter)
    signatures = letter.signatory_count + tally.unnamed
    text = tally_text(letter, words, signatures, tally.unnamed, tally.withdrawn, tally.earlier)
    return TallyNote(_escaped(text), None, signatures, tally.unnamed, tally.withdrawn, tally.earlier)


def markdown_env(printed: Printed) -> dict[str, object]:
    """A markdown-it environment for one letter: endnote numbering, anchored demands to mark,
    the words of demand statuses, and the digits of the numbers it prints (when not 0-9). Use one
    environment for every parse of the letter."""
    from .anchors import ENV_KEY, anchors
    from .markdown import NUMBERING_KEY, STATUS_KEY, footnote_env

    env: dict[str, object] = footnote_env([r.id for r in printed.letter.references])
    marked = anchors(printed.letter)
    if marked:
        env[ENV_KEY] = marked
    env[STATUS_KEY] = _status_words(printed.labels)
    if printed.numbering != "latn":
        env[NUMBERING_KEY] = printed.numbering
    return env
