"""Every sample letter's page and email part in real tools: the Nu HTML Checker and axe-core.

tests/test_html_page.py looks closely at four pages (layout, print, reflow, a broken page); here
every sample of `openletter.testing` (the faithful-letters samples included) is built into the
page and into the HTML part of its email, and each must validate with no error and no warning
and pass axe-core's WCAG 2.1 A/AA rules in headless Chromium. The JSON-LD and email of every
sample are checked in tests/test_jsonld.py and tests/test_email.py.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import openletter
from openletter import build
from openletter.testing import SAMPLE_NAMES, sample_letter

from . import vnu
from .browser import Site, axe, visit
from .browser import missing as browser_missing
from .conftest import DATA, require_tools

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.slow

require_tools(vnu.missing() or browser_missing())

NAMES = [name for name in SAMPLE_NAMES if name != "coalition"]  # 2,150 names: tests/test_html_page.py
VIEWS = ("page", "email")
TRANSLATED = DATA / "translations" / "letter.md"
"""A letter with translations (tests/data/translations): every language's page, linked."""
LANGUAGES = ("en", "km", "fr", "ar")


def _email_page(letter: openletter.Letter) -> bytes:
    message = email.message_from_bytes(openletter.export(letter, "eml"), policy=email.policy.default)
    part = message.get_body(("html",))
    assert part is not None
    content: str = part.get_content()  # type: ignore[attr-defined]
    return content.encode("utf-8")


@pytest.fixture(scope="module")
def built(site: Site) -> Iterator[tuple[dict[tuple[str, str], Path], vnu.Running]]:
    paths: dict[tuple[str, str], Path] = {}
    for name in NAMES:
        letter = sample_letter(name)
        for view, data in (("page", openletter.export(letter, "html")), ("email", _email_page(letter))):
            path = site.root / "samples" / view / f"{name}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            paths[name, view] = path
    build(TRANSLATED, ["html"], site.root / "samples" / "translations")
    for language in LANGUAGES:
        name = "letter.html" if language == "en" else f"letter.{language}.html"
        paths[f"translation-{language}", "page"] = site.root / "samples" / "translations" / name
    validation = vnu.start(paths.values())
    yield paths, validation
    validation.stop()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_of_a_translated_letter_is_valid_and_accessible(
    language: str, browser: Browser, site: Site, built: tuple[dict[tuple[str, str], Path], vnu.Running]
) -> None:
    paths, validation = built
    path = paths[f"translation-{language}", "page"]
    problems = [str(m) for m in validation.messages()[path.resolve()] if m.kind in ("error", "warning")]
    assert problems == [], "\n".join(problems)
    with visit(browser, site.url(path)) as seen:
        violations = axe(seen.page)
        hrefs = seen.page.eval_on_selector_all("link[rel=alternate][hreflang]", "els => els.map(e => e.href)")
        assert seen.console_errors == [] and seen.page_errors == [] and seen.outside_requests == []
    assert violations == [], "\n".join(map(str, violations))
    assert len(hrefs) == len(LANGUAGES)
    for href in hrefs:  # every language's link resolves to a page that was built
        assert (path.parent / href.rsplit("/", 1)[-1]).is_file(), href


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", NAMES)
def test_sample_is_valid_html_with_no_warning(
    name: str, view: str, built: tuple[dict[tuple[str, str], Path], vnu.Running]
) -> None:
    paths, validation = built
    messages = validation.messages()[paths[name, view].resolve()]
    problems = [str(m) for m in messages if m.kind in ("error", "warning")]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_sample_page_passes_axe_wcag_21_aa(
    name: str, browser: Browser, site: Site, built: tuple[dict[tuple[str, str], Path], vnu.Running]
) -> None:
    paths, _ = built
    with visit(browser, site.url(paths[name, "page"])) as seen:
        violations = axe(seen.page)
        assert seen.console_errors == [] and seen.page_errors == [] and seen.outside_requests == []
    assert violations == [], "\n".join(map(str, violations))
