"""Sending merged messages over SMTP, resumably: a journal records what the server accepted.

The journal is a JSON-lines file that belongs to one campaign (`campaign.Campaign`): its first
line says which letter goes to which recipients. Then, before a message is handed to the
server, a ``sending`` line is written; when the server accepts it (``250``), an ``accepted``
line, flushed to disk at once. Lines are keyed by recipient (`campaign.address_key`), not by
message, so a re-run knows who has the letter even if the letter was edited since; and a re-run
whose letter or recipients differ from the journal's is refused unless the user chooses
(``--resume-unsent`` or ``--new-campaign``).

A re-run reads the journal and skips every accepted recipient, so after a crash, a dropped
connection or a refused recipient it sends only what was not yet accepted. A message whose
``sending`` line has no ``accepted`` line (the process died while the server was answering) is
reported as uncertain and is not sent again unless ``--resend-uncertain`` is given: sending
nothing twice is the rule. One run at a time: a run holds an OS lock on ``JOURNAL.lock``
(`locked`), and a second run on the same journal stops before sending anything.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import smtplib
import socket
import ssl
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

import attrs

from ..errors import OpenLetterError
from .campaign import Campaign, address_key
from .merge import needs_smtputf8
from .recipients import Recipient


class SendError(OpenLetterError):
    """Sending could not go on (connection, authentication, server capabilities)."""


class JournalBusy(SendError):
    """Another run holds the journal's lock: it is sending this campaign right now."""


def lock_path(journal: Path) -> Path:
    """The file whose OS lock stands for the journal's: ``JOURNAL.lock``, next to it."""
    return journal.with_name(journal.name + ".lock")


@contextlib.contextmanager
def locked(journal: Path) -> Iterator[Path]:
    """Hold the journal's lock for the block: one run at a time per journal.

    The lock is the operating system's (``flock``), taken without waiting: when another run
    holds it, `JournalBusy` is raised at once. The OS releases it when the process ends, however
    it ends (a crash, ``kill -9``), so it is never left behind; the ``.lock`` file itself stays
    (removing it would let two runs lock two different files).
    """
    path = lock_path(journal)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        raise SendError(f"cannot open the journal's lock file {path}: {error.strerror or error}") from None
    try:
        try:
            _lock(descriptor)
        except OSError:
            holder = _holder(descriptor)
            by = f" (process {holder[0]} on {holder[1]})" if len(holder) == 2 else ""
            raise JournalBusy(
                f"the journal {journal} is locked ({path}): another 'openletter mail --send' run{by} is"
                " sending this campaign right now. This run sent nothing. Wait until the other run ends,"
                " then run again: it sends only what is left. (The lock goes away by itself when that"
                " process ends, even if it crashes.)"
            ) from None
        os.ftruncate(descriptor, 0)
        os.lseek(descriptor, 0, os.SEEK_SET)
        os.write(descriptor, f"{os.getpid()} {socket.gethostname()}\n".encode())
        yield path
    finally:
        os.close(descriptor)  # releases the lock


def _holder(descriptor: int) -> list[str]:
    """What the lock's holder wrote in the lock file: its process id and host, when readable."""
    try:
        os.lseek(descriptor, 0, os.SEEK_SET)
        return os.read(descriptor, 300).decode("utf-8", "replace").split()
    except OSError:  # Windows: the locked byte cannot be read
        return []


def _lock(descriptor: int) -> None:
    """Lock the file without waiting; `OSError` when another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)


@attrs.frozen
class Server:
    """How to reach the SMTP server."""

    host: str
    port: int = 587
    security: str = "starttls"  # "starttls", "tls" (implicit, port 465) or "none"
    user: str | None = None
    password: str | None = None
    cafile: str | None = None
    timeout: float = 30.0


@attrs.define
class Report:
    """What a run did: messages accepted now, earlier (journal), refused, not sent, uncertain."""

    accepted: list[str] = attrs.Factory(list)
    already: list[str] = attrs.Factory(list)
    refused: list[tuple[str, str]] = attrs.Factory(list)
    unsent: list[str] = attrs.Factory(list)
    uncertain: list[str] = attrs.Factory(list)
    copies_refused: list[tuple[str, str, str]] = attrs.Factory(list)
    """Copies (Cc, Bcc) the server refused: (copy, recipient, reply). The recipient's message went."""

    @property
    def complete(self) -> bool:
        """True when every recipient's message has been accepted (now or before)."""
        return not (self.refused or self.unsent or self.uncertain)


