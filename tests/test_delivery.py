"""Delivery packs (`openletter deliver`, `openletter verify`): the same bytes for the same letter,
an untouched pack verifies, and each way of tampering with one is caught and named; the pack
keeps each signer's consent and no contact data; the README's own script checks a pack with
Python's standard library alone."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

import openletter
from openletter.cli import EXIT_LETTER, EXIT_OK, EXIT_USAGE, main
from openletter.delivery import PackError, build_pack, verify_pack
from openletter.delivery.readme import SCRIPT_END, SCRIPT_START
from openletter.errors import OptionError
from openletter.model import (
    Contact,
    Organisation,
    OrganisationGroup,
    Person,
    PersonGroup,
    Signature,
    Verification,
    Withdrawal,
)

from .conftest import EXAMPLE

PRIVATE = ("secret-contact@example.org", "+855 12 345 678", "7 Hidden Street", "Counted Only", "Gone Away")


def coalition(letter: openletter.Letter, count: int = 3000) -> openletter.Letter:
    """`letter` signed by a few organisations and `count` people, with every kind of record:
    verified or not, named in full, by name only or counted only, withdrawn (shown or not)."""
    methods = ("email", "account", "in-person", "paper", "none")
    people = []
    for n in range(count):
        consent = "count" if n % 50 == 7 else "name" if n % 10 == 3 else "full"
        withdrawal = Withdrawal(at=dt.date(2024, 5, 2), shown=n % 2 == 0) if n % 97 == 5 else None
        name = f"Person {n:05d}"
        if consent == "count":
            name = f"Counted Only {n:05d}"
        if withdrawal is not None:
            name = f"Gone Away {n:05d}" if not withdrawal.shown else f"Withdrew Openly {n:05d}"
        people.append(
            Person(
                name=name,
                title="Professor" if n % 3 else None,
                affiliation=f"University {n % 11}",
                country="Cambodia" if n % 2 else None,
                signature=Signature(
                    signed=dt.datetime(2024, 5, 1, 9, n % 60, tzinfo=dt.UTC),
                    consent=consent,
                    verification=Verification(method=methods[n % 5], at=dt.date(2024, 5, 1)),
                    withdrawal=withdrawal,
                    source="form",
                    contact=Contact(
                        email="secret-contact@example.org", phone="+855 12 345 678", address="7 Hidden Street"
                    ),
                ),
            )
        )
    people[1] = attrs.evolve(people[1], name='=HYPERLINK("http://evil.example","click")')
    organisations = (Organisation(name="Coalition Member A"), Organisation(name="Coalition Member B"))
    return attrs.evolve(
        letter,
        signatories=(
            OrganisationGroup(heading="Organisations", organisations=organisations),
            PersonGroup(heading="Individuals", people=tuple(people)),
        ),
    )


@pytest.fixture(scope="module")
def example() -> openletter.Letter:
    return openletter.load(EXAMPLE)


@pytest.fixture(scope="module")
def coalition_pack(example: openletter.Letter) -> bytes:
    return build_pack(coalition(example), document="html").data


@pytest.fixture(scope="module")
def example_pack(example: openletter.Letter) -> bytes:
    return build_pack(example, document="html").data


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def signature_rows(files: dict[str, bytes]) -> list[list[str]]:
    return list(csv.reader(io.StringIO(files["signatures.csv"].decode("utf-8-sig"), newline="")))


def with_rows(files: dict[str, bytes], rows: list[list[str]]) -> dict[str, bytes]:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return {**files, "signatures.csv": ("\ufeff" + buffer.getvalue()).encode()}


def checked(tmp_path: Path, data: bytes) -> set[str]:
    path = tmp_path / "pack.zip"
    path.write_bytes(data)
    return {finding.kind for finding in verify_pack(path).findings}


@pytest.mark.parametrize("which", ["example_pack", "coalition_pack"])
def test_an_untouched_pack_verifies(request: pytest.FixtureRequest, tmp_path: Path, which: str) -> None:
    data = request.getfixturevalue(which)
    path = tmp_path / "pack.zip"
    path.write_bytes(data)
    result = verify_pack(path)
    assert result.intact, result.findings
    assert result.fingerprint == hashlib.sha256(members(data)["manifest.json"]).hexdigest()


def test_two_builds_give_the_same_bytes(example: openletter.Letter, coalition_pack: bytes) -> None:
    assert build_pack(coalition(example), document="html").data == coalition_pack


def _swap(rows: list[list[str]]) -> list[list[str]]:
    rows[10], rows[20] = rows[20], rows[10]
    return rows


def _alter(rows: list[list[str]]) -> list[list[str]]:
    rows[30][rows[0].index("name")] = "Someone Else"
    return rows


def _letter_text(files: dict[str, bytes]) -> dict[str, bytes]:
    data = json.loads(files["letter.json"])
    data["sections"][0]["text"] = data["sections"][0]["text"].replace("Cambodia", "Laos", 1)
    manifest = json.loads(files["manifest.json"])
    changed = json.dumps(data).encode()
    manifest["files"]["letter.json"] = hashlib.sha256(changed).hexdigest()  # even with the manifest made to match
    return {**files, "letter.json": changed, "manifest.json": json.dumps(manifest).encode()}


def _count(files: dict[str, bytes]) -> dict[str, bytes]:
    manifest = json.loads(files["manifest.json"])
    manifest["counts"]["signatures"] += 100
    return {**files, "manifest.json": json.dumps(manifest).encode()}


TAMPERING: dict[str, tuple[Callable[[dict[str, bytes]], dict[str, bytes]], str]] = {
    "a file changed": (
        lambda f: {**f, "letter.html": f["letter.html"].replace(b"Cambodia", b"Camb0dia", 1)},
        "file-changed",
    ),
    "a file removed": (lambda f: {k: v for k, v in f.items() if k != "signatures.html"}, "file-missing"),
    "a file added": (lambda f: {**f, "extra.exe": b"MZ"}, "file-added"),
    "a signature removed": (
        lambda f: with_rows(f, [r for i, r in enumerate(signature_rows(f)) if i != 5]),
        "signature-removed",
    ),
    "a signature added": (
        lambda f: with_rows(f, [*signature_rows(f), signature_rows(f)[-1][:1] + ["x"] * 12]),
        "signature-added",
    ),
    "a signature altered": (lambda f: with_rows(f, _alter(signature_rows(f))), "signature-altered"),
    "signatures reordered": (lambda f: with_rows(f, _swap(signature_rows(f))), "signature-moved"),
    "the letter's text changed": (_letter_text, "letter-changed"),
    "a count that does not match": (_count, "count"),
}


@pytest.mark.parametrize("tamper", TAMPERING.values(), ids=list(TAMPERING))
def test_each_tampering_is_caught_and_named(
    tmp_path: Path, coalition_pack: bytes, tamper: tuple[Callable[[dict[str, bytes]], dict[str, bytes]], str]
) -> None:
    change, kind = tamper
    found = checked(tmp_path, rezip(change(members(coalition_pack))))
    assert kind in found


def test_a_removed_signature_is_named_by_its_row(tmp_path: Path, coalition_pack: bytes) -> None:
    files = members(coalition_pack)
    rows = signature_rows(files)
    (tmp_path / "pack.zip").write_bytes(rezip(with_rows(files, rows[:6] + rows[7:])))
    messages = [f.message for f in verify_pack(tmp_path / "pack.zip").findings if f.kind == "signature-removed"]
    assert messages == ["1 signature row removed: the manifest's row 6"]


def test_a_repacked_pack_is_intact_but_has_another_fingerprint(
    tmp_path: Path, example: openletter.Letter, coalition_pack: bytes
) -> None:
    """Someone who makes a whole new pack makes a new manifest: only the fingerprint tells."""
    other = build_pack(attrs.evolve(coalition(example), title="Another Letter"), document="html").data
    (tmp_path / "a.zip").write_bytes(coalition_pack)
    (tmp_path / "b.zip").write_bytes(other)
    assert verify_pack(tmp_path / "b.zip").intact
    assert verify_pack(tmp_path / "a.zip").fingerprint != verify_pack(tmp_path / "b.zip").fingerprint


def test_the_pack_keeps_consent_and_no_contact_data(coalition_pack: bytes) -> None:
    files = members(coalition_pack)
    everything = b"".join(files.values()).decode("utf-8", "replace")
    for secret in PRIVATE:
        assert secret not in everything
    rows = signature_rows(files)
    header = rows[0]
    name, title, consent = header.index("name"), header.index("title"), header.index("consent")
    signed, position = header.index("signed"), header.index("position")
    kinds = [row[consent] == "count" for row in rows[1:]]
    assert kinds == sorted(kinds)  # the counted-only rows after the named ones: no neighbours to tell
    assert [row[position] for row in rows[1:] if row[consent] != "count"] == [
        str(n) for n in range(1, kinds.count(False) + 1)
    ]
    for row in rows[1:]:
        if row[consent] == "count":
            assert row[name] == "" and row[title] == "" and row[position] == ""
            assert len(row[signed]) == 10  # the day, not the instant
        if row[consent] == "name":
            assert row[name] and row[title] == ""
    withdrawn = files["withdrawals.csv"].decode("utf-8-sig")
    assert "Withdrew Openly" in withdrawn and "Withdrew Openly" not in files["signatures.csv"].decode()
    manifest = json.loads(files["manifest.json"])
    counts = manifest["counts"]
    assert counts["signatures"] == len(rows) - 1
    assert counts["signatures"] + counts["withdrawn"] == 3002
    assert counts["not_named"] == sum(r[consent] == "count" for r in rows[1:])
    assert counts["by_version"] == {"not recorded": counts["signatures"]}


def test_the_manifest_counts_the_signatures_of_each_text_version(tmp_path: Path, example: openletter.Letter) -> None:
    current = openletter.text_version(example)
    people = tuple(
        Person(name=f"P{n}", signature=Signature(version=current if n % 3 else "v1-0123456789abcdef")) for n in range(9)
    )
    letter = attrs.evolve(example, signatories=(PersonGroup(people=people),))
    pack = build_pack(letter, document="html")
    manifest = json.loads(members(pack.data)["manifest.json"])
    assert manifest["counts"]["by_version"] == {current: 6, "v1-0123456789abcdef": 3}
    (tmp_path / "pack.zip").write_bytes(pack.data)
    assert verify_pack(tmp_path / "pack.zip").intact
    files = members(pack.data)
    rows = signature_rows(files)
    rows[1][rows[0].index("version")] = current  # one earlier signature passed off as on this text
    (tmp_path / "bad.zip").write_bytes(rezip(with_rows(files, rows)))
    kinds = {f.kind for f in verify_pack(tmp_path / "bad.zip").findings}
    assert {"signature-altered", "count"} <= kinds


def test_cells_that_look_like_formulas_stay_text(coalition_pack: bytes) -> None:
    files = members(coalition_pack)
    names = [row[signature_rows(files)[0].index("name")] for row in signature_rows(files)[1:]]
    assert '\'=HYPERLINK("http://evil.example","click")' in names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)
    assert b">=HYPERLINK(&quot;http://evil.example&quot;" in files["signatures.html"]  # as written: HTML runs nothing


def _script(files: dict[str, bytes]) -> str:
    readme = files["README.txt"].decode()
    return readme.split(SCRIPT_START + "\n", 1)[1].split(SCRIPT_END, 1)[0]


def test_the_readme_script_checks_a_pack_without_openletter(tmp_path: Path, coalition_pack: bytes) -> None:
    files = members(coalition_pack)
    script = tmp_path / "check_pack.py"
    script.write_text(_script(files))
    assert len(_script(files).splitlines()) <= 30
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    good.write_bytes(coalition_pack)
    bad.write_bytes(rezip(with_rows(files, _swap(signature_rows(files)))))
    isolated = [sys.executable, "-I", "-S", str(script)]  # no site-packages: the standard library alone
    ran = subprocess.run([*isolated, str(good)], capture_output=True, text=True, check=False)
    assert ran.returncode == 0 and "OK" in ran.stdout, ran.stdout + ran.stderr
    ran = subprocess.run([*isolated, str(bad)], capture_output=True, text=True, check=False)
    assert ran.returncode == 1 and "HASH CHAIN" in ran.stdout


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs sha256sum (coreutils)")
def test_sha256sum_checks_the_unzipped_pack(tmp_path: Path, example_pack: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(example_pack)) as archive:
        archive.extractall(tmp_path)
    ran = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stdout
    (tmp_path / "signatures.csv").write_bytes(b"changed")
    assert (
        subprocess.run(
            ["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, check=False
        ).returncode
        == 1
    )


def test_the_example_signed_by_one_organisation(example_pack: bytes) -> None:
    files = members(example_pack)
    rows = signature_rows(files)
    manifest = json.loads(files["manifest.json"])
    assert manifest["counts"]["signatures"] == len(rows) - 1 >= 1
    assert manifest["letter"]["version"] == openletter.text_version(openletter.load(EXAMPLE))
    assert sorted(files) == sorted(
        ["README.txt", "letter.html", "letter.json", "signatures.csv", "signatures.html", "manifest.json", "SHA256SUMS"]
    )


def test_unknown_fields_are_refused(example: openletter.Letter) -> None:
    with pytest.raises(OptionError, match="fields: unknown field 'email'"):
        build_pack(example, fields=("name", "email"), document="html")


def test_the_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "letter"
    shutil.copytree(EXAMPLE.parent, folder)
    pack = tmp_path / "out" / "pack.zip"
    assert main(["deliver", str(folder / "letter.md"), "-o", str(pack), "--document", "html"]) == EXIT_OK
    out = capsys.readouterr().out
    fingerprint = re.search(r"fingerprint \(SHA-256 of manifest.json\): ([0-9a-f]{64})", out)
    assert fingerprint is not None
    assert main(["verify", str(pack)]) == EXIT_OK
    assert fingerprint.group(1) in capsys.readouterr().out
    pack.write_bytes(rezip({**members(pack.read_bytes()), "extra.txt": b"x"}))
    assert main(["verify", str(pack)]) == EXIT_LETTER
    assert "CHANGED: file-added: extra.txt" in capsys.readouterr().out
    assert main(["deliver", str(folder / "letter.md"), "-o", str(pack), "--fields", "name,email"]) == EXIT_USAGE
    assert "--fields: unknown field 'email' (expected some of: position," in capsys.readouterr().err
    (tmp_path / "not.zip").write_bytes(b"not a zip")
    assert main(["verify", str(tmp_path / "not.zip")]) == EXIT_USAGE
    assert "not a readable zip file" in capsys.readouterr().err
    assert main(["deliver", str(folder / "letter.md"), "-o", str(folder / "letter.md")]) != EXIT_OK
    assert (folder / "letter.md").read_bytes() == (EXAMPLE.parent / "letter.md").read_bytes()


def test_a_pack_without_manifest_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p.zip").write_bytes(rezip({"README.txt": b"hello"}))
    with pytest.raises(PackError, match=r"no manifest\.json"):
        verify_pack(tmp_path / "p.zip")


@pytest.mark.slow
def test_a_pack_of_100000_signatures_builds_and_verifies(tmp_path: Path, example: openletter.Letter) -> None:
    pack = build_pack(coalition(example, 100_000), document="html")
    (tmp_path / "pack.zip").write_bytes(pack.data)
    assert verify_pack(tmp_path / "pack.zip").intact


def test_a_coalition_letter_of_imported_signatures_makes_a_pack_that_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's "done when": a few thousand signatures imported from a form's export (some
    duplicated, one formula-looking), then delivered and verified, from the command line."""
    folder = tmp_path / "letter"
    shutil.copytree(EXAMPLE.parent, folder)
    export = tmp_path / "responses.csv"
    rows = ['"Timestamp","Email Address","Name","Organisation"']
    for n in range(3000):
        rows.append(f'"5/3/2024 14:{n % 60:02d}:00","signer{n % 2990}@example.org","Signer {n}","Group {n % 40}"')
    rows.append('"5/3/2024 15:00:00","formula@example.org","=HYPERLINK(""http://evil.example"")","x"')
    export.write_text("\ufeff" + "\r\n".join(rows) + "\r\n", encoding="utf-8")
    people = folder / "people.csv"
    assert main(["import-signatures", str(export), "--into", str(people), "--preset", "google-forms"]) == EXIT_OK
    capsys.readouterr()
    text = (folder / "letter.md").read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    (folder / "letter.md").write_text(head + "\nsignatories:\n- people: people.csv\n---\n" + body, encoding="utf-8")
    pack = tmp_path / "pack.zip"
    assert main(["deliver", str(folder / "letter.md"), "-o", str(pack), "--document", "html"]) == EXIT_OK
    assert "wrote" in capsys.readouterr().out
    assert main(["verify", str(pack)]) == EXIT_OK
    files = members(pack.read_bytes())
    manifest = json.loads(files["manifest.json"])
    assert manifest["counts"]["signatures"] == 2991  # 3,000 rows, 10 of them duplicates, and the formula
    assert b"signer1@example.org" not in b"".join(files.values())  # contact data stays out
    names = [row[3] for row in signature_rows(files)[1:]]
    assert '\'=HYPERLINK("http://evil.example")' in names


