"""Same letter, same bytes: fixed zip timestamps and order, fixed document dates, no randomness."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx_helpers import EXAMPLE, THAI, letters, many_signatories, open_docx, render, rich_letter
from hypothesis import HealthCheck, given, settings

import openletter
from openletter import Letter


@pytest.mark.parametrize("name", ["example", "thai", "rich", "many"])
def test_rendering_twice_gives_the_same_bytes(name: str) -> None:
    makers: dict[str, Callable[[], Letter]] = {
        "example": lambda: openletter.load(EXAMPLE),
        "thai": lambda: openletter.load(THAI),
        "rich": rich_letter,
        "many": lambda: many_signatories(300),
    }
    letter = makers[name]()
    assert render(letter) == render(letter)
    assert render(letter, paper="us-letter") == render(letter, paper="us-letter")
    assert render(letter, paper="us-letter") != render(letter)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(letter=letters())
def test_any_letter_renders_to_the_same_bytes_twice(letter: Letter) -> None:
    assert render(letter) == render(letter)


def test_zip_entries_have_a_fixed_time_and_a_stable_order() -> None:
    with zipfile.ZipFile(io.BytesIO(render(openletter.load(THAI)))) as package:
        infos = package.infolist()
    names = [info.filename for info in infos]
    assert names[0] == "[Content_Types].xml"
    assert names[1:] == sorted(names[1:])
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {(info.create_system, info.external_attr) for info in infos} == {(3, 0o644 << 16)}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}


def test_the_documents_dates_are_the_letters_date() -> None:
    properties = open_docx(render(openletter.load(EXAMPLE))).core_properties
    assert properties.created.date().isoformat() == properties.modified.date().isoformat() == "2023-06-08"


SCRIPT = """
import sys, openletter, openletter_docx
sys.stdout.buffer.write(openletter_docx.render(openletter.load(sys.argv[1]), {}))
"""


@pytest.mark.parametrize("seed", ["1", "12345"])
def test_another_process_with_another_hash_seed_writes_the_same_bytes(seed: str, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(THAI)], capture_output=True, env=env, cwd=tmp_path, check=True, timeout=120
    )
    assert result.stdout == render(openletter.load(THAI))
