"""The delivery pack: a zip file the addressee, a journalist or a court can check offline.

What it holds (every name fixed, in this order):

- ``README.txt``: what the pack is and how to check it, with and without openletter.
- ``letter.pdf`` (through the pdf plugin when it is installed) or ``letter.html``: the letter.
- ``letter.json``: the letter as data (its public view), from which its text version is computed.
- ``signatures.csv``: one row per signature (see `openletter.delivery.records`).
- ``signatures.html``: the same rows as a printable table, page by page.
- ``withdrawals.csv``: the withdrawals that may be shown (only when there are some).
- ``manifest.json``: the SHA-256 of each file above, the letter's text version, the counts by
  consent and by verification method, and the hash chain over the signature rows.
- ``SHA256SUMS``: the SHA-256 of every other file, manifest included, for ``sha256sum -c``.

The pack's fingerprint is the SHA-256 of ``manifest.json``: the organisation publishes it (or
gives it with the pack), and the manifest vouches for everything else. The same letter gives the
same bytes: entries are written in a fixed order with fixed times and permissions.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from ..errors import OptionError
from . import records
from .readme import readme

if TYPE_CHECKING:
    from ..model import Letter
    from ..plugins import Registry

PACK_FORMAT = "openletter-delivery-pack/1"
"""The pack's format, in its manifest; `openletter.delivery.verify` refuses others."""

ROWS_PER_PAGE = 40
"""Rows on each page of ``signatures.html``."""

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every entry's time: the earliest a zip file can say, so that a pack's bytes do not depend on when it was made."""


@attrs.frozen
class Pack:
    """A delivery pack: its bytes, its fingerprint (the SHA-256 of its manifest) and the manifest."""

    data: bytes
    fingerprint: str
    manifest: Mapping[str, object]


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """CSV as spreadsheet programs read it: UTF-8 with a byte order mark, CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'s' * (count != 1)}"


