"""openletter.testing: the contract suite catches each way an exporter can break it."""

from __future__ import annotations

import pytest

from openletter.testing import SAMPLE_NAMES, sample_letter, sample_letters

GOOD = """
def good(letter):
    names = [o.name for o in letter.organisations()] + [p.name for p in letter.people()]
    if not letter.signatories and letter.sender is not None:
        names = list(letter.sender.names)
    return "\\n".join([letter.title, letter.salutation or "", letter.closing or "", *names])
"""

PER_SAMPLE = {
    "test_renders_without_error",
    "test_output_is_deterministic",
    "test_output_matches_its_media_type",
    "test_no_network_and_no_files_written",
    "test_text_of_the_letter_is_in_the_output",
}

PRIVACY = "test_private_data_never_reaches_the_output"
"""The contract's privacy check: it renders too, and the name-only signer must be named."""

BROKEN: dict[str, tuple[str, str, set[str]]] = {
    "random": (
        "import os\ndef render(letter, options):\n    return good(letter) + os.urandom(4).hex()",
        "text/plain",
        {"test_output_is_deterministic"},
    ),
    "network": (
        "import socket\n"
        "def render(letter, options):\n"
        "    try:\n"
        "        socket.create_connection(('127.0.0.1', 9), timeout=0.01).close()\n"
        "    except OSError:\n"
        "        pass\n"
        "    return good(letter)",
        "text/plain",
        PER_SAMPLE | {PRIVACY},  # every render is watched for the network
    ),
    "writes": (
        "import tempfile\n"
        "def render(letter, options):\n"
        "    with tempfile.TemporaryFile() as f:\n"
        "        f.write(b'x')\n"
        "    return good(letter)",
        "text/plain",
        {"test_no_network_and_no_files_written"},
    ),
    "zip_clock": (
        "import io, zipfile\n"
        "def render(letter, options):\n"
        "    buffer = io.BytesIO()\n"
        "    with zipfile.ZipFile(buffer, 'w') as package:\n"
        "        package.writestr('letter.txt', good(letter))\n"
        "    return buffer.getvalue()",
        "application/zip",
        {"test_output_is_deterministic"},
    ),
    "program": (
        "import subprocess, sys\n"
        "def render(letter, options):\n"
        "    subprocess.run([sys.executable, '-c', 'pass'], check=True)\n"
        "    return good(letter)",
        "text/plain",
        {"test_no_network_and_no_files_written"},
    ),
    "database": (
        "import sqlite3\n"
        "def render(letter, options):\n"
        "    sqlite3.connect(':memory:').close()\n"
        "    return good(letter)",
        "text/plain",
        {"test_no_network_and_no_files_written"},
    ),
    "cached_network": (
        "import functools, socket\n"
        "@functools.cache\n"
        "def lookup():\n"
        "    try:\n"
        "        socket.getaddrinfo('example.invalid', 80)\n"
        "    except OSError:\n"
        "        pass\n"
        "def render(letter, options):\n"
        "    lookup()\n"
        "    return good(letter)",
        "text/plain",
        {"test_renders_without_error"},  # every render is watched for the network: the first one fails
    ),
    "not_json": (
        "def render(letter, options):\n    return good(letter)",
        "application/json",
        {"test_output_matches_its_media_type", "test_text_of_the_letter_is_in_the_output", PRIVACY},
    ),
    "not_pdf": (
        "def render(letter, options):\n    return good(letter)",
        "application/pdf",
        {"test_output_matches_its_media_type"},
    ),
    "not_utf8": (
        "def render(letter, options):\n    return good(letter).encode('utf-16')",
        "text/plain",
        {"test_output_matches_its_media_type", "test_text_of_the_letter_is_in_the_output", PRIVACY},
    ),
    "no_title": (
        "def render(letter, options):\n    return 'nothing here'",
        "text/plain",
        {"test_text_of_the_letter_is_in_the_output", PRIVACY},  # the name-only signer is not named
    ),
    "raises": (
        "def render(letter, options):\n    if letter.signatory_count > 1000:\n        raise ValueError('too many')\n"
        "    return good(letter)",
        "text/plain",
        PER_SAMPLE,
    ),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_the_contract_catches_a_broken_exporter(pytester: pytest.Pytester, kind: str) -> None:
    code, media_type, failing = BROKEN[kind]
    pytester.makepyfile(
        test_broken=f"""
import openletter
from openletter.testing import ExporterContract
{GOOD}
{code}

class Plugin:
    @openletter.hookimpl
    def openletter_exporters(self):
        return [openletter.Exporter(name="broken", title="Broken", suffix=".txt",
                                    media_type="{media_type}", render=render)]

class TestBrokenContract(ExporterContract):
    format = "broken"

    def registry(self):
        return openletter.Registry(entry_points=False, plugins=[("broken", Plugin())])
"""
    )
    # In a subprocess: an in-process run would unload the modules it imported (yaml...) afterwards.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", "-rf")
    failed = [line.split()[1] for line in result.outlines if line.startswith("FAILED ")]
    assert {test.split("::")[-1].split("[")[0] for test in failed} == failing, failed
    if kind == "raises":  # only the sample that breaks it
        assert {test.split("[")[-1] for test in failed} == {"coalition]"}


def test_a_correct_exporter_passes_every_contract_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_good="""
import openletter
from openletter.testing import ExporterContract

def render(letter, options):
    names = [o.name for o in letter.organisations()] + [p.name for p in letter.people()]
    if not letter.signatories and letter.sender is not None:
        names = list(letter.sender.names)
    return "\\n".join([letter.title, letter.salutation or "", letter.closing or "", *names])

class Plugin:
    @openletter.hookimpl
    def openletter_exporters(self):
        return [openletter.Exporter(name="good", title="Good", suffix=".txt", media_type="text/plain", render=render)]

class TestGoodContract(ExporterContract):
    format = "good"

    def registry(self):
        return openletter.Registry(entry_points=False, plugins=[("good", Plugin())])
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    # per sample: five pass and the faithfulness check is skipped (it does not print); once: the
    # format is declared correctly, no private data reaches it, and the private sample's
    # faithfulness check is skipped
    result.assert_outcomes(passed=2 + 5 * len(SAMPLE_NAMES), skipped=1 + len(SAMPLE_NAMES))


PRINTING = """
import openletter
from openletter.plaintext import letter_to_text
from openletter.testing import ExporterContract

def render(letter, options):
    return {body}

class Plugin:
    @openletter.hookimpl
    def openletter_exporters(self):
        return [openletter.Exporter(name="txt", title="Text", suffix=".txt", media_type="text/plain", render=render)]

class TestTxtContract(ExporterContract):
    format = "txt"
    prints = True

    def registry(self):
        return openletter.Registry(entry_points=False, plugins=[("txt", Plugin())])
"""


PRIVATE_FAITHFUL = "test_a_letter_with_private_records_is_printed_faithfully"
"""The contract's faithfulness check of the letter with private signature records (its public view)."""


@pytest.mark.parametrize(
    ("body", "failing"),
    [
        ("letter_to_text(letter)", set()),
        ('letter_to_text(letter) + "\\nSent with openletter"', {*SAMPLE_NAMES, PRIVATE_FAITHFUL}),
        ("letter_to_text(letter) + letter.sections[-1].text", {*SAMPLE_NAMES, PRIVATE_FAITHFUL}),  # printed twice
        ('letter_to_text(letter).split("\\n", 1)[1]', {*SAMPLE_NAMES, PRIVATE_FAITHFUL}),  # its first line lost
    ],
    ids=["faithful", "boilerplate", "twice", "first-line-lost"],
)
def test_a_printing_format_is_held_to_the_faithfulness_check(
    pytester: pytest.Pytester, body: str, failing: set[str]
) -> None:
    pytester.makepyfile(test_txt=PRINTING.format(body=body))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", "-rf", "-k", "faithful")
    nodes = [line.split()[1] for line in result.outlines if line.startswith("FAILED ")]
    failed = {node.split("[")[-1].rstrip("]") if "[" in node else node.split("::")[-1] for node in nodes}
    assert failed == failing


PARTIAL = """
import csv, io
import openletter
from openletter.testing import ExporterContract

def render(letter, options):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "demand"])
    for demand in letter.demands:
        if demand.quote is None and demand.text is not None:
            writer.writerow([demand.id or "", demand.text])
    return out.getvalue()

class Plugin:
    @openletter.hookimpl
    def openletter_exporters(self):
        return [openletter.Exporter(name="demands", title="Demands", suffix=".csv", media_type="text/csv",
                                    render=render)]

class TestDemandsContract(ExporterContract):
    format = "demands"
    {carries}

    def registry(self):
        return openletter.Registry(entry_points=False, plugins=[("demands", Plugin())])
"""


@pytest.mark.parametrize("declared", [True, False])
def test_a_format_that_carries_part_of_a_letter_declares_which_parts(pytester: pytest.Pytester, declared: bool) -> None:
    pytester.makepyfile(test_demands=PARTIAL.format(carries='carries = frozenset({"demands"})' if declared else ""))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", "-rf", "-k", "text_of_the_letter")
    failed = [line for line in result.outlines if line.startswith("FAILED ")]
    assert (failed == []) is declared, failed


def test_a_missing_format_fails_naming_the_formats_there_are(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_missing="""
from openletter.testing import ExporterContract

class TestMissingContract(ExporterContract):
    format = "nosuchformat"
    samples = ("minimal",)
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.stdout.fnmatch_lines(["*no format 'nosuchformat' is installed (formats: json, markdown*"])


def test_the_pytest_plugin_is_registered_and_gives_each_sample(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_fixture=f"""
def test_sample(openletter_sample):
    assert openletter_sample.title

def test_samples(openletter_samples):
    assert len(openletter_samples) == {len(SAMPLE_NAMES)}
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")  # no conftest: the entry point loads it
    result.assert_outcomes(passed=len(SAMPLE_NAMES) + 1)


def test_samples_cover_what_the_contract_promises() -> None:
    letters = sample_letters()
    assert set(letters) == set(SAMPLE_NAMES)
    assert letters["coalition"].signatory_count >= 2000
    assert letters["arabic_rtl"].language == "ar"
    assert {letters[n].language for n in ("khmer", "thai_with_logo", "chinese")} == {"km", "th", "zh-Hans"}
    assert letters["thai_with_logo"].logo is not None
    assert "<script>" in letters["hostile"].title
    minimal = letters["minimal"]
    assert (minimal.addressees, minimal.demands, minimal.date, minimal.salutation) == ((), (), None, None)
    with pytest.raises(KeyError, match="the samples are: aphr_cambodia"):
        sample_letter("nope")


def test_the_shipped_example_sample_is_the_example(example_text: str) -> None:
    from openletter.testing import SAMPLE_FOLDER

    assert (SAMPLE_FOLDER / "aphr_cambodia.md").read_text(encoding="utf-8") == example_text


@pytest.fixture
def example_text() -> str:
    from .conftest import EXAMPLE

    return EXAMPLE.read_text(encoding="utf-8")
