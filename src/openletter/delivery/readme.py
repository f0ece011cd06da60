"""The ``README.txt`` of a delivery pack: what it is and how to check it, for its recipient."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Letter

SCRIPT_START = "----- check_pack.py -----"
SCRIPT_END = "----- end of check_pack.py -----"

SCRIPT = """\
import csv, hashlib, io, json, sys, zipfile

pack = zipfile.ZipFile(sys.argv[1])
names = pack.namelist()
manifest_bytes = pack.read("manifest.json")
manifest = json.loads(manifest_bytes)
print("fingerprint:", hashlib.sha256(manifest_bytes).hexdigest())
problems = ["A FILE IS IN THE PACK TWICE"] if len(names) != len(set(names)) else []
for name, digest in manifest["files"].items():
    if name not in names or hashlib.sha256(pack.read(name)).hexdigest() != digest:
        problems.append("CHANGED OR MISSING: " + name)
for name in names:
    if name not in manifest["files"] and name not in ("manifest.json", "SHA256SUMS"):
        problems.append("NOT IN THE MANIFEST: " + ascii(name))
text = pack.read("signatures.csv").decode("utf-8-sig")
rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
link = manifest["chain"]["start"]
for row in rows:
    record = "\\x1f".join(row).encode("utf-8")
    link = hashlib.sha256(link.encode("ascii") + b"\\n" + record).hexdigest()
if link != manifest["chain"]["head"]:
    problems.append("THE SIGNATURES DO NOT MATCH THE MANIFEST'S HASH CHAIN")
if len(rows) != manifest["counts"]["signatures"]:
    problems.append("THE NUMBER OF SIGNATURES DOES NOT MATCH THE MANIFEST")
print("\\n".join(problems) or "OK: the pack is as its manifest describes it")
sys.exit(1 if problems else 0)
"""
"""A check of the pack with nothing but Python's standard library (tests run it on packs)."""


def readme(letter: Letter) -> str:
    """The README of the pack of `letter`."""
    return f"""\
Delivery pack: {letter.title}

This pack holds an open letter and its signatures, made by openletter so that anyone can check,
offline, that nothing in it was changed after it was made.

  letter.pdf or letter.html   the letter
  letter.json                 the letter as data; its text version is in the manifest
  signatures.csv              one row per signature, in the letter's order
  signatures.html             the same rows as a printable table
  withdrawals.csv             withdrawals that may be shown (only when there are some)
  manifest.json               the SHA-256 of each file, the letter's text version, the counts
                              and the hash chain over the signature rows
  SHA256SUMS                  the SHA-256 of every other file

Signers who agreed to be counted but not named are rows with no name; signers who agreed to
their name only are rows with their name alone. Withdrawn signatures are not rows: the manifest
counts them. Contact details are never in the pack.

1. The fingerprint. The SHA-256 of manifest.json is the pack's fingerprint. Compare it with the
   one the organisation published or sent you apart from the pack:

       sha256sum manifest.json          (on Windows: certutil -hashfile manifest.json SHA256)

   The manifest vouches for everything else, so a matching fingerprint and the checks below
   mean the pack is as the organisation made it.

2. With openletter, where it is installed:

       openletter verify PACK.zip

   It recomputes every hash, the chain, the counts and the letter's text version, and says what
   was changed: a file, a signature removed, added, altered or moved, the letter's text, a count.

3. Without openletter, with Python 3 alone: save the lines between the two marks below as
   check_pack.py, then run "python3 check_pack.py PACK.zip". It checks every file against the
   manifest, the chain over the signatures and their number.

   "sha256sum -c SHA256SUMS", after unzipping the pack, only shows that no file was damaged
   since SHA256SUMS was written: whoever changes a file can change SHA256SUMS too. The manifest,
   checked against the published fingerprint, is what vouches for the files.

How the chain is made: each row's record is its cells as written in signatures.csv, joined by
the character U+001F and encoded in UTF-8. The chain starts from 64 zeros ("start" in the
manifest); each link is the SHA-256, in hex, of the previous link, a line feed, and the record.
The last link is "head" in the manifest. Cells that a spreadsheet would read as a formula start
with an apostrophe, so that opening the file runs nothing.

{SCRIPT_START}
{SCRIPT}{SCRIPT_END}
"""
