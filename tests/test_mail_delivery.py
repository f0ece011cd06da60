"""Mail merge delivery: who each message goes to, one run per journal, and campaigns.

* A merged message goes to its recipient and to the copies the user asked for, nobody else; the
  SMTP envelope matches the headers, and the dry run lists every recipient.
* Two ``--send`` runs on one journal: the second stops at once (an OS lock), sending nothing.
* A journal belongs to one campaign: after the letter or the recipients changed, a re-run says
  what changed and sends nothing unless told how to go on (``--resume-unsent``,
  ``--new-campaign``); delivery is recorded by recipient, so an edit never re-sends.

The SMTP server is aiosmtpd on 127.0.0.1 (the fixture and helpers of test_mail.py).
"""

from __future__ import annotations

import email
import email.policy
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import openletter
from openletter.cli import EXIT_BUSY, EXIT_INCOMPLETE, EXIT_OK, EXIT_USAGE, main
from openletter.mail.campaign import address_key
from openletter.mail.merge import Factory
from openletter.mail.outputs import mbox_messages
from openletter.mail.recipients import Recipient
from openletter.mail.send import Journal

from .test_mail import Handler, _send_args, smtp, write_letter, write_recipients

__all__ = ["smtp"]  # the fixture, shared with test_mail.py

LETTER_COPIES = ["The Minister <minister@gov.example>", "press@example.org"]


def write_copied_letter(folder: Path) -> Path:
    """The test letter with every kind of address: a cc addressee, email.to/cc/bcc and reply_to."""
    source = write_letter(folder)
    text = source.read_text(encoding="utf-8")
    text = text.replace(
        "  name: The United States Congress\n",
        "  name: The United States Congress\n- name: The Minister\n  kind: cc\n  email: minister@gov.example\n",
        1,
    )
    text = text.replace(
        "  sender: APHR <info@example.org>\n",
        "  sender: APHR <info@example.org>\n  reply_to: replies@example.org\n  to:\n  - everyone@example.org\n"
        "  cc:\n  - press@example.org\n  bcc:\n  - archive@example.org\n",
    )
    source.write_text(text, encoding="utf-8")
    return source


def addresses(message: email.message.EmailMessage, header: str) -> list[str]:
    value = message[header]
    return [] if value is None else [a.addr_spec for a in value.addresses]


