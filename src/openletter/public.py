"""The public view of a letter: what every format may show of its signatories, decided once.

A letter's source keeps everything about its signatures (`openletter.Signature`: consent,
verification, withdrawal, text version, origin, contact data). No format sees that record:
`Registry.render` and `Registry.render_to` give every exporter, built-in or plugin,
`public_letter(letter)` instead of the letter, and `openletter.printed.layout` lays out the public
letter too. The rules:

* an entry whose signature was **withdrawn** is left out, and counted (`Tally.withdrawn`);
* an entry with ``consent: count`` is left out, and counted (`Tally.unnamed`);
* an entry with ``consent: name`` keeps only its name (and its language, and whether the name is
  a pseudonym): no honorific, title, affiliation, role, country, link, address or description;
* every ``signature`` record is dropped, the sender's included (a sender is never withdrawn or
  counted only: the model refuses that; a sender who agreed to its name only is reduced to it);
* a signatory group left with no entry is left out with its heading and notes (they speak of
  entries that are not shown); the counts print after the list instead;
* a standing signature given to another version of the text than the current one
  (`Signature.version`, against `openletter.text_version`) is counted (`Tally.earlier`), whether
  it is named or not;
* the letter's `Letter.tally` holds the counts (added to those of a tally the letter already had,
  so that the view of a public letter is that letter).

`openletter.dumps` and `openletter.unstructure` write the source, not the public view.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import TypeVar

import attrs

from .model import Letter, Organisation, OrganisationGroup, Person, Sender, SignatoryGroup, Tally

__all__ = ["Counts", "has_signature_records", "public_letter", "signature_counts"]

_signature = attrgetter("signature")


def _entries(group: SignatoryGroup) -> Sequence[Organisation | Person]:
    return group.organisations if isinstance(group, OrganisationGroup) else group.people


def has_signature_records(letter: Letter) -> bool:
    """Whether any signatory or sender entry of `letter` carries a `openletter.Signature`."""
    if any(any(map(_signature, _entries(group))) for group in letter.signatories):
        return True
    sender = letter.sender
    return sender is not None and any(map(_signature, (*sender.organisations, *sender.people)))


def _name_only(entry: Organisation | Person) -> Organisation | Person:
    if isinstance(entry, Organisation):
        return Organisation(name=entry.name, lang=entry.lang)
    return Person(name=entry.name, pseudonym=entry.pseudonym, lang=entry.lang)


E = TypeVar("E", Organisation, Person)


def _without_records(entries: Iterable[E]) -> tuple[E, ...]:
    """Each entry without its record; one that agreed to its name only, reduced to its name."""

    def public(entry: E) -> E:
        if entry.signature is None:
            return entry
        if entry.signature.consent == "name":
            return _name_only(entry)  # type: ignore[return-value]  # (the entry's own class)
        return attrs.evolve(entry, signature=None)

    return tuple(public(entry) for entry in entries)


_last: tuple[weakref.ref[Letter], Letter | None] | None = None
"""The last letter given to `public_letter` (by a weak reference: the cache never keeps it alive)
and its public view: a build asks for the view once per format, its checks once more, and for a
long list each view is a new copy of the list."""


def public_letter(letter: Letter) -> Letter:
    """The letter as every public format shows it (see the module's docstring for the rules).

    A letter without signature records is returned as it is (the check is one pass over its
    entries); the public view of a public letter is that letter. The view of the letter asked
    for last is remembered while that letter lives (a letter is immutable).
    """
    global _last  # noqa: PLW0603 -- one remembered view per process
    if _last is not None and _last[0]() is letter:
        return _last[1] or letter
    shown = _public_letter(letter) if has_signature_records(letter) else None  # None: the letter itself

    def forget(_: weakref.ref[Letter]) -> None:
        global _last  # noqa: PLW0603
        _last = None

    _last = (weakref.ref(letter, forget), shown)
    return shown or letter


def _public_letter(letter: Letter) -> Letter:
    unnamed = withdrawn = earlier = 0
    current = _current_version(letter)
    groups: list[SignatoryGroup] = []
    for group in letter.signatories:
        kept: list[Organisation | Person] = []
        for entry in _entries(group):
            signature = entry.signature
            if signature is None:
                kept.append(entry)
                continue
            if signature.withdrawal is not None:
                withdrawn += 1
                continue
            if signature.version is not None and signature.version != current:
                earlier += 1
            if signature.consent == "count":
                unnamed += 1
            elif signature.consent == "name":
                kept.append(_name_only(entry))
            else:
                kept.append(attrs.evolve(entry, signature=None))
        if not kept:
            continue
        # (each entry is of its group's kind: `_name_only` and `evolve` keep its class)
        if isinstance(group, OrganisationGroup):
            groups.append(attrs.evolve(group, organisations=tuple(kept)))  # type: ignore[arg-type]
        else:
            groups.append(attrs.evolve(group, people=tuple(kept)))  # type: ignore[arg-type]
    sender = letter.sender
    if sender is not None:
        sender = _public_sender(sender)
    tally = letter.tally
    if unnamed or withdrawn or earlier:
        before = tally or Tally()
        tally = Tally(
            unnamed=before.unnamed + unnamed, withdrawn=before.withdrawn + withdrawn, earlier=before.earlier + earlier
        )
    return attrs.evolve(letter, signatories=tuple(groups), sender=sender, tally=tally)


def _current_version(letter: Letter) -> str | None:
    """The version of the letter's text when a signature says which version it was given to
    (computing it reads the text's Markdown: only then), else None."""
    if not any(entry.signature is not None and entry.signature.version is not None for entry in _all_entries(letter)):
        return None
    from .versions import text_version

    return text_version(letter)


def _all_entries(letter: Letter) -> Iterable[Organisation | Person]:
    for group in letter.signatories:
        yield from _entries(group)


def _public_sender(sender: Sender) -> Sender:
    if not any(map(_signature, (*sender.organisations, *sender.people))):
        return sender
    organisations = _without_records(sender.organisations)
    people = _without_records(sender.people)
    return attrs.evolve(sender, organisations=organisations, people=people)


@attrs.frozen
class Counts:
    """A letter's signatures, counted as every format states them.

    `named` entries are listed; `unnamed` ones (consent ``count``) and `withdrawn` ones are not.
    `signatures` is what the letter holds: named and unnamed (withdrawn ones are no longer
    signatures).
    """

    named: int
    unnamed: int
    withdrawn: int

    @property
    def signatures(self) -> int:
        """The signatures that stand: named and unnamed."""
        return self.named + self.unnamed

    @property
    def hidden(self) -> bool:
        """Whether any signature is left out of the list (counted only, or withdrawn)."""
        return bool(self.unnamed or self.withdrawn)


def signature_counts(letter: Letter) -> Counts:
    """The counts of `letter`'s public view (`public_letter`): its named signatories (the sender,
    when it signs alone), and its `Letter.tally`."""
    shown = public_letter(letter)
    tally = shown.tally or Tally()
    return Counts(named=shown.signatory_count, unnamed=tally.unnamed, withdrawn=tally.withdrawn)
