"""The html page in real tools: the Nu HTML Checker, html5lib, and Chromium with axe-core.

Four letters are built with the html exporter: the APHR example, a letter with 10,000
signatories, a Thai letter and a right-to-left Arabic letter (tests/data/letters/). Each page must
validate with no error and no warning, pass axe-core's WCAG 2.1 A/AA rules, log no console error,
request nothing but itself, show its demands and signatories, reflow on a 320 px screen and fit
A4 and US Letter paper when printed, and print to PDF. A page broken on purpose shows that each
check does see problems.

Runtime: one browser serves the whole module and opens each page once; the checker runs once, on
every page, in the background while the browser works. Screenshots and PDFs are written to
test-artifacts/ (not committed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import html5lib
import pytest

import openletter
from openletter import Letter, OrganisationGroup, Person, PersonGroup
from openletter.cli import EXIT_OK, main

from . import vnu
from .browser import Paper, Site, Violation, axe, print_overflow, save_pdf, visit
from .browser import missing as browser_missing
from .conftest import DATA, EXAMPLE, ROOT, require_tools

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.slow

require_tools(vnu.missing() or browser_missing())

ARTIFACTS = ROOT / "test-artifacts"
SOURCES = {
    "aphr_cambodia": EXAMPLE,
    "thai_forest": DATA / "letters" / "thai_forest" / "letter.md",
    "arabic_water": DATA / "letters" / "arabic_water" / "letter.md",
}
MANY = "ten_thousand_signatories"
PAGES = [*SOURCES, MANY]
SCREENSHOTS = set(SOURCES)  # full-page PNGs of the screen view (not of the 10,000 names)
PAPERS: list[Paper] = ["A4", "Letter"]
# PDFs printed per page. The 10,000 names take Chromium 10-20 s per PDF, so once is enough;
# the check that it fits US Letter's width is the layout check, which is fast.
PDFS: dict[str, list[Paper]] = {**dict.fromkeys(SOURCES, PAPERS), MANY: ["A4"]}


# --------------------------------------------------------------------------- the letters

# Word lists read better as text than as one quoted word per line.
_GIVEN = (  # noqa: SIM905
    "Aung Kyaw Siti Nurul Maria Jose Somchai Dewi Ahmad Rizal Chanthy Sokha Ana Luis Thanh Linh Farah Hamid Grace "
    "Wei Mei Rahul Priya Kofi Amina Jonas Ingrid Tomás Lucía Hiroshi Yuki Omar Leila Daniel Sarah Minh Pavel Olga "
    "Nadia Samuel"
).split()
_FAMILY = (  # noqa: SIM905
    "Tan Lim Santos Reyes Nguyễn Tran Wijaya Rahman Sok Chea Win Hlaing Pérez García Kim Park Haddad Okafor Mensah "
    "Schmidt Larsen Novak Silva Costa Ibrahim"
).split()
_HONORIFICS = ("Hon.", "Dr", "Prof.", "Ms", "Mr", "H.E.", "Sen.", "Mx")
_TITLES = ("Member of Parliament", "Senator", "Former Minister of Justice", "Researcher", "Lawyer", "Councillor")
_AFFILIATIONS = (
    "House of Representatives",
    "National Assembly",
    "ASEAN Parliamentarians for Human Rights",
    "University of the Philippines",
    "Law Society",
    "City Council",
)
_COUNTRIES = ("Cambodia", "Indonesia", "Malaysia", "Philippines", "Thailand", "Timor-Leste", "Myanmar", "Singapore")


def many_signatories(count: int = 10_000) -> Letter:
    """The example letter signed by `count` more people, each with every field a person has."""
    base = openletter.load(EXAMPLE)
    people = tuple(
        Person(
            honorific=_HONORIFICS[i % len(_HONORIFICS)],
            name=f"{_GIVEN[i % len(_GIVEN)]} {chr(65 + i // 1000 % 26)}. {_FAMILY[i // len(_GIVEN) % len(_FAMILY)]}",
            title=_TITLES[i % len(_TITLES)],
            affiliation=_AFFILIATIONS[i // 7 % len(_AFFILIATIONS)],
            country=_COUNTRIES[i // 3 % len(_COUNTRIES)],
        )
        for i in range(count)
    )
    group = PersonGroup(heading="Parliamentarians and supporters", people=people)
    return attrs.evolve(base, signatories=(*base.signatories, group))


# One problem for every check: invalid nesting (vnu), faint text and an image without alt (axe), a
# script error and a request for another file, and lines too wide for a phone or for paper.
BROKEN = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken on purpose</title>
<style>@page {{ margin: 10mm }} .faint {{ color: #c8c8c8; background: #fff }} pre {{ white-space: pre }}</style>
</head>
<body><main>
<p class="faint">Grey text too faint to read.</p>
<img src="picture.png">
<pre>{long}</pre>
<span><div>A block inside an inline element.</div></span>
<script>console.error("broken on purpose"); undefinedFunction();</script>
</main></body>
</html>
""".format(long="unbreakable" * 40)