def test_the_pack_holds_the_pdf_when_the_pdf_plugin_is_installed(tmp_path: Path, example: openletter.Letter) -> None:
    from openletter.plugins import Registry

    registry = Registry(entry_points=True)  # the installed plugins (the tests' default loads none)
    if "pdf" not in registry.formats:
        pytest.skip("the pdf plugin (plugins/openletter-pdf) is not installed")
    pack = build_pack(example, registry=registry)
    files = members(pack.data)
    assert files["letter.pdf"].startswith(b"%PDF-")
    assert json.loads(files["manifest.json"])["letter"]["document"] == "letter.pdf"
    (tmp_path / "pack.zip").write_bytes(pack.data)
    assert verify_pack(tmp_path / "pack.zip").intact
    assert build_pack(example, registry=registry).data == pack.data


def _rehashed(files: dict[str, bytes], **changed: bytes) -> dict[str, bytes]:
    """`files` with `changed` ones replaced and the manifest's file hashes made to match them
    (what someone who edits a pack and covers their tracks does; only the fingerprint changes)."""
    files = {**files, **{name.replace("_", "."): data for name, data in changed.items()}}
    manifest = json.loads(files["manifest.json"])
    for name in manifest["files"]:
        if name in files:
            manifest["files"][name] = hashlib.sha256(files[name]).hexdigest()
    return _resummed({**files, "manifest.json": json.dumps(manifest).encode()})


