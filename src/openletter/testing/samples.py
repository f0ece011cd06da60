"""The sample letters every exporter is tried on: real, many-signatory, non-Latin, right-to-left,
hostile and minimal letters.

The letters written as files live next to this module (``samples/``); the coalition, hostile and
minimal letters are built here, so that their size and content are exactly what the contract
needs.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from ..model import Letter

__all__ = [
    "SAMPLE_FOLDER",
    "SAMPLE_NAMES",
    "nested_markdown",
    "sample_letter",
    "sample_letters",
    "sample_phrases",
]

SAMPLE_FOLDER = Path(__file__).resolve().parent / "samples"
"""The sample letter files (and the logo one of them names)."""

_FILES = {
    "aphr_cambodia": "aphr_cambodia.md",
    "khmer": "khmer_land.md",
    "thai_with_logo": "thai_forest.md",
    "chinese": "chinese_labour.md",
    "arabic_rtl": "arabic_water.md",
    "coalition_alphabetical": "coalition_alphabetical.md",
    "title_only_address": "title_only_address.md",
    "demands_in_body": "demands_in_body.md",
    "own_labels": "own_labels.md",
    "count_and_disclaimer": "count_and_disclaimer.md",
    "numbered_groups": "numbered_groups.md",
    "postnominals_roles": "postnominals_roles.md",
    "pseudonym_chinese": "pseudonym_chinese.md",
    "date_after_body": "date_after_body.md",
    "english_block_in_italian": "english_block_in_italian.md",
    "truncated_excerpt": "truncated_excerpt.md",
    "endnotes_between_groups": "endnotes_between_groups.md",
}

SAMPLE_NAMES: tuple[str, ...] = (*_FILES, "coalition", "hostile", "minimal")
"""The samples, in the order the contract tries them:

* ``aphr_cambodia``: the worked example, a real letter (APHR to the US Congress, 8 June 2023);
* ``khmer``, ``thai_with_logo``, ``chinese``: letters in Khmer, Thai (with a logo) and Chinese;
* ``arabic_rtl``: a right-to-left letter in Arabic;
* twelve letters written as real letters are published, one per way a format can misrepresent
  one (see ``docs/transcribing.md``): ``coalition_alphabetical`` (an alphabetical coalition list
  and a separate sender), ``title_only_address`` (addressed in its title only),
  ``demands_in_body`` (demands that are a numbered list and sentences of the body),
  ``own_labels`` (Indonesian "YTH :", "Hal :"), ``count_and_disclaimer`` (a label above the list,
  a disclaimer and a count after it), ``numbered_groups`` (numbering across two groups),
  ``postnominals_roles`` (AO QC, OBE, MP; several roles), ``pseudonym_chinese`` (a pseudonymous
  signer with the sign-off on the signer's line), ``date_after_body`` (place and date above the
  signatures), ``english_block_in_italian`` (a section and a group in English in an Italian
  letter), ``truncated_excerpt`` (an archived excerpt) and ``endnotes_between_groups``;
* ``coalition``: 150 organisations in three groups and 2,000 people, names in many scripts;
* ``hostile``: text that tries to break out of its place in HTML, Markdown, Typst, LaTeX, CSV, RTF,
  email and templates, in every free-text field;
