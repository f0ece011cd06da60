"""`ExporterContract`: the tests every exporter must pass, for plugin authors to subclass.

::

    from openletter.testing import ExporterContract

    class TestTxtContract(ExporterContract):
        format = "txt"

pytest then runs each test below on each sample letter (`openletter.testing.SAMPLE_NAMES`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from io import BytesIO
from typing import Any, ClassVar

import attrs
import pytest

from ..exporter import Exporter
from ..model import Letter
from ..plugins import Registry, default_registry
from .samples import SAMPLE_NAMES, sample_letter, sample_phrases

__all__ = [
    "PRIVATE_MARKERS",
    "PUBLIC_MARKERS",
    "ExporterContract",
    "ImpureRender",
    "guard_purity",
    "private_sample",
    "textual_media_type",
]

_TEXTUAL = re.compile(r"text/|application/(json|ld\+json|xml|javascript)|application/[\w.+-]+\+(json|xml)|message/")


def textual_media_type(media_type: str) -> bool:
    """Whether output of this media type is text a person can read as it is (text/*, JSON, XML...)."""
    return bool(_TEXTUAL.match(media_type))


_ZIP_PACKAGES = ("application/vnd.openxmlformats", "application/vnd.oasis.opendocument")
"""Media types of ZIP packages: Office Open XML (.docx, .xlsx...) and OpenDocument (.odt...)."""

# --------------------------------------------------------------------------- purity


class ImpureRender(AssertionError):
    """An exporter opened a connection, wrote a file or started a program while rendering."""


_NETWORK_EVENTS = frozenset(
    {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto",
     "socket.sendmsg", "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect",
     "imaplib.open", "poplib.connect", "telnetlib.Telnet.open", "webbrowser.open"}
)  # fmt: skip
"""Audit events that reach the network (PEP 578)."""

_SIDE_EFFECT_EVENTS = frozenset(
    {"os.remove", "os.rename", "os.mkdir", "os.rmdir", "os.symlink", "os.link", "os.truncate", "os.chmod",
     "os.chown", "os.utime", "os.chflags", "os.mkfifo", "os.mknod", "os.system", "os.exec", "os.posix_spawn",
     "os.spawn", "os.fork", "os.forkpty", "os.startfile", "os.kill", "subprocess.Popen", "shutil.rmtree",
     "shutil.copyfile", "shutil.move", "shutil.make_archive", "sqlite3.connect", "tempfile.mkstemp",
     "tempfile.mkdtemp", "pty.spawn"}
)  # fmt: skip
"""Audit events that change files or start programs."""

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

_guards: list[tuple[bool, list[str]]] = []
"""The active `guard_purity` blocks, innermost last: (whether file changes count, what was seen)."""

_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _guards:
        return
    seen = None
    if event in _NETWORK_EVENTS:
        seen = f"{event} {args[:2]!r}"
    elif event == "open" and len(args) >= 3:
        path, mode, flags = args[0], args[1], args[2]
        writes = any(c in mode for c in "wax+") if isinstance(mode, str) else bool((flags or 0) & _WRITE_FLAGS)
        if writes:
            seen = f"open {path!r} for writing"
    elif event in _SIDE_EFFECT_EVENTS:
        seen = f"{event} {args[:2]!r}"
    if seen is not None:
        network = event in _NETWORK_EVENTS
        for files, found in _guards:
            if files or network:
                found.append(seen)


@contextmanager
def guard_purity(*, files: bool = True) -> Iterator[list[str]]:
    """Record what Python code in the block does that a pure render must not: connect anywhere
    or look up a host name, and (with `files`) write, create, delete or rename a file, open a
    database, or start a program.

    Uses an audit hook (PEP 578), installed once per process and idle outside these blocks; blocks
    nest. Native code doing its own I/O is not seen. Bytecode caching is off inside the block, so
    that a first import is not mistaken for the exporter writing a file.
    """
    global _hook_installed  # noqa: PLW0603 -- one audit hook per process
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    found: list[str] = []
    _guards.append((files, found))
    try:
        yield found
    finally:
        for index in range(len(_guards) - 1, -1, -1):
            if _guards[index][1] is found:
                del _guards[index]
        sys.dont_write_bytecode = dont_write


# --------------------------------------------------------------------------- the contract


def _squeeze(text: str) -> str:
    """NFC, without whitespace and invisible format characters (soft hyphens, bidirectional marks
    that text extractors such as pdftotext add): how phrases are compared with rendered text."""
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _charset(media_type: str) -> str:
    """The ``charset`` parameter of a media type (UTF-8 when there is none)."""
    for parameter in media_type.split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"') or "utf-8"
    return "utf-8"


_ELSEWHERE = """
import base64, json, sys
from openletter.plugins import default_registry
from openletter.testing.samples import sample_letter
name, options, samples = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
registry = default_registry()
json.dump({s: base64.b64encode(registry.render(sample_letter(s), name, options)).decode() for s in samples}, sys.stdout)
"""


@cache
def _rendered_in_another_process(name: str, options: str, samples: tuple[str, ...]) -> Mapping[str, bytes]:
    """The samples rendered by a fresh Python process with another hash seed (for set and dict
    order that depends on string hashing)."""
    import base64
    import subprocess

    seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    done = subprocess.run(
        [sys.executable, "-c", _ELSEWHERE, name, options, json.dumps(list(samples))],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"rendering in another process failed:\n{done.stderr[-2000:]}")
    return {key: base64.b64decode(value) for key, value in json.loads(done.stdout).items()}


PRIVATE_MARKERS: tuple[str, ...] = (
    "privatecontactmail",
    "PRIVATECONTACTPHONE",
    "PRIVATEADDRESSROAD",
    "PRIVATEADDRESSTOWN",
    "Countonlyhiddenname",
    "Countonlyaffiliation",
    "Withdrawnhiddenname",
    "Withdrawnaffiliation",
    "Nameonlyhiddentitle",
    "Nameonlyhiddenaffiliation",
    "Nameonlyhiddencountry",
    "PRIVATESIGNATURESOURCE",
    "PRIVATETEXTVERSION",
    "Hiddenorganisationname",
    "hiddenorganisationsite",
)
"""Words of `private_sample` that no public format may write: contact data, the names and
affiliations of count-only and withdrawn signatories, what a name-only signer did not consent to
publish, the source and version of signature records."""

PUBLIC_MARKERS: tuple[str, ...] = ("Nameonlyshownname", "Fullconsentshownname")
"""Names of `private_sample` that every format carrying the signatory list shows."""


def private_sample() -> Letter:
    """A letter whose signatories carry signature records full of `PRIVATE_MARKERS`."""
    from ..model import (
        Contact,
        Organisation,
        OrganisationGroup,
        Person,
        PersonGroup,
        Section,
        Signature,
        Verification,
        Withdrawal,
    )

    contact = Contact(
        email="privatecontactmail@example.org",
        phone="+99 PRIVATECONTACTPHONE 42",
        address="1 PRIVATEADDRESSROAD\nPRIVATEADDRESSTOWN",
    )
    record = Signature(
        signed=dt.date(2024, 5, 3),
        verification=Verification(method="email", at=dt.date(2024, 5, 4)),
        version="PRIVATETEXTVERSION",
        source="PRIVATESIGNATURESOURCE",
        contact=contact,
    )
    return Letter(
        title="A letter with private signature records",
        language="en",
        sections=(Section(text="We ask for what is right."),),
        closing="Sincerely,",
        signatories=(
            PersonGroup(
                people=(
                    Person(name="Fullconsentshownname", title="Professor", signature=record),
                    Person(
                        name="Nameonlyshownname",
                        title="Nameonlyhiddentitle",
                        affiliation="Nameonlyhiddenaffiliation",
                        country="Nameonlyhiddencountry",
                        signature=attrs.evolve(record, consent="name"),
                    ),
                    Person(
                        name="Countonlyhiddenname",
                        affiliation="Countonlyaffiliation",
                        signature=attrs.evolve(record, consent="count"),
                    ),
                    Person(
                        name="Withdrawnhiddenname",
                        affiliation="Withdrawnaffiliation",
                        signature=attrs.evolve(record, withdrawal=Withdrawal(at=dt.date(2024, 6, 1), shown=True)),
                    ),
                )
            ),
            OrganisationGroup(
                organisations=(
                    Organisation(
                        name="Hiddenorganisationname",
                        url="https://hiddenorganisationsite.example.org/",
                        signature=attrs.evolve(record, consent="count"),
                    ),
                )
            ),
        ),
    )


_DAY = 86_400 + 3.7
"""How far the clock moves between two renders that must give the same bytes."""


class ExporterContract:
    """What every exporter must honour; subclass it in a test module and set `format`.

    Each ``test_`` method runs once per sample letter. Override `extract_text` for a binary format
    (PDF, DOCX...) so that the "text of the letter is in the output" check can run, and for a format
    with escaping of its own (CSV doubles quotes, LaTeX escapes ``%``...). For textual formats the
    default decodes the output in its charset (JSON strings, HTML entities and CSV cells decoded).
    """

    format: ClassVar[str] = ""
    """The format's name, as in ``openletter build -t NAME``."""

    options: ClassVar[Mapping[str, str]] = {}
    """Options passed to every render, as with ``-O FORMAT.NAME=VALUE``."""

    samples: ClassVar[tuple[str, ...]] = SAMPLE_NAMES
    """The samples to try; leaving one out needs a reason in your test module."""

    prints: ClassVar[bool] = False
    """Whether the format prints the letter for people to read (a page, a document, an email).

    A printing format is held to the faithfulness check (`openletter.testing.faithful`): every
    printed unit of the letter in order, and nothing the letter lacks, in `extract_text` of its
    output. Data formats (JSON, a CSV of demands...) only need the letter's text to be there."""

    carries: ClassVar[frozenset[str] | None] = None
    """The kinds of printed parts the format carries (`openletter.printed.Part.kind`), when it
    carries only part of a letter: ``frozenset({"demands"})`` for a CSV of the demands,
    ``frozenset({"title", "dateline"})`` for a calendar entry. None: the whole letter."""

    navigation: ClassVar[tuple[str, ...]] = ()
    """Words the format adds to find one's way (not the letter's): allowed by the faithfulness
    check. Labels need not be listed."""

    def registry(self) -> Registry:
        """The registry the format is looked up in: the installed plugins (override to register
        a plugin object directly: ``Registry(plugins=[("txt", my_module)])``)."""
        return default_registry()

    def extract_text(self, output: bytes) -> str:
        """The human-readable text of an output, for the text check.

        The default decodes textual media types (text/*, JSON, XML, email) in their charset; it
        returns the strings of JSON, the cells of CSV, and unescapes HTML and XML entities. Binary
        formats must override it (or the check is skipped, saying so).
        """
        exporter = self.exporter()
        if not textual_media_type(exporter.media_type):
            pytest.skip(f"{exporter.media_type} is not textual: override extract_text() to check the letter's text")
        import html

        media_type = exporter.media_type.split(";")[0].strip().lower()
        if media_type.startswith("message/"):
            import email
            import email.policy

            message = email.message_from_bytes(output, policy=email.policy.default)
            parts = [str(message.get("Subject", ""))]
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    content: str = part.get_content()
                    parts.append(html.unescape(content) if part.get_content_subtype() == "html" else content)
            return "\n".join(parts)
        text = output.decode(_charset(exporter.media_type))
        if media_type.endswith("json"):
            return "\n".join(_strings(json.loads(text)))
        if media_type.endswith(("html", "xml")):
            return html.unescape(text)
        if media_type in ("text/csv", "text/tab-separated-values"):
            import csv
            import io

            dialect = "excel-tab" if media_type.endswith("values") else "excel"
            return "\n".join(cell for row in csv.reader(io.StringIO(text), dialect) for cell in row)
        return text

    # ------------------------------------------------------------------ helpers

    def exporter(self) -> Exporter:
        """The exporter under test (fails with the registry's errors when it is not there)."""
        registry = self.registry()
        formats = registry.formats
        if self.format not in formats:
            errors = "; ".join(str(e) for e in registry.errors) or "no plugin error was reported"
            pytest.fail(f"no format {self.format!r} is installed (formats: {', '.join(formats)}; {errors})")
        return formats[self.format].exporter

    def render(self, letter: Letter) -> bytes:
        """Render through the registry, as ``openletter build`` does; any network access (even
        once, behind a cache) fails the test that rendered."""
        with guard_purity(files=False) as seen:
            output = self.registry().render(letter, self.format, self.options)
        if seen:
            raise ImpureRender(f"rendering for the {self.format} format reached the network: " + "; ".join(seen))
        return output

    @pytest.fixture(params=SAMPLE_NAMES)
    def sample(self, request: pytest.FixtureRequest) -> tuple[str, Letter]:
        """Each sample letter in turn, as (name, letter)."""
        name: str = request.param
        if name not in self.samples:
            pytest.skip(f"{type(self).__name__} leaves out the {name!r} sample")
        return name, sample_letter(name)

    # ------------------------------------------------------------------ the tests

    def test_format_is_declared_correctly(self) -> None:
        """The format is installed, named as asked, with a file suffix and a media type."""
        exporter = self.exporter()
        assert exporter.name == self.format
        assert exporter.suffix.startswith(".")
        assert "/" not in exporter.suffix
        assert "/" in exporter.media_type
        assert set(self.options) <= set(exporter.options), "the contract's options must be declared options"

    def test_renders_without_error(self, sample: tuple[str, Letter]) -> None:
        """Every sample renders to non-empty output."""
        output = self.render(sample[1])
        assert isinstance(output, bytes)
        assert output, f"empty output for the {sample[0]!r} sample"

    def test_output_is_deterministic(self, sample: tuple[str, Letter], monkeypatch: pytest.MonkeyPatch) -> None:
        """The same letter and options give the same bytes: a day later by the clock (``time``),
        and, for an installed plugin, in another process with another string-hash seed."""
        import time

        first = self.render(sample[1])
        now, now_ns, localtime, gmtime = time.time, time.time_ns, time.localtime, time.gmtime
        monkeypatch.setattr(time, "time", lambda: now() + _DAY)
        monkeypatch.setattr(time, "time_ns", lambda: now_ns() + int(_DAY * 1e9))
        monkeypatch.setattr(time, "localtime", lambda t=None: localtime(now() + _DAY if t is None else t))
        monkeypatch.setattr(time, "gmtime", lambda t=None: gmtime(now() + _DAY if t is None else t))
        later = self.render(sample[1])
        monkeypatch.undo()
        assert first == later, f"two renders of {sample[0]!r} differ (a day apart by the clock)"
        if type(self).registry is ExporterContract.registry:  # the plugin is installed: try a new process
            options = json.dumps(dict(self.options), sort_keys=True)
            elsewhere = _rendered_in_another_process(self.format, options, tuple(self.samples))
            assert elsewhere[sample[0]] == first, (
                f"{sample[0]!r} renders differently in another process (PYTHONHASHSEED): set or dict order?"
            )

    def test_output_matches_its_media_type(self, sample: tuple[str, Letter]) -> None:
        """The bytes are what the media type says: text in its charset, JSON, a PDF, a ZIP package..."""
        exporter = self.exporter()
        output = self.render(sample[1])
        media_type = exporter.media_type.split(";")[0].strip().lower()
        if textual_media_type(media_type):
            text = output.decode(_charset(exporter.media_type))  # raises if the text is not in its charset
            if media_type.endswith("json"):
                json.loads(text)
        elif media_type == "application/pdf":
            assert output.startswith(b"%PDF-"), "a PDF starts with %PDF-"
            assert b"%%EOF" in output[-1024:], "a PDF ends with %%EOF"
        elif media_type.startswith(_ZIP_PACKAGES) or media_type in ("application/zip", "application/epub+zip"):
            with zipfile.ZipFile(BytesIO(output)) as package:
                assert package.testzip() is None, "a corrupt member in the package"
        elif media_type in _SIGNATURES:
            assert output.startswith(_SIGNATURES[media_type]), f"{media_type} starts with {_SIGNATURES[media_type]!r}"

    def test_no_network_and_no_files_written(self, sample: tuple[str, Letter]) -> None:
        """Rendering opens no connection, writes or deletes no file and starts no program (seen
        through Python's audit hooks; the first render, which may import and cache, is checked for
        the network only)."""
        with guard_purity(files=False) as first:
            self.render(sample[1])
        with guard_purity() as second:
            self.render(sample[1])
        if first or second:
            raise ImpureRender(f"rendering {sample[0]!r} was not pure: " + "; ".join(first + second))

    def test_text_of_the_letter_is_in_the_output(self, sample: tuple[str, Letter]) -> None:
        """The title, salutation, closing and first signatory appear, as text, in the output (of
        these, the ones in the parts the format `carries`)."""
        text = _squeeze(self.extract_text(self.render(sample[1])))
        phrases = sample_phrases(sample[1], self.carries)
        for phrase in phrases:
            assert _squeeze(phrase) in text, f"{phrase!r} is not in the {self.format} output of {sample[0]!r}"
        if not phrases:  # none of those parts is carried: at least one carried unit is there
            from .faithful import printed_units

            units = [_squeeze(u.text) for u in printed_units(sample[1], self.carries)]
            assert not units or any(u in text for u in units), f"nothing it carries is in the {self.format} output"

    def test_output_is_faithful_to_the_letter(self, sample: tuple[str, Letter]) -> None:
        """A printing format (`prints`) shows every printed unit of the letter, in order, and
        nothing the letter does not have (`openletter.testing.faithful`)."""
        if not self.prints:
            pytest.skip(f"{self.format} does not print the letter for reading (prints = False)")
        from .faithful import faithfulness_problems

        text = self.extract_text(self.render(sample[1]))
        problems = faithfulness_problems(sample[1], text, kinds=self.carries, navigation=self.navigation)
        assert problems == [], f"the {self.format} output of {sample[0]!r} is not the letter as written"

    def test_private_data_never_reaches_the_output(self) -> None:
        """Contact data, signature records, count-only and withdrawn signatories, and what a
        name-only signer did not consent to publish appear nowhere in the output: not in its text
        (`extract_text`), not in its bytes (textual formats); name-only signers' names do."""
        output = self.render(private_sample())
        exporter = self.exporter()
        found = _squeeze(self.extract_text(output)).casefold()
        raw = ""
        if textual_media_type(exporter.media_type):  # the bytes as they are, and every decoded text part
            raw = output.decode(_charset(exporter.media_type), "replace")
            raw = (raw + "\n" + _squeeze(ExporterContract.extract_text(self, output))).casefold()
        for marker in PRIVATE_MARKERS:
            assert marker.casefold() not in found, f"private {marker!r} is in the {self.format} output's text"
            assert marker.casefold() not in raw, f"private {marker!r} is in the {self.format} output's bytes"
        if self.carries is None or "signatory_group" in self.carries:
            for marker in PUBLIC_MARKERS:
                assert marker.casefold() in found, f"{marker!r} consented to be named: not in the {self.format} output"

    def test_a_letter_with_private_records_is_printed_faithfully(self) -> None:
        """A printing format prints `private_sample` as its public view: the named signatories,
        then the count of those not named and withdrawn ("Signatures: 4 (not named: 2);
        withdrawn: 1"), as every format states it (`openletter.printed.TallyNote`)."""
        if not self.prints:
            pytest.skip(f"{self.format} does not print the letter for reading (prints = False)")
        from .faithful import faithfulness_problems

        letter = private_sample()
        text = self.extract_text(self.render(letter))
        problems = faithfulness_problems(letter, text, kinds=self.carries, navigation=self.navigation)
        assert problems == [], f"the {self.format} output of the private sample is not its public view"


_SIGNATURES = {
    "application/rtf": b"{\\rtf",
    "text/rtf": b"{\\rtf",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
    "image/gif": b"GIF8",
    "application/postscript": b"%!PS",
}
"""How files of some binary media types start."""