@attrs.frozen
class Built:
    letter: Letter
    path: Path
    url: str


@attrs.frozen
class Pages:
    """The pages, served; meanwhile the checker runs on all of them in the background."""

    built: dict[str, Built]
    broken: Built
    validation: vnu.Running


@pytest.fixture(scope="module")
def pages(site: Site) -> Iterator[Pages]:
    """Every letter built into the served folder: three through the CLI, one through the API."""
    built: dict[str, Built] = {}
    for name, source in SOURCES.items():
        folder = site.root / name
        assert main(["build", str(source), "-t", "html", "-o", str(folder)]) == EXIT_OK
        path = folder / "letter.html"
        built[name] = Built(letter=openletter.load(source), path=path, url=site.url(path))
    letter = many_signatories()
    path = site.root / MANY / "letter.html"
    path.parent.mkdir()
    path.write_bytes(openletter.export(letter, "html"))
    built[MANY] = Built(letter=letter, path=path, url=site.url(path))
    path = site.root / "broken" / "letter.html"
    path.parent.mkdir()
    path.write_text(BROKEN, encoding="utf-8")
    broken = Built(letter=letter, path=path, url=site.url(path))
    validation = vnu.start([*(page.path for page in built.values()), broken.path])
    yield Pages(built=built, broken=broken, validation=validation)
    validation.stop()


# --------------------------------------------------------------------------- html5lib


_FETCHING_LINKS = {"stylesheet", "icon", "preload", "prefetch", "preconnect", "dns-prefetch", "modulepreload"}


@pytest.mark.parametrize("name", PAGES)
def test_page_parses_cleanly_and_loads_nothing_from_elsewhere(name: str, pages: Pages) -> None:
    page = pages.built[name]
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    html = parser.parse(page.path.read_bytes())
    assert parser.errors == []
    assert html.get("lang") == page.letter.language
    assert html.get("dir") == ("rtl" if page.letter.language == "ar" else "ltr")
    outside: list[str] = []
    for element in html.iter():
        for attribute in ("src", "srcset", "poster", "data"):
            value = element.get(attribute)
            if value is not None and not value.startswith(("data:", "#")):
                outside.append(f"<{element.tag} {attribute}={value!r}>")
        rel = set((element.get("rel") or "").lower().split())
        if element.tag == "link" and rel & _FETCHING_LINKS and not element.get("href", "").startswith("data:"):
            outside.append(f"<link rel={element.get('rel')!r} href={element.get('href')!r}>")
        if element.tag == "style" and re.search(r"@import|url\(\s*['\"]?(?!data:|#)", element.text or ""):
            outside.append("<style> imports a style sheet or loads a url()")
    assert outside == []


# --------------------------------------------------------------------------- in the browser


