"""The built-in checks (`openletter.lint`): direction controls that can make a field read differently."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import openletter
from openletter import (
    Addressee,
    EmailSettings,
    Letter,
    Organisation,
    OrganisationGroup,
    Person,
    PersonGroup,
    Section,
)
from openletter.cli import main
from openletter.lint import openletter_lint

from .strategies import letters

RLO, LRE, PDF = "\u202e", "\u202a", "\u202c"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
RLM, LRM, ALM = "\u200f", "\u200e", "\u061c"


def _letter(**fields: object) -> Letter:
    base: dict[str, object] = {
        "title": "T",
        "language": "en",
        "sections": (Section(text="Body."),),
        "signatories": (OrganisationGroup(organisations=(Organisation(name="Org"),)),),
    }
    return Letter(**{**base, **fields})  # type: ignore[arg-type]


def _direction_warnings(letter: Letter) -> list[tuple[tuple[object, ...], str]]:
    return [(p.path, p.message) for p in openletter_lint(letter) if "U+20" in p.message or "U+061C" in p.message]


def _with_name(field_path: str, text: str) -> Letter:
    """A letter with `text` in one line field, named by a short key."""
    people = (
        PersonGroup(
            people=(Person(name="Ann Lee"), Person(name=text)),
        ),
    )
    choices: dict[str, dict[str, object]] = {
        "title": {"title": text},
        "subtitle": {"subtitle": text},
        "heading": {"sections": (Section(text="a"), Section(heading=text, text="b"))},
        "person": {"signatories": people},
        "organisation": {"signatories": (OrganisationGroup(organisations=(Organisation(name=text),)),)},
        "addressee": {"addressees": (Addressee(name=text),)},
        "keyword": {"keywords": ("ok", text)},
        "subject": {"email": EmailSettings(sender="a@example.org", subject=text)},
    }
    return _letter(**choices[field_path])


PATHS = {
    "title": ("title",),
    "subtitle": ("subtitle",),
    "heading": ("sections", 1, "heading"),
    "person": ("signatories", 0, "people", 1, "name"),
    "organisation": ("signatories", 0, "organisations", 0, "name"),
    "addressee": ("addressees", 0, "name"),
    "keyword": ("keywords", 1),
    "subject": ("email", "subject"),
}


@pytest.mark.parametrize("field", sorted(PATHS))
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"Ann{RLO}eeL", "contains a right-to-left override (U+202E) at position 4: it can show the text after it"),
        (f"Ann {LRE}Lee{PDF}", "contains a left-to-right embedding (U+202A) at position 5"),
        (f"Ann {FSI}Lee", "contains a first-strong isolate (U+2068) at position 5 that is never closed"),
        (f"Ann {PDI}Lee", "contains a pop directional isolate (U+2069) at position 5 that closes no isolate"),
        (f"{RLI}a{PDI} {LRI}b", "contains a left-to-right isolate (U+2066) at position 5 that is never closed"),
    ],
)
def test_direction_controls_in_a_line_field_are_warned_about(field: str, text: str, message: str) -> None:
    warnings = _direction_warnings(_with_name(field, text))
    assert [path for path, _ in warnings] == [PATHS[field]], warnings
    assert warnings[0][1].startswith(message)


@pytest.mark.parametrize(
    "text",
    [
        f"{RLI}مرحبا{PDI} Lee",  # a balanced isolate, as exporters write them
        f"{FSI}a {LRI}b{PDI} c{PDI}",  # nested
        f"حسن{RLM} Lee",  # direction marks in a name are how right-to-left names are written
        f"Ann{LRM}{ALM}",
    ],
)
def test_balanced_isolates_and_marks_in_names_are_fine(text: str) -> None:
    assert _direction_warnings(_with_name("person", text)) == []


def test_a_direction_mark_in_an_address_is_warned_about() -> None:
    letter = _letter(url=f"https://example.org/{RLM}gpj.exe", addressees=(Addressee(name="A"),))
    assert _direction_warnings(letter) == [
        (("url",), "contains a right-to-left mark (U+200F) at position 21, invisible in an address")
    ]


def test_markdown_text_may_use_direction_controls() -> None:
    assert _direction_warnings(_letter(sections=(Section(text=f"Right-to-left {RLO}prose"),))) == []


@given(letters())
def test_letters_without_direction_controls_get_no_such_warning(letter: Letter) -> None:
    assert _direction_warnings(letter) == []


@given(st.sampled_from(sorted(PATHS)), st.text(alphabet=f"ab {LRI}{RLI}{FSI}{PDI}", min_size=1, max_size=12))
def test_a_field_is_warned_about_exactly_when_an_isolate_is_unbalanced(field: str, text: str) -> None:
    text = text.strip() or "a"
    depth, balanced = 0, True
    for char in text:
        if char == PDI:
            balanced = balanced and depth > 0
            depth = max(depth - 1, 0)
        elif char in (LRI, RLI, FSI):
            depth += 1
    assert bool(_direction_warnings(_with_name(field, text))) == (not balanced or depth > 0)


def test_check_shows_the_warning_at_the_line_of_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "letter.yaml"
    source.write_text(
        "title: T\nlanguage: en\nsections:\n- text: x\nsignatories:\n- people:\n  - name: Ann Lee\n"
        f"  - name: Ann{RLO}eeL\n",
        encoding="utf-8",
    )
    assert main(["check", str(source)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        f"{source}:8: signatories[0].people[1].name: warning: contains a right-to-left override (U+202E) at position 4"
    )
    assert main(["check", "--strict", str(source)]) == 1


def test_the_example_letter_has_no_direction_warning(example_letter: Letter) -> None:
    assert _direction_warnings(example_letter) == []
    assert _direction_warnings(attrs.evolve(example_letter, title=f"{example_letter.title}{RLO}")) != []
    formats = [name for name in openletter.default_registry().formats if name != "mailto"]  # its links are long
    assert openletter.default_registry().lint(example_letter, formats) == []
