"""Show which modules make ``import openletter`` (and the command line) slow to start.

    python benchmarks/importtime.py            top 15 modules by cumulative import time
    python benchmarks/importtime.py --top 30 --repeat 9
    python benchmarks/importtime.py --build    also what ``openletter build`` imports while it runs

Runs ``python -X importtime -c "import openletter"`` and ``... -c "import openletter.cli"`` in fresh
interpreters, each `--repeat` times after a warm-up, and reports each module's median over the runs.
As in ``run.py``, the bytecode cache is on (in a temporary ``PYTHONPYCACHEPREFIX``) unless
``--no-bytecode-cache`` is given; otherwise compiling source would be counted as import time.
"Self" is the module's own top-level code; "cumulative" adds everything it imported first.
Modules that the interpreter imports before any user code (``site`` and its ``.pth`` files,
``encodings``...) are listed too: compare with the ``python -c pass`` row of ``run.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/aphr_cambodia/letter.md"


def subprocess_env(pycache: Path | None) -> dict[str, str]:
    """The environment for the runs: with a bytecode cache in `pycache`, unless it is None."""
    env = dict(os.environ)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def import_times(arguments: Sequence[str], env: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    """Run ``python -X importtime ARGUMENTS``; map module -> (self µs, cumulative µs, depth)."""
    command = [sys.executable, "-X", "importtime", *arguments]
    result = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    times: dict[str, tuple[int, int, int]] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        times[name.strip()] = (int(own), int(cumulative), depth)
    return times


def report(label: str, arguments: Sequence[str], top: int, repeat: int, env: dict[str, str]) -> None:
    import_times(arguments, env)  # warm-up: fill the OS file cache and the bytecode cache
    runs = [import_times(arguments, env) for _ in range(repeat)]
    own: dict[str, list[int]] = defaultdict(list)
    cumulative: dict[str, list[int]] = defaultdict(list)
    depth: dict[str, int] = {}
    for run in runs:
        for name, (self_us, cumulative_us, level) in run.items():
            own[name].append(self_us)
            cumulative[name].append(cumulative_us)
            depth[name] = level
    median = {name: statistics.median(values) for name, values in cumulative.items()}
    ranked = sorted(median, key=median.__getitem__, reverse=True)[:top]
    total = sum(median[name] for name, level in depth.items() if level == 0)
    print(f"\n{label}: {len(median)} modules, {total / 1000:.1f} ms in top-level imports (median of {repeat} runs)")
    print(f"  {'cumulative ms':>13} {'self ms':>8}  depth  module")
    for name in ranked:
        print(f"  {median[name] / 1000:13.1f} {statistics.median(own[name]) / 1000:8.1f}  {depth[name]:5}  {name}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--top", type=int, default=15, metavar="N", help="modules to list (default: 15)")
    parser.add_argument("--repeat", type=int, default=5, metavar="N", help="runs per command (default: 5)")
    parser.add_argument("--build", action="store_true", help="also time the imports of 'openletter build'")
    parser.add_argument(
        "--no-bytecode-cache",
        dest="bytecode_cache",
        action="store_false",
        help="do not give the runs a bytecode cache (honour PYTHONDONTWRITEBYTECODE)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    print(f"python: {sys.executable} ({sys.version.split()[0]})")
    print("bytecode: " + ("cached" if args.bytecode_cache else "as the environment has it"))
    with tempfile.TemporaryDirectory(prefix="openletter-importtime-") as scratch:
        env = subprocess_env(Path(scratch, "pycache") if args.bytecode_cache else None)
        report("import openletter", ["-c", "import openletter"], args.top, args.repeat, env)
        report("import openletter.cli", ["-c", "import openletter.cli"], args.top, args.repeat, env)
        if args.build:
            build = ["-m", "openletter", "build", EXAMPLE, "-o", str(Path(scratch, "build"))]
            report(f"openletter build {EXAMPLE} (all formats)", build, args.top, args.repeat, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
