"""Mail merge at scale: the fast paths give exactly the messages the careful ones gave.

The merge is tuned for throughput (see docs/performance.md). These tests pin what it writes, byte
for byte, for a fixed recipients file that exercises every way a value reaches a message (the To
header as atoms, a quoted string and encoded words; the subject; the plain-text and HTML bodies,
escaped; a line that starts with "From "), so that no speed-up changes a message.

    python -m pytest tests/test_mail_scale.py --update-golden    # after an intended change
    git diff tests/golden/mail/
"""

from __future__ import annotations

import csv
from pathlib import Path

from openletter.cli import EXIT_OK, main

from .conftest import EXAMPLE

GOLDEN = Path(__file__).resolve().parent / "golden" / "mail" / "merge.mbox"

ROWS = [
    ["member0@house.example", "Member 0", "Member0", "Senator", "Arizona"],
    ["jo.smith+ol@senate.example", "Smith, Jo", "Smith", "Representative", "Ohio & <Erie>"],
    ["z.muller@bundestag.example", "Zoë Müller", "Müller", "Sénatrice", "Berlin"],
    ["wang@npc.example", "王小明", "王", "Minister", "北京"],
    ["b.diallo@assemblee.example", '"Quoted" \\ Name', "Diallo", "Mayor", "From Dakar"],
    ["ü@exämple.org", "", "", "", ""],
    ["long@parliament.example", " ".join(["Honourable"] * 12), "Honourable", "Ambassador", "x" * 70],
]


def write_merge_inputs(folder: Path) -> tuple[Path, Path]:
    """The example letter with placeholders in its subject, salutation, body and closing, and
    the recipients above."""
    text = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace("salutation: Your Honors,", "salutation: Dear [[honorific_name]],")
        .replace("closing: Yours sincerely,", "closing: 'Yours sincerely, on behalf of [[state]],'")
        .replace(
            "  sender: ASEAN Parliamentarians for Human Rights <info@aphr.example>",
            "  sender: APHR <info@example.org>\n  subject: 'Cambodia: a letter to [[honorific_name]] ([[state]])'",
        )
    )
    body, _, rest = text.partition("\n---\n")
    source = folder / "letter.md"
    source.write_text(body + "\n---\n" + "[[state]]\n\nFrom [[state]], <[[name]]>.\n\n" + rest, encoding="utf-8")
    recipients = folder / "recipients.csv"
    with open(recipients, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "name", "last_name", "role", "state"])
        writer.writerows(ROWS)
    return source, recipients


def test_merged_mbox_is_byte_for_byte_the_golden_one(tmp_path: Path, update_golden: bool) -> None:
    source, recipients = write_merge_inputs(tmp_path)
    out = tmp_path / "merge.mbox"
    assert main(["mail", str(source), "--recipients", str(recipients), "--mbox", str(out)]) == EXIT_OK
    produced = out.read_bytes()
    if update_golden:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes(produced)
    assert produced.count(b"\nFrom ") + 1 == len(ROWS)
    assert GOLDEN.read_bytes() == produced, "the merged mbox changed; if intended, run with --update-golden"
