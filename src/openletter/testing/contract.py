"""`ExporterContract`: the tests every exporter must pass, for plugin authors to subclass.

::

    from openletter.testing import ExporterContract

    class TestTxtContract(ExporterContract):
        format = "txt"

pytest then runs each test below on each sample letter (`openletter.testing.SAMPLE_NAMES`).
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from io import BytesIO
from typing import Any, ClassVar

import pytest

from ..exporter import Exporter
from ..model import Letter
from ..plugins import Registry, default_registry
from .samples import SAMPLE_NAMES, sample_letter, sample_phrases

__all__ = ["ExporterContract", "ImpureRender", "guard_purity", "textual_media_type"]

_TEXTUAL = re.compile(r"text/|application/(json|ld\+json|xml|javascript)|application/[\w.+-]+\+(json|xml)|message/")


def textual_media_type(media_type: str) -> bool:
    """Whether output of this media type is text a person can read as it is (text/*, JSON, XML...)."""
    return bool(_TEXTUAL.match(media_type))


_ZIP_PACKAGES = ("application/vnd.openxmlformats", "application/vnd.oasis.opendocument")
"""Media types of ZIP packages: Office Open XML (.docx, .xlsx...) and OpenDocument (.odt...)."""

# --------------------------------------------------------------------------- purity


class ImpureRender(AssertionError):
    """An exporter opened a connection or wrote a file while rendering."""


_guard_active = False
_violations: list[str] = []
_hook_installed = False

_NETWORK_EVENTS = frozenset(
    {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto", "urllib.Request"}
)
_WRITE_FLAGS = 0o1 | 0o2 | 0o100 | 0o1000  # O_WRONLY | O_RDWR | O_CREAT | O_TRUNC


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _guard_active:
        return
    if event in _NETWORK_EVENTS:
        _violations.append(f"{event} {args[:2]!r}")
    elif event == "open" and len(args) >= 3:
        path, mode, flags = args[0], args[1], args[2]
        writes = any(c in mode for c in "wax+") if isinstance(mode, str) else bool((flags or 0) & _WRITE_FLAGS)
        if writes:
            _violations.append(f"open {path!r} for writing")
    elif event in ("os.remove", "os.rename", "os.mkdir", "shutil.rmtree"):
        _violations.append(f"{event} {args[:2]!r}")


@contextmanager
def guard_purity() -> Iterator[list[str]]:
    """Record every connection, DNS lookup and file write made by Python code in the block.

    Uses an audit hook (PEP 578), installed once per process and idle outside this block. Native
    code that does its own I/O is not seen. Bytecode caching is switched off inside the block, so
    that a first import is not mistaken for the exporter writing a file.
    """
    global _guard_active, _hook_installed  # noqa: PLW0603 -- one audit hook per process
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    _violations.clear()
    _guard_active = True
    found: list[str] = []
    try:
        yield found
    finally:
        _guard_active = False
        sys.dont_write_bytecode = dont_write
        found.extend(_violations)
        _violations.clear()


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


class ExporterContract:
    """What every exporter must honour; subclass it in a test module and set `format`.

    Each ``test_`` method runs once per sample letter. Override `extract_text` for a binary format
    (PDF, DOCX...) so that the "text of the letter is in the output" check can run; for textual
    formats the default reads the output as UTF-8 (JSON strings and HTML entities decoded).
    """

    format: ClassVar[str] = ""
    """The format's name, as in ``openletter build -t NAME``."""

    options: ClassVar[Mapping[str, str]] = {}
    """Options passed to every render, as with ``-O FORMAT.NAME=VALUE``."""

    samples: ClassVar[tuple[str, ...]] = SAMPLE_NAMES
    """The samples to try; leaving one out needs a reason in your test module."""

    def registry(self) -> Registry:
        """The registry the format is looked up in: the installed plugins (override to register
        a plugin object directly: ``Registry(plugins=[("txt", my_module)])``)."""
        return default_registry()

    def extract_text(self, output: bytes) -> str:
        """The human-readable text of an output, for the text check.

        The default decodes textual media types (text/*, JSON, XML, email); it returns the JSON
        strings for JSON and unescapes HTML entities. Binary formats must override it (or the check
        is skipped, saying so).
        """
        exporter = self.exporter()
        if not textual_media_type(exporter.media_type):
            pytest.skip(f"{exporter.media_type} is not textual: override extract_text() to check the letter's text")
        import html

        media_type = exporter.media_type.split(";")[0].strip()
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
        text = output.decode("utf-8")
        if media_type.endswith("json"):
            return "\n".join(_strings(json.loads(text)))
        if media_type.endswith(("html", "xml")):
            return html.unescape(text)
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
        """Render through the registry, as ``openletter build`` does."""
        return self.registry().render(letter, self.format, self.options)

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

    def test_output_is_deterministic(self, sample: tuple[str, Letter]) -> None:
        """The same letter and options give the same bytes (no clock, no randomness, no dict order)."""
        assert self.render(sample[1]) == self.render(sample[1]), f"two renders of {sample[0]!r} differ"

    def test_output_matches_its_media_type(self, sample: tuple[str, Letter]) -> None:
        """The bytes are what the media type says: UTF-8 text, JSON, a PDF, a ZIP package..."""
        exporter = self.exporter()
        output = self.render(sample[1])
        media_type = exporter.media_type.split(";")[0].strip()
        if textual_media_type(media_type):
            text = output.decode("utf-8")  # raises if the text is not UTF-8
            if media_type.endswith("json"):
                json.loads(text)
        elif media_type == "application/pdf":
            assert output.startswith(b"%PDF-"), "a PDF starts with %PDF-"
            assert b"%%EOF" in output[-1024:], "a PDF ends with %%EOF"
        elif media_type.startswith(_ZIP_PACKAGES) or media_type in ("application/zip", "application/epub+zip"):
            with zipfile.ZipFile(BytesIO(output)) as package:
                assert package.testzip() is None, "a corrupt member in the package"

    def test_no_network_and_no_files_written(self, sample: tuple[str, Letter]) -> None:
        """Rendering opens no connection and writes no file (checked with a Python audit hook)."""
        self.render(sample[1])  # first imports and caches happen outside the guard
        with guard_purity() as violations:
            self.render(sample[1])
        assert not violations, f"rendering {sample[0]!r} was not pure: " + "; ".join(violations)

    def test_text_of_the_letter_is_in_the_output(self, sample: tuple[str, Letter]) -> None:
        """The title, salutation, closing and first signatory appear, as text, in the output."""
        text = _squeeze(self.extract_text(self.render(sample[1])))
        for phrase in sample_phrases(sample[1]):
            assert _squeeze(phrase) in text, f"{phrase!r} is not in the {self.format} output of {sample[0]!r}"