* ``minimal``: only what a letter needs (title, language, one paragraph, one signatory).
"""

HOSTILE_TEXT = (
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }} {% raw %}",
    '#eval("1") #import "x.typ" $x^2$ @ref <label>',
    "\\input{/etc/passwd} \\\\ %",
    "]]> <!-- --> &amp; &#x3C;",
    '=HYPERLINK("https://example.org") ;,"\'',
    "{\\rtf1 \\par} ${HOME} `id`",
    "\u2066isolated\u2069 \u200f",
)
"""Pieces of hostile text, joined into every free-text field of the hostile sample."""


def _hostile(base: Letter) -> Letter:
    from ..model import (
        Addressee,
        Archive,
        Demand,
        Labels,
        LetterheadLine,
        OrganisationGroup,
        Person,
        PersonGroup,
        Reference,
        Role,
        Section,
        Sender,
        SignatoryCount,
    )

    bad = " ".join(HOSTILE_TEXT)
    sender = base.sender
    assert sender is not None
    return attrs.evolve(
        base,
        title=f"Hostile {bad}",
        subtitle=bad,
        subject=bad,
        place=bad,
        keywords=(bad,),
        salutation=f"Dear {bad},",
        sections=(
            Section(
                text=f"Plain words first. {bad}\n\n"
                "[a link](javascript:alert(1)) [data](data:text/html,x) [file](file:///etc/passwd) "
                '[ok](https://example.org/?a=1&b=<2>) <https://example.org/x"y> [^n1]\n\n'
                '<div onclick="alert(1)">raw HTML block</div>\n\n'
                "- item <b>bold?</b>\n- `code </script>`"
            ),
            Section(heading=f"Heading {bad}", text=f"**Strong {bad}** and _emphasis {bad}_."),
        ),
        demands=(
            Demand(text=f"Refuse {bad}"),
            Demand(text="A demand with a [link](vbscript:msgbox(1)).", status="met"),
            Demand(quote="Plain words first.", text=bad),
        ),
        closing=bad,
        sender=Sender(
            organisations=sender.organisations,
            letterhead=(LetterheadLine(text=f"Letterhead {bad}"), LetterheadLine(text=bad, lang="ar")),
        ),
        addressees=(
            Addressee(name=f"Minister {bad}", lines=(f"Line one {bad}", f"Line two {bad}")),
            Addressee(name=f"Copied {bad}", kind="cc", role=bad, organisation=bad),
        ),
        signatories=(
            OrganisationGroup(heading=bad, note_before=f"Signed by {bad}", organisations=sender.organisations),
            PersonGroup(
                heading=bad,
                note_after=f"Partial list {bad}",
                people=(
                    Person(name=f"Eve {bad}", honorific=bad, title=bad, affiliation=bad, country=bad),
                    Person(name=f"Mallory {bad}", honorific_suffix=bad, roles=(Role(title=bad, affiliation=bad),)),
                ),
            ),
        ),
        signatory_numbering="continuous",
        signatory_count_note=SignatoryCount(text=f"3 signatures {bad}"),
        notes=f"Affiliations for identification only {bad}",
        postscript=f"P.S. {bad}",
        references=(Reference(id="n1", text=f"A note {bad} <https://example.org/n1>"),),
        labels=Labels(to=f"To {bad}", signatories=f"Signed {bad}", demands=f"Demands {bad}", notes=bad),
        archive=Archive(url="https://example.org/?a=%3Cb%3E&c='d'", excerpt=True),
    )


def _coalition(base: Letter) -> Letter:
    from ..model import Organisation, OrganisationGroup, Person, PersonGroup

    given = ("Anna", "Sok", "Somchai", "Nguyễn", "Zoë", "Björn", "Ana", "Ravi", "Li", "Fatima", "Jiří", "Ngozi")
    family = ("Müller", "Chan", "Jaidee", "Thị Lan", "Okafor", "García", "Østergaard", "Kumar", "Wang", "Haddad")
    titles = ("Member of Parliament", "Senator", "Former Minister", "Councillor", None)
    countries = ("Cambodia", "Thailand", "Indonesia", "Malaysia", "Philippines", "Timor-Leste", None)
    people = tuple(
        Person(
            name=f"{given[i % len(given)]} {family[(i * 7) % len(family)]} {i + 1}",
            honorific="Hon." if i % 3 == 0 else None,
            title=titles[i % len(titles)],
            affiliation=f"Parliament of {countries[i % 6]}" if i % 4 == 0 else None,
            country=countries[i % len(countries)],
        )
        for i in range(2000)
    )
    groups = tuple(
        OrganisationGroup(
            heading=heading,
            organisations=tuple(
                Organisation(name=f"{heading} Organisation {n + 1}", country=countries[n % 6]) for n in range(50)
            ),
        )
        for heading in ("International", "Regional", "National")
    )
    return attrs.evolve(
        base,
        title="A coalition letter signed by 150 organisations and 2,000 people",
        signatories=(*groups, PersonGroup(heading="Individuals", people=people)),
    )


def _minimal() -> Letter:
    from ..model import Letter, Organisation, OrganisationGroup, Section

    return Letter(
        title="A minimal letter",
        language="en",
        sections=(Section(text="We write to ask for one thing."),),
        signatories=(OrganisationGroup(organisations=(Organisation(name="One Organisation"),)),),
    )


@cache
def _all() -> Mapping[str, Letter]:
    from .._api import load

    letters = {name: load(SAMPLE_FOLDER / file) for name, file in _FILES.items()}
    letters["coalition"] = _coalition(letters["aphr_cambodia"])
    letters["hostile"] = _hostile(letters["aphr_cambodia"])
    letters["minimal"] = _minimal()
    return MappingProxyType(letters)


def sample_letters() -> Mapping[str, Letter]:
    """Every sample letter by name (see `SAMPLE_NAMES`), read once per process."""
    return _all()


def sample_letter(name: str) -> Letter:
    """One sample letter by name; `KeyError` names the samples there are."""
    try:
        return _all()[name]
    except KeyError:
        raise KeyError(f"no sample letter {name!r}; the samples are: {', '.join(SAMPLE_NAMES)}") from None


def sample_phrases(letter: Letter, kinds: Collection[str] | None = None) -> list[str]:
    """Text any textual rendering of `letter` must contain: its title, salutation and closing, and
    the first signatory's name (plain text, as written; compare with whitespace removed).

    `kinds` keeps only the phrases of those kinds of printed parts (``title``, ``salutation``,
    ``closing``, ``signatory_group``), for a format that carries only part of a letter."""
    phrases = [("title", letter.title)]
    phrases += [(kind, text) for kind, text in (("salutation", letter.salutation), ("closing", letter.closing)) if text]
    first = next(iter(letter.organisations()), None) or next(iter(letter.people()), None)
    if first is None and letter.sender is not None:
        first = next(iter(letter.sender.organisations), None) or next(iter(letter.sender.people), None)
    if first is not None:
        phrases.append(("signatory_group", first.name))
    return [text for kind, text in phrases if kinds is None or kind in kinds]


def nested_markdown(kinds: str) -> str:
    """Markdown that puts a block quote (``q``), a bullet list (``b``) or a numbered list (``o``)
    inside the one before, for each letter of `kinds`, with a word in each (``Word0q``...), then a
    closing paragraph: text nested as deep as `kinds` is long, to check that a format renders
    every word of it (``"qbob" * 2`` is as deep as a letter may nest: `openletter.markdown.NESTING_LIMIT`)."""
    lines, indent = [], ""
    for level, kind in enumerate(kinds):
        word = f"Word{level}{kind}"
        if kind == "q":
            indent += "> "
            lines.append(f"{indent}{word}")
        elif kind == "b":
            lines.append(f"{indent}- {word}")
            indent += "  "
        else:
            lines.append(f"{indent}1. {word}")
            indent += "   "
    return "\n".join([*lines, "", "Closing."])
