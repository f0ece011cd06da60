"""The jsonld format: schema.org linked data that real JSON-LD processors accept, checked offline."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

import openletter
from openletter import (
    Letter,
    OptionError,
    Organisation,
    OrganisationGroup,
    OutputError,
    Person,
    PersonGroup,
    SignatoryCount,
)
from openletter.cli import EXIT_OK, EXIT_USAGE, main
from openletter.exporters.jsonld import EMBEDDED_SIGNATORIES, build, embeddable, full_text
from openletter.testing import SAMPLE_NAMES, sample_letter

from .conftest import DATA, EXAMPLE
from .schemaorg import (
    expand_offline,
    graph_from_pyld,
    graph_from_rdflib,
    iris,
    normalised,
    vocabulary,
)
from .strategies import hostile_letters, letters

DOCS = Path(__file__).resolve().parents[1] / "docs" / "jsonld.md"
TRANSLATIONS = DATA / "translations" / "letter.md"


def export(letter: Letter, **options: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(openletter.export(letter, "jsonld", options))
    return data


def assert_valid(document: dict[str, object]) -> None:
    """pyld and rdflib agree on the graph, and the graph fits the schema.org vocabulary."""
    expanded = expand_offline(document)
    for iri in iris(expanded):
        assert iri.startswith(("http://", "https://", "_:")), f"relative IRI {iri!r}"
    from_pyld = graph_from_pyld(document)
    assert len(from_pyld) > 0
    assert isomorphic(from_pyld, graph_from_rdflib(document))
    assert vocabulary().check(from_pyld) == []


def test_example_is_valid_schema_org(example_letter: Letter) -> None:
    assert_valid(export(example_letter))


@settings(max_examples=15, deadline=None)
@given(letters())
def test_generated_letters_are_valid_schema_org(letter: Letter) -> None:
    assert_valid(export(letter))


def test_example_maps_the_letter_to_a_message(example_letter: Letter) -> None:
    doc = export(example_letter)
    assert doc["@context"] == "https://schema.org"
    assert doc["@type"] == "Message"
    assert doc["headline"] == example_letter.title
    assert doc["dateCreated"] == "2023-06-08" and "datePublished" not in doc  # written that day
    assert doc["inLanguage"] == "en"
    (recipient,) = doc["toRecipient"]  # type: ignore[misc]
    assert recipient["name"] == "The United States Congress"
    assert recipient["@type"] == "Organization"
    (sender,) = doc["sender"]  # type: ignore[misc]
    assert sender["name"] == "ASEAN Parliamentarians for Human Rights" and sender["@id"] == "_:sender-1"
    assert doc["author"] == [{"@id": "_:sender-1"}]  # APHR signs alone


def test_date_only_letters_use_a_date_property_and_no_invented_time(example_letter: Letter) -> None:
    text = openletter.export(attrs.evolve(example_letter, published=dt.date(2023, 6, 9)), "jsonld").decode()
    assert '"dateCreated": "2023-06-08"' in text and '"datePublished": "2023-06-09"' in text
    assert "T00:00" not in text and "dateSent" not in text


def test_letter_without_date_has_no_date(example_letter: Letter) -> None:
    assert "datePublished" not in export(attrs.evolve(example_letter, date=None))


def test_ids_derive_from_the_canonical_url(example_letter: Letter) -> None:
    letter = attrs.evolve(example_letter, url="https://example.org/letters/cambodia#top")
    doc = export(letter)
    assert doc["@id"] == "https://example.org/letters/cambodia#letter"
    assert doc["url"] == "https://example.org/letters/cambodia#top"
    ids = [i for i in iris(doc) if not i[0].isupper()]
    assert ids and all(i.startswith("https://example.org/letters/cambodia") for i in ids)
    assert_valid(doc)


def test_without_a_url_nodes_are_blank_not_relative(example_letter: Letter) -> None:
    doc = export(example_letter)
    assert "@id" not in doc
    assert all(i.startswith("_:") for i in iris(doc) if not i[0].isupper())


def _graph_of(letter: Letter) -> object:
    return normalised(graph_from_pyld(export(letter)))


def _recover(letter: Letter) -> dict[str, object]:
    """Read demands, endnotes and signatory groups back from the expanded JSON-LD alone."""
    expanded = expand_offline(export(letter))
    nodes: dict[str, dict[str, object]] = {}

    def collect(value: object) -> None:
        if isinstance(value, dict):
            if "@id" in value and len(value) > 1:
                nodes[value["@id"]] = value
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(expanded)
    s = "http://schema.org/"

    def one(node: dict[str, object], key: str) -> object:
        values = node.get(s + key, [])
        assert isinstance(values, list)
        if not values:
            return None
        value = values[0]
        assert isinstance(value, dict)
        return value.get("@value", value.get("@id"))

    def genre(name: str) -> list[dict[str, object]]:
        found = [n for n in nodes.values() if one(n, "genre") == name]
        return sorted(found, key=lambda n: int(str(one(n, "position"))))

    (root,) = expanded
    demands = [
        (
            one(n, "identifier"),
            one(n, "text"),
            one(nodes[str(one(n, "toRecipient"))], "identifier") if one(n, "toRecipient") else None,
            one(n, "expires"),
            one(n, "creativeWorkStatus"),
        )
        for n in genre("demand")
    ]
    notes = sorted(
        (
            (int(str(one(n, "position"))), one(n, "identifier"), one(n, "text"))
            for n in (nodes[c["@id"]] for c in root.get(s + "citation", []))
        ),
    )
    groups = []
    for part in genre("signatories"):
        item_list = nodes.get(str(one(part, "mainEntity"))) or part[s + "mainEntity"][0]  # type: ignore[index]
        items = sorted(item_list[s + "itemListElement"], key=lambda li: li[s + "position"][0]["@value"])  # type: ignore[index]
        people = [nodes[li[s + "item"][0]["@id"]] for li in items]
        names = [one(n, "name") or one(n, "alternateName") for n in people]  # a pseudonym: alternateName
        groups.append((one(part, "headline"), names))
    return {"demands": demands, "notes": [(label, text) for _, label, text in notes], "groups": groups}


@settings(max_examples=15, deadline=None)
@given(letters())
def test_demands_endnotes_and_signatory_groups_are_recoverable(letter: Letter) -> None:
    recovered = _recover(letter)
    assert recovered["demands"] == [
        (d.id, d.quote or d.text, d.target, d.deadline.isoformat() if d.deadline else None, d.status)
        for d in letter.demands
    ]
    assert recovered["notes"] == [(r.id, r.text) for r in letter.references]
    assert recovered["groups"] == [
        (g.heading, [m.name for m in (g.organisations if hasattr(g, "organisations") else g.people)])
        for g in letter.signatories
    ]


def test_output_is_deterministic(example_letter: Letter) -> None:
    assert openletter.export(example_letter, "jsonld") == openletter.export(
        openletter.loads(openletter.dumps(example_letter)), "jsonld"
    )
    assert list(export(example_letter))[:4] == ["@context", "@type", "headline", "dateCreated"]


def test_expanded_form_is_the_same_graph(example_letter: Letter) -> None:
    letter = attrs.evolve(example_letter, url="https://example.org/l", place="Jakarta")
    compact = export(letter)
    expanded = json.loads(openletter.export(letter, "jsonld", {"context": "none"}))
    assert "@context" not in json.dumps(expanded)
    assert isomorphic(graph_from_pyld(compact), graph_from_pyld(expanded))
    assert expand_offline(expanded) == expand_offline(compact)


def test_bad_context_option_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(OptionError):
        openletter.export(openletter.load(EXAMPLE), "jsonld", {"context": "inline"})
    assert main(["build", str(EXAMPLE), "-t", "jsonld", "-O", "jsonld.context=x", "-o", str(tmp_path)]) == EXIT_USAGE
    assert "context must be one of" in capsys.readouterr().err


def test_build_writes_letter_jsonld(tmp_path: Path) -> None:
    assert main(["build", str(EXAMPLE), "-t", "jsonld", "-o", str(tmp_path)]) == EXIT_OK
    assert json.loads((tmp_path / "letter.jsonld").read_text())["@type"] == "Message"


LINK = b'<link rel="alternate" type="application/ld+json" href="%s">'


def test_a_built_page_links_the_jsonld_document_written_beside_it(tmp_path: Path) -> None:
    result = openletter.build(EXAMPLE, ["html", "jsonld"], tmp_path)
    assert [output.path.name for output in result.outputs] == ["letter.html", "letter.jsonld"]  # as asked
    assert LINK % b"letter.jsonld" in (tmp_path / "letter.html").read_bytes()


def test_a_page_built_without_its_jsonld_document_links_none(tmp_path: Path) -> None:
    openletter.build(EXAMPLE, ["html", "json"], tmp_path)
    assert b"application/ld+json" in (tmp_path / "letter.html").read_bytes()  # the embedded script
    assert b'type="application/ld+json" href' not in (tmp_path / "letter.html").read_bytes()


def test_each_language_links_its_own_jsonld_document(tmp_path: Path) -> None:
    openletter.build(TRANSLATIONS, ["jsonld", "html"], tmp_path)
    assert LINK % b"letter.jsonld" in (tmp_path / "letter.html").read_bytes()
    for tag in ("km", "fr", "ar"):
        page = (tmp_path / f"letter.{tag}.html").read_bytes()
        assert LINK % f"letter.{tag}.jsonld".encode() in page and (tmp_path / f"letter.{tag}.jsonld").is_file()


def test_a_file_name_is_linked_as_a_url(tmp_path: Path) -> None:
    source = tmp_path / "open letter #1.md"
    source.write_bytes(EXAMPLE.read_bytes())
    openletter.build(source, ["html", "jsonld"], tmp_path / "out")
    assert LINK % b"open%20letter%20%231.jsonld" in (tmp_path / "out" / "open letter #1.html").read_bytes()


@pytest.mark.parametrize("failing", ["stage", "commit"])
def test_a_page_links_no_jsonld_document_that_could_not_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """The disk fills while the JSON-LD is written to its temporary file (stage), or it cannot be
    put in place (commit): the page is written without a link to it."""
    from openletter import output

    stage, commit = output.stage, output.Staged.commit

    def full_disk(path: Path, data: Any, **kwargs: Any) -> output.Staged:
        if path.suffix == ".jsonld":
            raise OutputError(f"cannot write {path}: No space left on device")
        return stage(path, data, **kwargs)

    def no_rename(self: output.Staged) -> None:
        if self.path.suffix == ".jsonld":
            self.discard()
            raise OutputError(f"cannot write {self.path}: Read-only file system")
        commit(self)

    if failing == "stage":
        monkeypatch.setattr(output, "stage", full_disk)
    else:
        monkeypatch.setattr(output.Staged, "commit", no_rename)
    result = openletter.build(EXAMPLE, ["html", "jsonld"], tmp_path)
    assert result.status == 4 and [o.path.name for o in result.outputs] == ["letter.html"]
    page = (tmp_path / "letter.html").read_bytes()
    assert b'type="application/ld+json" href' not in page and b"<script" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.html"]  # no temporary file left


def test_a_page_links_no_jsonld_document_that_could_not_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openletter.exporters import jsonld

    def broken(compact: object) -> object:
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(jsonld, "expand", broken)  # only the expanded form (context=none) fails
    result = openletter.build(EXAMPLE, ["html", "jsonld"], tmp_path, {"jsonld": {"context": "none"}})
    assert result.status == 3 and [o.path.name for o in result.outputs] == ["letter.html"]
    assert b'type="application/ld+json" href' not in (tmp_path / "letter.html").read_bytes()


@settings(max_examples=40, deadline=None)
@given(hostile_letters())
def test_hostile_text_gives_json_that_parses_and_cannot_end_a_script_element(letter: Letter) -> None:
    text = openletter.export(letter, "jsonld").decode()
    data = json.loads(text)
    safe = embeddable(text)
    assert json.loads(safe) == data
    lowered = safe.lower()
    assert "</script" not in lowered and "<!--" not in lowered and "<" not in safe
    assert_valid(data)


@pytest.mark.parametrize(
    "value",
    ["</script>", "</ScRiPt >", "<!-- x -->", "\u2028", "\u2029", "\x00\x01\x1f", '"\\', "&lt;", "]]>", "<\u2028>"],
)
def test_embeddable_form_parses_back_and_never_ends_a_script(value: str) -> None:
    text = json.dumps({"v": value}, ensure_ascii=False)
    safe = embeddable(text)
    assert json.loads(safe) == {"v": value}
    assert "<" not in safe and ">" not in safe and "&" not in safe
    assert "\u2028" not in safe and "\u2029" not in safe


def test_full_text_has_salutation_sections_and_closing(example_letter: Letter) -> None:
    text = full_text(example_letter)
    assert text.startswith("Your Honors,\n\nWe, ASEAN")
    assert text.endswith("Yours sincerely,")


def _documented_fields() -> dict[str, set[str]]:
    """Fields per model class in docs/jsonld.md: a '### Class' heading, then a table of `field`s."""
    documented: dict[str, set[str]] = {}
    current = None
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"### (\w+)\s*$", line)
        if heading:
            current = heading.group(1)
            documented[current] = set()
        elif current and line.startswith("| `"):
            documented[current].add(line.split("`")[1])
    return documented


@pytest.mark.parametrize(
    "cls",
    [
        c
        for c in vars(openletter.model).values()
        if isinstance(c, type) and attrs.has(c) and c.__module__ == "openletter.model"
    ],
    ids=lambda c: c.__name__,
)
def test_every_model_field_has_a_documented_json_ld_mapping(cls: type) -> None:
    documented = _documented_fields()
    assert cls.__name__ in documented, f"docs/jsonld.md has no '### {cls.__name__}' section"
    assert documented[cls.__name__] == {a.name for a in attrs.fields(cls)}


def test_build_is_pure_python_data(example_letter: Letter) -> None:
    assert json.loads(json.dumps(build(example_letter))) == build(example_letter)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_letter_is_valid_schema_org(name: str) -> None:
    document = export(sample_letter(name))
    if name == "coalition":  # 2,150 blank nodes: comparing two graphs takes rdflib minutes; the vocabulary only
        assert vocabulary().check(graph_from_pyld(document)) == []
    else:
        assert_valid(document)


# --------------------------------------------------------------------------- the page's summary


def _embedded(page: bytes) -> dict[str, object]:
    """The JSON-LD a page embeds in its <script type="application/ld+json">."""
    found = re.search(rb'<script type="application/ld\+json">\n(.*?)\n</script>', page, re.S)
    assert found is not None
    data: dict[str, object] = json.loads(found.group(1))
    return data


def _signed_by(letter: Letter, count: int) -> Letter:
    """`letter` signed by `count` signatories in three groups: 400 organisations, the people, and
    one late signature; with the count stated as the letter would state it."""
    organisations = tuple(Organisation(name=f"Organisation {n:04d}", country="Cambodia") for n in range(400))
    people = tuple(Person(name=f"Person {n:04d}", title="Lawyer") for n in range(count - 401))
    return attrs.evolve(
        letter,
        signatories=(
            OrganisationGroup(heading="Organisations", organisations=organisations),
            PersonGroup(heading="Individuals", people=people),
            PersonGroup(heading="Late signatures", people=(Person(name="The last signatory"),)),
        ),
        signatory_count_note=SignatoryCount(text=f"{count:,} signatures.", count=count),
    )


def _signatory_parts(document: dict[str, object]) -> list[dict[str, Any]]:
    parts = document["hasPart"]
    assert isinstance(parts, list)
    return [part for part in parts if part["genre"] == "signatories"]


def _without_signatories(document: dict[str, object]) -> dict[str, object]:
    """The document but for its signatories: the `author`s and the signatory groups' lists."""
    rest = {key: value for key, value in document.items() if key != "author"}
    parts = rest["hasPart"]
    assert isinstance(parts, list)
    rest["hasPart"] = [{k: v for k, v in p.items() if k != "mainEntity"} if p["genre"] == "signatories" else p
                       for p in parts]  # fmt: skip
    return rest


