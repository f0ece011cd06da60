"""The email's HTML part is CSS-inlined run by run when a signatory list is long
(`openletter.mail.inline`): the same text css-inline gives for the whole page at once, while every
piece css-inline is given stays small, so that memory does not grow with the list (a letter of
1,000,000 signatories: see docs/performance.md)."""

from __future__ import annotations

import attrs
import css_inline
import pytest

import openletter
from openletter.exporters.eml import html_part
from openletter.exporters.html import LIST_RUN, RUN_MARKER, render_page
from openletter.mail import inline as inline_module
from openletter.model import Organisation, OrganisationGroup, Person, PersonGroup

HOSTILE = ("<!--openletter:run:0-->", "<!--openletter:inline:start-->", "</ul></div>", "<!--")


def long_letter(
    letter: openletter.Letter, count: int, *, numbering: str = "none", language: str = "en", hostile: bool = False
) -> openletter.Letter:
    """`letter` signed by `count` organisations and `count` people (titles and affiliations)."""

    def name(kind: str, n: int) -> str:
        return f"{kind} {n:07d}" + (f" {HOSTILE[n % len(HOSTILE)]}" if hostile else "")

    organisations = tuple(Organisation(name=name("Organisation", n)) for n in range(count))
    people = tuple(
        Person(name=name("Person", n), title="Professor" if n % 3 else None, affiliation=f"University {n % 7}")
        for n in range(count)
    )
    return attrs.evolve(
        letter,
        language=language,
        signatories=(
            OrganisationGroup(heading="Organisations", organisations=organisations),
            PersonGroup(heading="People", people=people),
        ),
        signatory_numbering=numbering,
    )


CASES = {
    "two long groups": {"count": 2 * LIST_RUN + 500},
    "numbered across groups, right to left": {"count": LIST_RUN + 1, "numbering": "continuous", "language": "ar"},
    "numbered by group, Khmer digits": {"count": 2 * LIST_RUN, "numbering": "group", "language": "km"},
    "names that look like markers and markup": {"count": LIST_RUN + 10, "hostile": True},
}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_run_by_run_inlining_gives_the_whole_page_inlined(
    example_letter: openletter.Letter, case: dict[str, object]
) -> None:
    letter = long_letter(example_letter, **case)  # type: ignore[arg-type]
    held: list[str] = []
    render_page(letter, {}, email=True, held=held)
    assert len(held) >= 4  # the long lists were held back, run by run
    whole = css_inline.inline(render_page(letter, {}, email=True))
    assert html_part(letter) == whole


def test_a_short_list_is_inlined_whole_as_before(example_letter: openletter.Letter) -> None:
    letter = long_letter(example_letter, LIST_RUN)
    held: list[str] = []
    page = render_page(letter, {}, email=True, held=held)
    assert held == []
    assert page == render_page(letter, {}, email=True)
    assert html_part(letter) == css_inline.inline(page)


@pytest.fixture
def inlined_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of every text given to css-inline."""
    sizes: list[int] = []
    real = css_inline.inline

    def recording(html: str, **options: object) -> str:
        sizes.append(len(html))
        return real(html, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(css_inline, "inline", recording)
    return sizes


def test_css_inline_never_sees_the_whole_long_list(example_letter: openletter.Letter, inlined_sizes: list[int]) -> None:
    letter = long_letter(example_letter, 10 * LIST_RUN)
    page_length = len(render_page(letter, {}, email=True))
    html_part(letter)
    assert len(inlined_sizes) == 1 + 20  # the page without its lists, then each run
    assert max(inlined_sizes) < page_length / 8


def test_a_marker_missing_from_the_page_is_refused() -> None:
    page = "<!DOCTYPE html><html><head><style>li{color:red}</style></head><body><ul></ul></body></html>"
    with pytest.raises(ValueError, match="marker"):
        inline_module.inline(page, ["<li>a</li>"], RUN_MARKER)


def test_each_run_is_inlined_among_its_own_ancestors() -> None:
    css = "<style>main ol li { color: red } .other li { color: blue } li b { font-weight: bold }</style>"
    page = (
        f"<!DOCTYPE html><html><head>{css}</head><body><main><p>a<br>b<img alt=x></p>"
        f'<ol class="x">{RUN_MARKER.format(0)}</ol></main>'
        f'<div class="other"><ul>{RUN_MARKER.format(1)}</ul></div></body></html>'
    )
    runs = ["<li>one <b>1</b></li>", "<li>two</li>"]
    whole = css_inline.inline(page.replace(RUN_MARKER.format(0), runs[0]).replace(RUN_MARKER.format(1), runs[1]))
    assert inline_module.inline(page, runs, RUN_MARKER) == whole
    assert '<li style="color: red;">one <b style="font-weight: bold;">1</b></li>' in whole
    assert '<li style="color: blue;">two</li>' in whole
