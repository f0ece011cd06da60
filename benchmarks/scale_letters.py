"""Generated letters for the scale benchmark and the scale tests.

Each function writes one letter (and its CSV files) into a folder and returns the letter's path.
The letters are plain, valid open letters whose size grows in one direction at a time: many
signatories (from CSV, people and organisations in two groups), many endnotes, many sections, one
very long paragraph. The signatories are numbered so that a test can check that every one of them
is printed once and in order.

    python benchmarks/scale_letters.py signatories 100000 /tmp/big   # writes /tmp/big/letter.md
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = [
    "LETTER_HEAD",
    "organisation_name",
    "person_name",
    "signatory_names",
    "write_footnote_letter",
    "write_paragraph_letter",
    "write_section_letter",
    "write_signatory_letter",
    "write_signatory_markdown",
]

LETTER_HEAD = """---
title: Open Letter on the Scale of Things
language: en
date: 2024-06-08
place: Phnom Penh
sender:
  organisations:
  - name: Scale Watch
addressees:
- id: parliament
  name: Members of Parliament
salutation: Dear Members of Parliament,
closing: Sincerely,
"""


def person_name(number: int) -> str:
    """The name of the `number`-th person of a generated list (unique, sortable)."""
    return f"Person {number:07d}"


def organisation_name(number: int) -> str:
    """The name of the `number`-th organisation of a generated list (unique, sortable)."""
    return f"Organisation {number:07d}"


def signatory_names(count: int) -> list[str]:
    """The names of `write_signatory_letter`'s `count` signatories, in the letter's order: the
    organisations' group, then the people's."""
    people, organisations = count - count // 2, count // 2
    return [organisation_name(n) for n in range(organisations)] + [person_name(n) for n in range(people)]


def write_signatory_letter(folder: Path, count: int) -> Path:
    """A letter signed by `count` signatories from two CSV files: half people (with title,
    affiliation and country), half organisations (with country), in two groups."""
    folder.mkdir(parents=True, exist_ok=True)
    people, organisations = count - count // 2, count // 2
    with (folder / "people.csv").open("w", encoding="utf-8", newline="") as out:
        out.write("name,title,affiliation,country\n")
        for n in range(people):
            out.write(f"{person_name(n)},Professor,University {n % 997},Country {n % 50}\n")
    with (folder / "organisations.csv").open("w", encoding="utf-8", newline="") as out:
        out.write("name,country\n")
        for n in range(organisations):
            out.write(f"{organisation_name(n)},Country {n % 50}\n")
    groups = ["- heading: Organisations\n  organisations: organisations.csv\n"] * bool(organisations)
    groups.append("- heading: Individuals\n  people: people.csv\n")
    text = LETTER_HEAD + "signatories:\n" + "".join(groups) + "---\n\nWe write to you about scale.\n"
    return _write(folder, text)


def write_signatory_markdown(folder: Path, count: int) -> Path:
    """The same letter as `write_signatory_letter`'s for pandoc: the title as metadata, the body,
    then each group as a heading and a bulleted list of the same signatories, each with the same
    details in the same order (as the plain-text letter lists them). Writes ``folder/list.md``."""
    folder.mkdir(parents=True, exist_ok=True)
    people, organisations = count - count // 2, count // 2
    path = folder / "list.md"
    with path.open("w", encoding="utf-8") as out:
        out.write("---\ntitle: Open Letter on the Scale of Things\nlang: en\n---\n\nWe write to you about scale.\n\n")
        if organisations:
            out.write("## Organisations\n\n")
            for n in range(organisations):
                out.write(f"- {organisation_name(n)} (Country {n % 50})\n")
            out.write("\n")
        out.write("## Individuals\n\n")
        for n in range(people):
            out.write(f"- {person_name(n)}, Professor, University {n % 997} (Country {n % 50})\n")
    return path


def write_footnote_letter(folder: Path, count: int) -> Path:
    """A letter whose body cites `count` endnotes, one per paragraph."""
    folder.mkdir(parents=True, exist_ok=True)
    body = "".join(f"Paragraph {n} states a fact.[^n{n}]\n\n" for n in range(count))
    notes = "".join(f"[^n{n}]: Source number {n}.\n" for n in range(count))
    return _write(folder, LETTER_HEAD + _ONE_SIGNATORY + "---\n\n" + body + notes)


def write_section_letter(folder: Path, count: int) -> Path:
    """A letter of `count` sections, each with a heading and a paragraph."""
    folder.mkdir(parents=True, exist_ok=True)
    body = "We write to you.\n\n" + "".join(f"## Part {n}\n\nThe text of part {n}.\n\n" for n in range(count))
    return _write(folder, LETTER_HEAD + _ONE_SIGNATORY + "---\n\n" + body)


def write_paragraph_letter(folder: Path, megabytes: float) -> Path:
    """A letter whose body is one paragraph of about `megabytes` MB of words."""
    folder.mkdir(parents=True, exist_ok=True)
    sentence = "The river carries the words of many people downstream. "
    paragraph = sentence * max(1, int(megabytes * 1_000_000 / len(sentence)))
    return _write(folder, LETTER_HEAD + _ONE_SIGNATORY + "---\n\n" + paragraph.rstrip() + "\n")


_ONE_SIGNATORY = "signatories:\n- organisations:\n  - name: Scale Watch\n"


def _write(folder: Path, text: str) -> Path:
    path = folder / "letter.md"
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    kinds: dict[str, Callable[[Path, int], Path]] = {
        "signatories": write_signatory_letter,
        "footnotes": write_footnote_letter,
        "sections": write_section_letter,
    }
    if len(args) != 3 or args[0] not in [*kinds, "paragraph"]:
        print(f"usage: scale_letters.py {{{'|'.join([*kinds, 'paragraph'])}}} SIZE FOLDER", file=sys.stderr)
        return 2
    folder = Path(args[2])
    print(
        write_paragraph_letter(folder, float(args[1]))
        if args[0] == "paragraph"
        else kinds[args[0]](folder, int(args[1]))
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
