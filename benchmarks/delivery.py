"""Delivery packs at scale: ``openletter deliver`` and ``openletter verify`` on letters of 1,000,
10,000 and 100,000 signatures with full records, as whole processes.

    python benchmarks/delivery.py                    1k, 10k, 100k
    python benchmarks/delivery.py --sizes 100k,1M    other sizes

Each letter is written by `write_letter` into a temporary folder: one CSV file of people with a
signature record each (signed, consent, verification, verified, a withdrawal every 97th, a contact
email). For each size: ``deliver --document html`` (the PDF's cost is the pdf plugin's, measured
in docs/performance.md "Scale"), then ``verify`` of the pack. Prints wall time, CPU time, peak
resident memory and the pack's size. Asserts nothing about time. Standard library only (Linux).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scale_letters import LETTER_HEAD

LETTER = (
    LETTER_HEAD + "signatories:\n- heading: Individuals\n  people: people.csv\n---\n\nWe write to you about delivery.\n"
)
"""The scale benchmark's letter (`scale_letters.LETTER_HEAD`), signed by the people of one CSV file."""

METHODS = ("email", "account", "in-person", "paper", "none")


def write_letter(folder: Path, count: int) -> Path:
    """A letter signed by `count` people from one CSV file with a signature record on each row."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "people.csv").open("w", encoding="utf-8", newline="") as out:
        out.write("name,title,affiliation,country,signed,consent,verification,verified,withdrawn,contact_email\n")
        for n in range(count):
            consent = "count" if n % 50 == 7 else "name" if n % 10 == 3 else "full"
            withdrawn = "2024-05-02" if n % 97 == 5 else ""
            out.write(
                f"Person {n:07d},Professor,University {n % 997},Country {n % 50},2024-05-01T09:{n % 60:02d}:00+00:00,"
                f"{consent},{METHODS[n % 5]},2024-05-01,{withdrawn},person{n}@example.org\n"
            )
    path = folder / "letter.md"
    path.write_text(LETTER, encoding="utf-8")
    return path


def run(command: list[str]) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds, peak resident MB and exit status of one command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def _size(text: str) -> int:
    text = text.strip().lower()
    factor = 1_000_000 if text.endswith("m") else 1_000 if text.endswith("k") else 1
    return int(float(text.rstrip("km")) * factor)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1k,10k,100k", help="signature counts (default: 1k,10k,100k)")
    args = parser.parse_args()
    openletter = [sys.executable, "-m", "openletter"]
    print(f"{'signatures':>12}  {'command':<8} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'pack MB':>8}  status")
    with tempfile.TemporaryDirectory() as scratch:
        for count in (_size(s) for s in args.sizes.split(",")):
            letter = write_letter(Path(scratch) / str(count), count)
            pack = letter.parent / "pack.zip"
            for name, command in (
                ("deliver", [*openletter, "deliver", str(letter), "-o", str(pack), "--document", "html"]),
                ("verify", [*openletter, "verify", str(pack)]),
            ):
                wall, cpu, peak, status = run(command)
                size = pack.stat().st_size / 1e6 if pack.exists() else 0.0
                print(f"{count:>12,}  {name:<8} {wall:>8.2f} {cpu:>8.2f} {peak:>8,} {size:>8.2f}  {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
