"""Time a cold build of a letter in one language against the same letter with three translations.

    python benchmarks/translations.py              a table (10 repeats)
    python benchmarks/translations.py --repeat 30  steadier figures
    python benchmarks/translations.py --json       the figures as JSON

Both builds run ``openletter build`` as a new process, every built-in format, on the test letter
of tests/data/translations (an English original with Khmer, French and Arabic translations): once
with ``--language en`` (one language) and once with every language (four). The goal (issue
"Translations"): four languages cost at most 2.5x one language, cold. Not part of the test suite:
it asserts nothing, it only measures (docs/performance.md has the figures).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "data" / "translations" / "letter.md"
GOAL_RATIO = 2.5
FORMATS = ("json", "markdown", "jsonld", "html", "eml", "mailto")


def cold(arguments: list[str], repeat: int, cache: Path) -> list[float]:
    """Wall-clock milliseconds of `repeat` runs of the command line (after one warm-up run)."""
    environment = {**os.environ, "PYTHONPYCACHEPREFIX": str(cache), "OPENLETTER_DISABLE_PLUGIN_AUTOLOAD": "1"}
    command = [sys.executable, "-m", "openletter", *arguments]
    subprocess.run(command, check=True, capture_output=True, env=environment)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=environment)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="openletter-translations-"))
    try:
        shutil.copytree(SOURCE.parent, work / "letter")
        source = str(work / "letter" / "letter.md")
        formats = [a for name in FORMATS for a in ("-t", name)]
        shutil.copytree(SOURCE.parent, work / "alone")
        for translation in (work / "alone").glob("letter.*.md"):
            translation.unlink()  # the letter with no translation files at all
        alone = cold(
            ["build", str(work / "alone" / "letter.md"), *formats, "-o", str(work / "a")], args.repeat, work / "c"
        )
        one = cold(["build", source, *formats, "--language", "en", "-o", str(work / "one")], args.repeat, work / "c")
        four = cold(["build", source, *formats, "-o", str(work / "four")], args.repeat, work / "c")
        written = len(list((work / "four").iterdir()))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures = {
        "letter_alone_ms": statistics.median(alone),
        "one_language_ms": statistics.median(one),
        "four_languages_ms": statistics.median(four),
        "ratio": statistics.median(four) / statistics.median(one),
        "ratio_to_alone": statistics.median(four) / statistics.median(alone),
        "goal_ratio": GOAL_RATIO,
        "files_written_for_four": written,
        "repeat": args.repeat,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"the letter alone, {len(FORMATS)} formats:    {figures['letter_alone_ms']:8.1f} ms (median)")
    print(f"one language (en), {len(FORMATS)} formats:   {figures['one_language_ms']:8.1f} ms (median)")
    print(f"four languages, {written} files:         {figures['four_languages_ms']:8.1f} ms (median)")
    print(
        f"ratio: {figures['ratio']:.2f}x, {figures['ratio_to_alone']:.2f}x the letter alone"
        f" (goal: at most {GOAL_RATIO}x)"
    )


if __name__ == "__main__":
    main()
