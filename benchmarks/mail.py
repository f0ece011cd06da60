"""Mail-merge throughput: personalised messages to an mbox, per second, and peak memory.

    python benchmarks/mail.py                 10,000 recipients (the goal: 5,000 messages a second)
    python benchmarks/mail.py --count 50000   memory must not grow with the count

Not part of the test suite: it measures and prints, and asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
from pathlib import Path

import openletter
from openletter.mail import merge, outputs, recipients

ROOT = Path(__file__).resolve().parents[1]
LETTER = ROOT / "examples" / "aphr_cambodia" / "letter.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000, help="recipients (default: 10,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (default: 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "letter.md"
        source.write_text(
            LETTER.read_text(encoding="utf-8").replace(
                "salutation: Your Honors,", "salutation: Dear [[honorific_name]],"
            ),
            encoding="utf-8",
        )
        people = folder / "recipients.csv"
        with open(people, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["email", "name", "last_name", "role"])
            for i in range(args.count):
                writer.writerow(
                    [f"member{i}@house.example", f"Member {i}", f"Member{i}", ("Senator", "Representative")[i % 2]]
                )
        letter = openletter.load(source)
        start = time.perf_counter()
        factory = merge.Factory.for_letter(letter, {})
        prepared = time.perf_counter() - start
        rates = []
        cpu_rates = []  # per second of this process's CPU time: steadier on a shared machine
        for _ in range(args.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            messages = factory.messages(recipients.read(people), mbox=True)  # as `openletter mail --mbox`
            count = outputs.write_mbox(folder / "out.mbox", messages, factory.sender, stored=True)
            rates.append(count / (time.perf_counter() - start))
            cpu_rates.append(count / (time.process_time() - cpu))
        size = (folder / "out.mbox").stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"python {sys.version.split()[0]}; {args.count:,} recipients; mbox of {size / 1e6:.1f} MB")
    print(f"prepare (render the letter once): {prepared * 1000:.1f} ms")
    print(f"messages per second: best {max(rates):,.0f}, median {sorted(rates)[len(rates) // 2]:,.0f} (goal: 5,000)")
    print(f"messages per CPU-second: best {max(cpu_rates):,.0f}, median {sorted(cpu_rates)[len(cpu_rates) // 2]:,.0f}")
    print(f"peak memory of the process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
