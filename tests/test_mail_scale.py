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
import functools
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import openletter
from openletter.cli import EXIT_OK, main
from openletter.mail import headers
from openletter.mail.headers import Mailbox
from openletter.mail.merge import Factory
from openletter.mail.outputs import mbox_body, mbox_entry, mbox_messages
from openletter.mail.recipients import Recipient, derived

from .conftest import DATA, EXAMPLE

GOLDEN = Path(__file__).resolve().parent / "golden" / "mail" / "merge.mbox"

ROWS = [
    ["member0@house.example", "Member 0", "Member0", "Senator", "Arizona"],
    ["jo.smith+ol@senate.example", "Smith, Jo", "Smith", "Representative", "Ohio & <Erie>"],
    ["z.muller@bundestag.example", "Zoë Müller", "Müller", "Sénatrice", "Berlin"],
    ["wang@npc.example", "王小明", "王", "Minister", "北京"],
    ["b.diallo@assemblee.example", '"Quoted" \\ Name', "Diallo", "Mayor", "From Dakar"],
    ["ü@exämple.org", "", "", "", ""],
    ["long@parliament.example", " ".join(["Honourable"] * 12), "Honourable", "Ambassador", "x" * 70],
    ["base64@parliament.example", "Long Line", "Line", "Senator", "Région " * 150],  # lines over 998 octets
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


# --------------------------------------------------------------------------- the plain reading

ATOMS = ["Member", "0", "O'Brien", "a+b", "x" * 61, "Jo", "{~}", "=", "?", "#1"]
SPECIALS = [",", ";", ":", "<", ">", "@", ".", '"', "\\", "(", ")", "[", "]", "=?", "?=", "Zoë", "\t", "", "  "]
display_names = st.lists(st.sampled_from(ATOMS + SPECIALS), max_size=6).map(" ".join)
local_parts = st.lists(st.sampled_from(["jo", "a.b", "x+y", "O'B", ".", "..", '"q"', "ü", "a b", "=?"]), min_size=1)
addresses = st.builds(
    lambda local, domain: "".join(local) + "@" + domain,
    local_parts,
    st.sampled_from(["example.org", "house.example", "localhost", "ex..org", "[127.0.0.1]", "exämple.org", ".x"]),
)
subjects = st.lists(st.sampled_from(ATOMS + SPECIALS + ["Cambodia:", "a letter"]), max_size=8).map(" ".join)


def _parser_accepts(block: bytes, expected: headers.Expected) -> bool:
    try:
        headers._parsed_reading(block, expected)
    except headers.UnsafeHeaderError:
        return False
    return True


def _parser_reads(name: str, raw: str) -> str | tuple[Mailbox, ...] | None:
    """What ``email.policy.strict`` reads in one header value, or None for a defect."""
    try:
        text, mailboxes, defect = headers._read_back(name, raw)
    except Exception:  # noqa: BLE001 -- the parser's failures all mean "not read"
        return None
    if defect is not None:
        return None
    return mailboxes if headers._kind(name.lower()) == "mailboxes" else text


@settings(max_examples=300, deadline=None)
@given(mailboxes=st.lists(st.tuples(display_names, addresses), min_size=1, max_size=3), subject=subjects)
def test_the_plain_reading_of_written_headers_is_the_parsers(mailboxes: list[Mailbox], subject: str) -> None:
    """Headers as the writers write them: whenever the plain reading accepts a block, the email
    package's strict parser accepts it too and reads exactly the same names, addresses and text."""
    block = (
        f"To: {headers.address_header('To', mailboxes)}\r\n"
        f"Subject: {headers.text_header('Subject', subject)}\r\n"
        "Message-ID: <0123@example.org>\r\n"
    ).encode()
    meant: headers.Expected = [("To", mailboxes), ("Subject", subject), ("Message-ID", None)]
    if headers._reads_plainly(block, meant):
        assert _parser_accepts(block, meant)
        assert _parser_reads("To", headers.address_header("To", mailboxes)) == tuple(mailboxes)
        assert _parser_reads("Subject", headers.text_header("Subject", subject)) == subject


raw_values = st.lists(st.sampled_from([*ATOMS, *SPECIALS, " ", "\r\n ", "\r\n", "a@b.example", "<a@b.example>"]))


@settings(max_examples=500, deadline=None)
@given(name=st.sampled_from(["To", "Cc", "From", "Subject", "Date", "Sender", "X-Note"]), pieces=raw_values)
def test_the_plain_reading_of_any_header_never_accepts_what_the_parser_reads_otherwise(
    name: str, pieces: list[str]
) -> None:
    """Any header value at all (folds, specials, encoded words, quoted strings, comments): for
    each reading meant, the plain reading accepts the block only if the parser reads exactly that."""
    raw = "".join(pieces)
    block = f"{name}: {raw}\r\n".encode()
    if b"\r\n\r\n" in block or b"\r\n\r\n" in block.replace(b"\r\n ", b"") or block.startswith(b"\r\n"):
        return
    candidates: list[str | tuple[Mailbox, ...]] = [raw, raw.strip(), raw.replace("\r\n", "")]
    bracketed = re.fullmatch(r"\s*(.*?)\s*<([^<>]*)>\s*", raw.replace("\r\n", ""))
    if bracketed:
        candidates.append(((bracketed.group(1), bracketed.group(2)),))
    candidates.append((("", raw.replace("\r\n", "").strip()),))
    read = _parser_reads(name, raw.lstrip(" \t"))
    if read is not None:
        candidates.append(read)
    for meant in candidates:
        expected: headers.Expected = [(name, meant)]
        if headers._reads_plainly(block, expected):
            assert _parser_accepts(block, expected)
            assert _parser_reads(name, raw.lstrip(" \t")) == meant


@pytest.mark.parametrize(
    ("to", "subject"),
    [
        ([("Member 0", "member0@house.example")], "Cambodia: a letter to Senator Member0"),
        (
            [("", "jo.smith+ol@senate.example")],
            "A subject that is long enough to be folded at one of its spaces, twice over",
        ),
        ([("Jo O'Brien", "jo@example.org"), ("", "b@example.org")], "S"),
    ],
)
def test_a_plain_recipient_block_is_verified_without_the_email_parser(
    monkeypatch: pytest.MonkeyPatch, to: list[Mailbox], subject: str
) -> None:
    """What makes the merge fast: an ASCII name, address and subject need no parse."""

    def parse(block: bytes, expected: headers.Expected) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(headers, "_parsed_reading", parse)
    block = (
        f"To: {headers.address_header('To', to)}\r\nSubject: {headers.text_header('Subject', subject)}\r\n"
        "Message-ID: <0123@example.org>\r\n"
    ).encode()
    headers.verify(block, [("To", to), ("Subject", subject), ("Message-ID", None)])


@pytest.mark.parametrize(
    ("block", "meant"),
    [
        (b"To: Member 0 <member0@house.example>\r\n", [("To", [("Member 1", "member0@house.example")])]),
        (b"To: Member 0 <member0@house.example>\r\n", [("Cc", [("Member 0", "member0@house.example")])]),
        (b"To: a@example.org, b@example.org\r\n", [("To", [("", "a@example.org")])]),
        (b"To: a@example.org,\r\n", [("To", [("", "a@example.org")])]),
        (b"Subject: S\r\n", [("Subject", "T")]),
        (b"Subject: S \r\n", [("Subject", "S")]),
        (b"Subject: S\r\nSubject: S\r\n", [("Subject", "S")]),
        (b"To: a@example.org\r\nBcc: v@x.example\r\n", [("To", [("", "a@example.org")])]),
    ],
)
def test_the_plain_reading_proves_nothing_that_is_not_what_was_meant(block: bytes, meant: headers.Expected) -> None:
    assert not headers._reads_plainly(block, meant)


# --------------------------------------------------------------------------- mbox line ends


@functools.cache
def _factory(kind: str) -> Factory:
    """The merge factory of the golden letter (``golden``), with a logo (``logo``), or without
    its body line that starts with "From " (``plain``); made once."""
    folder = Path(tempfile.mkdtemp())
    source, _ = write_merge_inputs(folder)
    text = source.read_text(encoding="utf-8")
    if kind == "logo":
        text = text.replace("\nlanguage: en\n", "\nlanguage: en\nlogo:\n  file: logo.png\n  alt: APHR\n", 1)
        (folder / "logo.png").write_bytes((DATA / "logo.png").read_bytes())
    if kind == "plain":
        text = text.replace("\nFrom [[state]]", "\nSent from [[state]]", 1)
    source.write_text(text, encoding="utf-8")
    factory = Factory.for_letter(openletter.load(source), {})
    shutil.rmtree(folder)
    assert bool(factory.logo) == (kind == "logo")
    return factory


@pytest.mark.parametrize("kind", ["golden", "logo", "plain"])
@settings(max_examples=60, deadline=None)
@given(
    state=st.text(st.sampled_from("ab <>&\"'éFrom\u0e01"), max_size=1200),
    name=st.sampled_from(["R", ">From", "From x"]),
)
@example(state="Région " * 150, name="R")  # a line over 998 octets: base64 parts
@example(state="From Dakar", name="R")  # a body line that starts with "From "
@example(state="x", name="From Dakar")  # one in the HTML part only
@example(state=">", name="From")  # one made of a letter's ">" and a value
def test_a_message_made_for_an_mbox_is_the_wire_message_as_an_mbox_stores_it(kind: str, state: str, name: str) -> None:
    """The merge writes an mbox's messages with LF line ends and mboxrd quoting at once (no
    copy of each message to change them): byte for byte what the wire message gives, long lines
    (base64 parts) and lines that start with "From " included."""
    factory = _factory(kind)
    fields = {"email": "r@example.org", "name": name, "state": state.strip()}
    recipient = Recipient(2, "r@example.org", derived(fields))
    wire = factory.make(recipient)
    stored = factory.make(recipient, mbox=True)
    assert stored == mbox_body(wire)
    assert mbox_messages(mbox_entry(stored, "a@example.org", stored=True)) == [wire]


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.sampled_from('ab,"\r\n é'), max_size=40))
def test_recipients_are_read_in_the_lines_a_csv_file_object_gives(text: str) -> None:
    """The recipients file is split into lines without a copy in `io.StringIO` (four bytes a
    character: the peak memory of a large merge); the lines, and so the rows, are the same."""
    import io

    from openletter.mail.recipients import _lines

    assert list(_lines(text)) == list(io.StringIO(text, newline=""))


