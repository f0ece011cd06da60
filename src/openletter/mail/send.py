"""Sending merged messages over SMTP, resumably: a journal records what the server accepted.

The journal is a JSON-lines file. Before a message is handed to the server, a ``sending`` line
is written; when the server accepts it (``250``), an ``accepted`` line, flushed to disk at once.
A re-run reads the journal and skips every accepted message, so after a crash, a dropped
connection or a refused recipient it sends only what was not yet accepted. A message whose
``sending`` line has no ``accepted`` line (the process died while the server was answering) is
reported as uncertain and is not sent again unless ``--resend-uncertain`` is given: sending
nothing twice is the rule.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

import attrs

from ..errors import OpenLetterError
from .merge import needs_smtputf8
from .recipients import Recipient

"""The environment variable the SMTP password is read from (else it is asked for)."""


class SendError(OpenLetterError):
    """Sending could not go on (connection, authentication, server capabilities)."""


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

    @property
    def complete(self) -> bool:
        """True when every recipient's message has been accepted (now or before)."""
        return not (self.refused or self.unsent or self.uncertain)


class Journal:
    """The append-only record of what the server accepted, keyed by Message-ID."""

    def __init__(self, path: Path) -> None:
        self.path = path
        last: dict[str, str] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a crash
                last[entry["id"]] = entry.get("status", "")
        self.accepted = {mid for mid, status in last.items() if status == "accepted"}
        # "sending" with no outcome: the run died while the server was answering. "lost": the
        # connection broke during the transfer. Either way the server may have the message.
        self.sending = {mid for mid, status in last.items() if status in ("sending", "lost")}
        self._handle: TextIO | None = None

    def record(self, message_id: str, recipient: str, status: str, detail: str = "") -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 -- kept open for the run
        entry = {"id": message_id, "to": recipient, "status": status, "time": time.time(), "detail": detail}
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
    rate: float = 0.0,
    resend_uncertain: bool = False,
    progress: Callable[[int], None] | None = None,
    connector: Callable[[Server], smtplib.SMTP] = connect,
) -> Report:
    """Send each message not yet accepted; record every outcome in the journal."""
    from email.utils import parseaddr

    report = Report()
    client: smtplib.SMTP | None = None
    envelope_from = parseaddr(sender)[1]
    pause = 1.0 / rate if rate > 0 else 0.0
    broken = False
    try:
        for number, (recipient, message) in enumerate(messages, start=1):
            mid = message_id(recipient)
            if progress:
                progress(number)
            if mid in journal.accepted:
                report.already.append(recipient.email)
                continue
            if mid in journal.sending and not resend_uncertain:
                report.uncertain.append(recipient.email)
                continue
            if broken:
                report.unsent.append(recipient.email)
                continue
            try:
                if client is None:
                    client = connector(server)
                options = _mail_options(client, message)
                journal.record(mid, recipient.email, "sending")
                client.sendmail(envelope_from, [recipient.email], message, mail_options=options)
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
            journal.record(mid, recipient.email, "accepted")
            journal.accepted.add(mid)
            report.accepted.append(recipient.email)
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
    return lines
