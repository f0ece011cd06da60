"""The page of a letter with 100,000 signatories in real tools: Chromium, axe-core and vnu.

The letter is the scale benchmark's (``benchmarks/scale_letters.py``: 50,000 people and 50,000
organisations from CSV, in two groups), built as ``openletter build -t html -t jsonld`` would. The
page must stay light (at most `PAGE_LIMIT` bytes: it embeds a JSON-LD summary and links the full
``letter.jsonld``), load in Chromium within `LOAD_LIMIT` seconds (the ``load`` event), run no task
longer than `LONG_TASK_LIMIT` seconds while it loads and while it is scrolled to its end (the Long
Tasks API, observed from before the first byte is parsed), print to PDF, pass axe-core's WCAG 2.1
A/AA rules and validate with the Nu HTML Checker with no error and no warning.

The limits are looser than the issue's goal (a load event within 3 s) because the suite runs on
machines shared with other work: they are set to catch the kind of regression this test was
written for (one list of 50,000 names in CSS columns took Chromium two minutes to load, its
columns balanced anew at each layout while the page loaded), not to time the page. The figures
measured are printed (``pytest -s``). Runtime: about nine minutes on a busy 2-core machine, most
of it axe-core (six minutes over 100,000 list items); the checker runs in the background
meanwhile (about a minute).
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest

import openletter
from openletter.exporters.jsonld import EMBEDDED_SIGNATORIES

from . import vnu
from .browser import Site, axe, visit
from .browser import missing as browser_missing
from .conftest import ROOT, require_tools

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.slow

require_tools(vnu.missing() or browser_missing())

SIGNATORIES = 100_000
PAGE_LIMIT = 12_000_000
"""The page's size in bytes at most (the issue's goal: 12 MB)."""
LOAD_LIMIT = 20.0
"""Seconds from navigation to the ``load`` event, at most (measured: 1.3 s alone, 6.4 s with the
checker running beside it, on a 2-core machine under a load average of 8; the page before it was
split into lists of 1,000: 116 s)."""
LONG_TASK_LIMIT = 2.0
"""Seconds the longest task on the page's main thread may take, while it loads and is scrolled to
its end (measured: 0.5 s, Chromium's first parsing slice; before: 3.1 s, and 4.9 s with the lists
split but all laid out)."""

# Registered before the page's first byte is parsed, so that every long task is seen.
_OBSERVE = """
window.__longTasks = [];
new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
}).observe({type: 'longtask', buffered: true});
"""

_SCROLL = """() => new Promise((done) => {
    const start = performance.now();
    window.scrollTo(0, document.documentElement.scrollHeight);
    requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - start)));
})"""


def _scale_letters() -> Any:
    spec = importlib.util.spec_from_file_location("scale_letters", ROOT / "benchmarks" / "scale_letters.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@attrs.frozen
class Built:
    page: Path
    url: str
    validation: vnu.Running


@pytest.fixture(scope="module")
def built(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    source = _scale_letters().write_signatory_letter(tmp_path_factory.mktemp("large"), SIGNATORIES)
    folder = site.root / "large"
    result = openletter.build(source, ["html", "jsonld"], folder)
    assert result.status == 0 and [o.path.name for o in result.outputs] == ["letter.html", "letter.jsonld"]
    page = folder / "letter.html"
    validation = vnu.start([page])
    yield Built(page=page, url=site.url(page), validation=validation)
    validation.stop()


@attrs.frozen
class Visited:
    load: float  # seconds from navigation to the load event
    long_tasks: list[float]  # seconds, while loading and scrolling to the end
    scrolled: float  # seconds from scrolling to the end to the second frame after
    errors: list[str]
    pdf: bytes


@pytest.fixture(scope="module")
def visited(browser: Browser, built: Built) -> Visited:
    from playwright.sync_api import Error

    with visit(browser, built.url, init_script=_OBSERVE, timeout=LOAD_LIMIT * 5 * 1000) as seen:
        load = seen.page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventStart") / 1000
        scrolled = seen.page.evaluate(_SCROLL) / 1000
        seen.page.wait_for_timeout(500)
        observed = seen.page.evaluate("() => window.__longTasks ?? null")
        assert observed is not None, "the long task observer did not run"
        long_tasks = [duration / 1000 for duration in observed]
        try:
            pdf = seen.page.pdf(format="A4", print_background=True)
        except Error as error:  # reported by the test of the PDF
            pdf = str(error).encode()
        print(f"\n{SIGNATORIES:,} signatories: page {built.page.stat().st_size:,} bytes, load event {load:.2f} s, "
              f"longest task {max(long_tasks, default=0):.2f} s, scrolled to the end in {scrolled:.2f} s, "
              f"PDF {len(pdf):,} bytes")  # fmt: skip
        return Visited(
            load=load,
            long_tasks=long_tasks,
            scrolled=scrolled,
            errors=seen.console_errors + seen.page_errors + seen.outside_requests,
            pdf=pdf,
        )


def test_the_page_is_light_and_links_the_full_jsonld(built: Built) -> None:
    data = built.page.read_bytes()
    assert len(data) <= PAGE_LIMIT
    assert data.count(b"<li>") == SIGNATORIES + 1  # every signatory, and the one addressee
    embedded = re.search(rb'<script type="application/ld\+json">\n(.*?)\n</script>', data, re.S)
    assert embedded is not None and len(json.loads(embedded.group(1))["author"]) == EMBEDDED_SIGNATORIES
    link = re.search(rb'<link rel="alternate" type="application/ld\+json" href="([^"]+)">', data)
    assert link is not None and link.group(1) == b"letter.jsonld"
    assert len(json.loads((built.page.parent / "letter.jsonld").read_bytes())["author"]) == SIGNATORIES


def test_the_page_loads_in_time(visited: Visited) -> None:
    assert visited.load <= LOAD_LIMIT
    assert visited.errors == []


def test_no_task_blocks_the_page_too_long(visited: Visited) -> None:
    assert max(visited.long_tasks) <= LONG_TASK_LIMIT
    assert visited.scrolled <= LONG_TASK_LIMIT


def test_the_page_prints_to_pdf(visited: Visited) -> None:
    assert visited.pdf.startswith(b"%PDF-") and b"%%EOF" in visited.pdf[-1024:], visited.pdf[:200]


def test_the_page_passes_axe_wcag_21_aa(browser: Browser, built: Built) -> None:
    with visit(browser, built.url, timeout=LOAD_LIMIT * 5 * 1000) as seen:
        violations = axe(seen.page)
    assert violations == [], "\n".join(map(str, violations))


def test_the_page_is_valid_html_with_no_warning(built: Built) -> None:
    messages = built.validation.messages()[built.page.resolve()]
    problems = [str(m) for m in messages if m.kind in ("error", "warning")]
    assert problems == [], "\n".join(problems)