class Journal:
    """A campaign's append-only record: which campaign (its first line), then every outcome, by recipient."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.campaign: Campaign | None = None
        """The campaign of the journal's latest campaign line; None for a new journal, or an old
        one (written before journals had campaign lines)."""
        self.legacy: dict[str, tuple[str, str]] = {}
        """Lines from before the first campaign line (an old journal): recipient -> (address, Message-ID)."""
        last: dict[str, str] = {}
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = ""
        except (OSError, UnicodeDecodeError) as error:
            raise SendError(f"cannot read the journal {path}: {getattr(error, 'strerror', None) or error}") from None
        for line in text.splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a crash
            if not isinstance(entry, dict):
                continue
            if "campaign" in entry:
                self.campaign = Campaign.from_json(entry["campaign"]) or self.campaign
                continue
            address, message_id = entry.get("to"), entry.get("id")
            if not isinstance(address, str):
                continue
            key = address_key(address)
            last[key] = str(entry.get("status", ""))
            if self.campaign is None and isinstance(message_id, str):
                self.legacy[key] = (address, message_id)
        self.accepted = {key for key, status in last.items() if status == "accepted"}
        # "sending" with no outcome: the run died while the server was answering. "lost": the
        # connection broke during the transfer. Either way the server may have the message.
        self.sending = {key for key, status in last.items() if status in ("sending", "lost")}
        self._handle: TextIO | None = None

    def begin(self, campaign: Campaign) -> None:
        """Make `campaign` the journal's: its first line, for a new journal (written whole, then
        renamed into place, so a journal never starts with half a line), else a line appended."""
        from ..output import write_atomic

        if self.path.exists() and self.path.stat().st_size > 0:
            self._write(campaign.to_json())
        else:
            write_atomic(self.path, (json.dumps(campaign.to_json(), ensure_ascii=False) + "\n").encode())
        self.campaign = campaign

    def set_aside(self) -> Path:
        """Rename the journal out of the way (``NAME.BEGUN.jsonl``, never over a file); return where it is."""
        stamp = "".join(c for c in (self.campaign.created if self.campaign else "") if c.isalnum())
        if not stamp:
            stamp = dt.datetime.fromtimestamp(self.path.stat().st_mtime, dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        stem = self.path.name.removesuffix(".jsonl")
        number = 1
        while (kept := self.path.with_name(f"{stem}.{stamp}{f'-{number}' if number > 1 else ''}.jsonl")).exists():
            number += 1
        os.rename(self.path, kept)
        return kept

    def record(self, message_id: str, recipient: str, status: str, detail: str = "") -> None:
        """Append one outcome for `recipient`'s message, on disk before this returns."""
        entry = {"to": recipient, "id": message_id, "status": status, "time": time.time(), "detail": detail}
        self._write(entry)

    def _write(self, entry: dict[str, object]) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 -- kept open for the run
            if os.fstat(self._handle.fileno()).st_size > 0:
                with open(self.path, "rb") as check:
                    check.seek(-1, os.SEEK_END)
                    if check.read(1) != b"\n":  # a line cut short by a crash: never continue it
                        self._handle.write("\n")
        self._handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def connect(server: Server) -> smtplib.SMTP:
    """Open, secure and authenticate an SMTP connection."""
    context = ssl.create_default_context(cafile=server.cafile)
    try:
        if server.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=context)
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
            if server.security == "starttls":
                client.starttls(context=context)
        client.ehlo()
        if server.user:
            client.login(server.user, server.password or "")
    except (OSError, smtplib.SMTPException) as error:
        raise SendError(f"cannot connect to {server.host}:{server.port}: {error}") from None
    return client


