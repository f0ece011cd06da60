"""``openletter serve`` in a real browser: Debian's Chromium driven by Playwright, with axe-core.

A preview of a small letter is opened; an edit shows in the page within 2 seconds, a broken date
shows the overlay with the right ``FILE:LINE``, fixing it takes the overlay away, each link of the
toolbar downloads its file with the bytes ``openletter build`` writes, and axe-core finds no
WCAG 2.1 A/AA violation in the toolbar, the overlay or the page shown before any good build. The
page may request only the preview's own server.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest

import openletter
from openletter.serve import Preview

from .browser import axe
from .browser import missing as browser_missing
from .conftest import require_tools
from .test_serve import MINI, write_letter

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

pytestmark = pytest.mark.slow

require_tools(browser_missing())
pytest.importorskip("watchfiles")

TOOLBAR = "#openletter-preview"
OVERLAY = "#openletter-preview .panel"


@attrs.define
class Opened:
    page: Page
    preview: Preview
    source: Path
    errors: list[str] = attrs.field(factory=list)  # console and page errors
    outside: list[str] = attrs.field(factory=list)  # requests for anything but the preview

    def ready(self) -> None:
        """Wait until the toolbar has shown a status (after each load)."""
        self.page.wait_for_selector(f"{TOOLBAR}[data-generation]", state="attached", timeout=5000)


@contextlib.contextmanager
def opened(browser: Browser, source: Path, path: str = "/") -> Iterator[Opened]:
    """A preview of `source`, watching, open at `path` in a fresh browser context."""
    with Preview(source, port=0) as preview:
        preview.watch()
        preview.serve_in_thread()
        context = browser.new_context(viewport={"width": 1100, "height": 800}, accept_downloads=True)
        page = context.new_page()
        seen = Opened(page=page, preview=preview, source=source)
        page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen.errors.append(f"{e.name}: {e.message}"))

        def route(route: Route) -> None:
            if route.request.url.startswith(preview.url):
                route.continue_()
            else:
                seen.outside.append(route.request.url)
                route.abort("blockedbyclient")

        context.route("**/*", route)
        try:
            page.goto(preview.url + path.lstrip("/"))
            seen.ready()
            yield seen
            # The browser asks for /favicon.ico by itself: no build has one, and that 404 is no fault.
            assert [e for e in seen.errors if "404" not in e] == []
            assert seen.outside == []
        finally:
            context.close()


def overlay_text(seen: Opened) -> str:
    return seen.page.locator(OVERLAY).inner_text()


def test_an_edit_shows_in_the_page_within_two_seconds(browser: Browser, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    source = write_letter(tmp_path)
    with opened(browser, source) as seen:
        expect(seen.page.locator("main")).to_contain_text("protect the river")
        seen.page.set_viewport_size({"width": 800, "height": 300})
        seen.page.evaluate("window.scrollTo(0, 200)")
        started = time.monotonic()
        source.write_text(MINI.replace("protect the river", "clean the river"), encoding="utf-8")
        expect(seen.page.locator("main")).to_contain_text("clean the river", timeout=2000)
        assert time.monotonic() - started < 2
        seen.ready()
        assert seen.page.locator(OVERLAY).count() == 0
        assert seen.page.evaluate("window.scrollY") == 200  # the reader's place is kept


def test_a_broken_date_shows_its_line_in_the_overlay_until_it_is_fixed(browser: Browser, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    source = write_letter(tmp_path)
    with opened(browser, source) as seen:
        source.write_text(MINI.replace("2024-05-01", "2024-05-41"), encoding="utf-8")
        overlay = seen.page.locator(OVERLAY)
        expect(overlay).to_be_visible(timeout=2000)
        expect(overlay).to_contain_text(f"{source}:4: date: ")
        assert seen.page.locator(f"{TOOLBAR} [role=alert]").count() == 1
        expect(seen.page.locator("main")).to_contain_text("protect the river")  # the last good build, underneath

        seen.page.get_by_role("button", name="Hide").click()
        expect(overlay).to_be_hidden()
        seen.page.get_by_role("button", name="1 problem").click()
        expect(overlay).to_be_visible()

        source.write_text(MINI.replace("protect the river", "restore the river"), encoding="utf-8")
        expect(seen.page.locator("main")).to_contain_text("restore the river", timeout=2000)
        seen.ready()
        expect(overlay).to_have_count(0)
        expect(seen.page.get_by_role("button", name="1 problem")).to_be_hidden()


def test_every_toolbar_link_downloads_the_file_openletter_build_writes(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every format installed (the pdf and docx plugins too, where they are)."""
    monkeypatch.delenv("OPENLETTER_DISABLE_PLUGIN_AUTOLOAD")
    source = write_letter(tmp_path / "letter")
    built = openletter.build(source, output=tmp_path / "built")
    with opened(browser, source) as seen:
        links = seen.page.locator(f"{TOOLBAR} a[download]")
        names = links.evaluate_all("links => links.map(link => link.textContent)")
        assert names == [path.name for path in built.written]
        for name in names:
            with seen.page.expect_download() as download:
                seen.page.locator(f'{TOOLBAR} a[download="{name}"]').click()
            assert download.value.suggested_filename == name
            saved = Path(download.value.path())
            assert saved.read_bytes() == (tmp_path / "built" / name).read_bytes(), name


def violations(page: Page) -> list[str]:
    return [str(v) for v in axe(page)]


def test_axe_finds_no_violation_in_the_toolbar_and_the_overlay(browser: Browser, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    source = write_letter(tmp_path, MINI.replace("2024-05-01", "2024-05-41"))
    with opened(browser, source) as seen:  # the first build fails: the page holds only the overlay
        expect(seen.page.locator(OVERLAY)).to_be_visible()
        assert violations(seen.page) == []
        source.write_text(MINI + "\nSee [the report](mailto:a@example.org?body=" + "x" * 3000 + ").\n")
        expect(seen.page.locator("main")).to_contain_text("protect the river", timeout=5000)
        seen.ready()
        warnings = seen.page.locator(f"{TOOLBAR} details.warnings")
        expect(warnings).to_be_visible()
        warnings.locator("summary").click()  # the warnings, opened
        assert violations(seen.page) == []
        source.write_text(MINI.replace("2024-05-01", "2024-05-41"), encoding="utf-8")
        expect(seen.page.locator(OVERLAY)).to_be_visible(timeout=2000)
        assert violations(seen.page) == []