def _table(letter: Letter, fields: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    """The signature rows as a printable HTML table, `ROWS_PER_PAGE` to a page, each page with
    its header row and its number."""
    language = html.escape(letter.language)
    title = f'<span lang="{language}">{html.escape(letter.title)}</span>'
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
    head = "".join(f'<th scope="col">{html.escape(field)}</th>' for field in fields)
    out = [  # the table's own words are English; the letter's title and the cells are as written
        "<!DOCTYPE html>\n",
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f"<title>Signatures: {html.escape(letter.title)}</title>\n<style>\n",
        "body { font-family: sans-serif; font-size: 10pt; margin: 1cm; }\n",
        "table { border-collapse: collapse; width: 100%; margin-bottom: 1em; }\n",
        "th, td { border: 1px solid #777; padding: 2px 4px; text-align: start; vertical-align: top; }\n",
        "section { break-after: page; }\nsection:last-child { break-after: auto; }\n",
        "@page { size: A4 landscape; margin: 1cm; }\n</style>\n</head>\n<body>\n<main>\n",
        f"<h1>Signatures: {title}</h1>\n",
        f"<p>{_plural(len(rows), 'signature')}, {_plural(pages, 'page')} of {ROWS_PER_PAGE} rows.</p>\n",
    ]
    for page in range(pages):
        chunk = rows[page * ROWS_PER_PAGE : (page + 1) * ROWS_PER_PAGE]
        out.append(f'<section aria-label="Page {page + 1} of {pages}">\n<table>\n')
        out.append(f"<caption>Page {page + 1} of {pages}</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>\n")
        for row in chunk:  # dir=auto: a name in a right-to-left script keeps its order
            out.append("<tr>" + "".join(f'<td dir="auto">{html.escape(cell)}</td>' for cell in row) + "</tr>\n")
        out.append("</tbody>\n</table>\n</section>\n")
    out.append("</main>\n</body>\n</html>\n")
    return "".join(out).encode("utf-8")


def _counts(letter: Letter, rows: Sequence[Sequence[str]], fields: Sequence[str]) -> dict[str, object]:
    """The counts the manifest vouches for: signatures (not withdrawn), how many are named, how
    many withdrawn, and the signatures by consent, by verification method and by the text
    version they were given to."""
    consent: Counter[str] = Counter()
    verification: Counter[str] = Counter()
    version: Counter[str] = Counter()
    withdrawn = 0
    for _, entry in records.entries(letter):
        signature = entry.signature
        if signature is not None and signature.withdrawal is not None:
            withdrawn += 1
            continue
        consent[signature.consent if signature is not None else "full"] += 1
        method = signature.verification.method if signature is not None and signature.verification else None
        verification[method or "not recorded"] += 1
        version[(signature.version if signature is not None else None) or "not recorded"] += 1
    return {
        "signatures": len(rows),
        "named": len(rows) - consent["count"],
        "not_named": consent["count"],
        "withdrawn": withdrawn,
        "by_consent": dict(sorted(consent.items())),
        "by_verification": dict(sorted(verification.items())),
        "by_version": dict(sorted(version.items())),
    }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_pack(
    letter: Letter,
    *,
    fields: Sequence[str] = records.DEFAULT_FIELDS,
    document: str | None = None,
    registry: Registry | None = None,
) -> Pack:
    """Make the delivery pack of `letter` (the whole letter, as loaded: the pack applies each
    signer's consent itself).

    `fields` are the columns of the signature rows (`openletter.delivery.records.FIELDS`);
    `document` is ``"pdf"`` or ``"html"``, the format of the letter in the pack (default: pdf
    when a plugin provides it, else html). Raises `OptionError` for an unknown field or document
    format, and the errors of `openletter.plugins.Registry.render` when a format fails.
    """
    from ..plugins import default_registry
    from ..versions import text_version

    unknown = [field for field in fields if field not in records.FIELDS]
    if unknown or not fields or len(set(fields)) != len(fields):
        what = f"unknown field {unknown[0]!r}" if unknown else "a field given twice, or none"
        raise OptionError(f"fields: {what} (expected some of: {', '.join(records.FIELDS)})")
    registry = registry or default_registry()
    if document is None:
        document = "pdf" if "pdf" in registry.formats else "html"
    if document not in ("pdf", "html"):
        raise OptionError(f"document: {document!r} (expected pdf or html)")
    shown = list(records.rows(letter, fields))  # as the letter has them: the printable table
    rows = [[records.inert(cell) for cell in row] for row in shown]  # as signatures.csv writes them
    withdrawals = [[records.inert(cell) for cell in row] for row in records.withdrawals(letter)]
    files: dict[str, bytes] = {
        f"letter.{document}": registry.render(letter, document),
        "letter.json": registry.render(letter, "json"),
        "signatures.csv": _csv(fields, rows),
        "signatures.html": _table(letter, fields, shown),
    }
    if withdrawals:
        files["withdrawals.csv"] = _csv(records.WITHDRAWAL_FIELDS, withdrawals)
    head = records.CHAIN_START
    hashes = []
    for row in rows:
        head = records.link(head, row)
        hashes.append(records.record_hash(row))
    files["README.txt"] = readme(letter).encode("utf-8")
    manifest: dict[str, object] = {
        "format": PACK_FORMAT,
        "letter": {
            "title": letter.title,
            "language": letter.language,
            "version": text_version(letter),
            "document": f"letter.{document}",
        },
        "files": {name: _sha256(data) for name, data in sorted(files.items())},
        "fields": list(fields),
        "counts": _counts(letter, rows, fields),
        "chain": {"algorithm": "sha256", "start": records.CHAIN_START, "head": head, "records": hashes},
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    files["manifest.json"] = manifest_bytes
    sums = "".join(f"{_sha256(data)}  {name}\n" for name, data in sorted(files.items()))
    files["SHA256SUMS"] = sums.encode("ascii")
    order = [
        "README.txt",
        f"letter.{document}",
        "letter.json",
        "signatures.csv",
        "signatures.html",
        "withdrawals.csv",
        "manifest.json",
        "SHA256SUMS",
    ]
    return Pack(
        data=_zip((name, files[name]) for name in order if name in files),
        fingerprint=_sha256(manifest_bytes),
        manifest=manifest,
    )


def _zip(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip file of `entries`, the same bytes for the same entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()