@settings(max_examples=300, deadline=None)
@given(cell=st.text(st.sampled_from("ab =?\r\n\t\x00\x1b\x7f\x85\u2028\ufdd0\uffff\ud800é王 ")))
def test_a_cell_the_quick_scan_passes_passes_every_check_of_the_recipients_file(cell: str) -> None:
    """Reading a recipients file looks at each cell once (`_SUSPECT`); the detailed checks run
    only where it finds something, so it must find something wherever one of them fails."""
    from openletter.mail.recipients import _NUL, _SUSPECT
    from openletter.model import line_problem

    if _SUSPECT.search(cell) is None:
        assert not any(c in "\r\n" or c == _NUL for c in cell)
        assert not cell.strip() or line_problem(cell.strip()) is None
        assert headers.ENCODED_WORD not in cell


def test_the_honorifics_of_a_language_are_looked_up_once_not_per_recipient(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openletter.mail import recipients

    calls: list[str] = []
    real = recipients.label_language
    monkeypatch.setattr(recipients, "label_language", lambda tag: calls.append(tag) or real(tag))
    recipients.role_table.cache_clear()
    _, path = write_merge_inputs(tmp_path)
    found = list(recipients.read(path, "en", choose=lambda asked: "en"))
    assert [r.fields["honorific_name"] for r in found][:2] == ["Senator Member0", "Representative Smith"]
    assert calls == ["en"]