def send(
    messages: Iterable[tuple[Recipient, bytes]],
    *,
    sender: str,
    message_id: Callable[[Recipient], str],
    server: Server,
    journal: Journal,
    envelope: Callable[[Recipient], list[str]] | None = None,
    rate: float = 0.0,
    resend_uncertain: bool = False,
    progress: Callable[[int], None] | None = None,
    connector: Callable[[Server], smtplib.SMTP] = connect,
) -> Report:
    """Send each recipient's message unless the journal has it accepted; record every outcome.

    `envelope` gives the addresses a message is delivered to, the recipient first (default: the
    recipient alone): they are the ``RCPT TO`` of one SMTP transaction.
    """
    from email.utils import parseaddr

    report = Report()
    client: smtplib.SMTP | None = None
    envelope_from = parseaddr(sender)[1]
    pause = 1.0 / rate if rate > 0 else 0.0
    broken = False
    try:
        for number, (recipient, message) in enumerate(messages, start=1):
            key = address_key(recipient.email)
            if progress:
                progress(number)
            if key in journal.accepted:
                report.already.append(recipient.email)
                continue
            if key in journal.sending and not resend_uncertain:
                report.uncertain.append(recipient.email)
                continue
            if broken:
                report.unsent.append(recipient.email)
                continue
            mid = message_id(recipient)
            try:
                if client is None:
                    client = connector(server)
                options = _mail_options(client, message)
                journal.record(mid, recipient.email, "sending")
                refused = _transfer(
                    client, envelope_from, envelope(recipient) if envelope else [recipient.email], message, options
                )
            except smtplib.SMTPRecipientsRefused as error:
                detail = "; ".join(
                    f"{code} {text.decode(errors='replace')}" for code, text in error.recipients.values()
                )
                journal.record(mid, recipient.email, "refused", detail)
                report.refused.append((recipient.email, detail))
                continue
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError, SendError) as error:
                journal.record(mid, recipient.email, "failed", str(error))  # refused by the server: retry later
                report.unsent.append(recipient.email)
                broken = True
                continue
            except (smtplib.SMTPServerDisconnected, OSError) as error:
                journal.record(mid, recipient.email, "lost", str(error))  # may have arrived: never resent blindly
                report.uncertain.append(recipient.email)
                broken = True
                continue
            replies = {copy: f"{code} {text.decode(errors='replace')}" for copy, (code, text) in refused.items()}
            journal.record(
                mid, recipient.email, "accepted", "; ".join(f"copy refused: {c} ({r})" for c, r in replies.items())
            )
            journal.accepted.add(key)
            report.accepted.append(recipient.email)
            report.copies_refused += [(copy, recipient.email, reply) for copy, reply in replies.items()]
            if pause:
                time.sleep(pause)
    finally:
        journal.close()
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()
    return report


def _transfer(
    client: smtplib.SMTP, sender: str, recipients: list[str], message: bytes, options: list[str]
) -> dict[str, tuple[int, bytes]]:
    """One SMTP transaction, as `smtplib.SMTP.sendmail` does it, except that when the server
    refuses the first recipient (the one the message is for) nothing is sent: no copy ever goes
    out without the recipient's message. Returns the copies the server refused."""

    def end(code: int) -> None:
        if code == 421:  # the server is closing the connection
            client.close()
        else:
            with contextlib.suppress(smtplib.SMTPServerDisconnected):
                client.rset()

    client.ehlo_or_helo_if_needed()
    size = [f"SIZE={len(message)}"] if client.does_esmtp and client.has_extn("size") else []
    code, reply = client.mail(sender, [*size, *options])
    if code != 250:
        end(code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for index, address in enumerate(recipients):
        code, reply = client.rcpt(address)
        if code == 421:  # before DATA: nothing was sent
            end(code)
            raise SendError(f"the server closed the connection: {code} {reply.decode(errors='replace')}")
        if code not in (250, 251):
            if index == 0:
                end(code)
                raise smtplib.SMTPRecipientsRefused({address: (code, reply)})
            refused[address] = (code, reply)
    code, reply = client.data(message)
    if code != 250:
        end(code)
        raise smtplib.SMTPDataError(code, reply)
    return refused


def _mail_options(client: smtplib.SMTP, message: bytes) -> list[str]:
    options: list[str] = []
    if client.has_extn("8bitmime"):
        options.append("BODY=8BITMIME")
    elif b"Content-Transfer-Encoding: 8bit" in message:
        raise SendError("the server does not accept 8-bit messages (no 8BITMIME)")
    if needs_smtputf8(message):
        if not client.has_extn("smtputf8"):
            raise SendError("a recipient's address is not ASCII and the server does not offer SMTPUTF8")
        options.append("SMTPUTF8")
    return options


def describe(report: Report) -> list[str]:
    """Lines for the terminal: what was sent, and exactly what was not."""
    lines = [f"accepted now: {len(report.accepted)}; accepted before (journal): {len(report.already)}"]
    lines += [f"refused: {address} ({detail})" for address, detail in report.refused]
    lines += [f"not sent: {address}" for address in report.unsent]
    lines += [f"uncertain (may have been sent; not sent again): {address}" for address in report.uncertain]
    lines += [f"copy refused: {copy}, of the message to {to} ({reply})" for copy, to, reply in report.copies_refused]
    return lines
