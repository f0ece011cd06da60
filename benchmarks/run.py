"""Time openletter: in-process load and export, and cold start of the command line against pandoc.

    python benchmarks/run.py                 a table (10 repeats)
    python benchmarks/run.py --repeat 30     more repeats, steadier figures
    python benchmarks/run.py --json          the same figures as JSON
    python benchmarks/run.py --no-bytecode-cache   cold starts as the environment has them

Cold starts run with Python's bytecode cache on, kept in a temporary folder
(``PYTHONPYCACHEPREFIX``), so that they measure what an installed openletter costs even where
``PYTHONDONTWRITEBYTECODE`` is set (which would recompile every openletter module at each start).

Not part of the test suite: it asserts nothing about time, it only measures. Every figure is the
median and the minimum over N repeats, after one warm-up run. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import openletter
from openletter.plugins import default_registry

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "aphr_cambodia" / "letter.md"
GOAL_RATIO = 3.0
"""Goal: a cold ``openletter build`` of every format within 3x of ``pandoc`` producing one format."""


@dataclass
class Row:
    group: str
    name: str
    median_ms: float
    min_ms: float
    note: str = ""


def measure(group: str, name: str, action: Callable[[], object], repeat: int, note: str = "") -> Row:
    """Run `action` once to warm up, then `repeat` times; keep the median and the minimum."""
    action()
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return Row(group, name, statistics.median(times), min(times), note)


def subprocess_env(pycache: Path | None) -> dict[str, str]:
    """The environment for cold starts: with a bytecode cache in `pycache`, unless it is None."""
    env = dict(os.environ)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def run_command(command: Sequence[str], env: dict[str, str]) -> Callable[[], object]:
    """An action that runs `command` (from the repository root), failing loudly if it fails."""

    def action() -> object:
        return subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    return action


def write_large_letter(folder: Path, inline: int = 1_000, in_csv: int = 10_000) -> Path:
    """Write a letter.md with `inline` people in its front matter and `in_csv` in signatories.csv."""
    people = "".join(
        f"  - name: Person {i:05d}\n    title: Member of Parliament\n    country: Country {i % 50}\n"
        for i in range(inline)
    )
    front = (
        "title: A Large Open Letter\nlanguage: en\ndate: 2024-01-01\n"
        "addressees:\n- name: The Government\nsalutation: Dear Ministers,\n"
        "demands:\n- text: Publish every figure.\nclosing: Yours sincerely,\n"
        f"signatories:\n- heading: Parliamentarians\n  people:\n{people}"
        "- heading: Citizens\n  people: signatories.csv\n"
    )
    body = "\n\n".join(
        f"## Part {i}\n\nParagraph {i} of the letter, with *emphasis* and a [link](https://example.org/{i})."
        for i in range(20)
    )
    (folder / "letter.md").write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")
    rows = "".join(f"Citizen {i:05d},Teacher,Country {i % 50}\n" for i in range(in_csv))
    (folder / "signatories.csv").write_text("name,affiliation,country\n" + rows, encoding="utf-8")
    return folder / "letter.md"


def in_process(repeat: int, scratch: Path) -> list[Row]:
    registry = default_registry()
    formats = list(registry.formats)
    large = write_large_letter(scratch)
    rows: list[Row] = []
    for label, path in (("example", EXAMPLE), ("large", large)):
        group = f"in-process, {label} letter"
        rows.append(measure(group, "load", partial(openletter.load, path), repeat, path.name))
        letter = openletter.load(path)
        for name in formats:
            size = len(registry.render(letter, name))
            rows.append(
                measure(group, f"export {name}", partial(registry.render, letter, name), repeat, f"{size:,} bytes")
            )
    return rows


def openletter_command() -> list[str]:
    """The console script installed next to this interpreter, else ``python -m openletter``."""
    script = Path(sys.executable).parent / "openletter"
    return [str(script)] if script.exists() else [sys.executable, "-m", "openletter"]


def cold_start(repeat: int, scratch: Path, bytecode_cache: bool) -> list[Row]:
    group = "cold start (subprocess, bytecode " + ("cached)" if bytecode_cache else "as the environment has it)")
    env = subprocess_env(scratch / "pycache" if bytecode_cache else None)
    example = str(EXAMPLE.relative_to(ROOT))
    build = [*openletter_command(), "build", example, "-o", str(scratch / "build")]
    commands = [
        ("python -c pass", [sys.executable, "-c", "pass"], "interpreter baseline"),
        ("python -c 'import openletter'", [sys.executable, "-c", "import openletter"], ""),
        ("openletter build (all formats)", build, " ".join([Path(build[0]).name, *build[1:3]])),
    ]
    if shutil.which("pandoc"):
        pandoc = ["pandoc", "-s", "-f", "markdown", "-t", "html", example, "-o", str(scratch / "pandoc.html")]
        commands.append(("pandoc -s -f markdown -t html", pandoc, "same letter.md, front matter read as metadata"))
    return [measure(group, name, run_command(command, env), repeat, note) for name, command, note in commands]


def source_revision() -> str:
    """The git commit of the checkout, and whether src/ has uncommitted changes (read-only git calls)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "--no-optional-locks", "status", "--porcelain", "--", "src"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (" with uncommitted changes in src/" if changes else "")


