"""Hypothesis strategies for letters: every strategy the tests draw from lives here.

Text mixes Latin (with accents), Khmer, Thai, Chinese and Arabic, so every round trip is also a
Unicode round trip. Markdown text is built from a small grammar (paragraphs with emphasis, links
and endnote markers, lists, level-3 headings, quotes, fenced code) so that it is valid section text.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from pathlib import Path

import attrs
from hypothesis import strategies as st

from openletter import (
    Addressee,
    Demand,
    EmailSettings,
    Letter,
    Logo,
    Organisation,
    OrganisationGroup,
    Person,
    PersonGroup,
    Reference,
    Section,
)
from openletter.model import (
    ADDRESSEE_KINDS,
    CALENDARS,
    DATE_POSITIONS,
    DEMAND_STATUSES,
    NUMERALS,
    SIGNATORY_NUMBERINGS,
    Archive,
    FieldLanguages,
    Labels,
    LetterheadLine,
    Role,
    Sender,
    SignatoryCount,
)
from openletter.words import LABEL_KEYS

SCRIPTS = {
    "latin": string.ascii_letters + "éèçñüßøåœ",
    "khmer": "កខគឃងចឆជញដឋណតថទធនបផពភមយរលវសហឡអាិីឹឺុូួើឿៀេែៃោៅំះ្",
    "thai": "กขคงจฉชซญดตถทนบปผพฟภมยรลวศษสหอะัาำิีึืุูเแโใไ่้๊๋็์",
    "chinese": "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
}
WORD_CHARS = "".join(SCRIPTS.values()) + string.digits
PUNCTUATION = ".,;!?'\"()&%$@/+=:~^{}|<>"


def words(min_size: int = 1, max_size: int = 6) -> st.SearchStrategy[str]:
    """Space-separated words in any of the scripts (no Markdown syntax)."""
    word = st.text(alphabet=WORD_CHARS, min_size=1, max_size=10)
    return st.lists(word, min_size=min_size, max_size=max_size).map(" ".join)


# One-line fields may hold any printable character, Markdown punctuation included.
lines = st.text(
    alphabet=st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn"),
        exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",  # lint warns about them
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s == s.strip() and s.strip() != "" and "\x85" not in s)
optional_lines = st.none() | lines
ids = st.builds(
    str.__add__,
    st.sampled_from(string.ascii_lowercase + string.digits),
    st.text(alphabet=string.ascii_lowercase + string.digits + "-", max_size=12),
)
"""Identifiers ``[a-z0-9][a-z0-9-]{0,12}`` (built, not from a regex: much faster to draw)."""
part_ids = ids.map(lambda i: f"n{i}" if i.isdecimal() else i)
"""Section and demand ids: never a number, which would name a position."""


@functools.cache
def inline(labels: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """A line of inline Markdown: words, emphasis, links, and endnote markers for `labels`."""
    pieces = [
        words(),
        words(1, 3).map(lambda w: f"*{w}*"),
        words(1, 3).map(lambda w: f"**{w}**"),
        st.tuples(words(1, 3), ids).map(lambda t: f"[{t[0]}](https://example.org/{t[1]})"),
        words(1, 2).map(lambda w: f"`{w}`"),
    ]
    if labels:
        pieces.append(st.sampled_from(labels).map(lambda label: f"[^{label}]"))
    return st.lists(st.one_of(pieces), min_size=1, max_size=5).map(" ".join)


@functools.cache
def blocks(labels: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """Markdown body text of one section."""
    paragraph = st.lists(inline(labels), min_size=1, max_size=3).map("\n".join)
    bullet = st.lists(inline(labels), min_size=1, max_size=4).map(lambda items: "\n".join(f"- {i}" for i in items))
    numbered = st.lists(inline(labels), min_size=1, max_size=4).map(
        lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))
    )
    heading3 = words(1, 4).map(lambda w: f"### {w}")
    quote = inline(labels).map(lambda text: f"> {text}")
    code = words(1, 4).map(lambda w: f"```\n{w}\n```")
    block = st.one_of(paragraph, paragraph, bullet, numbered, heading3, quote, code)
    return st.lists(block, min_size=1, max_size=4).map("\n\n".join)


local_parts = st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,6}(\.[a-z0-9][a-z0-9_-]{0,4})?\Z") | st.sampled_from(
    ["ü", "sók", "名前"]
)
addresses = st.tuples(local_parts, st.sampled_from(["example.org", "example.com", "exämple.org"])).map("@".join)
mailboxes = addresses | st.tuples(words(1, 3), addresses).map(lambda t: f"{t[0]} <{t[1]}>")
languages = st.sampled_from(["en", "km", "th", "zh-Hant", "zh-CN", "ar", "fr", "pt-BR", "my", "id"])
field_languages = st.none() | languages
"""A field's own language: mostly none (the letter's)."""

addressees = st.builds(
    Addressee,
    id=st.none(),
    name=lines,
    honorific=optional_lines,
    role=optional_lines,
    organisation=optional_lines,
    email=st.none() | addresses,
    kind=st.sampled_from(ADDRESSEE_KINDS),
    lines=st.lists(lines, max_size=3).map(tuple),
    printed=st.booleans(),
    lang=field_languages,
)
organisations = st.builds(
    Organisation,
    name=lines,
    short_name=optional_lines,
    country=optional_lines,
    url=st.none() | ids.map(lambda i: f"https://example.org/{i}"),
    email=st.none() | ids.map(lambda i: f"info@{i}.example.org"),
    description=st.none() | blocks(),
    lang=field_languages,
)
roles = st.builds(Role, title=lines, affiliation=optional_lines) | st.builds(Role, affiliation=lines)
people = st.one_of(
    st.builds(
        Person,
        name=lines,
        honorific=optional_lines,
        honorific_suffix=optional_lines,
        title=optional_lines,
        affiliation=optional_lines,
        country=optional_lines,
        pseudonym=st.booleans(),
        lang=field_languages,
    ),
    st.builds(Person, name=lines, roles=st.lists(roles, min_size=1, max_size=3).map(tuple), country=optional_lines),
)
group_notes = st.none() | blocks()
signatory_groups = st.one_of(
    st.builds(
        OrganisationGroup,
        heading=optional_lines,
        note_before=group_notes,
        organisations=st.lists(organisations, min_size=1, max_size=4).map(tuple),
        note_after=group_notes,
        endnotes_before=st.booleans(),
        lang=field_languages,
    ),
    st.builds(
        PersonGroup,
        heading=optional_lines,
        note_before=group_notes,
        people=st.lists(people, min_size=1, max_size=6).map(tuple),
        note_after=group_notes,
        endnotes_before=st.booleans(),
        lang=field_languages,
    ),
)
senders = st.builds(
    Sender,
    organisations=st.lists(organisations, min_size=1, max_size=2).map(tuple),
    people=st.lists(people, max_size=1).map(tuple),
    letterhead=st.lists(st.builds(LetterheadLine, text=lines, lang=field_languages), max_size=2).map(tuple),
)
label_values = st.none() | st.just("") | lines
labels_overrides = st.fixed_dictionaries({}, optional=dict.fromkeys(LABEL_KEYS, label_values)).map(
    lambda given: Labels(**given)
)
field_langs = st.fixed_dictionaries(
    {}, optional=dict.fromkeys(("title", "subject", "closing", "salutation", "notes"), field_languages)
).map(lambda given: FieldLanguages(**given))
count_notes = st.none() | st.builds(
    SignatoryCount,
    text=inline(),
    count=st.none() | st.integers(0, 10**7),
    as_of=st.none() | st.dates(),
    lang=field_languages,
)
archives = st.none() | st.builds(
    Archive,
    url=st.none() | ids.map(lambda i: f"https://example.org/archive/{i}"),
    retrieved=st.none() | st.dates(),
    excerpt=st.booleans(),
)
email_settings = st.builds(
    EmailSettings,
    sender=mailboxes,
    reply_to=st.none() | mailboxes,
    subject=st.none() | lines.filter(lambda s: "=?" not in s),  # reaches only a header: the model refuses "=?"
    to=st.lists(mailboxes, max_size=3).map(tuple),
    cc=st.lists(mailboxes, max_size=2).map(tuple),
    bcc=st.lists(mailboxes, max_size=2).map(tuple),
    list_unsubscribe=st.none()
    | ids.map(lambda i: f"https://example.org/unsubscribe/{i}")
    | addresses.map("mailto:".__add__),
)


LOGO_FOLDER = Path(__file__).resolve().parent / "data"
"""Where the logo files that `logos` names are (pass it as ``base_dir`` to read a letter back)."""

logos = st.sampled_from(["logo.png", "logo.gif"]).flatmap(
    lambda file: st.builds(Logo, file=st.just(file), alt=lines, data=st.just((LOGO_FOLDER / file).read_bytes()))
)


@st.composite
def letters(draw: st.DrawFn, *, with_logo: bool = True) -> Letter:
    """A valid letter with every kind of part, any of which may be absent.

    A logo names a file in `LOGO_FOLDER`; with `with_logo` false, the letter has none.
    """
    labels = tuple(draw(st.lists(ids, max_size=3, unique=True)))
    references = tuple(Reference(id=label, text=draw(blocks())) for label in labels)
    to_people = draw(st.lists(addressees, max_size=4))
    addressee_ids = draw(st.lists(ids, min_size=len(to_people), max_size=len(to_people), unique=True))
    with_ids = tuple(
        Addressee(**{**_fields(a), "id": i if draw(st.booleans()) else None})
        for a, i in zip(to_people, addressee_ids, strict=True)
    )
    targets = [a.id for a in with_ids if a.id is not None]
    demand_ids = draw(st.lists(part_ids, max_size=4, unique=True))
    first_heading = draw(optional_lines)
    sections = [Section(heading=first_heading, text=draw(blocks(labels)), lang=draw(field_languages))]
    sections += [Section(heading=draw(lines), text=draw(blocks(labels))) for _ in range(draw(st.integers(0, 3)))]
    section_ids = draw(st.lists(part_ids, min_size=len(sections), max_size=len(sections), unique=True))
    sections = [
        attrs.evolve(s, id=i if draw(st.booleans()) else None) for s, i in zip(sections, section_ids, strict=True)
    ]
    demands = []
    for number, demand_id in enumerate(demand_ids):
        quote = None
        if draw(st.booleans()):  # anchored: a sentence of its own, added to the body, is the demand
            quote = f"Demand number {number} asks {draw(words(1, 4))}"
            last = sections[-1]
            sections[-1] = attrs.evolve(last, text=f"{last.text}\n\n{quote} here.")
        demands.append(
            Demand(
                id=demand_id if draw(st.booleans()) else None,
                targets=tuple(draw(st.lists(st.sampled_from(targets), max_size=2, unique=True))) if targets else (),
                text=draw(inline(labels)) if quote is None or draw(st.booleans()) else None,
                quote=quote,
                deadline=draw(st.none() | st.dates()),
                status=draw(st.sampled_from(DEMAND_STATUSES)),
                lang=draw(field_languages),
            )
        )
    date = draw(st.none() | st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
    sender = draw(st.none() | senders)
    groups = tuple(draw(st.lists(signatory_groups, min_size=0 if sender else 1, max_size=3)))
    closing = draw(optional_lines)
    count = sum(len(g.organisations) if isinstance(g, OrganisationGroup) else len(g.people) for g in groups)
    if not groups and sender is not None:
        count = len(sender.organisations) + len(sender.people)
    closing_position = "after-signer" if closing and count == 1 and draw(st.booleans()) else "own-line"
    return Letter(
        title=draw(lines),
        language=draw(languages),
        subtitle=draw(optional_lines),
        subject=draw(optional_lines),
        date=date,
        date_text=draw(optional_lines) if date else None,
        place=draw(optional_lines),
        date_position=draw(st.sampled_from(DATE_POSITIONS)),
        calendar=draw(st.sampled_from(CALENDARS)),
        numerals=draw(st.sampled_from(NUMERALS)),
        published=draw(st.none() | st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))),
        url=draw(st.none() | ids.map(lambda i: f"https://example.org/letters/{i}")),
        sender=sender,
        logo=draw(st.none() | logos) if with_logo else None,
        keywords=tuple(draw(st.lists(lines, max_size=4))),
        addressees=with_ids,
        salutation=draw(optional_lines),
        sections=tuple(sections),
        demands=tuple(demands),
        closing=closing,
        closing_position=closing_position,
        signatories=groups,
        signatory_numbering=draw(st.sampled_from(SIGNATORY_NUMBERINGS)) if groups else "none",
        signatory_count_note=draw(count_notes),
        notes=draw(st.none() | blocks(labels)),
        postscript=draw(st.none() | blocks(labels)),
        references=references,
        labels=draw(labels_overrides),
        field_lang=draw(field_langs),
        archive=draw(archives),
        email=draw(st.none() | email_settings),
    )


def _fields(instance: object) -> dict[str, object]:
    return attrs.asdict(instance, recurse=False)  # type: ignore[arg-type]


HOSTILE = [
    '"quoted"',
    "back\\slash",
    "</script><script>alert(1)</script>",
    "<!--",
    "-->",
    "</SCRIPT >",
    "&amp;",
    "'\"<>&",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[vb](vbscript:msgbox(1))",
    "[smb](smb://evil.example/share)",
    "[follina](ms-msdt:/id%20x) <search-ms:query=x>",
    "[mail](mailto:a@example.org?attach=/etc/passwd)",
    '<a href="javascript:alert(1)">x</a>',
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)",
    "{{ 7*7 }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "<style>body{display:none}</style>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
]
"""Text that tries to break out of its place in every output format."""

_KEEP = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*|https://.*|.*@.*|open|met|partly-met|not-met|withdrawn|to|cc")


@st.composite
def hostile_letters(draw: st.DrawFn) -> Letter:
    """A valid letter with hostile text added to every free-text field the model allows it in."""
    letter = draw(letters())
    bad = draw(st.sampled_from(HOSTILE))

    def taint(value: object, name: str = "") -> object:
        if (
            isinstance(value, str)
            and name not in ("language", "lang", "id", "targets", "url", "email", "sender", "reply_to", "file")
            and name not in ("quote", "date_position", "closing_position", "signatory_numbering")
            and name not in ("calendar", "numerals")
            and name not in ("to", "cc", "bcc", "list_unsubscribe")
            and not _KEEP.fullmatch(value)
        ):
            return f"{value} {bad}"
        if isinstance(value, tuple):
            return tuple(taint(v, name) for v in value)
        if attrs.has(type(value)):
            changes = {a.name: taint(getattr(value, a.name), a.name) for a in attrs.fields(type(value))}
            return attrs.evolve(value, **changes)  # type: ignore[misc]
        return value

    try:
        tainted = taint(letter)
    except ValueError:  # hostile text that would open a Markdown block is refused by the model
        return letter
    assert isinstance(tainted, Letter)
    return tainted
