"""The data the template gets: JSON only, Markdown as node trees, numbering like the other formats.

These run without Typst or poppler-utils.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from openletter import Demand, OptionError, Reference, Section
from openletter.printed import layout
from openletter.testing import sample_letters

from openletter_pdf._data import MarkdownTree, cjk_variant, first_strong, language_parts, letter_data, script_of
from openletter_pdf._render import paper, template, timestamp
from pdf_helpers import example, features_letter, make_letter, people


def parts(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The template data of the parts of one kind, in order."""
    return [part for part in data["parts"] if part["kind"] == kind]


def test_the_data_is_plain_json() -> None:
    data = letter_data(example(), paper="a4")
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize("name", ["features", *sample_letters()])
def test_the_parts_are_the_layers_in_its_order(name: str) -> None:
    letter = features_letter() if name == "features" else sample_letters()[name]
    kinds = [part["kind"] for part in letter_data(letter, paper="a4")["parts"]]
    assert [kind for kind in kinds if kind != "links"] == [part.kind for part in layout(letter)]
    assert "links" not in kinds[:-1]  # the link addresses, if any, come last


def test_the_author_is_the_sender() -> None:
    assert letter_data(features_letter(), paper="a4")["authors"] == ["Rivers Watch"]
    assert letter_data(make_letter(), paper="a4")["authors"] == []  # signatories are not authors


def test_an_anchored_demand_is_a_node_around_its_passage_with_its_status_after_it() -> None:
    letter = make_letter(
        sections=(Section(text="We ask you to *free them* all now."),),
        demands=(Demand(id="free", quote="to free them all", status="met"),),
    )
    (section,) = parts(letter_data(letter, paper="a4"), "section")
    assert section["body"][0]["c"] == [
        {"t": "text", "v": "We ask you "},
        {
            "t": "demand",
            "id": "demand-free",
            "title": "to free them all",
            "c": [
                {"t": "text", "v": "to "},
                {"t": "em", "c": [{"t": "text", "v": "free them"}]},
                {"t": "text", "v": " all"},
            ],
        },
        {"t": "status", "v": "Met"},
        {"t": "text", "v": " now."},
    ]
    assert parts(letter_data(letter, paper="a4"), "demands") == []  # never listed again


def test_an_anchor_in_a_heading_is_set_before_the_heading() -> None:
    letter = make_letter(
        sections=(Section(text="Text.\n\n### Free them all\n\nMore."),), demands=(Demand(quote="Free them all"),)
    )
    heading = parts(letter_data(letter, paper="a4"), "section")[0]["body"][1]
    assert heading["t"] == "h"
    assert heading["anchors"] == [{"id": "demand-1", "title": "Free them all"}]
    assert heading["c"][0]["hoisted"] is True


def test_a_listed_demands_status_follows_its_last_paragraph() -> None:
    letter = make_letter(demands=(Demand(text="Publish.\n\nNow.", status="withdrawn"), Demand(text="Fund.")))
    first, second = parts(letter_data(letter, paper="a4"), "demands")[0]["items"]
    assert first["body"][-1]["c"][-1] == {"t": "status", "v": "Withdrawn"}
    assert (first["n"], first["id"], first["title"]) == (1, "demand-1", "Publish. Now.")
    assert not any(node["t"] == "status" for node in second["body"][0]["c"])  # open: no status


def test_only_parts_in_another_language_carry_one() -> None:
    data = letter_data(features_letter(), paper="a4")
    (letterhead,) = parts(data, "letterhead")
    assert [line["lang"] for line in letterhead["lines"]] == [
        None,
        {"lang": "fr", "region": None, "dir": "ltr", "script": "latin", "cjk": "SC"},
    ]
    assert [section["lang"] and section["lang"]["lang"] for section in parts(data, "section")] == [None, "fr"]


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("Hello", "ltr"),
        ("سلام", "rtl"),
        ("שמש", "rtl"),
        ("123 שמש", "rtl"),
        ("\u2067שמש\u2069 Hello", "ltr"),
        ("1, 2", None),
    ],
)
def test_first_strong(text: str, direction: str | None) -> None:
    assert first_strong(text) == direction


def test_markdown_becomes_nodes_whose_text_stays_text() -> None:
    tree = MarkdownTree(layout(make_letter()))
    assert tree.blocks('#eval("x") *a* `#b` <script>') == [
        {
            "t": "p",
            "tight": False,
            "c": [
                {"t": "text", "v": '#eval("x") '},
                {"t": "em", "c": [{"t": "text", "v": "a"}]},
                {"t": "text", "v": " "},
                {"t": "code", "v": "#b"},
                {"t": "text", "v": " <script>"},
            ],
        }
    ]