def _resummed(files: dict[str, bytes]) -> dict[str, bytes]:
    """`files` with SHA256SUMS made to match them."""
    sums = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(files.items()) if n != "SHA256SUMS")
    return {**files, "SHA256SUMS": sums.encode()}


def test_counts_edited_in_the_manifest_disagree_with_the_letter_in_the_pack(
    tmp_path: Path, coalition_pack: bytes
) -> None:
    files = members(coalition_pack)
    manifest = json.loads(files["manifest.json"])
    manifest["counts"]["withdrawn"] -= 10
    found = checked(tmp_path, rezip(_resummed({**files, "manifest.json": json.dumps(manifest).encode()})))
    assert found == {"count"}


def test_a_name_changed_in_the_letter_and_the_manifest_disagrees_with_the_rows(
    tmp_path: Path, coalition_pack: bytes
) -> None:
    files = members(coalition_pack)
    changed = files["letter.json"].replace(b"Person 00000", b"Person 99999", 1)
    assert changed != files["letter.json"]
    found = checked(tmp_path, rezip(_rehashed(files, letter_json=changed)))
    assert found == {"signature-altered"}


def test_a_signer_counted_but_not_named_is_not_named_in_the_withdrawals_either(
    example: openletter.Letter,
) -> None:
    people = (
        Person(name="Open Name", signature=Signature(withdrawal=Withdrawal(shown=True))),
        Person(name="Secret Countonly", signature=Signature(consent="count", withdrawal=Withdrawal(shown=True))),
        Person(name="Stays"),
    )
    files = members(build_pack(attrs.evolve(example, signatories=(PersonGroup(people=people),)), document="html").data)
    assert b"Open Name" in files["withdrawals.csv"]
    assert b"Secret Countonly" not in b"".join(files.values())
    assert json.loads(files["manifest.json"])["counts"]["withdrawn"] == 2


