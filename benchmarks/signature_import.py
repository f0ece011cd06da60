"""Importing signatures: a 100,000-row export into a signatory file of 10,000, timed, and peak memory.

    python benchmarks/signature_import.py                  100,000 rows (the goal: a few seconds)
    python benchmarks/signature_import.py --count 20000

The export is a Google Forms download (the ``google-forms`` preset): timestamps, email
addresses, names, with a duplicate every 100 rows. Not part of the test suite: it measures and
prints, and asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from openletter.imports import import_signatures, preset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="rows in the export (default: 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (default: 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export = folder / "responses.csv"
        with export.open("w", encoding="utf-8", newline="") as out:
            out.write("Timestamp,Email Address,Name\r\n")
            for n in range(args.count):
                same = n - 1 if n % 100 == 99 else n
                out.write(f"5/3/2024 14:{n % 60:02d}:00,p{same}@example.org,Person {n}\r\n")
        existing = folder / "existing.csv"
        existing.write_text(
            "name,contact_email\n" + "".join(f"Signer {n},s{n}@example.org\n" for n in range(10_000)), encoding="utf-8"
        )
        best = float("inf")
        for _ in range(args.repeat):
            target = folder / "signatories.csv"
            shutil.copy(existing, target)
            start = time.perf_counter()
            report = import_signatures(export, target, preset("google-forms"))
            best = min(best, time.perf_counter() - start)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{args.count:,} rows: {len(report.added):,} added, {len(report.duplicates):,} duplicates, "
            f"{len(report.rejected):,} rejected in {best:.2f} s (best of {args.repeat}); "
            f"{args.count / best:,.0f} rows a second; peak memory {peak:.0f} MiB"
        )


if __name__ == "__main__":
    main()