def test_lists_quotes_and_code_blocks() -> None:
    tree = MarkdownTree(layout(make_letter()))
    nodes = tree.blocks("3. a\n4. b\n\n- x\n\n- y\n\n> q\n\n```\ncode\n```")
    assert [n["t"] for n in nodes] == ["ol", "ul", "quote", "codeblock"]
    assert (nodes[0]["start"], nodes[0]["tight"], nodes[1]["tight"]) == (3, True, False)
    assert nodes[3]["v"] == "code"


def test_notes_are_numbered_in_the_letters_order_and_links_after_them() -> None:
    letter = make_letter(
        sections=(Section(text="B[^b] then [x](https://x.example) then A[^a] and [x again](https://x.example)."),),
        references=(Reference(id="a", text="Note a."), Reference(id="b", text="Note b, [y](https://y.example).")),
    )
    data = letter_data(letter, paper="a4")
    paragraph = parts(data, "section")[0]["body"][0]["c"]
    assert [n["n"] for n in paragraph if n["t"] in ("note", "link")] == [2, 3, 1, 3]
    (endnotes,) = parts(data, "endnotes")
    assert [n["n"] for n in endnotes["items"]] == [1, 2]
    # the addresses come last, after the notes (they may hold links too)
    assert endnotes["links"] == [{"n": 3, "url": "https://x.example"}, {"n": 4, "url": "https://y.example"}]
    assert data["parts"][-1] is endnotes


def test_link_addresses_without_endnotes_come_last_after_a_rule_of_their_own() -> None:
    letter = make_letter(sections=(Section(text="See [the report](https://example.org/report)."),))
    data = letter_data(letter, paper="a4")
    assert data["parts"][-1] == {"kind": "links", "items": [{"n": 1, "url": "https://example.org/report"}]}


@pytest.mark.parametrize(("count", "columns"), [(1, 1), (12, 1), (13, 2), (40, 2), (41, 3), (2000, 3)])
def test_long_signatory_lists_are_set_in_columns(count: int, columns: int) -> None:
    assert parts(letter_data(people(count), paper="a4"), "signatory_group")[1]["columns"] == columns


@pytest.mark.parametrize(
    ("language", "parts", "script", "cjk"),
    [
        ("en", ("en", None, None), "latin", "SC"),
        ("km", ("km", None, None), "khmer", "SC"),
        ("th-TH", ("th", "TH", None), "thai", "SC"),
        ("zh", ("zh", None, None), "cjk", "SC"),
        ("zh-Hant-TW", ("zh", "TW", "hant"), "cjk", "TC"),
        ("zh-HK", ("zh", "HK", None), "cjk", "HK"),
        ("ja", ("ja", None, None), "cjk", "JP"),
        ("ko-KR", ("ko", "KR", None), "cjk", "KR"),
        ("ar", ("ar", None, None), "arabic", "SC"),
        ("fa-IR", ("fa", "IR", None), "arabic", "SC"),
        ("ur", ("ur", None, None), "arabic", "SC"),
        ("he", ("he", None, None), "hebrew", "SC"),
        ("ku-Latn", ("ku", None, "latn"), "latin", "SC"),
        ("es-419", ("es", None, None), "latin", "SC"),
    ],
)
def test_language_script_and_cjk_variant(
    language: str, parts: tuple[str, str | None, str | None], script: str, cjk: str
) -> None:
    assert language_parts(language) == parts
    assert script_of(language) == script
    assert cjk_variant(language) == cjk


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl"), ("he", "rtl"), ("fa", "rtl")])
def test_direction(language: str, direction: str) -> None:
    assert letter_data(make_letter(language=language), paper="a4")["dir"] == direction


@pytest.mark.parametrize(("value", "expected"), [("a4", "a4"), ("A4", "a4"), (" us-letter ", "us-letter")])
def test_paper_option(value: str, expected: str) -> None:
    assert paper({"paper": value}) == expected
    assert paper({}) == "a4"


def test_a_bad_paper_is_refused_before_typesetting() -> None:
    with pytest.raises(OptionError):
        paper({"paper": "a3"})


def test_the_timestamp_is_the_letters_date_or_1970() -> None:
    assert timestamp(example()).isoformat() == "2023-06-08T00:00:00+00:00"
    assert timestamp(make_letter()).isoformat() == "1970-01-01T00:00:00+00:00"


def test_the_template_is_shipped_and_reads_only_its_inputs() -> None:
    source = template().decode("utf-8")
    code = "\n".join(line.partition("//")[0] for line in source.splitlines())  # without the comments
    assert 'json(bytes(sys.inputs.at("letter")))' in code
    for forbidden in ("eval(", "read(", "import", "include", "plugin("):
        assert forbidden not in code, forbidden
    # Functions that read a file when given a path: only ever given the inputs' bytes here.
    for reader in ("json", "image", "csv", "yaml", "xml", "toml", "cbor", "bibliography"):
        for call in re.finditer(rf"\b{reader}\(\s*([^,)]*)", code):
            argument = call.group(1).strip()
            assert argument.startswith(("bytes(", "logo")), f"{reader}({argument}...) could read a file"
