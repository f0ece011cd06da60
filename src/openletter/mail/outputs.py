"""Where merged messages go when they are not sent: an mbox file, a Maildir, or a folder of .eml.

Writers stream: each message is written as it is made, and nothing is kept. The mbox is written
to a temporary file and renamed into place at the end, so an interrupted run never leaves half
an mbox where a complete one was.
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from ..errors import OutputError
from ..output import output_path
from .recipients import Recipient

_FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)


def mbox_body(message: bytes) -> bytes:
    """A message as an mbox stores it ("mboxrd"): LF line ends, and every line that starts with
    ``>*From `` given one more ``>``."""
    return mboxrd_quoted(message.replace(b"\r\n", b"\n"))


def mboxrd_quoted(body: bytes) -> bytes:
    """`body` (LF line ends) with every line that starts with ``>*From `` given one more ``>``."""
    if b"\nFrom " in body or b"\n>" in body:  # the regex only where it can match
        body = _FROM_LINE.sub(rb">\1", body)
    return body


def mbox_entry(message: bytes, sender: str, date: str = "Thu Jan  1 00:00:00 1970", *, stored: bool = False) -> bytes:
    """One mbox entry (RFC 4155, "mboxrd" quoting): the "From " line, then the message as
    `mbox_body` stores it (already so when `stored`: see `openletter.mail.merge.Factory.make`)."""
    return _from_line(sender, date) + (message if stored else mbox_body(message)) + b"\n"


def _from_line(sender: str, date: str) -> bytes:
    return b"From " + sender.encode("utf-8") + b" " + date.encode("ascii") + b"\n"


def mbox_message(entry: bytes) -> bytes:
    """The message an mbox entry holds, as it would go on the wire (quoting undone, CRLF)."""
    body = entry.split(b"\n", 1)[1]
    if body.endswith(b"\n\n"):
        body = body[:-1]
    body = re.sub(rb"^>(>*From )", rb"\1", body, flags=re.MULTILINE)
    return body.replace(b"\n", b"\r\n")


def mbox_messages(data: bytes) -> list[bytes]:
    """Every message of an mbox file written by `write_mbox`, as it would go on the wire."""
    return [mbox_message(entry) for entry in re.split(rb"(?<=\n)\n(?=From )", data) if entry]


def write_mbox(path: Path, messages: Iterable[tuple[Recipient, bytes]], sender: str, *, stored: bool = False) -> int:
    """Write every message to the mbox file at `path` (atomically); return how many.

    `stored`: the messages are already as an mbox stores them (`mbox_body`), as
    ``factory.messages(recipients, mbox=True)`` makes them."""
    from email.utils import parseaddr

    envelope_sender = parseaddr(sender)[1] or "MAILER-DAEMON"
    stamp = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(0))
    separator = _from_line(envelope_sender, stamp)
    count = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        handle: BinaryIO
        with os.fdopen(descriptor, "wb", buffering=1 << 20) as handle:
            for _, message in messages:
                handle.write(separator)
                handle.write(message if stored else mbox_body(message))
                handle.write(b"\n")
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


def write_maildir(folder: Path, messages: Iterable[tuple[Recipient, bytes]]) -> int:
    """Deliver every message into the Maildir `folder` (tmp/ then rename into new/)."""
    for sub in ("tmp", "new", "cur"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    host = socket.gethostname().replace("/", "\\057").replace(":", "\\072")
    count = 0
    for recipient, message in messages:
        name = f"{time.time_ns()}.P{os.getpid()}Q{count}.{host}"
        temporary = folder / "tmp" / name
        with open(temporary, "wb") as handle:
            handle.write(message)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, folder / "new" / name)
        count += 1
        del recipient
    return count


def write_eml_folder(folder: Path, messages: Iterable[tuple[Recipient, bytes]]) -> int:
    """Write each message as ``NNNNN-address.eml`` in `folder` (names made safe, never outside it)."""
    from ..output import write_atomic

    count = 0
    for recipient, message in messages:
        count += 1
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", recipient.email)[:80].strip("._") or "recipient"
        write_atomic(output_path(folder, f"{count:05d}-{slug}.eml"), message)
    return count
