"""The ``jsonld`` format: the letter as schema.org linked data (JSON-LD).

schema.org has no ``Letter`` type; a letter is a ``Message`` (a ``CreativeWork``). The mapping of
every field is documented in ``docs/jsonld.md``; in short:

* the letter: ``Message`` with ``headline``, ``alternativeHeadline``, ``about``, ``dateCreated``
  (the date written on the letter) and ``datePublished`` (when it was published), both Dates,
  never DateTimes with an invented time; ``locationCreated``, ``inLanguage``, ``keywords``,
  ``url``, ``text`` (salutation, body and closing as Markdown); an archived copy's source as
  ``isBasedOn`` (a ``WebPage`` with ``url`` and ``lastReviewed``), and ``genre`` ``excerpt``;
* the sender: ``sender`` (``Organization`` / ``Person`` nodes); nobody when the letter names no
  sender;
* addressees: ``toRecipient`` / ``ccRecipient``, a ``Person`` when an honorific or a role is
  given, an ``Organization`` otherwise (printed or not: they are the letter's targets);
* signatories: ``author`` (``Organization`` / ``Person`` nodes with ``alternateName``,
  ``honorificPrefix``/``honorificSuffix``, ``jobTitle``, ``affiliation`` and a ``PostalAddress``
  country; a pseudonym is an ``alternateName``, not a ``name``); the sender when it signs alone;
  their groups and order: one ``hasPart`` ``CreativeWork`` (genre ``signatories``) per group,
  whose ``mainEntity`` is an ``ItemList`` of numbered ``ListItem``\\ s pointing at the
  signatories, the notes before and after it as ``abstract`` and ``description``;
* sections, demands, the signatory count, the notes and the postscript: ``hasPart`` works with
  ``genre`` ``section`` / ``demand`` / ``signatory count`` / ``notes`` / ``postscript`` and a
  ``position``; a demand is a ``Message`` whose ``toRecipient`` is its targets, ``expires`` its
  deadline and ``creativeWorkStatus`` its status; an anchored demand's ``text`` is the passage it
  quotes, ``isPartOf`` the section it is in, and ``abstract`` its summary;
* endnotes: ``citation`` works with ``identifier`` (the marker's label) and ``text``;
* text in another language than the letter's is a language-tagged string
  (``{"@value": ..., "@language": ...}``).

Node identifiers are ``{url}#...`` when the letter has a canonical URL and blank nodes (``_:...``)
otherwise, so no relative IRI is ever written. Keys come out in a fixed order.

A page embeds a summary when the letter has more than `EMBEDDED_SIGNATORIES` signatories: the
same document listing only the first of them (``build(..., signatories=...)``); this format's own
output always lists every one.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any
from urllib.parse import urldefrag

from ..anchors import sections_of
from ..errors import OptionError
from ..exporter import Exporter, Options
from ..hookspecs import hookimpl
from ..jsontext import Items
from ..model import Addressee, Letter, Organisation, OrganisationGroup, Person, PersonGroup
from ..printed import role_values, tally_note, tally_text

EMBEDDED_SIGNATORIES = 1_000
"""The most signatories the JSON-LD embedded in a page lists: a letter with more embeds a summary
listing its first 1,000 (each group's ``numberOfItems`` still its whole size), and the ``jsonld``
format's own document, which keeps every one, is where the whole list is (see `build`)."""

SCHEMA_CONTEXT = "https://schema.org"
SCHEMA = "http://schema.org/"
"""The IRI prefix schema.org's JSON-LD context maps terms to (its ``@vocab``)."""

# Terms the schema.org context types: Date literals, and URLs read as IRIs.
_TYPED = {
    "datePublished": SCHEMA + "Date",
    "dateCreated": SCHEMA + "Date",
    "expires": SCHEMA + "Date",
    "temporalCoverage": SCHEMA + "Date",
    "lastReviewed": SCHEMA + "Date",
}
_IRI_VALUED = {"url"}

Node = dict[str, Any]


class _Ids:
    """Node identifiers: fragments of the canonical URL, or blank-node labels."""

    def __init__(self, url: str | None) -> None:
        self.base = urldefrag(url)[0] if url else None

    def __call__(self, name: str) -> str:
        return f"{self.base}#{name}" if self.base else f"_:{name}"


def _put(node: Node, key: str, value: object) -> None:
    if value is not None and value not in ([], ()):
        node[key] = value


def _text(value: str | None, lang: str | None, letter: Letter) -> object:
    """A string, language-tagged (``{"@value", "@language"}``) when not in the letter's language.

    The tag is written in lower case: tags are case-insensitive (BCP 47), and JSON-LD processors
    differ in whether they lower-case them, so that every processor reads the same graph."""
    if value is None or lang is None or lang.lower() == letter.language.lower():
        return value
    return {"@value": value, "@language": lang.lower()}


def _addressee(addressee: Addressee, node_id: str, letter: Letter) -> Node:
    person = addressee.honorific is not None or addressee.role is not None
    node: Node = {"@id": node_id, "@type": "Person" if person else "Organization"}
    node["name"] = _text(addressee.name, addressee.lang, letter)
    _put(node, "identifier", addressee.id)
    if person:
        _put(node, "honorificPrefix", addressee.honorific)
        _put(node, "jobTitle", _text(addressee.role, addressee.lang, letter))
        if addressee.organisation is not None:
            node["worksFor"] = {"@type": "Organization", "name": _text(addressee.organisation, addressee.lang, letter)}
    elif addressee.organisation is not None:
        node["parentOrganization"] = {
            "@type": "Organization",
            "name": _text(addressee.organisation, addressee.lang, letter),
        }
    _put(node, "email", addressee.email)
    return node


def _organisation(org: Organisation, node_id: str, letter: Letter) -> Node:
    lang = _own_lang(org.lang, letter)
    node: Node = {"@id": node_id, "@type": "Organization", "name": _tagged(org.name, lang)}
    if org.short_name is not None:
        node["alternateName"] = org.short_name
    if org.country is not None:
        node["address"] = {"@type": "PostalAddress", "addressCountry": org.country}
    if org.url is not None:
        node["url"] = org.url
    if org.email is not None:
        node["email"] = org.email
    if org.description is not None:
        node["description"] = _tagged(org.description, lang)
    return node


def _person(person: Person, node_id: str, letter: Letter) -> Node:
    lang = _own_lang(person.lang, letter)
    node: Node = {"@id": node_id, "@type": "Person"}
    node["alternateName" if person.pseudonym else "name"] = _tagged(person.name, lang)  # a pseudonym is not a name
    if person.honorific is not None:
        node["honorificPrefix"] = person.honorific
    if person.honorific_suffix is not None:
        node["honorificSuffix"] = person.honorific_suffix
    roles = role_values(person)
    titles = [_tagged(title, lang) for title, _ in roles if title is not None]
    if titles:
        node["jobTitle"] = titles[0] if len(titles) == 1 else titles
    affiliations = [
        {"@type": "Organization", "name": _tagged(affiliation, lang)}
        for _, affiliation in roles
        if affiliation is not None
    ]
    if affiliations:
        node["affiliation"] = affiliations[0] if len(affiliations) == 1 else affiliations
    if person.country is not None:
        node["address"] = {"@type": "PostalAddress", "addressCountry": person.country}
    return node


def _own_lang(lang: str | None, letter: Letter) -> str | None:
    """The language tag (lower case) `_text` gives values in `lang`, or None for the letter's."""
    return None if lang is None or lang.lower() == letter.language.lower() else lang.lower()


def _tagged(value: str, lang: str | None) -> object:
    """`value` as `_text` writes it, `lang` from `_own_lang`."""
    return value if lang is None else {"@value": value, "@language": lang}


def full_text(letter: Letter) -> str:
    """Salutation, sections (with ``##`` headings) and closing, as one Markdown text."""
    parts = [letter.salutation] if letter.salutation else []
    for section in letter.sections:
        if section.heading is not None:
            parts.append(f"## {section.heading}")
        parts.append(section.text)
    if letter.closing:
        parts.append(letter.closing)
    return "\n\n".join(parts)


def _members(group: OrganisationGroup | PersonGroup, prefix: str, letter: Letter, count: int) -> Iterator[Node]:
    """The nodes of the group's first `count` signatories, one at a time."""
    if isinstance(group, OrganisationGroup):
        for n, org in enumerate(group.organisations[:count], start=1):
            yield _organisation(org, f"{prefix}-{n}", letter)
    else:
        for n, person in enumerate(group.people[:count], start=1):
            yield _person(person, f"{prefix}-{n}", letter)


def _list_items(group: OrganisationGroup | PersonGroup, prefix: str, letter: Letter, count: int) -> Iterator[Node]:
    for n, member in enumerate(_members(group, prefix, letter, count), start=1):
        yield {"@type": "ListItem", "position": n, "item": member}


def _author_ids(groups: Sequence[tuple[str, int]]) -> Iterator[Node]:
    for prefix, count in groups:
        for n in range(1, count + 1):
            yield {"@id": f"{prefix}-{n}"}


def _versions(letter: Letter, alternates: str | None) -> tuple[list[Node], Node | None]:
    """The letter's other languages, from the ``alternates`` option (the original first): the
    translations (when this is the original) and the original (when this is a translation)."""
    from urllib.parse import urljoin

    found = []
    for item in (alternates or "").split():
        tag, _, href = item.partition("=")
        node: Node = {"@type": "Message", "inLanguage": tag}
        if letter.url and href:
            node["url"] = urljoin(letter.url, href)
        found.append(node)
    if not found:
        return [], None
    original, others = found[0], found[1:]
    if original["inLanguage"].lower() == letter.language.lower():
        return others, None
    return [], original


def build(letter: Letter, alternates: str | None = None, *, signatories: int | None = None) -> Node:
    """The letter as a JSON-LD document (compact form, schema.org context), as Python data.

    `alternates` is the ``alternates`` option: the letter's languages and their pages, the original
    first (``en=letter.html km=letter.km.html``), which link the languages' documents with
    ``workTranslation`` and ``translationOfWork``.

    `signatories` bounds how many signatories the document lists (the first ones, in the letter's
    order; every one when None): a summary, as a page embeds it (`EMBEDDED_SIGNATORIES`). Each
    group's ``ItemList`` still states the group's whole size as ``numberOfItems`` (for schema.org,
    the number of the entire list, however few of its items are described); the nodes listed are
    the same as in the full document, with the same ids."""
    return _build(letter, alternates, lazy=False, signatories=signatories)


def _build(letter: Letter, alternates: str | None, *, lazy: bool, signatories: int | None = None) -> Node:
    """`build`; with `lazy`, the signatories' nodes (the list items and the authors) are
    `jsontext.Items`, made as `jsontext.dumps` writes them."""
    from ..public import public_letter

    letter = public_letter(letter)  # (as every format's: the registry gives it already)
    ids = _Ids(letter.url)
    doc: Node = {"@context": SCHEMA_CONTEXT, "@type": "Message"}
    if ids.base:
        doc["@id"] = ids("letter")  # not the URL itself: that is the page (`url`), this the letter
    doc["headline"] = _text(letter.title, letter.field_lang.title, letter)
    _put(doc, "alternativeHeadline", _text(letter.subtitle, letter.field_lang.subtitle, letter))
    if letter.subject is not None:
        doc["about"] = {"@type": "Thing", "name": _text(letter.subject, letter.field_lang.subject, letter)}
    _put(doc, "dateCreated", letter.date.isoformat() if letter.date else None)
    _put(doc, "datePublished", letter.published.isoformat() if letter.published else None)
    if letter.place is not None:
        doc["locationCreated"] = {"@type": "Place", "name": _text(letter.place, letter.field_lang.place, letter)}
    doc["inLanguage"] = letter.language
    translations, original = _versions(letter, alternates)
    _put(doc, "workTranslation", translations)
    _put(doc, "translationOfWork", original)
    _put(doc, "keywords", list(letter.keywords))
    _put(doc, "url", letter.url)
    archive = letter.archive
    if archive is not None:
        if archive.excerpt:
            doc["genre"] = "excerpt"
        if archive.url is not None or archive.retrieved is not None:
            source: Node = {"@type": "WebPage"}
            _put(source, "url", archive.url)
            _put(source, "lastReviewed", archive.retrieved.isoformat() if archive.retrieved else None)
            doc["isBasedOn"] = source

    addressee_ids: dict[str, str] = {}
    to: list[Node] = []
    cc: list[Node] = []
    for number, addressee in enumerate(letter.addressees, start=1):
        node_id = ids(f"addressee-{number}")
        if addressee.id is not None:
            addressee_ids[addressee.id] = node_id
        (to if addressee.kind == "to" else cc).append(_addressee(addressee, node_id, letter))
    _put(doc, "toRecipient", to)
    _put(doc, "ccRecipient", cc)

    sender = letter.sender
    sender_nodes: list[Node] = []
    if sender is not None:
        sender_nodes = [_organisation(o, ids(f"sender-{n}"), letter) for n, o in enumerate(sender.organisations, 1)]
        sender_nodes += [
            _person(p, ids(f"sender-{n}"), letter) for n, p in enumerate(sender.people, len(sender_nodes) + 1)
        ]
        doc["sender"] = sender_nodes

    signed: list[tuple[str, int]] = []  # each group's node id prefix and size
    groups: list[Node] = []
    signatory_groups: Sequence[OrganisationGroup | PersonGroup] = letter.signatories
    room = sys.maxsize if signatories is None else max(signatories, 0)  # signatories still to list
    for group_number, group in enumerate(signatory_groups, start=1):
        prefix = ids(f"signatory-{group_number}")
        size = len(group.organisations if isinstance(group, OrganisationGroup) else group.people)
        listed = min(size, room)
        room -= listed
        signed.append((prefix, listed))
        part: Node = {"@id": ids(f"signatories-{group_number}"), "@type": "CreativeWork", "genre": "signatories"}
        _put(part, "headline", _text(group.heading, group.lang, letter))
        _put(part, "abstract", _text(group.note_before, group.lang, letter))
        _put(part, "description", _text(group.note_after, group.lang, letter))
        part["position"] = group_number
        part["mainEntity"] = {
            "@type": "ItemList",
            "numberOfItems": size,
            "itemListElement": Items(listed, partial(_list_items, group, prefix, letter, listed))
            if lazy
            else list(_list_items(group, prefix, letter, listed)),
        }
        if not listed:  # a group past the bound: its size, no items
            del part["mainEntity"]["itemListElement"]
        groups.append(part)
    authors: list[Node] | Items = (
        Items(sum(n for _, n in signed), partial(_author_ids, signed)) if lazy else list(_author_ids(signed))
    )
    if not signatory_groups and sender_nodes:  # the sender signs alone
        authors = [{"@id": node["@id"]} for node in sender_nodes]
    doc["author"] = authors
    doc["text"] = full_text(letter)

    parts: list[Node] = []
    for number, section in enumerate(letter.sections, start=1):
        node: Node = {"@id": ids(f"section-{number}"), "@type": "CreativeWork", "genre": "section"}
        _put(node, "identifier", section.id)
        _put(node, "headline", _text(section.heading, section.lang, letter))
        node["position"] = number
        node["text"] = _text(section.text, section.lang, letter)
        _put(node, "inLanguage", section.lang)
        parts.append(node)
    anchored = sections_of(letter) if any(d.quote is not None for d in letter.demands) else {}
    for number, demand in enumerate(letter.demands, start=1):
        node = {"@id": ids(f"demand-{number}"), "@type": "Message", "genre": "demand"}
        _put(node, "identifier", demand.id)
        node["position"] = number
        node["text"] = _text(demand.quote if demand.quote is not None else demand.text, demand.lang, letter)
        if demand.quote is not None:
            _put(node, "abstract", _text(demand.text, demand.lang, letter))
            node["isPartOf"] = {"@id": ids(f"section-{anchored[number - 1] + 1}")}
        targets = [{"@id": addressee_ids[target]} for target in demand.targets]
        _put(node, "toRecipient", targets[0] if len(targets) == 1 else targets)
        _put(node, "expires", demand.deadline.isoformat() if demand.deadline else None)
        node["creativeWorkStatus"] = demand.status
        parts.append(node)
    parts.extend(groups)
    count = letter.signatory_count_note
    if count is not None:
        node = {"@id": ids("signatory-count"), "@type": "CreativeWork", "genre": "signatory count"}
        node["text"] = _text(count.text, count.lang, letter)
        _put(node, "temporalCoverage", count.as_of.isoformat() if count.as_of else None)
        if count.count is not None:
            node["mainEntity"] = {"@type": "ItemList", "numberOfItems": count.count}
        parts.append(node)
    tally = tally_note(letter)
    if tally is not None:  # the counts as the formats print them, and the signatures as data
        from ..words import letter_labels

        node = {"@id": ids("signature-tally"), "@type": "CreativeWork", "genre": "signature tally"}
        words = letter_labels(letter)
        text = tally_text(letter, words, tally.signatures, tally.unnamed, tally.withdrawn, tally.earlier)
        node["text"] = _text(text, None, letter)
        node["mainEntity"] = {"@type": "ItemList", "numberOfItems": tally.signatures}
        parts.append(node)
    if letter.notes is not None:
        parts.append(
            {"@id": ids("notes"), "@type": "CreativeWork", "genre": "notes",
             "text": _text(letter.notes, letter.field_lang.notes, letter)}
        )  # fmt: skip
    if letter.postscript is not None:
        parts.append(
            {"@id": ids("postscript"), "@type": "CreativeWork", "genre": "postscript",
             "text": _text(letter.postscript, letter.field_lang.postscript, letter)}
        )  # fmt: skip
    doc["hasPart"] = parts
    _put(
        doc,
        "citation",
        [
            {
                "@id": ids(f"note-{reference.id}"),
                "@type": "CreativeWork",
                "identifier": reference.id,
                "position": number,
                "text": _text(reference.text, reference.lang, letter),
            }
            for number, reference in enumerate(letter.references, start=1)
        ],
    )
    return doc


def expand(compact: Node) -> list[Node]:
    """The same document in JSON-LD expanded form: absolute IRIs, no context needed."""

    def node(data: Node) -> Node:
        out: Node = {}
        for key, value in data.items():
            if key == "@context":
                continue
            if key == "@id":
                out["@id"] = value
            elif key == "@type":
                out["@type"] = [SCHEMA + value]
            else:
                values = value if isinstance(value, list) else [value]
                out[SCHEMA + key] = [term(key, v) for v in values]
        return out

    def term(key: str, value: object) -> Node:
        if isinstance(value, dict) and "@value" in value:  # a language-tagged string
            return dict(value)
        if isinstance(value, dict):
            return node(value)
        if key in _IRI_VALUED:
            return {"@id": value}
        if key in _TYPED:
            return {"@type": _TYPED[key], "@value": value}
        return {"@value": value}

    return [node(compact)]


def embeddable(text: str) -> str:
    """Make JSON text safe inside an HTML ``<script type="application/ld+json">`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026`` (so neither
    ``</script>`` nor ``<!--`` can appear), and U+2028/U+2029 are escaped too; the result is
    still JSON that parses to the same data.
    """
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def dumps(data: object, *, compact: bool = False) -> str:
    """Serialise JSON-LD data: UTF-8, keys in the order built; indented with a final newline,
    or on one line when `compact` (as embedded in HTML pages: much faster for long lists)."""
    if compact:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    from ..jsontext import dumps as indented

    return indented(data) + "\n"


CONTEXT_CHOICES = ("schema.org", "none")


def render(letter: Letter, options: Options) -> str:
    """The letter as JSON-LD; option ``context``: ``schema.org`` (compact, the default) or ``none``."""
    pieces: list[str] = []
    write(letter, options, pieces.append)
    return "".join(pieces)


def write(letter: Letter, options: Options, put: Callable[[str], object]) -> None:
    """`render`'s text given to `put` in pieces as it is written (`Exporter.write`): with the
    schema.org context, the signatories' nodes are made as they are written (see `_build`)."""
    context = options.get("context", "schema.org")
    if context not in CONTEXT_CHOICES:
        raise OptionError(f"jsonld.context must be one of {', '.join(CONTEXT_CHOICES)}, not {context!r}")
    if context == "schema.org":
        from ..jsontext import write as write_json

        write_json(_build(letter, options.get("alternates"), lazy=True), put)
        put("\n")
    else:
        put(dumps(expand(build(letter, options.get("alternates")))))


@hookimpl
def openletter_exporters() -> Sequence[Exporter]:
    """Provide the ``jsonld`` format."""
    return [
        Exporter(
            name="jsonld",
            title="JSON-LD (schema.org linked data)",
            suffix=".jsonld",
            media_type="application/ld+json",
            render=render,
            write=write,
            options={
                "context": 'schema.org (compact, with "@context": "https://schema.org"; the default) '
                "or none (expanded form with absolute IRIs)",
                "alternates": "every language of the letter and its page, the original first: "
                "'en=letter.html km=letter.km.html' (openletter build sets it when it builds translations)",
            },
        )
    ]
