"""Golden files: the example's outputs, byte for byte.

After an intended change, regenerate them and review the diff before committing::

    python -m pytest tests/test_golden.py --update-golden
    git diff tests/golden/
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openletter.cli import main

from .conftest import ALL_OUTPUTS, EXAMPLE

GOLDEN = Path(__file__).resolve().parent / "golden" / "aphr_cambodia"
FILES = ALL_OUTPUTS


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("aphr")
    assert main(["--no-plugin-autoload", "build", str(EXAMPLE), "-o", str(out)]) == 0
    return out


@pytest.mark.parametrize("name", FILES)
def test_example_output_matches_golden_file(built: Path, name: str, update_golden: bool) -> None:
    produced = (built / name).read_bytes()
    golden = GOLDEN / name
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(produced)
    assert golden.read_bytes() == produced, f"{name} changed; if intended, run with --update-golden and review"


def test_markdown_export_of_the_example_is_the_example_itself(built: Path) -> None:
    assert (built / "letter.md").read_bytes() == EXAMPLE.read_bytes()