def test_the_printable_table_shows_the_names_as_written(coalition_pack: bytes) -> None:
    table = members(coalition_pack)["signatures.html"].decode()
    assert '<td dir="auto">=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)</td>' in table
    assert '<html lang="en">' in table


def _raw_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip file of `entries` as given, names twice included (zipfile warns, and writes them)."""
    import warnings

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in entries:
                archive.writestr(name, data)
    return buffer.getvalue()


def test_a_name_twice_in_the_zip_is_refused(tmp_path: Path, coalition_pack: bytes) -> None:
    files = members(coalition_pack)
    forged = with_rows(files, _alter(signature_rows(files)))["signatures.csv"]
    entries = [("signatures.csv", forged), *files.items()]  # the forged copy first, the original last
    path = tmp_path / "pack.zip"
    path.write_bytes(_raw_zip(entries))
    with pytest.raises(PackError, match=r"signatures\.csv is in the zip file twice"):
        verify_pack(path)
    script = tmp_path / "check_pack.py"
    script.write_text(_script(files))
    ran = subprocess.run([sys.executable, "-I", str(script), str(path)], capture_output=True, text=True, check=False)
    assert ran.returncode == 1 and "A FILE IS IN THE PACK TWICE" in ran.stdout


def test_bytes_the_zip_index_does_not_account_for_are_refused(tmp_path: Path, example_pack: bytes) -> None:
    hidden = _raw_zip([("signatures.csv", b"forged")])
    end = hidden.index(b"PK\x01\x02")  # the hidden entry's data, without its index
    path = tmp_path / "pack.zip"
    shifted = hidden[:end] + example_pack
    path.write_bytes(shifted)
    with pytest.raises(PackError, match="bytes its index does not account for"):
        verify_pack(path)


def test_a_damaged_entry_is_reported_not_raised(tmp_path: Path, example_pack: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(example_pack)) as archive:
        info = archive.getinfo("letter.html")
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(example_pack)
    damaged[start + 10] ^= 0xFF
    path = tmp_path / "pack.zip"
    path.write_bytes(bytes(damaged))
    findings = verify_pack(path).findings
    assert any(f.kind == "file-changed" and f.message.startswith("letter.html is damaged") for f in findings)


def test_sha256sums_must_say_what_the_manifest_says(tmp_path: Path, example_pack: bytes) -> None:
    files = members(example_pack)
    changed = files["letter.html"].replace(b"Cambodia", b"Camb0dia", 1)
    sums = (
        files["SHA256SUMS"]
        .decode()
        .replace(hashlib.sha256(files["letter.html"]).hexdigest(), hashlib.sha256(changed).hexdigest())
    )
    tampered = {**files, "letter.html": changed, "SHA256SUMS": sums.encode()}
    messages = [f.message for f in verify_pack(_write(tmp_path, rezip(tampered))).findings]
    assert "SHA256SUMS does not say what the manifest says (for letter.html)" in messages


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "pack.zip"
    path.write_bytes(data)
    return path


def test_names_from_a_pack_are_printed_with_control_characters_escaped(
    tmp_path: Path, example_pack: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {**members(example_pack), "\r\x1b[2Kok: all is well\u202e.txt": b"x"}
    assert main(["verify", str(_write(tmp_path, rezip(files)))]) == EXIT_LETTER
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert "CHANGED: file-added: \\u000d\\u001b[2Kok: all is well\\u202e.txt was added" in out
