"""Scale: wall time and peak memory of whole ``openletter`` processes on letters that grow one way.

    python benchmarks/scale.py                               every case (long: see below)
    python benchmarks/scale.py --sizes 1k,10k,100k           signatories up to 100,000 only
    python benchmarks/scale.py --only footnotes --only sections=10k,100k
    python benchmarks/scale.py --only example                cold builds of the example against pandoc
    python benchmarks/scale.py --only signatories=1M --commands check,all --timeout 3600
    python benchmarks/scale.py --json                        the same figures as JSON

The letters are written by ``benchmarks/scale_letters.py`` into a temporary folder: 1,000,
10,000, 100,000 and 1,000,000 signatories (from two CSV files, people and organisations, in two
groups); 20,000 endnotes; 100,000 sections; one 10 MB paragraph. For each letter, each command
runs as a new process, as a user runs it: ``openletter check``, ``openletter build -t FORMAT`` for
each built-in format, the issue's four formats together, all six together, and ``build -t pdf``
when the pdf plugin is installed. Side by side, where the issue's table names it: ``pandoc -s -t
html5`` of the same signatory list written as Markdown, and of the example letter. Two more cases:
the cold start of the example letter (``example``) and a mail merge of it to 10,000 recipients
into an mbox (``mail``).

For each command: the wall time, the CPU time, the peak resident memory of the process
(``ru_maxrss`` as ``wait4`` reports it for that process alone, taken by a small wrapper process:
see `WRAPPER`), and the size of what it wrote. Each command is
stopped after ``--timeout`` seconds, or when its resident memory passes ``--memory-limit`` MB
(read from ``/proc`` every 50 ms), so that the largest letters cannot hang or exhaust the
machine; the row then says ``timeout`` or ``memory``. Built-in commands run with installed plugins
not loaded (``OPENLETTER_DISABLE_PLUGIN_AUTOLOAD=1``); ``build -t pdf`` loads them. As in
``run.py``, every process gets a bytecode cache in the temporary folder, warmed up before the
runs.

Not part of the test suite: it asserts nothing about time, it only measures. Standard library
only (Linux for the memory watchdog; elsewhere only the timeout stops a command). See
docs/performance.md ("Scale").
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import mmap
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import scale_letters
from run import EXAMPLE, machine, openletter_command, subprocess_env

import openletter

BUILT_IN = ("json", "markdown", "jsonld", "html", "eml", "mailto")
"""The built-in formats, each built on its own, then together."""
FOUR = ("json", "markdown", "jsonld", "html")
"""The issue's ``build -t json -t markdown -t jsonld -t html``."""
SIGNATORY_SIZES = (1_000, 10_000, 100_000, 1_000_000)
DEFAULT_SIZES = {
    "signatories": SIGNATORY_SIZES,
    "footnotes": (20_000,),
    "sections": (100_000,),
    "paragraph": (10,),
    "example": (1,),
    "mail": (10_000,),
}
"""Each kind of case, with its default sizes (paragraph: megabytes; example: none)."""
PANDOC_UP_TO = 100_000
"""pandoc runs on signatory lists up to this size by default (it needed about 1 GB for 100,000)."""
POLL = 0.05
"""Seconds between two looks at a running command's memory."""

GOALS: dict[tuple[str, float, str], str] = {
    ("signatories", 100_000, "check"): "<= 0.8 s",
    ("signatories", 100_000, "+".join(FOUR)): "<= 3 s, <= 300 MB",
    ("signatories", 100_000, "html"): "page <= 12 MB",
    ("signatories", 100_000, "pandoc"): "openletter well ahead",
    ("signatories", 1_000_000, "all"): "works, <= 2 GB",
    ("footnotes", 20_000, "check"): "<= 1 s",
    ("sections", 100_000, "check"): "<= 3 s",
    ("paragraph", 10, "pdf"): "<= 500 MB, or a located refusal",
    ("mail", 10_000, "mail"): ">= 5,000 messages/s, flat memory",
    ("example", 1, "all"): "<= 3x pandoc",
    ("example", 1, "html"): "<= 2.5x pandoc",
}
"""The goals of the scale issue, by (kind, size, command)."""
RATIO_GOALS = {("example", "all"): 3.0, ("example", "html"): 2.5}


