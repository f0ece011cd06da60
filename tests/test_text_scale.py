"""Letters with many sections and endnotes: checked without parsing each text again and again, and
refused with a located message beyond the documented limits.

The structural checks of a section's or an endnote's Markdown (`section_text_problems`,
`reference_text_problems`) used to parse every text twice, and the model runs them twice per text;
they now leave text that cannot hold a heading, a footnote definition or a fence unparsed, and
parse other text once. `reference_problems` below is the former implementation, kept as the oracle
they must agree with on any text.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import openletter
from openletter import (
    Addressee,
    Demand,
    FieldError,
    Letter,
    LetterError,
    Organisation,
    Reference,
    Section,
    Sender,
    anchors,
    markdown,
    model,
)
from openletter.markdown import (
    _SENTINEL,
    _closes,
    _structure_problems,
    footnote_definition,
    parse,
    parse_blocks,
    reference_text_problems,
    section_text_problems,
)

# --------------------------------------------------------------------------- the former checks


def former_section_problems(text: str) -> list[str]:
    """`section_text_problems` as it was: two whole parses of the text."""
    problems = _structure_problems(parse(text), allow_footnotes=0)
    if not problems and not _closes(parse(f"{text}\n\n## {_SENTINEL}\n")):
        problems.append("leaves a block open (an unclosed ``` code fence?) that would swallow what follows")
    return problems


def former_reference_problems(text: str) -> list[str]:
    """`reference_text_problems` as it was: two whole parses of the footnote definition."""
    definition = footnote_definition("r", text)
    problems = _structure_problems(parse(definition), allow_footnotes=1)
    tokens = parse(f"{definition}\n\n## {_SENTINEL}\n")
    starts = [t for t in tokens if t.type == "footnote_reference_open" and t.level == 0]
    if not problems and (len(starts) != 1 or not _closes(tokens)):
        problems.append("does not stay inside one footnote (an unclosed ``` code fence?)")
    return problems


# Pieces of lines that make or break structure: headings (ATX and setext), fences, footnote
# definitions, lists, quotes, indentation, tabs, blank lines, and plain words.
_PIECES = st.sampled_from(
    ["#", "##", "# ", "## ", "=", "===", "-", "---", "- ", "* ", "+ ", "1. ", "2) ", "> ", "```", "~~~", "[^a]: ",
     "[^", "]", ":", "    ", "  ", " ", "\t", "word", "x", "\\", "`", "_", "*", "|"]
)  # fmt: skip
_WHOLE_LINES = st.sampled_from(
    ["", "word", "=", "===", "-", "---", "# h", "## h", "### h", "```", "~~~", "[^a]: n", "    code", "> q", "- i",
     "1. i", "  - i", "> ## h", "- ```", "   ##", "\t# h"]
)  # fmt: skip
_LINE = st.one_of(_WHOLE_LINES, st.lists(_PIECES, max_size=5).map("".join))
_TEXT = st.lists(_LINE, min_size=1, max_size=6).map("\n".join)
_STRUCTURED = ["word\n===", "word\n-", "word\n -", "# h", "x\n\n   ## h", "- ```", "> ~~~\n> x", "[^a]: n",
               "- [^a]: n", "1. # h", "x\n\n```\ny\n```", "word", "x\n\n    code", "word\r==="]  # fmt: skip


def structured(test):  # type: ignore[no-untyped-def]
    """Run `test` on each text of `_STRUCTURED` too (some are rare draws)."""
    for text in _STRUCTURED:
        test = example(text)(test)
    return test


@settings(max_examples=400, deadline=None)
@structured
@given(_TEXT)
def test_the_structure_of_a_section_is_judged_as_two_whole_parses_judged_it(text: str) -> None:
    assert section_text_problems(text) == former_section_problems(text)


@settings(max_examples=400, deadline=None)
@structured
@structured
@given(_TEXT)
def test_the_structure_of_an_endnote_is_judged_as_two_whole_parses_judged_it(text: str) -> None:
    assert reference_text_problems(text) == former_reference_problems(text)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_parsing_blocks_alone_gives_the_blocks_of_a_whole_parse(text: str) -> None:
    def shape(tokens: list) -> list:  # type: ignore[type-arg]
        return [(t.type, t.tag, t.level, t.map, t.meta, t.content, t.markup, t.info, t.hidden) for t in tokens]

    assert shape(parse_blocks(text)) == shape(parse(text))


# --------------------------------------------------------------------------- nothing parsed twice


def _letter(sections: int, demands: int) -> Letter:
    """A letter of `sections` one-paragraph sections, each quoted by an anchored demand (the first
    `demands` of them)."""
    return Letter(
        title="Scale",
        language="en",
        sender=Sender(organisations=(Organisation(name="Scale Watch"),)),
        sections=tuple(
            Section(heading=f"Part {n}" if n else None, text=f"We ask for thing number {n} now.")
            for n in range(sections)
        ),
        demands=tuple(Demand(quote=f"thing number {n} now") for n in range(demands)),
    )


def test_a_plain_section_or_endnote_is_not_parsed_to_check_its_structure(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = markdown.parse_blocks
    monkeypatch.setattr(markdown, "parse_blocks", lambda text: calls.append(text) or real(text))
    Section(text="A paragraph.\n\n- a list item\n\n> a quote with *emphasis* and a [link](https://example.org).")
    Reference(id="n1", text="A source, p. 4.\n\nA second paragraph.")
    assert calls == []
    with pytest.raises(FieldError, match="level-2 heading"):
        Section(text="A paragraph.\n\n## A heading")
    assert len(calls) == 1  # once, with the sentinel after it


def test_anchored_demands_work_out_the_words_of_each_block_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = anchors._plain
    monkeypatch.setattr(anchors, "_plain", lambda children: calls.append(1) or real(children))
    letter = _letter(sections=30, demands=20)
    calls.clear()
    assert anchors.anchor_problems(letter) == []
    assert len(calls) == 30  # one per paragraph, not one per paragraph and demand


# --------------------------------------------------------------------------- limits on entries


@pytest.mark.parametrize(
    ("field", "what", "body", "front_matter"),
    [
        ("sections", "sections", "Intro.\n\n## A\n\na\n\n## B\n\nb\n\n## C\n\nc\n", ""),
        ("references", "endnotes", "Text.[^a][^b][^c][^d]\n\n[^a]: A.\n[^b]: B.\n[^c]: C.\n[^d]: D.\n", ""),
        ("demands", "demands", "Text.\n", "demands:\n- text: A.\n- text: B.\n- text: C.\n- text: D.\n"),
        (
            "addressees",
            "addressees",
            "Text.\n",
            "addressees:\n- name: A\n- name: B\n- name: C\n- name: D\n",
        ),
    ],
)
def test_a_list_longer_than_its_limit_is_refused_where_the_entry_past_the_limit_is_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, field: str, what: str, body: str, front_matter: str
) -> None:
    monkeypatch.setitem(model.ENTRY_LIMITS, field, (3, what))
    head = "---\ntitle: T\nlanguage: en\nsender:\n  organisations:\n  - name: S\n" + front_matter + "---\n\n"
    path = tmp_path / "letter.md"
    path.write_text(head + body, encoding="utf-8")
    with pytest.raises(LetterError) as raised:
        openletter.load(path)
    (problem,) = raised.value.problems
    assert problem.path == (field, 3)
    assert problem.message == f"the letter has 4 {what}, more than 3"
    assert problem.expected == f"at most 3 {what} in one letter"
    text = path.read_text(encoding="utf-8").split("\n")
    fourth = {"sections": "## C", "references": "[^d]: D.", "demands": "- text: D.", "addressees": "- name: D"}[field]
    assert problem.line == text.index(fourth) + 1
    assert str(problem).startswith(f"{path}:{problem.line}: {field}[3]: the letter has 4 {what}")


@pytest.mark.parametrize("field", sorted(model.ENTRY_LIMITS))
def test_a_list_at_its_limit_is_accepted(monkeypatch: pytest.MonkeyPatch, field: str) -> None:
    monkeypatch.setitem(model.ENTRY_LIMITS, field, (2, field))
    entries = {
        "sections": (Section(text="a"), Section(heading="B", text="b")),
        "references": (Reference(id="a", text="A."), Reference(id="b", text="B.")),
        "demands": (Demand(text="A."), Demand(text="B.")),
        "addressees": (Addressee(name="A"), Addressee(name="B")),
    }
    sections = {"sections": entries["sections"]} if field == "sections" else {"sections": (Section(text="a"),)}
    fields = {field: entries[field]} if field != "sections" else {}
    letter = Letter(
        title="T", language="en", sender=Sender(organisations=(Organisation(name="S"),)), **sections, **fields
    )
    assert len(getattr(letter, field)) == 2
    monkeypatch.setitem(model.ENTRY_LIMITS, field, (1, field))
    with pytest.raises(FieldError, match="more than 1"):
        attrs.evolve(letter)


def test_the_documented_entry_limits_are_the_ones_enforced() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "authoring-format.md").read_text(encoding="utf-8")
    limits = docs[docs.index("\n## Limits") :]
    for field, (most, _) in model.ENTRY_LIMITS.items():
        assert f"| `{field}` | {most:,} |" in limits
    assert f"`letter.md` | {markdown.BLOCK_LIMIT:,} |" in limits


# --------------------------------------------------------------------------- the mailto lint


def test_the_mailto_lint_measures_the_links_without_encoding_the_letter_for_each_addressee(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openletter.exporters import mailto
    from openletter.plugins import Registry

    letter = attrs.evolve(
        _letter(sections=40, demands=0),
        addressees=tuple(Addressee(name=f"Member {n}", email=f"member{n}@example.org") for n in range(12)),
    )
    encoded: list[int] = []
    real = mailto.quote
    monkeypatch.setattr(mailto, "quote", lambda text, safe="/": encoded.append(len(text)) or real(text, safe=safe))
    (warning,) = [p for p in Registry().lint(letter, ["mailto"]) if "mailto: links" in p.message]
    assert [n for n in encoded if n > 1000] == []  # measured, not written (written 13 times before)
    lengths = [len(url) for _, url in mailto.links(letter, {})]
    assert len([n for n in encoded if n > 1000]) == 1  # the links themselves: the body encoded once
    assert len(lengths) == 13
    assert f"all 13 mailto: links are longer than 2,000 characters (up to {max(lengths):,}," in warning.message


# --------------------------------------------------------------------------- limits on blocks


@settings(max_examples=300, deadline=None)
@example("> - > - 1. a\n> - b")
@example("[^a]: [^b]: > x")
@example("- - - - - - - - - - - - - - - - - - - - - - - - a")
@given(_TEXT)
def test_the_cheap_count_of_blocks_is_never_below_the_blocks_parsed(text: str) -> None:
    env: dict[str, int] = {}
    markdown._block_parser().parse(text, env)
    assert env.get(markdown._BUDGET, 0) <= markdown._most_blocks(text, len(text.split("\n")))


def test_a_body_of_more_blocks_than_the_limit_is_refused_where_it_goes_past(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(markdown, "BLOCK_LIMIT", 10)
    path = tmp_path / "letter.md"
    head = "---\ntitle: T\nlanguage: en\nsender:\n  organisations:\n  - name: S\n---\n\n"
    path.write_text(head + "".join(f"Paragraph {n}.\n\n" for n in range(12)), encoding="utf-8")
    with pytest.raises(LetterError) as raised:
        openletter.load(path)
    (problem,) = raised.value.problems
    assert (problem.line, problem.path) == (head.count("\n") + 1 + 2 * 10, ("sections",))
    assert problem.message == "the body goes past 10 blocks (paragraphs, headings, list items...) here"
    assert problem.expected == "a body of at most 10 blocks"


@pytest.mark.parametrize("field", ["section", "reference", "description"])
def test_a_text_of_more_blocks_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch, field: str) -> None:
    monkeypatch.setattr(markdown, "BLOCK_LIMIT", 10)
    text = "\n".join(f"- item {n}" for n in range(12))  # a list and 12 paragraphs: 13 blocks
    make = {
        "section": lambda: Section(text=text),
        "reference": lambda: Reference(id="a", text=text),
        "description": lambda: Organisation(name="O", description=text),
    }[field]
    with pytest.raises(
        FieldError, match=r"goes past 10 blocks \(paragraphs, headings, list items\.\.\.\) on its line 10"
    ):
        make()


@given(st.text(max_size=60))
def test_the_length_of_an_encoded_body_is_counted_as_quote_writes_it(body: str) -> None:
    from openletter.exporters import mailto

    assert mailto._encoded_length(body) == len(mailto._encoded_body(body))