@attrs.frozen
class Report:
    """What one page did and showed in Chromium."""

    console_errors: list[str]
    page_errors: list[str]
    outside_requests: list[str]
    violations: list[Violation]
    demands: list[dict[str, Any]]  # {"text", "shown"} per demand: anchored in the body, or listed
    signatories: list[dict[str, Any]]  # the same per list item among the signatories
    reflow: list[str]  # what is wider than a 320 px screen
    overflow: dict[Paper, list[str]]  # what is wider than the printable width of the paper
    pdfs: dict[Paper, bytes]


# A group of more than 1,000 names is laid out on screen only near the view (content-visibility:
# auto), and text not laid out has no innerText: lay every list out, as scrolling to each would.
_SHOWN = """() => {
    for (const list of document.querySelectorAll('.signatory-list')) list.style.contentVisibility = 'visible';
    const shown = (el) => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
        && el.getClientRects().length > 0;
    const items = (selector) => [...document.querySelectorAll(selector)].map(
        (el) => ({text: el.innerText.replace(/\\s+/g, ' ').trim(), shown: shown(el)}));
    return {demands: items('.demand'), signatories: items('#signatories li')};
}"""

# WCAG 1.4.10 (reflow): no horizontal scrolling at 320 CSS px. axe-core does not check it.
_REFLOW = """() => {
    const root = document.documentElement;
    return root.scrollWidth <= root.clientWidth ? [] : [`the page is ${root.scrollWidth}px wide on a 320px screen`];
}"""


def _inspect(browser: Browser, name: str, url: str, pdfs: list[Paper]) -> Report:
    with visit(browser, url) as seen:
        shown = seen.page.evaluate(_SHOWN)
        if name in SCREENSHOTS:
            ARTIFACTS.mkdir(exist_ok=True)
            seen.page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
        violations = axe(seen.page)
        seen.page.set_viewport_size({"width": 320, "height": 640})
        reflow: list[str] = seen.page.evaluate(_REFLOW)
        overflow = {paper: print_overflow(seen.page, paper) for paper in PAPERS}
        printed = {paper: save_pdf(seen.page, ARTIFACTS / f"{name}-{paper}.pdf", paper) for paper in pdfs}
        return Report(
            console_errors=list(seen.console_errors),
            page_errors=list(seen.page_errors),
            outside_requests=list(seen.outside_requests),
            violations=violations,
            demands=shown["demands"],
            signatories=shown["signatories"],
            reflow=reflow,
            overflow=overflow,
            pdfs=printed,
        )


@pytest.fixture(scope="module")
def report(browser: Browser, pages: Pages) -> Callable[[str], Report]:
    """The report on a page, made the first time a test asks for it (one visit per page)."""
    made: dict[str, Report | Exception] = {}

    def get(name: str) -> Report:
        if name not in made:
            try:
                if name == "broken":
                    made[name] = _inspect(browser, name, pages.broken.url, [])
                else:
                    made[name] = _inspect(browser, name, pages.built[name].url, PDFS[name])
            except Exception as error:  # noqa: BLE001 - every test of the page reports this failure
                made[name] = error
        result = made[name]
        if isinstance(result, Exception):
            raise result
        return result

    return get


@pytest.mark.parametrize("name", PAGES)
def test_page_logs_no_console_error(name: str, report: Callable[[str], Report]) -> None:
    found = report(name)
    assert found.console_errors == [] and found.page_errors == []


@pytest.mark.parametrize("name", PAGES)
def test_no_request_leaves_the_page(name: str, report: Callable[[str], Report]) -> None:
    assert report(name).outside_requests == []


@pytest.mark.parametrize("name", PAGES)
def test_page_passes_axe_wcag_21_aa(name: str, report: Callable[[str], Report]) -> None:
    violations = report(name).violations
    assert violations == [], "\n".join(map(str, violations))


