"""Deeply nested lists and quotes: refused beyond the documented limit, and never silently dropped.

markdown-it drops the content of anything nested deeper than its ``maxNesting``; the model refuses
Markdown text that nests lists and quotes more than `NESTING_LIMIT` deep, well below that, so that
every word of every accepted letter reaches every format.
"""

from __future__ import annotations

import email
import email.policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import openletter
from openletter import Demand, FieldError, Letter, Organisation, OrganisationGroup, Reference, Section
from openletter.markdown import MAX_NESTING, NESTING_LIMIT, parse
from openletter.testing import nested_markdown

KINDS = ("quote", "bullet", "ordered")


def nested(kinds: list[str]) -> tuple[str, list[str]]:
    """Markdown text putting one container of each kind inside the one before, a word in each, and
    a closing paragraph; with the words it holds."""
    letters = "".join(kind[0] for kind in kinds)  # q, b, o: as `openletter.testing.nested_markdown` takes them
    return nested_markdown(letters), [*(f"Word{level}{k}" for level, k in enumerate(letters)), "Closing."]


def _letter(field: str, text: str) -> Letter:
    fields: dict[str, object] = {
        "title": "T",
        "language": "en",
        "sections": (Section(text="Body.[^n]"),),
        "signatories": (OrganisationGroup(organisations=(Organisation(name="Org"),)),),
        "references": (Reference(id="n", text="Note."),),
    }
    if field == "section":
        fields["sections"] = (Section(text="Body.[^n]"), Section(heading="Deep", text=text))
    elif field == "demand":
        fields["demands"] = (Demand(text=text),)
    elif field == "postscript":
        fields["postscript"] = text
    elif field == "reference":
        fields["references"] = (Reference(id="n", text=text),)
    else:
        org = Organisation(name="Org", description=text)
        fields["signatories"] = (OrganisationGroup(organisations=(org,)),)
    return Letter(**fields)  # type: ignore[arg-type]


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._hidden += tag in ("script", "style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style", "title")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_html_text(letter: Letter) -> str:
    reader = _VisibleText()
    reader.feed(openletter.export(letter, "html").decode("utf-8"))
    return " ".join(reader.parts)


def eml_text_part(letter: Letter) -> str:
    message = email.message_from_bytes(openletter.export(letter, "eml"), policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    assert body is not None
    return str(body.get_content())


def test_the_limit_leaves_room_below_the_parsers() -> None:
    # a list takes two token levels; a footnote, and a list an exporter wraps around a demand, two more
    assert 2 * NESTING_LIMIT + 1 + 2 < MAX_NESTING


@pytest.mark.parametrize("kind", KINDS)
def test_the_generator_nests_as_many_containers_as_it_says(kind: str) -> None:
    text, _ = nested([kind] * 3 + ["quote", "bullet", "ordered"])
    opened = [t.type for t in parse(text) if t.type in ("blockquote_open", "bullet_list_open", "ordered_list_open")]
    assert len(opened) == 6
    assert max(t.level for t in parse(text)) > 6


@given(
    kinds=st.lists(st.sampled_from(KINDS), min_size=NESTING_LIMIT - 2, max_size=NESTING_LIMIT + 3),
    field=st.sampled_from(["section", "demand", "postscript", "reference", "description"]),
)
def test_deep_text_is_refused_or_reaches_every_format_whole(kinds: list[str], field: str) -> None:
    text, words = nested(kinds)
    if len(kinds) > NESTING_LIMIT:
        with pytest.raises(FieldError, match=f"more than {NESTING_LIMIT} deep"):
            _letter(field, text)
        return
    letter = _letter(field, text)
    markdown = openletter.export(letter, "markdown").decode("utf-8")
    outputs = {"markdown": markdown, "html": visible_html_text(letter)}
    if field != "description":  # the email lists the signatories without their descriptions
        outputs["eml text part"] = eml_text_part(letter)
    for name, output in outputs.items():
        missing = [word for word in words if word not in output]
        assert missing == [], f"{name} lost {missing}"
    assert openletter.loads(markdown) == letter


@pytest.mark.parametrize("field", ["section", "demand", "postscript", "reference", "description"])
def test_every_markdown_field_refuses_deep_text(field: str) -> None:
    text, _ = nested(["bullet"] * (NESTING_LIMIT + 1))
    with pytest.raises(FieldError) as raised:
        _letter(field, text)
    assert raised.value.message == (
        f"puts lists and block quotes more than {NESTING_LIMIT} deep inside one another "
        f"(on its line {NESTING_LIMIT + 1}), deeper than every format can show"
    )


def test_check_reports_deep_section_text_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openletter.cli import main

    text, _ = nested(["quote", "bullet"] * 5)
    source = tmp_path / "letter.md"
    source.write_text(
        f"---\ntitle: T\nlanguage: en\nsignatories:\n- people:\n  - name: A\n---\n\nIntro.\n\n## Deep\n\n{text}\n",
        encoding="utf-8",
    )
    assert main(["check", str(source)]) == 1
    assert capsys.readouterr().out.startswith(
        f"{source}:13: sections[1].text: puts lists and block quotes more than {NESTING_LIMIT} deep"
    )


@pytest.mark.parametrize("depth", [NESTING_LIMIT, NESTING_LIMIT + 1])
def test_quotes_on_one_line_count_like_any_other(depth: int) -> None:
    text = "> " * depth + "deep"
    if depth > NESTING_LIMIT:
        with pytest.raises(FieldError):
            Section(text=text)
    else:
        assert "deep" in openletter.export(_letter("section", text), "html").decode("utf-8")
