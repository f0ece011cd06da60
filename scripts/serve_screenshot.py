"""Make docs/images/serve-overlay.png: ``openletter serve`` showing a problem over the example letter.

    python scripts/serve_screenshot.py [OUTPUT.png]

A copy of the example letter is previewed (as ``openletter serve`` does, on a free port of
127.0.0.1) and opened in Debian's Chromium through Playwright (``/usr/bin/chromium``, as the
browser tests use; ``bash scripts/test`` installs both). Its date is then broken on disk, and the
screenshot is taken once the overlay shows the problem over the last good build. Needs the
``test`` extra (Playwright) and watchfiles (``pip install -e ".[test]"``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from openletter.serve import Preview

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "aphr_cambodia"
OUTPUT = ROOT / "docs" / "images" / "serve-overlay.png"
CHROMIUM = "/usr/bin/chromium"


def main(argv: list[str]) -> int:
    output = Path(argv[0]).resolve() if argv else OUTPUT
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(EXAMPLE, Path(folder) / "letter")
        os.chdir(Path(folder) / "letter")  # the overlay names the file as the user typed it: letter.md
        source = Path("letter.md")
        text = source.read_text(encoding="utf-8")
        with Preview(source, port=0) as preview, sync_playwright() as playwright:
            preview.watch()
            preview.serve_in_thread()
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1100, "height": 720}, device_scale_factor=1)
            page.goto(preview.url)
            page.wait_for_selector("#openletter-preview[data-generation]", state="attached")
            source.write_text(text.replace("date: 2023-06-08", "date: 2023-06-31", 1), encoding="utf-8")
            expect(page.locator("#openletter-preview .panel")).to_contain_text("letter.md:4: date:")
            output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=output)
            browser.close()
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