def test_a_page_embeds_every_signatory_up_to_the_bound(example_letter: Letter) -> None:
    letter = _signed_by(example_letter, EMBEDDED_SIGNATORIES)
    embedded = _embedded(openletter.export(letter, "html"))
    assert embedded == export(letter)  # the whole document, as the jsonld format writes it
    assert len(embedded["author"]) == EMBEDDED_SIGNATORIES  # type: ignore[arg-type]
    assert vocabulary().check(graph_from_pyld(embedded)) == []


def test_a_page_of_a_larger_letter_embeds_a_summary_and_the_jsonld_format_keeps_every_signatory(
    example_letter: Letter,
) -> None:
    letter = attrs.evolve(_signed_by(example_letter, EMBEDDED_SIGNATORIES + 1), url="https://example.org/letter")
    embedded = _embedded(openletter.export(letter, "html"))
    full = export(letter)
    assert len(full["author"]) == EMBEDDED_SIGNATORIES + 1  # type: ignore[arg-type]
    assert vocabulary().check(graph_from_pyld(embedded)) == []
    # the first signatories, in order, with the same nodes and ids as in the full document
    assert embedded["author"] == full["author"][:EMBEDDED_SIGNATORIES]  # type: ignore[index]
    groups = _signatory_parts(embedded)
    assert [g["mainEntity"]["numberOfItems"] for g in groups] == [400, 600, 1]  # every group's whole size
    assert [len(g["mainEntity"].get("itemListElement", [])) for g in groups] == [400, 600, 0]
    for summary, whole in zip(groups, _signatory_parts(full), strict=True):
        listed = summary["mainEntity"].get("itemListElement", [])
        assert listed == whole["mainEntity"]["itemListElement"][: len(listed)]
    # everything else as it is: the letter, sender, addressees, demands, the stated count
    assert _without_signatories(embedded) == _without_signatories(full)
    (count,) = [p for p in embedded["hasPart"] if p["genre"] == "signatory count"]  # type: ignore[union-attr, index]
    assert count["mainEntity"]["numberOfItems"] == EMBEDDED_SIGNATORIES + 1
    assert embedded["sender"] and embedded["toRecipient"]
    assert len([p for p in embedded["hasPart"] if p["genre"] == "demand"]) == len(letter.demands)  # type: ignore[union-attr, index]


@settings(max_examples=15, deadline=None)
@given(letters(), st.integers(min_value=0, max_value=4))
def test_a_summary_of_any_letter_is_valid_schema_org_and_lists_its_first_signatories(
    letter: Letter, bound: int
) -> None:
    summary = build(letter, signatories=bound)
    assert_valid(summary)
    full = build(letter)
    expected = full["author"] if not letter.signatories else full["author"][:bound]
    assert summary["author"] == expected
    assert [g["mainEntity"]["numberOfItems"] for g in _signatory_parts(summary)] == [
        len(g.organisations if isinstance(g, OrganisationGroup) else g.people) for g in letter.signatories
    ]


def test_the_count_of_hidden_signatures_is_valid_schema_org() -> None:
    from openletter.testing.contract import private_sample

    document = export(private_sample())
    assert_valid(document)
    parts = document["hasPart"]
    assert isinstance(parts, list)
    assert parts[-1]["genre"] == "signature tally"