@pytest.mark.parametrize("name", PAGES)
def test_demands_are_shown_in_order(name: str, report: Callable[[str], Report], pages: Pages) -> None:
    demands = report(name).demands
    letter = pages.built[name].letter
    assert len(demands) == len(letter.demands) > 0  # anchored in the body, or in the demands list
    shown = sorted(demands, key=lambda item: item["text"])
    for item, demand in zip(shown, sorted(letter.demands, key=lambda d: str(d.quote or d.text)), strict=True):
        assert item["shown"], item["text"]
        assert " ".join(str(demand.quote or demand.text).split()) in item["text"]


@pytest.mark.parametrize("name", PAGES)
def test_signatories_are_shown_in_order(name: str, report: Callable[[str], Report], pages: Pages) -> None:
    items = report(name).signatories
    letter = pages.built[name].letter
    expected = [
        member
        for group in letter.signatories
        for member in (group.organisations if isinstance(group, OrganisationGroup) else group.people)
    ]
    if not letter.signatories and letter.sender is not None:  # the sender signs alone
        expected = [*letter.sender.organisations, *letter.sender.people]
    assert len(items) == len(expected) == letter.signatory_count
    assert [item["text"] for item in items if not item["shown"]] == []
    for item, member in zip(items, expected, strict=True):
        fields = [member.name]
        if isinstance(member, Person):
            fields += [f for f in (member.honorific, member.title, member.affiliation, member.country) if f]
        missing = [field for field in fields if field not in item["text"]]
        assert missing == [], f"{item['text']!r} does not show {missing}"


@pytest.mark.parametrize("name", PAGES)
def test_page_reflows_on_a_320px_screen(name: str, report: Callable[[str], Report]) -> None:
    assert report(name).reflow == []


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("name", PAGES)
def test_printed_page_fits_the_paper_width(name: str, paper: Paper, report: Callable[[str], Report]) -> None:
    problems = report(name).overflow[paper]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(("name", "paper"), [(name, paper) for name in PAGES for paper in PDFS[name]])
def test_page_prints_to_pdf(name: str, paper: Paper, report: Callable[[str], Report]) -> None:
    pdf = report(name).pdfs[paper]
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]
    assert (ARTIFACTS / f"{name}-{paper}.pdf").read_bytes() == pdf


def test_example_screenshot_is_saved(report: Callable[[str], Report]) -> None:
    report("aphr_cambodia")
    png = (ARTIFACTS / "aphr_cambodia.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 1280 and height > 900  # the whole page, not only the first screen


def test_the_browser_checks_see_a_broken_page(report: Callable[[str], Report]) -> None:
    found = report("broken")
    assert any("broken on purpose" in error for error in found.console_errors)
    assert any("undefinedFunction" in error for error in found.page_errors)
    assert [request.split()[1].rsplit("/", 1)[1] for request in found.outside_requests] == ["picture.png"]
    assert {"color-contrast", "image-alt"} <= {violation.rule for violation in found.violations}
    assert found.reflow != []
    for paper in PAPERS:
        assert any(problem.startswith("<pre>") for problem in found.overflow[paper]), found.overflow[paper]


# --------------------------------------------------------------------------- the Nu HTML Checker
# Last in the module: the checker has been running in the background since the pages were built.


def _messages(pages: Pages, page: Built) -> list[vnu.Message]:
    return pages.validation.messages()[page.path.resolve()]


@pytest.mark.parametrize("name", PAGES)
def test_page_is_valid_html_with_no_warning(name: str, pages: Pages) -> None:
    problems = [str(m) for m in _messages(pages, pages.built[name]) if m.kind in ("error", "warning")]
    assert problems == [], "\n".join(problems)


def test_the_checker_sees_a_broken_page(pages: Pages) -> None:
    messages = _messages(pages, pages.broken)
    assert any(m.kind == "error" and "“div” not allowed as child of element “span”" in m.message for m in messages), (
        "\n".join(map(str, messages))
    )
