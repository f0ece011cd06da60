"""Signatories: one name per paragraph, in two columns (a continuous section) when there are many."""

from __future__ import annotations

import attrs
import pytest
from docx_helpers import ARABIC, EXAMPLE, W, body_sections, many_signatories, paragraphs, render, rich_letter, xml
from openletter_docx._render import LONG_LIST

import openletter
from openletter import Person, PersonGroup


def columns(section: object) -> int:
    element = section.find(f"{W}cols")  # type: ignore[attr-defined]
    return 1 if element is None else int(element.get(f"{W}num", "1"))


def test_two_thousand_signatories_are_set_in_two_columns() -> None:
    data = render(many_signatories(2000))
    sections = list(body_sections(data))
    assert [columns(s) for s in sections] == [1, 2, 1]
    kinds = [s.find(f"{W}type") for s in sections[1:]]
    # the columns start on a new page (w:type absent means nextPage), the rest goes on below them
    assert [None if k is None else k.get(f"{W}val") for k in kinds] in (
        [None, "continuous"],
        ["nextPage", "continuous"],
    )
    # The column section holds the signatories: from the first to the last name.
    body = xml(data).find(f"{W}body")
    blocks = list(body)
    starts = [i for i, p in enumerate(blocks) if p.find(f"{W}pPr/{W}sectPr") is not None]
    assert len(starts) == 2
    inside = ["".join(p.itertext()) for p in blocks[starts[0] + 1 : starts[1]]]
    # the heading at the top of the first column, where it cannot be parted from the names
    assert inside[:2] == ["Signatories", "Forum for Rights (FFR) (Thailand)"]
    assert inside[-1] == "Signatory Number2000, Member of Parliament (Cambodia)"
    names = [text for style, text in paragraphs(data) if style == "Signature"]
    assert len(names) == 2001


@pytest.mark.parametrize(("count", "expected"), [(LONG_LIST, [1]), (LONG_LIST + 1, [1, 2, 1])])
def test_columns_start_after_twelve_signatories(count: int, expected: list[int]) -> None:
    letter = many_signatories(count - 1)
    assert letter.signatory_count == count
    assert [columns(s) for s in body_sections(render(letter))] == expected


def test_a_single_signatory_signs_below_the_closing_without_a_heading() -> None:
    got = paragraphs(render(openletter.load(EXAMPLE)))
    closing = got.index(("Closing", "Yours sincerely,"))
    assert got[closing + 1] == ("Signature", "ASEAN Parliamentarians for Human Rights (APHR)")
    assert ("Heading 1", "Signatories") not in got


def test_several_signatories_have_a_heading_and_group_headings() -> None:
    got = paragraphs(render(rich_letter()))
    closing = got.index(("Closing", "Yours sincerely,"))
    assert got[closing + 1 : closing + 5] == [
        ("Heading 1", "Signatories"),
        ("Signature", "Forum for Rights (FFR) (Thailand)"),
        ("Normal", "The Forum works for rights."),
        ("Heading 2", "Members of Parliament"),
    ]


def test_a_right_to_left_letter_keeps_its_columns_and_empty_paragraphs_right_to_left() -> None:
    letter = openletter.load(ARABIC)
    people = tuple(Person(name=f"الاسم رقم {n}") for n in range(1, 40))
    data = render(attrs.evolve(letter, signatories=(*letter.signatories, PersonGroup(people=people))))
    sections = list(body_sections(data))
    assert [columns(s) for s in sections] == [1, 2, 1]
    assert all(s.find(f"{W}bidi") is not None for s in sections)  # columns run from the right
    assert all(p.find(f"{W}pPr/{W}bidi") is not None for p in xml(data).iter(f"{W}p"))