@dataclass(frozen=True)
class Case:
    """One generated letter: a kind of growth and its size."""

    kind: str
    size: float

    @property
    def label(self) -> str:
        if self.kind == "paragraph":
            return f"one {self.size:g} MB paragraph"
        if self.kind == "example":
            return "example letter, cold start"
        if self.kind == "mail":
            return f"mail merge of the example to {int(self.size):,} recipients"
        return f"{int(self.size):,} {self.kind}"


@dataclass(frozen=True)
class Command:
    """One process to time: `key` picks it with ``--commands``."""

    key: str
    label: str
    argv: list[str]
    env: dict[str, str]
    output: Path | None = None
    """The folder or file it writes (measured, then removed)."""
    prepare: Callable[[], object] | None = None
    """What to write before it runs (pandoc's Markdown), when it is picked."""


@dataclass
class Measure:
    status: str
    """``ok``, ``exit N`` (with the first line of its errors in the row's note), ``timeout`` or ``memory``."""
    wall_s: float
    cpu_s: float
    """User and system time of the process (and of the processes it waited for)."""
    peak_mb: float
    message: str = ""


@dataclass
class Row:
    case: str
    kind: str
    size: float
    command: str
    key: str
    status: str
    wall_s: float
    """The median over the runs."""
    cpu_s: float
    """The median over the runs: less disturbed than wall time by other work on the machine."""
    peak_mb: float
    """The largest over the runs."""
    output_bytes: int | None
    goal: str = ""
    note: str = ""
    runs: int = 1


@dataclass
class Ratio:
    case: str
    command: str
    over_pandoc: float
    """Wall time over wall time."""
    cpu_over_pandoc: float
    goal: float | None


@dataclass
class Settings:
    timeout: float
    memory_limit_mb: float
    repeat: int | None
    commands: set[str] | None
    scratch: Path
    env: dict[str, str] = field(default_factory=dict)


def parse_size(text: str) -> float:
    """``1k`` -> 1,000; ``1M`` -> 1,000,000; ``2.5`` -> 2.5; ``10_000`` -> 10,000."""
    cleaned = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(cleaned[-1:], 1)
    try:
        number = float(cleaned[:-1] if factor > 1 else cleaned)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{text!r} (expected a positive number such as 500, 1k or 1M)")
    return number * factor


def pick_cases(only: Sequence[str], sizes: str | None) -> list[Case]:
    """The cases asked for: ``--only KIND[=SIZE,...]`` (repeatable), ``--sizes`` for signatories."""
    asked: dict[str, tuple[float, ...]] = {}
    kind = ""
    for item in only or ([] if sizes is not None else list(DEFAULT_SIZES)):
        for token in item.split(","):  # "sections=1k,2k,footnotes": a size belongs to the kind before it
            name, equals, size = token.strip().partition("=")
            if equals or name[:1].isalpha():
                kind = name
                if kind not in DEFAULT_SIZES:
                    raise ValueError(f"unknown case {kind!r} (expected one of {', '.join(DEFAULT_SIZES)})")
                asked[kind] = (parse_size(size),) if equals else DEFAULT_SIZES[kind]
            elif not kind or asked[kind] is DEFAULT_SIZES[kind]:
                raise ValueError(f"a size without its case: {token!r} (expected KIND=SIZE,SIZE)")
            else:
                asked[kind] = (*asked[kind], parse_size(name))
    if sizes is not None:
        if only and "signatories" not in asked:
            raise ValueError("--sizes picks signatory counts, but --only leaves out signatories")
        asked["signatories"] = tuple(parse_size(s) for s in sizes.split(","))
    return [Case(kind, size) for kind, values in asked.items() for size in values]


