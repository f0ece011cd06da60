"""A letter with very many signatories is printed whole: every signatory once, in order, in every
built-in format (and in the plain-text letter that email and mailto: links carry).

The letters come from ``benchmarks/scale_letters.py`` (the scale benchmark's own letters): half
people, half organisations, from two CSV files, each name numbered so that the order is known.
2,000 signatories run with the fast tests; 100,000 (the scale issue's letter) with the slow ones.
Each format is checked with one linear scan: every name the output contains, in the order it
contains them, must be exactly the letter's list. Also: ``benchmarks/scale.py`` runs and prints
its rows on the smallest case.
"""

from __future__ import annotations

import email
import email.policy
import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

import pytest

import openletter
from openletter.model import OrganisationGroup
from openletter.plaintext import letter_to_text
from openletter.plugins import default_registry

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
NAME = re.compile(r"(?:Person|Organisation) \d{7}")
"""Any name `scale_letters.person_name` or `organisation_name` gives."""
SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def _scale_letters() -> ModuleType:
    spec = importlib.util.spec_from_file_location("scale_letters", BENCHMARKS / "scale_letters.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


scale_letters = _scale_letters()


def assert_listed_once_in_order(text: str, expected: Sequence[str], where: str) -> None:
    """Every name of `expected` is in `text` exactly once, in that order, and no other name is."""
    found = NAME.findall(text)
    if found == expected:
        return
    at = next(
        (i for i, (a, b) in enumerate(zip(found, expected, strict=False)) if a != b), min(len(found), len(expected))
    )
    pytest.fail(
        f"{where}: {len(found):,} names for {len(expected):,} signatories; from position {at:,}: "
        f"found {found[at : at + 3]}, expected {list(expected[at : at + 3])}"
    )


def assert_ordered_selection(text: str, expected: Sequence[str], where: str) -> None:
    """The names in `text` are some of `expected`'s, each at most once, in `expected`'s order (the
    summary a page may embed instead of the whole list)."""
    position = {name: n for n, name in enumerate(expected)}
    last = -1
    for name in NAME.findall(text):
        assert name in position, f"{where}: {name} is not a signatory"
        assert position[name] > last, f"{where}: {name} repeated or out of order"
        last = position[name]


def assert_page_lists_everyone(page: str, expected: Sequence[str], where: str) -> None:
    """An html page: its visible text lists every signatory once in order; its scripts (the
    embedded JSON-LD) hold all or some of them, in order."""
    assert_listed_once_in_order(SCRIPT.sub("", page), expected, f"{where} (outside scripts)")
    for script in SCRIPT.findall(page):
        assert_ordered_selection(script, expected, f"{where} (a script)")


@pytest.fixture(
    scope="module",
    params=[pytest.param(2_000, id="2k"), pytest.param(100_000, id="100k", marks=pytest.mark.slow)],
)
def signed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[openletter.Letter, list[str]]:
    """A letter signed by 2,000 or 100,000, loaded once per module, and its signatories' names."""
    count: int = request.param
    path = scale_letters.write_signatory_letter(tmp_path_factory.mktemp(f"signed{count}"), count)
    return openletter.load(path), scale_letters.signatory_names(count)


def test_the_generated_letter_has_every_signatory(signed: tuple[openletter.Letter, list[str]]) -> None:
    letter, expected = signed
    names = [
        entry.name
        for group in letter.signatories
        for entry in (group.organisations if isinstance(group, OrganisationGroup) else group.people)
    ]
    assert names == expected


@pytest.mark.parametrize("name", ["json", "markdown", "jsonld"])
def test_data_formats_list_every_signatory_once_in_order(
    signed: tuple[openletter.Letter, list[str]], name: str
) -> None:
    letter, expected = signed
    text = default_registry().render(letter, name).decode("utf-8")
    if name != "markdown":
        json.loads(text)  # whole, not cut short
    assert_listed_once_in_order(text, expected, name)


def test_html_page_lists_every_signatory_once_in_order(signed: tuple[openletter.Letter, list[str]]) -> None:
    letter, expected = signed
    page = default_registry().render(letter, "html").decode("utf-8")
    assert page.rstrip().endswith("</html>")
    assert_page_lists_everyone(page, expected, "html")


def test_plain_text_lists_every_signatory_once_in_order(signed: tuple[openletter.Letter, list[str]]) -> None:
    letter, expected = signed
    assert_listed_once_in_order(letter_to_text(letter), expected, "plain text")


def test_email_parts_list_every_signatory_once_in_order(signed: tuple[openletter.Letter, list[str]]) -> None:
    letter, expected = signed
    message = email.message_from_bytes(default_registry().render(letter, "eml"), policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    parts = {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}
    assert {"text/plain", "text/html"} <= set(parts)
    for kind, part in parts.items():
        assert isinstance(part, email.message.EmailMessage)
        content = part.get_content()  # decoded from its transfer encoding
        if kind == "text/html":
            assert_page_lists_everyone(content, expected, "eml text/html part")
        elif kind == "text/plain":
            assert_listed_once_in_order(content, expected, "eml text/plain part")


def test_mailto_links_list_every_signatory_once_in_order(signed: tuple[openletter.Letter, list[str]]) -> None:
    letter, expected = signed
    output = default_registry().render(letter, "mailto").decode("utf-8")
    links = [line for line in output.splitlines() if line.startswith("mailto:")]
    assert links
    for link in links:
        (body,) = parse_qs(urlsplit(link).query, strict_parsing=True)["body"]
        assert_listed_once_in_order(body, expected, "a mailto: link's body")


def test_a_missing_or_repeated_signatory_is_found() -> None:
    expected = scale_letters.signatory_names(6)
    whole = "\n".join(expected)
    assert_listed_once_in_order(whole, expected, "whole")
    for broken in (
        whole.replace(expected[3], ""),
        whole.replace(expected[3], f"{expected[3]}, {expected[3]}"),
        whole.replace(expected[2], "swap").replace(expected[4], expected[2]).replace("swap", expected[4]),
    ):
        with pytest.raises(pytest.fail.Exception):
            assert_listed_once_in_order(broken, expected, "broken")
    with pytest.raises(AssertionError):
        assert_ordered_selection(f"{expected[2]} {expected[1]}", expected, "out of order")
    assert_ordered_selection(f"{expected[0]} {expected[4]}", expected, "a selection")


@pytest.fixture
def scale(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """benchmarks/scale.py as a module (it imports its neighbours run.py and scale_letters.py)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("scale")


def test_scale_benchmark_runs_and_leaves_nothing_behind(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    arguments = ["--only", "signatories=1k", "--commands", "json", "--json"]
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "scale.py"), *arguments],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(scratch)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)["rows"]
    assert (row["case"], row["command"], row["status"]) == ("1,000 signatories", "build -t json", "ok")
    assert row["wall_s"] > 0 and row["cpu_s"] > 0 and row["peak_mb"] > 0
    assert row["output_bytes"] > 100_000  # 1,000 signatories, each with several fields
    assert list(scratch.iterdir()) == []


def test_scale_benchmark_prints_a_row_under_its_case(scale: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[str] = []
    for command in ("build -t json", "build -t html"):
        row = scale.Row("1,000 signatories", "signatories", 1000, command, "json", "ok", 1.5, 1.25, 40.4, 123_456)
        scale.print_row(row, seen)
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["", "1,000 signatories"]
    assert lines[2].split() == ["command", "wall", "s", "cpu", "s", "peak", "MB", "out", "MB", "status", "goal", "note"]
    assert [line.split() for line in lines[3:]] == [
        ["build", "-t", "json", "1.50", "1.25", "40", "0.12", "ok"],
        ["build", "-t", "html", "1.50", "1.25", "40", "0.12", "ok"],
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--only", "signatories=0"], "expected a positive number"),
        (["--only", "sections=1k,2k,footnotes,3k"], "a size without its case: '3k'"),
        (["--only", "nothing"], "unknown case 'nothing'"),
        (["--only", "footnotes", "--sizes", "1k"], "--sizes picks signatory counts"),
        (["--repeat", "0"], "--repeat must be at least 1"),
    ],
)
def test_scale_benchmark_refuses_bad_cases(
    scale: ModuleType, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        scale.main(arguments)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("only", "sizes", "cases"),
    [
        ([], "1k,1M", [("signatories", 1e3), ("signatories", 1e6)]),
        (["sections=1k,2k,footnotes"], None, [("sections", 1e3), ("sections", 2e3), ("footnotes", 2e4)]),
        (["example", "signatories"], "5k", [("example", 1), ("signatories", 5e3)]),
        (["paragraph=0.5,mail"], None, [("paragraph", 0.5), ("mail", 1e4)]),
    ],
)
def test_scale_benchmark_picks_cases(
    scale: ModuleType, only: list[str], sizes: str | None, cases: list[tuple[str, float]]
) -> None:
    assert [(case.kind, case.size) for case in scale.pick_cases(only, sizes)] == cases


def test_scale_benchmark_runs_every_case_by_default(scale: ModuleType) -> None:
    cases = scale.pick_cases([], None)
    assert {case.kind for case in cases} == set(scale.DEFAULT_SIZES)
    assert [case.size for case in cases if case.kind == "signatories"] == [1e3, 1e4, 1e5, 1e6]
