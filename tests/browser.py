"""A real browser for the tests: Debian's Chromium driven by Playwright, and axe-core inside it.

`bash scripts/test` installs Chromium (``apt-get``), Playwright (the ``test`` extra) and axe-core
(``npm ci``). Playwright never downloads a browser here: it drives /usr/bin/chromium.

The fixtures (``browser``, ``site``) are registered in conftest.py and cost nothing until a test
asks for them. Pages are served from a folder by a small HTTP server on 127.0.0.1, so that a test
can tell the page's own URL from any other request the page makes, which is refused and recorded.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Route, WebSocket

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LAUNCH_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

Paper = Literal["A4", "Letter"]
# Paper widths in CSS pixels (96 per inch): A4 is 210 mm, US Letter 8.5 in.
PAPER_WIDTH: dict[Paper, float] = {"A4": 210 / 25.4 * 96, "Letter": 8.5 * 96}
# Chromium's margins when the page sets none with @page (its print dialog's "Default": 0.4 in).
DEFAULT_PRINT_MARGIN = 0.4 * 96


def missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    if not AXE.is_file():
        return f"{AXE.relative_to(ROOT)} is missing (npm ci)"
    return None


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session; each test opens its own context in it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@attrs.frozen
class Site:
    """A folder served over HTTP on 127.0.0.1."""

    root: Path
    base: str  # "http://127.0.0.1:PORT/"

    def url(self, path: Path) -> str:
        return self.base + path.relative_to(self.root).as_posix()


@contextmanager
def serve(root: Path) -> Iterator[Site]:
    """Serve `root` (read-only, as files) on a free port of 127.0.0.1 until the block ends."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="test-http-server", daemon=True)
    thread.start()
    try:
        yield Site(root=root, base=f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """An empty folder, served: write pages into ``site.root``, open ``site.url(path)``."""
    with serve(tmp_path_factory.mktemp("site")) as served:
        yield served


# --------------------------------------------------------------------------- visiting a page


@attrs.define
class Visit:
    """A page opened in a fresh browser context, and what it did while it was open."""

    page: Page
    url: str
    console_errors: list[str] = attrs.field(factory=list)
    page_errors: list[str] = attrs.field(factory=list)
    outside_requests: list[str] = attrs.field(factory=list)  # refused: every request but the page itself


@contextmanager
def visit(
    browser: Browser,
    url: str,
    *,
    width: int = 1280,
    height: int = 900,
    init_script: str | None = None,
    timeout: float | None = None,
) -> Iterator[Visit]:
    """Open `url`, refusing and recording every other request; close the context afterwards.

    `init_script` runs in the page before any of its own content; `timeout` (ms) bounds the load
    instead of Playwright's 30 s."""
    context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
    if init_script is not None:
        context.add_init_script(init_script)
    page = context.new_page()
    seen = Visit(page=page, url=url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location
            seen.console_errors.append(f"{message.text} ({where.get('url')}:{where.get('lineNumber')})")

    def on_page_error(error: Error) -> None:
        seen.page_errors.append(f"{error.name}: {error.message}")

    def on_route(route: Route) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            seen.outside_requests.append(f"{route.request.method} {route.request.url} ({route.request.resource_type})")
            route.abort("blockedbyclient")

    def on_websocket(socket: WebSocket) -> None:
        seen.outside_requests.append(f"WebSocket {socket.url}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("websocket", on_websocket)
    context.route("**/*", on_route)
    try:
        response = page.goto(url, wait_until="load", timeout=timeout)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        yield seen
    finally:
        context.close()


# --------------------------------------------------------------------------- axe-core


@attrs.frozen
class Violation:
    """One axe-core rule that failed, with the elements it failed on."""

    rule: str
    impact: str | None
    help: str
    nodes: tuple[str, ...]  # "selector: html: failure summary", one per element

    def __str__(self) -> str:
        listed = "".join(f"\n    {node}" for node in self.nodes[:5])
        more = f"\n    ... and {len(self.nodes) - 5} more" if len(self.nodes) > 5 else ""
        return f"{self.rule} ({self.impact}): {self.help} [{len(self.nodes)} element(s)]{listed}{more}"


def axe(page: Page, tags: tuple[str, ...] = WCAG_TAGS) -> list[Violation]:
    """Run axe-core on the page (colour contrast included) and return its violations."""
    # Evaluated through the DevTools protocol, so a Content-Security-Policy that forbids scripts
    # does not stop it (a <script> tag would be refused).
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result: dict[str, Any] = page.evaluate(
        """async (tags) => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        list(tags),
    )
    return [
        Violation(
            rule=raw["id"],
            impact=raw.get("impact"),
            help=raw["help"],
            nodes=tuple(
                f"{' '.join(map(str, node['target']))}: {node['html'][:160]}: "
                + " ".join(str(node.get("failureSummary", "")).split())
                for node in raw["nodes"]
            ),
        )
        for raw in result["violations"]
    ]


# --------------------------------------------------------------------------- print


_PAGE_MARGINS = """() => {
    // The left and right margins of the @page rules that apply to every page, in px.
    const probe = document.createElement('div');
    probe.style.cssText = 'position:absolute;visibility:hidden;height:0';
    document.body.appendChild(probe);
    const px = (value) => { probe.style.width = value; return probe.getBoundingClientRect().width; };
    let left = null, right = null;
    const walk = (rules) => {
        for (const rule of rules) {
            if (rule instanceof CSSPageRule && !rule.selectorText) {
                left = rule.style.marginLeft || left;
                right = rule.style.marginRight || right;
            } else if (rule instanceof CSSMediaRule && window.matchMedia(rule.conditionText).matches) {
                walk(rule.cssRules);
            }
        }
    };
    for (const sheet of document.styleSheets) walk(sheet.cssRules);
    const result = [left && px(left), right && px(right)];
    probe.remove();
    return result;
}"""

_OVERFLOW = """() => {
    // Every element whose box or content does not fit the width of the viewport.
    const limit = document.documentElement.clientWidth;
    const problems = [];
    const describe = (el) => {
        const id = el.id ? '#' + el.id : '';
        const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
        const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
        return `<${el.localName}${id}${cls}> "${text}"`;
    };
    const root = document.documentElement;
    if (root.scrollWidth > limit) problems.push(`the document is ${root.scrollWidth}px wide (page: ${limit}px)`);
    for (const el of document.body.getElementsByTagName('*')) {
        if (problems.length >= 20) break;
        const style = getComputedStyle(el);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        const box = el.getBoundingClientRect();
        if (box.width <= 1 && box.height <= 1) continue;  // visually hidden on purpose
        if (box.right > limit + 0.5 || box.left < -0.5) {
            problems.push(`${describe(el)} spans ${box.left.toFixed(1)}..${box.right.toFixed(1)}px (page: ${limit}px)`);
        } else if (style.display !== 'inline' && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
            problems.push(`${describe(el)}: content ${el.scrollWidth}px wide in a ${el.clientWidth}px box`);
        }
    }
    return problems;
}"""


def print_width(page: Page, paper: Paper) -> int:
    """The width of the printable area of `paper`, in CSS px, with the page's own @page margins."""
    page.emulate_media(media="print")
    left, right = page.evaluate(_PAGE_MARGINS)
    margins = (left if left is not None else DEFAULT_PRINT_MARGIN) + (
        right if right is not None else DEFAULT_PRINT_MARGIN
    )
    return int(PAPER_WIDTH[paper] - margins)


def print_overflow(page: Page, paper: Paper) -> list[str]:
    """Lay the page out for print at the printable width of `paper`; what sticks out of it."""
    width = print_width(page, paper)
    page.set_viewport_size({"width": width, "height": 1000})
    problems: list[str] = page.evaluate(_OVERFLOW)
    return problems


def save_pdf(page: Page, path: Path, paper: Paper) -> bytes:
    """Print the page to a PDF file, as Chromium's print to PDF does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return page.pdf(path=path, format=paper, print_background=True)