def _exited(pid: int, pidfd: int | None, seconds: float) -> bool:
    """Wait up to `seconds` for process `pid` to exit, without reaping it."""
    if pidfd is not None:
        return bool(select.select([pidfd], [], [], seconds)[0])
    end = time.perf_counter() + seconds
    while True:
        found = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        if found is not None or time.perf_counter() >= end:
            return found is not None
        time.sleep(0.002)


WRAPPER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as report:
    report.write(f"{wall} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""
"""Runs a command (``python -I -S -c WRAPPER REPORT COMMAND...``) and writes to REPORT its wall
time, CPU time, peak resident memory and exit code. Why: a process's ``ru_maxrss`` starts from the
high-water mark of the process that started it (Linux keeps it across fork and exec), so a command
started straight from this script, which holds big pages in memory, would report at least this
script's peak. The wrapper is a small new interpreter: its own peak (about 5 MB) is the floor."""


def resident_mb(pid: int) -> float:
    """The resident memory of a running process (or of the wrapper's command, its first child)
    from ``/proc``; 0 where it cannot be read."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", "rb") as children:
            pid = int(children.read().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def run_measured(
    argv: Sequence[str], *, cwd: Path, env: dict[str, str], timeout: float, memory_limit_mb: float
) -> Measure:
    """Run `argv`; its wall time and peak resident memory, stopping it (and anything it started)
    after `timeout` seconds or above `memory_limit_mb` of resident memory."""
    handle, name = tempfile.mkstemp(prefix="openletter-scale-report-")
    os.close(handle)
    report = Path(name)
    with tempfile.TemporaryFile() as printed:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", WRAPPER, str(report), *argv],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=printed,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            pidfd: int | None = os.pidfd_open(process.pid)
        except (AttributeError, OSError):  # not Linux, or a kernel older than 5.3
            pidfd = None
        stopped = ""
        seen = 0.0  # the largest resident memory the watchdog saw
        try:
            while not _exited(process.pid, pidfd, POLL):
                if stopped:
                    continue
                resident = resident_mb(process.pid)
                seen = max(seen, resident)
                if time.perf_counter() - start > timeout:
                    stopped = "timeout"
                elif resident > memory_limit_mb:
                    stopped = "memory"
                if stopped:  # not reaped yet, so its process group cannot have been reused
                    os.killpg(process.pid, signal.SIGKILL)
            wall = time.perf_counter() - start
        except BaseException:  # interrupted: the command, in its own session, would run on
            os.killpg(process.pid, signal.SIGKILL)
            os.wait4(process.pid, 0)
            process.returncode = -signal.SIGKILL
            report.unlink(missing_ok=True)
            raise
        finally:
            if pidfd is not None:
                os.close(pidfd)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        measured = report.read_text().split()
        report.unlink()
        printed.seek(0)
        lines = [  # what it printed, less the names of the files it wrote
            line
            for line in printed.read(100_000).decode("utf-8", "replace").splitlines()
            if not line.startswith("wrote ")
        ]
    cpu = usage.ru_utime + usage.ru_stime
    maxrss, code = float(usage.ru_maxrss), process.returncode
    if len(measured) == 4 and not stopped:  # the wrapper's figures, for the command alone
        wall, cpu, maxrss, code = float(measured[0]), float(measured[1]), float(measured[2]), int(measured[3])
    peak = maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    if stopped:  # the wrapper was stopped too: the peak is the largest the watchdog saw
        limit = f"{timeout:g} s" if stopped == "timeout" else f"{memory_limit_mb:g} MB resident"
        return Measure(stopped, wall, cpu, seen, f"stopped above {limit}")
    if code:
        return Measure(f"exit {code}", wall, cpu, peak, lines[0] if lines else "")
    return Measure("ok", wall, cpu, peak)


def size_of(path: Path | None) -> int | None:
    if path is None or not path.exists():
        return None
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def remove(path: Path | None) -> None:
    if path is not None and path.is_dir():
        shutil.rmtree(path)
    elif path is not None and path.exists():
        path.unlink()


def embedded_jsonld_bytes(page: Path) -> int:
    """How much of an html page is embedded JSON-LD (the contents of its ld+json scripts)."""
    total = 0
    with page.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as text:
        at = 0
        while (start := text.find(b'type="application/ld+json"', at)) != -1:
            opened = text.find(b">", start) + 1
            at = text.find(b"</script>", opened)
            if opened == 0 or at == -1:
                break
            total += at - opened
    return total


def pdf_plugin_installed() -> bool:
    return importlib.util.find_spec("openletter_pdf") is not None


def pandoc() -> str | None:
    return shutil.which("pandoc")


def write_letter(case: Case, folder: Path) -> Path:
    """Write the case's letter (and its CSV files) into `folder`; the letter's path."""
    if case.kind == "signatories":
        return scale_letters.write_signatory_letter(folder, int(case.size))
    if case.kind == "footnotes":
        return scale_letters.write_footnote_letter(folder, int(case.size))
    if case.kind == "sections":
        return scale_letters.write_section_letter(folder, int(case.size))
    if case.kind == "paragraph":
        return scale_letters.write_paragraph_letter(folder, case.size)
    folder.mkdir(parents=True, exist_ok=True)
    text = EXAMPLE.read_text(encoding="utf-8")
    if case.kind == "mail":
        text = text.replace("salutation: Your Honors,", "salutation: Dear [[honorific_name]],")
        with (folder / "recipients.csv").open("w", encoding="utf-8", newline="") as out:
            out.write("email,name,last_name,role\n")
            for n in range(int(case.size)):
                out.write(f"member{n}@house.example,Member {n},Member{n},{('Senator', 'Representative')[n % 2]}\n")
    (folder / "letter.md").write_text(text, encoding="utf-8")
    return folder / "letter.md"


def commands(case: Case, letter: Path, settings: Settings) -> Iterator[Command]:
    """The processes to time for `case`, whose letter is `letter`."""
    built_in = {**settings.env, "OPENLETTER_DISABLE_PLUGIN_AUTOLOAD": "1"}
    plugins = {k: v for k, v in settings.env.items() if k != "OPENLETTER_DISABLE_PLUGIN_AUTOLOAD"}
    tool = openletter_command()
    out = letter.parent / "out"

    def build(key: str, label: str, formats: Sequence[str], env: dict[str, str]) -> Command:
        chosen = [argument for name in formats for argument in ("-t", name)]
        return Command(key, label, [*tool, "build", str(letter), *chosen, "-o", str(out)], env, out)

    def html5(source: Path, prepare: Callable[[], object] | None = None) -> Command:
        page = letter.parent / "pandoc.html"
        argv = [str(pandoc()), "-s", "-f", "markdown", "-t", "html5", str(source), "-o", str(page)]
        return Command("pandoc", f"pandoc -s -t html5 {source.name}", argv, settings.env, page, prepare)

    if case.kind == "mail":
        mbox = letter.parent / "out.mbox"
        argv = [*tool, "mail", str(letter), "--recipients", str(letter.parent / "recipients.csv"), "--mbox", str(mbox)]
        yield Command("mail", "mail --mbox", argv, built_in, mbox)
        return
    if case.kind == "example":
        yield Command("python", "python -c pass", [sys.executable, "-c", "pass"], built_in)
        yield build("all", "build (6 built-in formats)", BUILT_IN, built_in)
        yield build("html", "build -t html", ["html"], built_in)
        if pandoc():
            yield html5(letter)
        return
    yield Command("check", "check", [*tool, "check", str(letter)], built_in)
    for name in BUILT_IN:
        yield build(name, f"build -t {name}", [name], built_in)
    yield build("+".join(FOUR), "build -t " + " -t ".join(FOUR), FOUR, built_in)
    yield build("all", "build (6 built-in formats)", BUILT_IN, built_in)
    if pdf_plugin_installed():
        yield build("pdf", "build -t pdf", ["pdf"], plugins)
    if case.kind == "signatories" and pandoc() and (case.size <= PANDOC_UP_TO or settings.commands):
        yield html5(
            letter.parent / "list.md", lambda: scale_letters.write_signatory_markdown(letter.parent, int(case.size))
        )


def note(case: Case, command: Command, measure: Measure) -> str:
    """What else a row says: messages a second, the share of an html page that is JSON-LD, why it failed."""
    if measure.status != "ok":
        return measure.message
    if command.key == "mail" and measure.wall_s > 0 and measure.cpu_s > 0:
        return f"{case.size / measure.wall_s:,.0f} messages/s ({case.size / measure.cpu_s:,.0f} per CPU second)"
    page = command.output / "letter.html" if command.output is not None else None
    if command.key in ("html", "all", "+".join(FOUR)) and page is not None and page.exists():
        embedded = embedded_jsonld_bytes(page) / 1e6
        return f"page {page.stat().st_size / 1e6:,.2f} MB, of which embedded JSON-LD {embedded:,.2f} MB"
    return ""


def run_case(case: Case, settings: Settings, report: Callable[[Row], None]) -> list[Row]:
    folder = settings.scratch / f"{case.kind}-{case.size:g}"
    letter = write_letter(case, folder)
    repeat = settings.repeat or (10 if case.kind == "example" else 1)
    rows: list[Row] = []
    try:
        for command in commands(case, letter, settings):
            if settings.commands is not None and command.key not in settings.commands:
                continue
            if command.prepare is not None:
                command.prepare()
            measures: list[Measure] = []
            output: int | None = None
            text = ""
            for _ in range(repeat):
                remove(command.output)
                measure = run_measured(
                    command.argv,
                    cwd=folder,
                    env=command.env,
                    timeout=settings.timeout,
                    memory_limit_mb=settings.memory_limit_mb,
                )
                measures.append(measure)
                output, text = size_of(command.output), note(case, command, measure)
                remove(command.output)
                if measure.status != "ok":
                    break
            failed = next((m for m in measures if m.status != "ok"), None)
            row = Row(
                case=case.label,
                kind=case.kind,
                size=case.size,
                command=command.label,
                key=command.key,
                status=failed.status if failed else "ok",
                wall_s=failed.wall_s if failed else statistics.median(m.wall_s for m in measures),
                cpu_s=failed.cpu_s if failed else statistics.median(m.cpu_s for m in measures),
                peak_mb=max(m.peak_mb for m in measures),
                output_bytes=output,
                goal=GOALS.get((case.kind, case.size, command.key), ""),
                note=text,
                runs=len(measures),
            )
            rows.append(row)
            report(row)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def ratios(rows: Sequence[Row]) -> list[Ratio]:
    """openletter's wall time over pandoc's, for each case where pandoc ran."""
    found: list[Ratio] = []
    for row in rows:
        if row.key != "pandoc" or row.status != "ok":
            continue
        for other in rows:
            if other.case == row.case and other.key in ("all", "html", "+".join(FOUR)) and other.status == "ok":
                goal = RATIO_GOALS.get((other.kind, other.key))
                found.append(Ratio(row.case, other.command, other.wall_s / row.wall_s, other.cpu_s / row.cpu_s, goal))
    return found


def warm_up(settings: Settings) -> None:
    """Fill the bytecode cache (and the file cache) with a build of the example in every format."""
    example = Case("example", 1)
    folder = settings.scratch / "warm-up"
    letter = write_letter(example, folder)
    built_in = {**settings.env, "OPENLETTER_DISABLE_PLUGIN_AUTOLOAD": "1"}
    tool = openletter_command()
    runs: list[tuple[dict[str, str], Sequence[str]]] = [(built_in, BUILT_IN)]
    if pdf_plugin_installed() and (settings.commands is None or "pdf" in settings.commands):
        runs.append((settings.env, ("pdf",)))
    for env, formats in runs:
        chosen = [argument for name in formats for argument in ("-t", name)]
        argv = [*tool, "build", str(letter), *chosen, "-o", str(folder / "out")]
        subprocess.run(argv, cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    shutil.rmtree(folder)


HEADER = f"  {'command':44} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'out MB':>8}  {'status':8} {'goal':32} note"


def print_row(row: Row, case: list[str]) -> None:
    """One row of the table, after its case's heading the first time (`case` remembers it)."""
    if not case or case[0] != row.case:
        case[:] = [row.case]
        print(f"\n{row.case}\n{HEADER}")
    out = "-" if row.output_bytes is None else f"{row.output_bytes / 1e6:,.2f}"
    line = (
        f"  {row.command:44} {row.wall_s:8.2f} {row.cpu_s:8.2f} {row.peak_mb:8.0f} {out:>8}  {row.status:8}"
        f" {row.goal:32} {row.note}"
    )
    print(line.rstrip(), flush=True)


def _terminated(number: int, frame: object) -> None:
    raise SystemExit(128 + number)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="KIND[=SIZE,...]",
        help=f"cases to run (repeatable; default: all): {', '.join(DEFAULT_SIZES)}; sizes like 1k, 100k, 1M",
    )
    parser.add_argument(
        "--sizes", metavar="N,N,...", help="signatory counts (default: 1k,10k,100k,1M); same as --only signatories=..."
    )
    parser.add_argument(
        "--commands",
        metavar="KEY,KEY,...",
        help="commands to run (default: all): check, json, markdown, jsonld, html, eml, mailto, "
        f"{'+'.join(FOUR)}, all, pdf, pandoc, python, mail",
    )
    parser.add_argument("--timeout", type=float, default=600, metavar="S", help="seconds per command (default: 600)")
    parser.add_argument(
        "--memory-limit",
        type=float,
        default=6144,
        metavar="MB",
        help="stop a command whose resident memory passes this (default: 6144)",
    )
    parser.add_argument(
        "--repeat", type=int, metavar="N", help="runs per command, median kept (default: 10 for example, else 1)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table (progress on stderr)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _terminated)  # so that the temporary folder and the command go too
    try:
        cases = pick_cases(args.only, args.sizes)
    except ValueError as error:
        parser.error(f"bad case or size: {error}")
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.timeout <= 0 or args.memory_limit <= 0:
        parser.error("--timeout and --memory-limit must be positive")
    info = machine()
    info["imported"] = str(Path(openletter.__file__).parent)  # the commands import the same (their PYTHONPATH)
    info["pdf plugin"] = "installed" if pdf_plugin_installed() else "not installed"
    if not args.json:
        for key, value in info.items():
            print(f"{key:>10}: {value}")
        print(f"{'limits':>10}: {args.timeout:g} s and {args.memory_limit:g} MB resident per command", flush=True)
    seen: list[str] = []

    def report(row: Row) -> None:
        if args.json:
            print(
                f"{row.case}: {row.command}: {row.status},"
                f" {row.wall_s:.2f} s ({row.cpu_s:.2f} s CPU), {row.peak_mb:.0f} MB",
                file=sys.stderr,
                flush=True,
            )
        else:
            print_row(row, seen)

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="openletter-scale-") as scratch:
        settings = Settings(
            timeout=args.timeout,
            memory_limit_mb=args.memory_limit,
            repeat=args.repeat,
            commands=None if args.commands is None else {key.strip() for key in args.commands.split(",")},
            scratch=Path(scratch),
            env=subprocess_env(Path(scratch) / "pycache"),
        )
        warm_up(settings)
        for case in cases:
            rows.extend(run_case(case, settings, report))
    found = ratios(rows)
    if args.json:
        result = {
            "machine": info,
            "timeout_s": args.timeout,
            "memory_limit_mb": args.memory_limit,
            "rows": [asdict(row) for row in rows],
            "over_pandoc": [asdict(item) for item in found],
        }
        print(json.dumps(result, indent=2))
        return 0
    if found:
        print("\nopenletter's wall time over pandoc's, same run:")
    for item in found:
        met = item.goal is not None and item.over_pandoc <= item.goal
        verdict = "" if item.goal is None else f" (goal: <= {item.goal:g}x: {'met' if met else 'NOT met'})"
        print(
            f"  {item.case}: {item.command}: {item.over_pandoc:.2f}x (CPU time: {item.cpu_over_pandoc:.2f}x){verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
