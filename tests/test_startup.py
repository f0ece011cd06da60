"""Start-up stays lean: what a command does not need is not imported or generated.

Each check runs in a fresh interpreter (what is imported is per process). No test here asserts
on time; `benchmarks/run.py` and `benchmarks/importtime.py` measure it (docs/performance.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLE

SRC = Path(__file__).resolve().parents[1] / "src"


def _run(code: str) -> object:
    env = {**os.environ, "OPENLETTER_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    result = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.splitlines()[-1])


HEAVY = ["cattrs", "yaml", "markdown_it", "importlib.metadata", "jinja2", "email.message", "css_inline"]


def test_import_openletter_loads_none_of_the_heavy_dependencies() -> None:
    code = f"import json, sys, openletter; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    assert _run(code) == []


@pytest.mark.parametrize(("formats", "unneeded"), [(["html"], ["email.message", "css_inline"])])
def test_building_some_formats_imports_nothing_only_the_others_need(
    tmp_path: Path, formats: list[str], unneeded: list[str]
) -> None:
    """The email package is for the eml format (and entry-point plugins, switched off here)."""
    args = ["build", str(EXAMPLE), "-o", str(tmp_path), *(a for f in formats for a in ("-t", f))]
    code = (
        "import json, sys, contextlib, io\n"
        "from openletter.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): assert main({args!r}) == 0\n"
        f"print(json.dumps([m for m in {unneeded!r} if m in sys.modules]))"
    )
    assert _run(code) == []


def test_loading_a_letter_generates_no_unstructure_functions() -> None:
    """cattrs generates (and compiles) one function a class: only when a letter is unstructured."""
    code = (
        "import json, cattrs.gen\n"
        "made = []\n"
        "real = cattrs.gen.make_dict_unstructure_fn\n"
        "cattrs.gen.make_dict_unstructure_fn = lambda cls, *a, **k: made.append(cls.__name__) or real(cls, *a, **k)\n"
        "import openletter\n"
        f"letter = openletter.load({str(EXAMPLE)!r})\n"
        "loaded = list(made)\n"
        "openletter.unstructure(letter)\n"
        "print(json.dumps([loaded, 'Letter' in made]))"
    )
    assert _run(code) == [[], True]
