"""Checks of letters with long lists: what they find, whether they walk each list or skip it.

`openletter.lint` first searches a long list at once (`openletter.scan.may_match`) and walks it
entry by entry only when something may be found; the mailto lint measures its links without
building them. These tests compare the findings with those of the full walk.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openletter import lint as lint_module
from openletter import plaintext
from openletter.errors import FieldError
from openletter.exporters.mailto import link, link_length
from openletter.lint import bidi_problems, openletter_lint
from openletter.model import Letter, Organisation, OrganisationGroup, Person, PersonGroup, Role, Section
from openletter.scan import may_match

from .strategies import hostile_letters, letters


def _long_letter(people: list[Person], organisations: list[Organisation]) -> Letter:
    return Letter(
        title="T",
        language="en",
        sections=(Section(text="Dear all."),),
        signatories=(PersonGroup(people=tuple(people)), OrganisationGroup(organisations=tuple(organisations))),
    )


def test_lint_finds_what_stands_deep_in_a_long_list() -> None:
    people = [Person(name=f"Person {n}", country="Lao") for n in range(200)]
    people[150] = Person(name="Person\u202e 150")
    people[170] = Person(name="Person 170", roles=(Role(title="Chair\u2067"),))
    organisations = [Organisation(name=f"Organisation {n}") for n in range(200)]
    organisations[99] = Organisation(name="Organisation 99", description="See [^gone].")
    found = {(p.path, p.message.split(" at position")[0]) for p in openletter_lint(_long_letter(people, organisations))}
    assert found == {
        (("signatories", 0, "people", 150, "name"), "contains a right-to-left override (U+202E)"),
        (
            ("signatories", 0, "people", 170, "roles", 0, "title"),
            "contains a right-to-left isolate (U+2067)",
        ),
        (
            ("signatories", 1, "organisations", 99, "description"),
            "the endnote marker [^gone] has no note; it will show as text",
        ),
    }


def _with_added(letter: Letter, added: str) -> Letter:
    """`letter` with `added` at the end of its last signatory's name (or organisation's description)."""
    group = letter.signatories[-1]
    try:
        if isinstance(group, PersonGroup):
            last = group.people[-1]
            group = attrs.evolve(group, people=(*group.people[:-1], attrs.evolve(last, name=last.name + added)))
        else:
            org = group.organisations[-1]
            changed = attrs.evolve(org, description=f"{org.description or 'About'} {added}")
            group = attrs.evolve(group, organisations=(*group.organisations[:-1], changed))
    except ValueError:  # text the model refuses: the letter as it is
        return letter
    return attrs.evolve(letter, signatories=(*letter.signatories[:-1], group))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile_letters() | letters(with_logo=False), st.sampled_from(["\u202e", "\u2066", "\u200f", "[^x]", ""]))
def test_lint_finds_the_same_with_and_without_skipping_lists(letter: Letter, added: str) -> None:
    if added and letter.signatories:
        letter = _with_added(letter, added)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(lint_module, "LONG_LIST", 10**9)
        walked = openletter_lint(letter), bidi_problems(letter)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(lint_module, "LONG_LIST", 0)  # every list searched at once first
        skipped = openletter_lint(letter), bidi_problems(letter)
    assert skipped == walked


def test_may_match_reads_nested_objects_and_answers_true_for_what_it_cannot_read() -> None:
    people = [Person(name="A"), Person(name="B", roles=(Role(affiliation="X\u202e"),))]
    assert may_match(people, lint_module._ANY_DIRECTION, markdown=False)
    assert not may_match(people[:1], lint_module._ANY_DIRECTION, markdown=False)
    assert may_match([object()], lint_module._ANY_DIRECTION, markdown=False)
    assert not may_match(["plain", "text"], lint_module._ANY_DIRECTION, markdown=False)
    org = Organisation(name="O\u202e", description="D")
    assert not may_match([org], lint_module._ANY_DIRECTION, markdown=True)  # the name is not Markdown


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(max_size=8) | st.just("Ann <ann@example.org>"), max_size=3),
    st.lists(st.text(max_size=8), max_size=3),
    st.text(max_size=20),
    st.text(max_size=40) | st.just("line\r\nline\nline\r"),
)
def test_a_mailto_link_is_measured_as_long_as_it_is_built(
    to: list[str], cc: list[str], subject: str, body: str
) -> None:
    assert link_length(to, cc=cc, subject=subject, body=body) == len(link(to, cc=cc, subject=subject, body=body))


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "bc", " ", "  ", "\t", "\n", "\u00a0", "\u2068", "\u2069", "-", "é", "x" * 30])).map(
        "".join
    ),
    st.sampled_from(["", "- ", "1. ", "   "]),
    st.sampled_from(["", "  ", "   "]),
)
def test_a_short_line_is_wrapped_as_textwrap_wraps_it(text: str, first: str, rest: str) -> None:
    assert plaintext._wrap(text, first, rest) == plaintext._textwrap(text, first, rest)


@pytest.mark.parametrize(
    ("title", "affiliation"), [("Professor", None), (None, "University 7"), ("Professor", "University 7")]
)
def test_a_persons_one_role_is_its_title_and_affiliation(title: str | None, affiliation: str | None) -> None:
    people = [Person(name=name, title=title, affiliation=affiliation) for name in ("A", "B")]
    assert [p.all_roles for p in people] == [(Role(title=title, affiliation=affiliation),)] * 2
    assert Person(name="C").all_roles == ()


@pytest.mark.parametrize("bad", ["Ann Lee", Organisation(name="O"), None])
def test_a_group_list_with_one_wrong_entry_names_it(bad: object) -> None:
    people = [Person(name=f"P{n}") for n in range(100)]
    with pytest.raises(FieldError) as raised:
        PersonGroup(people=(*people[:60], bad, *people[60:]))  # type: ignore[arg-type]
    assert raised.value.path == ("people", 60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(letters(with_logo=False))
def test_the_signatories_names_are_a_floor_under_every_mailto_link(letter: Letter) -> None:
    from openletter.exporters.mailto import links, names_length

    assert all(len(url) >= names_length(letter) for _, url in links(letter, {}))


def test_a_letter_far_over_the_mailto_limit_is_not_written_out_to_be_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    from openletter.exporters import mailto

    letter = _long_letter([Person(name=f"Person {n:05d}") for n in range(300)], [Organisation(name="O")])
    exact = [p.message for p in mailto.openletter_lint(letter, ["mailto"])]
    assert exact and "link is " in exact[0] and "more than" not in exact[0]
    monkeypatch.setattr(mailto, "FLOOR_LENGTH", 1_000)

    def unwritten(_letter: Letter) -> str:
        raise AssertionError("the letter was written out")

    monkeypatch.setattr(plaintext, "letter_to_text", unwritten)
    (problem,) = mailto.openletter_lint(letter, ["mailto"])
    assert problem.severity == "warning" and problem.path == ()
    assert problem.message.startswith(f"the mailto: link is more than {mailto.names_length(letter):,} characters long")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(letters(with_logo=False), st.integers(min_value=0, max_value=3_000))
def test_a_plain_text_said_longer_than_a_limit_is_longer_and_so_is_every_mailto_link(
    letter: Letter, limit: int
) -> None:
    from openletter.exporters.mailto import links

    full = plaintext.letter_to_text(letter)
    written = plaintext.text_within(letter, limit)
    floor = written if isinstance(written, int) else None  # (None: not known to be longer, then measured whole)
    if len(full) <= limit:
        assert floor is None
    if floor is not None:
        assert limit < floor <= len(full)
        assert all(len(url) >= floor for _, url in links(letter, {}))


def test_a_letter_of_many_endnotes_is_not_written_out_to_measure_its_mailto_links(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openletter.exporters import mailto
    from openletter.model import Reference

    text = "".join(f"Fact {n}.[^n{n}]\n\n" for n in range(400)).strip()
    references = tuple(Reference(id=f"n{n}", text=f"Source number {n}.") for n in range(400))
    letter = attrs.evolve(
        _long_letter([Person(name="A")], [Organisation(name="O")]),
        sections=(Section(text=text),),
        references=references,
    )
    assert "more than" not in mailto.openletter_lint(letter, ["mailto"])[0].message
    monkeypatch.setattr(mailto, "FLOOR_LENGTH", 3_000)
    written: list[int] = []
    block = plaintext._Writer.block

    def counted(self: plaintext._Writer, *args: object, **kwargs: object) -> str:
        written.append(1)
        return block(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(plaintext._Writer, "block", counted)
    (problem,) = mailto.openletter_lint(letter, ["mailto"])
    assert problem.message.startswith("the mailto: link is more than ")
    assert len(written) < 200  # stopped well before the 400 endnotes