def parse(data: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


# --------------------------------------------------------------------------- who gets each message


def test_a_merged_message_goes_to_its_recipient_only_unless_copies_are_asked_for(
    tmp_path: Path, smtp: tuple[Handler, int], capsys: pytest.CaptureFixture[str]
) -> None:
    handler, port = smtp
    source, recipients = write_copied_letter(tmp_path), write_recipients(tmp_path, 4)
    out = tmp_path / "o.mbox"
    assert main(["mail", str(source), "--recipients", str(recipients), "--mbox", str(out)]) == EXIT_OK
    for i, data in enumerate(mbox_messages(out.read_bytes())):
        message = parse(data)
        assert addresses(message, "To") == [f"r{i}@example.org"]
        assert message["Cc"] is None and message["Bcc"] is None
        assert addresses(message, "Reply-To") == ["replies@example.org"]  # where replies go; not a recipient
    note = capsys.readouterr().err
    assert "not to the letter's cc (The Minister <minister@gov.example>, press@example.org)" in note
    assert "and bcc (archive@example.org)" in note
    assert main(_send_args(source, recipients, port)) == EXIT_OK
    assert handler.envelopes == [[f"r{i}@example.org"] for i in range(4)]


def test_copies_asked_for_are_in_the_headers_and_the_envelope_alike(
    tmp_path: Path, smtp: tuple[Handler, int], capsys: pytest.CaptureFixture[str]
) -> None:
    handler, port = smtp
    source, recipients = write_copied_letter(tmp_path), write_recipients(tmp_path, 3)
    copies = ["--cc", "Boss <boss@example.org>", "--copy-letter-cc", "--bcc", "vault@example.org"]
    assert main(_send_args(source, recipients, port, *copies)) == EXIT_OK
    assert "every message is copied to Boss <boss@example.org>, " in capsys.readouterr().err
    cc = ["boss@example.org", "minister@gov.example", "press@example.org"]
    assert len(handler.envelopes) == 3
    for i, (envelope, (_, data)) in enumerate(zip(handler.envelopes, handler.received, strict=True)):
        message = parse(data)
        assert addresses(message, "To") == [f"r{i}@example.org"]
        assert addresses(message, "Cc") == cc
        assert message["Bcc"] is None
        assert b"vault@example.org" not in data
        assert envelope == [f"r{i}@example.org", *cc, "vault@example.org"]


def test_dry_run_lists_every_recipient_of_each_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, recipients = write_copied_letter(tmp_path), write_recipients(tmp_path, 3)
    copies = ["--cc", "boss@example.org", "--copy-letter-cc", "--bcc", "vault@example.org"]
    assert main(["mail", str(source), "--recipients", str(recipients), "--dry-run", *copies]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    cc = "boss@example.org, The Minister <minister@gov.example>, press@example.org"
    assert [line.split("): ")[0] for line in lines] == [
        f"would send to r{i}@example.org (cc: {cc}; bcc: vault@example.org" for i in range(3)
    ]


@pytest.mark.parametrize("output", ["--mbox", "--maildir", "--eml-dir"])
def test_bcc_is_refused_when_messages_go_to_files(
    tmp_path: Path, output: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source, recipients = write_letter(tmp_path), write_recipients(tmp_path, 2)
    target = tmp_path / "out"
    args = ["mail", str(source), "--recipients", str(recipients), output, str(target), "--bcc", "vault@example.org"]
    assert main(args) == EXIT_USAGE
    assert "--bcc works with --send only" in capsys.readouterr().err
    assert not target.exists()


@pytest.mark.parametrize("option", ["--cc", "--bcc"])
@pytest.mark.parametrize(
    "value", ["not an address", "a@example.org, b@example.org", "x@example.org\r\nBcc: evil@example.net"]
)
def test_a_copy_must_be_one_address_on_one_line(
    tmp_path: Path, option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source, recipients = write_letter(tmp_path), write_recipients(tmp_path, 2)
    assert main(["mail", str(source), "--recipients", str(recipients), "--dry-run", option, value]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert f"openletter: error: {option}: " in captured.err
    assert captured.out == ""


def test_a_refused_recipient_gets_nothing_and_neither_do_its_copies(
    tmp_path: Path, smtp: tuple[Handler, int], capsys: pytest.CaptureFixture[str]
) -> None:
    handler, port = smtp
    handler.refuse = {"r2@example.org"}
    source, recipients = write_letter(tmp_path), write_recipients(tmp_path, 5)
    args = _send_args(source, recipients, port, "--cc", "boss@example.org")
    assert main(args) == EXIT_INCOMPLETE
    assert main(args) == EXIT_OK
    # The boss has exactly one copy of each recipient's message: none for r2's refused one.
    assert sorted(envelope[0] for envelope in handler.envelopes) == [f"r{i}@example.org" for i in range(5)]
    assert all(envelope[1:] == ["boss@example.org"] for envelope in handler.envelopes)


def test_a_refused_copy_is_reported_and_the_message_counts_as_delivered(
    tmp_path: Path, smtp: tuple[Handler, int], capsys: pytest.CaptureFixture[str]
) -> None:
    handler, port = smtp
    handler.refuse = {"boss@example.org"}  # the first copy only
    source, recipients = write_letter(tmp_path), write_recipients(tmp_path, 3)
    args = _send_args(source, recipients, port, "--cc", "boss@example.org")
    assert main(args) == EXIT_OK
    out = capsys.readouterr().out
    assert "copy refused: boss@example.org, of the message to r0@example.org (550 5.1.1 mailbox unavailable)" in out
    assert handler.envelopes[0] == ["r0@example.org"]
    assert main(args) == EXIT_OK
    assert len(handler.envelopes) == 3  # nothing sent again


# --------------------------------------------------------------------------- one run per journal


def test_a_second_run_on_the_same_journal_stops_and_sends_nothing(tmp_path: Path, smtp: tuple[Handler, int]) -> None:
    handler, port = smtp
    source, recipients = write_letter(tmp_path), write_recipients(tmp_path, 40)  # 8 seconds at 5 a second
    command = [sys.executable, "-m", "openletter", *_send_args(source, recipients, port, "--rate", "5")]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while len(handler.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        second = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
        overlapped = first.poll() is None
        out, err = first.communicate(timeout=60)
    finally:
        first.kill()
    assert second.returncode == EXIT_BUSY, second.stdout + second.stderr
    journal = recipients.with_name("recipients.csv.journal.jsonl")
    assert f"the journal {journal} is locked ({journal}.lock)" in second.stderr
    assert f"another 'openletter mail --send' run (process {first.pid} on " in second.stderr
    assert "This run sent nothing. Wait until the other run ends, then run again" in second.stderr
    assert second.stdout == ""
    assert first.returncode == EXIT_OK, out + err
    delivered = [to for to, _ in handler.received]
    assert sorted(delivered) == sorted(f"r{i}@example.org" for i in range(40)), "a recipient got two messages"
    assert overlapped, "the first run ended before the second began: no overlap tested"


# --------------------------------------------------------------------------- campaigns


def fix_typo(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    assert "grave concerns" in text
    source.write_text(text.replace("grave concerns", "serious concerns"), encoding="utf-8")


def body(data: bytes) -> str:
    plain = next(parse(data).iter_parts())
    return str(plain.get_content())


def journal_of(recipients: Path) -> Path:
    return recipients.with_name(recipients.name + ".journal.jsonl")


def test_an_edited_letter_after_an_interrupted_run_is_refused_saying_what_changed(
    tmp_path: Path, smtp: tuple[Handler, int], capsys: pytest.CaptureFixture[str]
) -> None:
    handler, port = smtp
    handler.drop_after = 4
    source, recipients = write_letter(tmp_path), write_recipients(tmp_path, 10)
    assert main(_send_args(source, recipients, port)) == EXIT_INCOMPLETE
    capsys.readouterr()
    fix_typo(source)
    assert main(_send_args(source, recipients, port)) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"the journal {journal_of(recipients)} was begun " in err
    assert "for a different letter or list of recipients; this run sent nothing." in err
    assert "  - the letter's text (its message parts) changed\n" in err
    assert "The journal has 4 recipients as accepted and 0 as uncertain." in err
    assert "--resume-unsent" in err and "--new-campaign" in err
    assert len(handler.received) == 4


def test_resume_unsent_sends_the_edited_letter_only_to_those_not_yet_accepted(
    tmp_path: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    handler.drop_after = 4
    source, recipients = write_letter(tmp_path), write_recipients(tmp_path, 10)
    assert main(_send_args(source, recipients, port)) == EXIT_INCOMPLETE
    fix_typo(source)
    assert main(_send_args(source, recipients, port, "--resume-unsent")) == EXIT_OK
    assert main(_send_args(source, recipients, port)) == EXIT_OK  # the journal goes on with the edited letter
    assert [to for to, _ in handler.received] == [f"r{i}@example.org" for i in range(10)]
    assert ["grave concerns" in body(data) for _, data in handler.received] == [True] * 4 + [False] * 6
    assert ["serious concerns" in body(data) for _, data in handler.received] == [False] * 4 + [True] * 6


def test_new_campaign_keeps_the_old_journal_and_sends_to_everyone_again(
    tmp_path: Path, smtp: tuple[Handler, int], capsys: pytest.CaptureFixture[str]
) -> None:
    handler, port = smtp
    source, recipients = write_letter(tmp_path), write_recipients(tmp_path, 3)
    assert main(_send_args(source, recipients, port)) == EXIT_OK
    journal = journal_of(recipients)
    before = journal.read_text(encoding="utf-8")
    header = json.loads(before.splitlines()[0])["campaign"]
    assert {"letter", "recipients", "sender", "created", "openletter"} <= set(header)
    assert header["sender"] == "APHR <info@example.org>" and header["openletter"] == openletter.__version__
    fix_typo(source)
    capsys.readouterr()
    assert main(_send_args(source, recipients, port, "--new-campaign")) == EXIT_OK
    kept = [p for p in tmp_path.glob("recipients.csv.journal.*.jsonl") if p != journal]
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == before
    assert f"new campaign: the previous journal is kept as {kept[0]}" in capsys.readouterr().out
    assert len(handler.received) == 6
    assert len(Journal(journal).accepted) == 3


def _subject(source: Path, recipients: Path) -> list[str]:
    return ["--subject", "A new subject"]


def _sender(source: Path, recipients: Path) -> list[str]:
    return ["--from", "Other <other@example.org>"]


def _cc(source: Path, recipients: Path) -> list[str]:
    return ["--cc", "boss@example.org"]


def _added(source: Path, recipients: Path) -> list[str]:
    write_recipients(recipients.parent, 14)
    return []


def _removed(source: Path, recipients: Path) -> list[str]:
    write_recipients(recipients.parent, 8)
    return []


def _renamed(source: Path, recipients: Path) -> list[str]:
    write_recipients(recipients.parent, 10, extra={3: {"name": "Someone Else", "last_name": "Else"}})
    return []


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (_subject, "the subject changed: 'Cambodia: a letter to [[honorific_name]]' is now 'A new subject'"),
        (_sender, "the sender changed: 'APHR <info@example.org>' is now 'Other <other@example.org>'"),
        (_cc, "the Cc copies changed: none is now boss@example.org"),
        (_added, "4 recipients added: r10@example.org, r11@example.org, r12@example.org and 1 more"),
        (_removed, "2 recipients removed: r8@example.org, r9@example.org"),
        (_renamed, "1 recipient has a changed address, name or placeholder value: r3@example.org"),
    ],
    ids=["subject", "sender", "cc", "added", "removed", "renamed"],
)
def test_a_changed_campaign_is_refused_naming_the_change(
    tmp_path: Path,
    smtp: tuple[Handler, int],
    capsys: pytest.CaptureFixture[str],
    change: Callable[[Path, Path], list[str]],
    said: str,
) -> None:
    handler, port = smtp
    source, recipients = write_letter(tmp_path), write_recipients(tmp_path, 10)
    assert main(_send_args(source, recipients, port)) == EXIT_OK
    capsys.readouterr()
    more = change(source, recipients)
    assert main(_send_args(source, recipients, port, *more)) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"  - {said}\n" in err
    assert "The journal has 10 recipients as accepted" in err
    assert len(handler.received) == 10


@pytest.mark.parametrize("change", ["reordered rows", "an unused column"])
def test_what_no_message_shows_is_not_a_change(tmp_path: Path, smtp: tuple[Handler, int], change: str) -> None:
    handler, port = smtp
    source, recipients = write_letter(tmp_path), write_recipients(tmp_path, 5)
    assert main(_send_args(source, recipients, port)) == EXIT_OK
    rows = recipients.read_text(encoding="utf-8").splitlines()
    if change == "reordered rows":
        rows = [rows[0], *reversed(rows[1:])]
    else:
        rows = [f"{row},{'notes' if n == 0 else 'x'}" for n, row in enumerate(rows)]
    recipients.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(_send_args(source, recipients, port)) == EXIT_OK
    assert len(handler.received) == 5


def test_an_uncertain_message_stays_unsent_after_resume_unless_asked(
    tmp_path: Path, smtp: tuple[Handler, int], capsys: pytest.CaptureFixture[str]
) -> None:
    handler, port = smtp
    handler.refuse = {"r3@example.org"}
    source, recipients = write_letter(tmp_path), write_recipients(tmp_path, 5)
    assert main(_send_args(source, recipients, port)) == EXIT_INCOMPLETE
    with open(journal_of(recipients), "a", encoding="utf-8") as journal:  # as if the process died mid-transfer
        journal.write(json.dumps({"to": "r3@example.org", "id": "<x@example.org>", "status": "sending"}) + "\n")
    fix_typo(source)
    capsys.readouterr()
    assert main(_send_args(source, recipients, port, "--resume-unsent")) == EXIT_INCOMPLETE
    assert "uncertain (may have been sent; not sent again): r3@example.org" in capsys.readouterr().out
    assert len(handler.received) == 4
    assert main(_send_args(source, recipients, port, "--resend-uncertain")) == EXIT_OK
    assert sorted(to for to, _ in handler.received) == [f"r{i}@example.org" for i in range(5)]


def _old_journal(source: Path, recipients: Path, count: int) -> None:
    """A journal as openletter wrote it before campaigns: no header, lines keyed by Message-ID."""
    factory = Factory.for_letter(openletter.load(source), {})
    lines = []
    for i in range(count):
        address = f"r{i}@example.org"
        mid = factory.message_id(Recipient(i + 2, address, {}))
        for status in ("sending", "accepted"):
            lines.append(json.dumps({"id": mid, "to": address, "status": status, "time": 0.0, "detail": ""}))
    journal_of(recipients).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_an_old_journal_for_the_same_letter_is_read_by_recipient(tmp_path: Path, smtp: tuple[Handler, int]) -> None:
    handler, port = smtp
    source, recipients = write_letter(tmp_path), write_recipients(tmp_path, 6)
    _old_journal(source, recipients, 4)
    assert main(_send_args(source, recipients, port)) == EXIT_OK
    assert [to for to, _ in handler.received] == ["r4@example.org", "r5@example.org"]
    assert Journal(journal_of(recipients)).campaign is not None  # a campaign line was added


def test_an_old_journal_for_another_letter_is_refused(
    tmp_path: Path, smtp: tuple[Handler, int], capsys: pytest.CaptureFixture[str]
) -> None:
    handler, port = smtp
    source, recipients = write_letter(tmp_path), write_recipients(tmp_path, 6)
    _old_journal(source, recipients, 4)
    fix_typo(source)
    assert main(_send_args(source, recipients, port)) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "was begun by an older openletter for a different letter" in err
    assert "4 messages it records (r0@example.org, r1@example.org, r2@example.org and 1 more)" in err
    assert handler.received == []
    assert main(_send_args(source, recipients, port, "--resume-unsent")) == EXIT_OK
    assert [to for to, _ in handler.received] == ["r4@example.org", "r5@example.org"]


def test_a_line_cut_short_by_a_crash_is_never_continued(tmp_path: Path, smtp: tuple[Handler, int]) -> None:
    handler, port = smtp
    source, recipients = write_letter(tmp_path), write_recipients(tmp_path, 3)
    handler.refuse = {"r2@example.org"}
    assert main(_send_args(source, recipients, port)) == EXIT_INCOMPLETE
    journal = journal_of(recipients)
    with open(journal, "a", encoding="utf-8") as handle:
        handle.write('{"to": "r2@example.org", "id": "<')  # the process died writing this line
    assert main(_send_args(source, recipients, port)) == EXIT_OK
    lines = journal.read_text(encoding="utf-8").splitlines()
    unreadable = [line for line in lines if not line.startswith("{") or not line.endswith("}")]
    assert unreadable == ['{"to": "r2@example.org", "id": "<']
    entries = [json.loads(line) for line in lines if line not in unreadable]
    statuses = [e["status"] for e in entries if e.get("to") == "r2@example.org"]
    assert statuses == ["sending", "refused", "sending", "accepted"]


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("Jane@Example.ORG", "jane@example.org"),
        ("Jane Doe <jane@example.org>", "jane@example.org"),
        ("ü@exämple.org", "ü@xn--exmple-cua.org"),
        ("ü@xn--exmple-cua.org", "ü@xn--exmple-cua.org"),
        ("u\u0308@example.org", "ü@example.org"),  # decomposed: NFC
    ],
)
def test_one_recipient_however_the_address_is_written(address: str, key: str) -> None:
    assert address_key(address) == key


def test_each_address_gets_one_copy_of_a_message(tmp_path: Path) -> None:
    letter = openletter.load(write_letter(tmp_path))
    cc, bcc = ["a@example.org", "A <A@Example.org>"], ["a@example.org", "b@x.org"]
    factory = Factory.for_letter(letter, {}, cc=cc, bcc=bcc)
    assert (factory.cc, factory.bcc) == (("a@example.org",), ("b@x.org",))
    assert factory.envelope(Recipient(2, "B@X.org", {})) == ["B@X.org", "a@example.org"]