def machine() -> dict[str, str]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    pandoc = shutil.which("pandoc")
    pandoc_version = "not installed"
    if pandoc:
        pandoc_version = subprocess.run([pandoc, "--version"], check=True, capture_output=True, text=True).stdout
        pandoc_version = pandoc_version.partition("\n")[0]
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "cpu": model,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min averages, before the runs)",
        "openletter": f"{openletter.__version__} ({source_revision()})",
        "pandoc": pandoc_version,
    }


def ratio(rows: Sequence[Row]) -> float | None:
    """Median cold ``openletter build`` time over median ``pandoc`` time, when pandoc ran."""
    by_name = {row.name: row.median_ms for row in rows}
    pandoc = next((ms for name, ms in by_name.items() if name.startswith("pandoc")), None)
    return by_name["openletter build (all formats)"] / pandoc if pandoc else None


def print_table(info: dict[str, str], rows: Sequence[Row], repeat: int) -> None:
    for key, value in info.items():
        print(f"{key:>10}: {value}")
    print(f"{'repeats':>10}: {repeat} (after one warm-up run)")
    group = ""
    for row in rows:
        if row.group != group:
            group = row.group
            print(f"\n{group}\n  {'':38} {'median ms':>10} {'min ms':>10}")
        print(f"  {row.name:38} {row.median_ms:10.2f} {row.min_ms:10.2f}  {row.note}".rstrip())
    found = ratio(rows)
    if found is None:
        print("\nbuild/pandoc: pandoc is not on PATH, no ratio")
    else:
        verdict = "met" if found <= GOAL_RATIO else "NOT met"
        print(f"\nbuild/pandoc: {found:.2f}x (goal: within {GOAL_RATIO:g}x: {verdict})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10, metavar="N", help="timed runs per figure (default: 10)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--no-bytecode-cache",
        dest="bytecode_cache",
        action="store_false",
        help="do not give cold starts a bytecode cache (honour PYTHONDONTWRITEBYTECODE)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    info = machine()
    with tempfile.TemporaryDirectory(prefix="openletter-bench-") as scratch:
        rows = in_process(args.repeat, Path(scratch)) + cold_start(args.repeat, Path(scratch), args.bytecode_cache)
    if args.json:
        result = {
            "machine": info,
            "repeat": args.repeat,
            "rows": [asdict(r) for r in rows],
            "build_over_pandoc": ratio(rows),
        }
        print(json.dumps(result, indent=2))
    else:
        print_table(info, rows, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
