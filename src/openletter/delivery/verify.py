"""Checking a delivery pack offline: everything its manifest says is recomputed from its files.

`verify_pack` reads the zip file in memory (every entry bounded by `ENTRY_LIMIT`) and reports
each difference as a `Finding`: a file changed, missing or added; signature rows removed, added,
altered or moved (from the SHA-256 of each row's record, which the manifest lists in order, and
the hash chain over them); the letter's text changed (its text version, recomputed from
``letter.json``); a count that does not match the rows. The pack is intact only when there is
none. What the recipient must still compare by hand is the fingerprint (the SHA-256 of
``manifest.json``) with the one the organisation published: a pack made again from scratch by
someone else has its own manifest, and so another fingerprint.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import os
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import OpenLetterError
from . import records
from .pack import PACK_FORMAT

if TYPE_CHECKING:
    from ..model import Letter

ENTRY_LIMIT = 2 * 1024**3
"""The largest entry a pack may hold (uncompressed bytes): more is refused, not read."""

_SHOWN = 5
"""Rows named in one finding; the others are counted."""


class PackError(OpenLetterError):
    """The file is not a delivery pack that can be read at all (not a zip file, no manifest)."""


@attrs.frozen
class Finding:
    """One way the pack differs from what its manifest says: `kind` is one of ``file-changed``,
    ``file-missing``, ``file-added``, ``signature-removed``, ``signature-added``,
    ``signature-altered``, ``signature-moved``, ``chain``, ``letter-changed``, ``count``,
    ``manifest``."""

    kind: str
    message: str


@attrs.frozen
class Verification:
    """What `verify_pack` found: the pack's `fingerprint`, the `findings` (none when intact) and
    the checks that held, as sentences."""

    fingerprint: str
    findings: tuple[Finding, ...]
    held: tuple[str, ...]

    @property
    def intact(self) -> bool:
        """Whether every check held."""
        return not self.findings


def _rows(count: int) -> str:
    return f"{count:,} signature row{'s' * (count != 1)}"


def _rows_named(positions: Sequence[int]) -> str:
    shown = ", ".join(f"{p:,}" for p in positions[:_SHOWN])
    more = len(positions) - _SHOWN
    return shown + (f" and {more:,} more" if more > 0 else "")


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > ENTRY_LIMIT:
        raise PackError(f"{name} is {info.file_size:,} bytes, more than {ENTRY_LIMIT:,}: not read")
    return archive.read(info)


def verify_pack(path: str | os.PathLike[str]) -> Verification:
    """Check the delivery pack at `path`; raises `PackError` when it cannot be read as one."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise PackError(f"{os.fspath(path)}: not a readable zip file ({error})") from None
    with archive:
        names = archive.namelist()
        if "manifest.json" not in names:
            raise PackError(f"{os.fspath(path)}: no manifest.json: not an openletter delivery pack")
        manifest_bytes = _read(archive, "manifest.json")
        try:
            manifest = json.loads(manifest_bytes)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise PackError(f"{os.fspath(path)}: manifest.json is not JSON ({error})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != PACK_FORMAT:
            found = manifest.get("format") if isinstance(manifest, dict) else None
            raise PackError(f"{os.fspath(path)}: manifest.json is of format {found!r} (expected {PACK_FORMAT})")
        return _Checker(archive, names, manifest, hashlib.sha256(manifest_bytes).hexdigest()).run()


class _Checker:
    def __init__(self, archive: zipfile.ZipFile, names: list[str], manifest: dict[str, Any], fingerprint: str) -> None:
        self.archive = archive
        self.names = names
        self.manifest = manifest
        self.fingerprint = fingerprint
        self.findings: list[Finding] = []
        self.held: list[str] = []
        self.contents: dict[str, bytes] = {}

    def find(self, kind: str, message: str) -> None:
        self.findings.append(Finding(kind, message))

    def run(self) -> Verification:
        for step in (self.files, self.signatures, self.counts, self.letter):
            try:
                step()
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                self.find("manifest", f"the manifest is not as openletter writes it ({type(error).__name__}: {error})")
        return Verification(self.fingerprint, tuple(self.findings), tuple(self.held))

    def files(self) -> None:
        listed: Mapping[str, str] = self.manifest["files"]
        before = len(self.findings)
        for name, digest in listed.items():
            if name not in self.names:
                self.find("file-missing", f"{name} is missing")
                continue
            data = _read(self.archive, name)
            self.contents[name] = data
            if hashlib.sha256(data).hexdigest() != digest:
                self.find("file-changed", f"{name} was changed (its SHA-256 is not the manifest's)")
        for name in self.names:
            if name not in listed and name not in ("manifest.json", "SHA256SUMS"):
                self.find("file-added", f"{name} was added (the manifest does not list it)")
        if "SHA256SUMS" in self.names:
            sums = _read(self.archive, "SHA256SUMS").decode("utf-8", "replace")
            for line in sums.splitlines():
                digest, _, name = line.partition("  ")
                unlisted = name in self.names and name not in listed  # the others: against the manifest
                if unlisted and hashlib.sha256(_read(self.archive, name)).hexdigest() != digest:
                    self.find("file-changed", f"SHA256SUMS does not match {name}")
        if len(self.findings) == before:
            self.held.append(f"every file ({len(listed)}) has the SHA-256 the manifest gives")

    def signatures(self) -> None:
        chain = self.manifest["chain"]
        expected: list[str] = list(chain["records"])
        data = self.contents.get("signatures.csv")
        if data is None:
            return  # already reported as missing
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig", "replace"), newline="")))
        header, rows = (rows[0], rows[1:]) if rows else ([], [])
        if header != list(self.manifest["fields"]):
            self.find("signature-altered", "signatures.csv has other columns than the manifest's fields")
        self.rows, self.header = rows, header
        actual = [records.record_hash(row) for row in rows]
        head = chain["start"]
        for row in rows:
            head = records.link(head, row)
        before = len(self.findings)
        if actual != expected:
            self._differences(expected, actual)
        elif head != chain["head"]:
            self.find("chain", "the signature rows do not give the chain head the manifest gives")
        if len(self.findings) == before:
            self.held.append(f"the signature rows ({len(rows):,}) give the manifest's hash chain, in order")

    def _differences(self, expected: list[str], actual: list[str]) -> None:
        """Say which rows were removed, added, altered or moved: from the SHA-256 of each row's
        record, in the manifest's order and in the file's (rows numbered from 1)."""
        missing = Counter(expected) - Counter(actual)  # records that are no longer there
        extra = Counter(actual) - Counter(expected)  # records that were not there
        removed: list[int] = []
        added: list[int] = []
        altered: list[int] = []
        moved: list[int] = []
        matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            gone = [i for i in range(i1, i2) if missing[expected[i]]]
            new = [j for j in range(j1, j2) if extra[actual[j]]]
            pairs = min(len(gone), len(new)) if tag == "replace" else 0  # one record in place of another
            altered += [j + 1 for j in new[:pairs]]
            removed += [i + 1 for i in gone[pairs:]]
            added += [j + 1 for j in new[pairs:]]
            moved += [j + 1 for j in range(j1, j2) if not extra[actual[j]]]
        if removed:
            self.find(
                "signature-removed",
                f"{_rows(len(removed))} removed: the manifest's row {_rows_named(removed)}",
            )
        if added:
            self.find("signature-added", f"{_rows(len(added))} added: row {_rows_named(added)} of signatures.csv")
        if altered:
            self.find(
                "signature-altered",
                f"{_rows(len(altered))} altered: row {_rows_named(altered)} of signatures.csv",
            )
        if moved:
            self.find(
                "signature-moved",
                f"{_rows(len(moved))} out of order: row {_rows_named(moved)} of signatures.csv",
            )

    def counts(self) -> None:
        counts = self.manifest["counts"]
        rows: list[list[str]] | None = getattr(self, "rows", None)
        if rows is None:
            return
        found: dict[str, object] = {"signatures": len(rows)}
        if "consent" in self.header:
            column = self.header.index("consent")
            consent = Counter(row[column] if column < len(row) else "" for row in rows)
            found |= {"not_named": consent["count"], "named": len(rows) - consent["count"]}
            found["by_consent"] = dict(sorted(consent.items()))
        if "verification" in self.header:
            column = self.header.index("verification")
            methods = Counter((row[column] if column < len(row) else "") or "not recorded" for row in rows)
            found["by_verification"] = dict(sorted(methods.items()))
        if "version" in self.header:
            column = self.header.index("version")
            versions = Counter((row[column] if column < len(row) else "") or "not recorded" for row in rows)
            found["by_version"] = dict(sorted(versions.items()))
        shown = self.contents.get("withdrawals.csv")
        listed = (
            len(list(csv.reader(io.StringIO(shown.decode("utf-8-sig", "replace"), newline="")))) - 1 if shown else 0
        )
        before = len(self.findings)
        for key, value in found.items():
            if counts.get(key) != value:
                self.find("count", f"counts.{key}: the manifest says {counts.get(key)!r}, the rows give {value!r}")
        if not isinstance(counts.get("withdrawn"), int) or counts["withdrawn"] < listed:
            self.find(
                "count",
                f"counts.withdrawn: the manifest says {counts.get('withdrawn')!r}, withdrawals.csv lists {listed:,}",
            )
        if len(self.findings) == before:
            self.held.append(f"the counts hold: signatures {counts['signatures']:,}, withdrawn {counts['withdrawn']:,}")

    def letter(self) -> None:
        from .._api import loads
        from ..errors import LetterError
        from ..versions import text_version

        data = self.contents.get("letter.json")
        if data is None:
            return
        meant = self.manifest["letter"]["version"]
        try:
            letter = loads(data.decode("utf-8"), "json")
        except (LetterError, UnicodeDecodeError) as error:
            self.find(
                "letter-changed",
                f"letter.json is no longer a letter openletter can read ({str(error).splitlines()[0]})",
            )
            return
        version = text_version(letter)
        if version != meant:
            self.find("letter-changed", f"the letter's text changed: its version is {version}, the manifest's {meant}")
        else:
            self.held.append(f"the letter's text is version {version}, as the manifest says")
        self._agrees_with(letter, version)

    def _agrees_with(self, letter: Letter, version: str) -> None:
        """The manifest's counts and the signature rows say what the letter in the pack says:
        the same named signatories in the same order, and the same counts of signatures not
        named, withdrawn and given to another version of the text."""
        from ..model import Tally
        from .records import entries

        counts = self.manifest["counts"]
        tally = letter.tally or Tally()
        names = [entry.name for _, entry in entries(letter)]
        earlier = sum(n for v, n in counts.get("by_version", {}).items() if v not in (version, "not recorded"))
        before = len(self.findings)
        for key, value in (
            ("named", len(names)),
            ("not_named", tally.unnamed),
            ("withdrawn", tally.withdrawn),
        ):
            if counts.get(key) != value:
                self.find("count", f"counts.{key}: the manifest says {counts.get(key)!r}, letter.json {value!r}")
        if "by_version" in counts and earlier != tally.earlier:
            self.find("count", f"counts.by_version: {earlier:,} on another text, letter.json {tally.earlier:,}")
        rows: list[list[str]] | None = getattr(self, "rows", None)
        if rows is not None and "name" in self.header and "consent" in self.header:
            name, consent = self.header.index("name"), self.header.index("consent")
            listed = [_cell(row, name) for row in rows if _cell(row, consent) != "count"]
            if [records.inert(n) for n in names] != listed:
                self.find("signature-altered", "the signature rows do not name the signatories letter.json names")
        if len(self.findings) == before:
            self.held.append("the signature rows and the counts say what letter.json says")


def _cell(row: Sequence[str], index: int) -> str:
    return row[index] if index < len(row) else ""
