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
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import OpenLetterError
from ..errors import printable as shown
from . import records
from .pack import PACK_FORMAT

if TYPE_CHECKING:
    from ..model import Letter

ENTRY_LIMIT = 512 * 1024**2
"""The largest entry a pack may hold (uncompressed bytes): more is refused, not read. A pack of
2,000,000 signatures (the most a letter may have) holds well under it."""

TOTAL_LIMIT = 2 * 1024**3
"""The most all the entries of a pack may hold together (uncompressed bytes)."""

ROW_LIMIT = 2_000_000
"""The most signature rows a pack may have: the most signatories a letter may have."""

KEPT = ("signatures.csv", "withdrawals.csv", "letter.json")
"""The entries read into memory; every other one is hashed as it is read."""

DETAIL_LIMIT = 5_000
"""Above this many rows between the first and the last that differ, rows removed, added,
altered and moved are counted without comparing their order row by row (which grows faster
than the rows)."""

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


def _structure(archive: zipfile.ZipFile, where: str) -> None:
    """Refuse a zip file whose entries are not one after another, each once, as openletter writes
    them: a name twice (tools disagree on which copy they read), an entry left out of the zip's
    index or bytes between entries (what one tool shows, another hides), an encrypted entry, or
    more than the limits."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise PackError(f"{where}: {shown(twice[0])} is in the zip file twice: tools disagree on which copy they read")
    total = 0
    offset = 0
    handle = archive.fp
    assert handle is not None
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.flag_bits & 0x1:
            raise PackError(f"{where}: {shown(info.filename)} is encrypted")
        if info.file_size > ENTRY_LIMIT:
            raise PackError(f"{where}: {shown(info.filename)} is {info.file_size:,} bytes, more than {ENTRY_LIMIT:,}")
        total += info.file_size
        if info.header_offset != offset:
            raise PackError(f"{where}: the zip file has bytes its index does not account for (at byte {offset:,})")
        handle.seek(info.header_offset)
        local = handle.read(30)
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            raise PackError(f"{where}: the zip entry {shown(info.filename)} is damaged")
        offset = (
            info.header_offset + 30 + int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
        )
        offset += info.compress_size
        if info.flag_bits & 0x8:  # a data descriptor after the data (zip tools that stream write one)
            handle.seek(offset)
            offset += 16 if handle.read(4) == b"PK\x07\x08" else 12
    if total > TOTAL_LIMIT:
        raise PackError(f"{where}: the entries come to {total:,} bytes, more than {TOTAL_LIMIT:,}")
    if offset != archive.start_dir:
        raise PackError(f"{where}: the zip file has bytes its index does not account for (at byte {offset:,})")


_DAMAGED = (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError)
"""What reading a damaged entry raises (a bad CRC, an unknown compression method...)."""


def _digest(archive: zipfile.ZipFile, name: str) -> str:
    """The SHA-256 of an entry, read in pieces."""
    digest = hashlib.sha256()
    with archive.open(name) as entry:
        while piece := entry.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()


def verify_pack(path: str | os.PathLike[str]) -> Verification:
    """Check the delivery pack at `path`; raises `PackError` when it cannot be read as one."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise PackError(f"{os.fspath(path)}: not a readable zip file ({error})") from None
    with archive:
        _structure(archive, os.fspath(path))
        names = archive.namelist()
        if "manifest.json" not in names:
            raise PackError(f"{os.fspath(path)}: no manifest.json: not an openletter delivery pack")
        try:
            manifest_bytes = archive.read("manifest.json")
            manifest = json.loads(manifest_bytes)
        except _DAMAGED as error:
            raise PackError(f"{os.fspath(path)}: manifest.json cannot be read ({error})") from None
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            raise PackError(f"{os.fspath(path)}: manifest.json is not JSON openletter writes ({error})") from None
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
                what = f"lacks {error}" if isinstance(error, KeyError) else f"has a value of the wrong kind ({error})"
                self.find("manifest", f"the manifest is not as openletter writes it: it {shown(what)}")
            except csv.Error as error:
                self.find(
                    "signature-altered", f"a CSV file of the pack cannot be read as openletter writes it ({error})"
                )
            except RecursionError:
                self.find("letter-changed", "letter.json is nested deeper than a letter can be")
        return Verification(self.fingerprint, tuple(self.findings), tuple(self.held))

    def files(self) -> None:
        listed: Mapping[str, str] = self.manifest["files"]
        before = len(self.findings)
        digests: dict[str, str] = {}
        for name, digest in listed.items():
            if name not in self.names:
                self.find("file-missing", f"{shown(name)} is missing")
                continue
            try:
                if name in KEPT:
                    self.contents[name] = data = self.archive.read(name)
                    digests[name] = hashlib.sha256(data).hexdigest()
                else:
                    digests[name] = _digest(self.archive, name)
            except _DAMAGED as error:
                self.find("file-changed", f"{shown(name)} is damaged and cannot be read ({error})")
                continue
            if digests[name] != digest:
                self.find("file-changed", f"{shown(name)} was changed (its SHA-256 is not the manifest's)")
        for name in self.names:
            if name not in listed and name not in ("manifest.json", "SHA256SUMS"):
                self.find("file-added", f"{shown(name)} was added (the manifest does not list it)")
        self._sums(listed)
        if len(self.findings) == before:
            self.held.append(f"every file ({len(listed)}) has the SHA-256 the manifest gives")

    def _sums(self, listed: Mapping[str, str]) -> None:
        """SHA256SUMS says what the manifest says: each file's SHA-256 (the manifest's own: the
        fingerprint), every file once, nothing else."""
        if "SHA256SUMS" not in self.names:
            self.find("file-missing", "SHA256SUMS is missing")
            return
        try:
            sums = self.archive.read("SHA256SUMS").decode("utf-8", "replace")
        except _DAMAGED as error:
            self.find("file-changed", f"SHA256SUMS is damaged and cannot be read ({error})")
            return
        meant = {**listed, "manifest.json": self.fingerprint}
        seen: dict[str, str] = {}
        for line in sums.splitlines()[: len(meant) + 1]:
            digest, _, name = line.partition("  ")
            seen.setdefault(name, digest)
        if seen != meant:
            wrong = sorted(n for n in seen.keys() | meant.keys() if seen.get(n) != meant.get(n))
            self.find("file-changed", f"SHA256SUMS does not say what the manifest says (for {shown(wrong[0])})")

    def signatures(self) -> None:
        chain = self.manifest["chain"]
        expected: list[str] = list(chain["records"])
        data = self.contents.get("signatures.csv")
        if data is None:
            return  # already reported as missing or damaged
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig", "replace"), newline=""))
        header = next(reader, [])
        if header != list(self.manifest["fields"]):
            self.find("signature-altered", "signatures.csv has other columns than the manifest's fields")
        self.header = header
        kept = [field for field in ("name", "consent", "verification", "version") if field in header]
        self.columns: dict[str, list[str]] = {field: [] for field in kept}
        indexes = [(self.columns[field], header.index(field)) for field in kept]
        actual: list[str] = []
        head = chain["start"]
        for row in reader:
            if len(actual) == ROW_LIMIT:
                self.find(
                    "signature-added", f"signatures.csv has more than {ROW_LIMIT:,} rows, more than a letter can have"
                )
                return
            actual.append(records.record_hash(row))
            head = records.link(head, row)
            for values, index in indexes:
                values.append(row[index] if index < len(row) else "")
        self.row_count = len(actual)
        before = len(self.findings)
        if actual != expected:
            self._differences(expected, actual)
        elif head != chain["head"]:
            self.find("chain", "the signature rows do not give the chain head the manifest gives")
        if len(self.findings) == before:
            self.held.append(f"the signature rows ({len(actual):,}) give the manifest's hash chain, in order")

    def _differences(self, expected: list[str], actual: list[str]) -> None:
        """Say which rows were removed, added, altered or moved: from the SHA-256 of each row's
        record, in the manifest's order and in the file's (rows numbered from 1)."""
        missing = Counter(expected) - Counter(actual)  # records that are no longer there
        extra = Counter(actual) - Counter(expected)  # records that were not there
        removed: list[int] = []
        added: list[int] = []
        altered: list[int] = []
        moved: list[int] = []
        start = 0  # the rows before the first difference and after the last are the same
        while start < min(len(expected), len(actual)) and expected[start] == actual[start]:
            start += 1
        end = 0
        while end < min(len(expected), len(actual)) - start and expected[-1 - end] == actual[-1 - end]:
            end += 1
        if max(len(expected), len(actual)) - start - end > DETAIL_LIMIT:
            opcodes = [("replace", start, len(expected) - end, start, len(actual) - end)]
        else:
            matcher = difflib.SequenceMatcher(
                None, expected[start : len(expected) - end], actual[start : len(actual) - end], autojunk=False
            )
            opcodes = [
                (t, i1 + start, i2 + start, j1 + start, j2 + start) for t, i1, i2, j1, j2 in matcher.get_opcodes()
            ]
        for tag, i1, i2, j1, j2 in opcodes:
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
        columns: dict[str, list[str]] | None = getattr(self, "columns", None)
        if columns is None:
            return
        rows: int = self.row_count
        found: dict[str, object] = {"signatures": rows}
        if "consent" in columns:
            consent = Counter(columns["consent"])
            found |= {"not_named": consent["count"], "named": rows - consent["count"]}
            found["by_consent"] = dict(sorted(consent.items()))
        for field, key in (("verification", "by_verification"), ("version", "by_version")):
            if field in columns:
                found[key] = dict(sorted(Counter(value or "not recorded" for value in columns[field]).items()))
        shown_withdrawals = self.contents.get("withdrawals.csv")
        listed = 0
        if shown_withdrawals:
            reader = csv.reader(io.StringIO(shown_withdrawals.decode("utf-8-sig", "replace"), newline=""))
            listed = sum(1 for _ in reader) - 1
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
        columns: dict[str, list[str]] | None = getattr(self, "columns", None)
        if columns is not None and "name" in columns and "consent" in columns:
            listed = [
                name for name, consent in zip(columns["name"], columns["consent"], strict=True) if consent != "count"
            ]
            if [records.inert(n) for n in names] != listed:
                self.find("signature-altered", "the signature rows do not name the signatories letter.json names")
        if len(self.findings) == before:
            self.held.append("the signature rows and the counts say what letter.json says")
