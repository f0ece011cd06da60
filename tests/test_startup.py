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
from typing import cast

import pytest

from .conftest import EXAMPLE

SRC = Path(__file__).resolve().parents[1] / "src"


def _run(code: str) -> object:
    env = {**os.environ, "OPENLETTER_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    result = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.splitlines()[-1])


HEAVY = ["cattrs", "yaml", "markdown_it", "importlib.metadata", "jinja2", "email.message", "css_inline"]
SERVE = ["openletter.serve", "watchfiles", "http.server", "socketserver"]  # only for openletter serve


def test_import_openletter_loads_none_of_the_heavy_dependencies() -> None:
    code = f"import json, sys, openletter; print(json.dumps([m for m in {HEAVY + SERVE!r} if m in sys.modules]))"
    assert _run(code) == []


def test_the_command_line_imports_the_preview_server_only_to_serve(tmp_path: Path) -> None:
    code = (
        "import json, sys, contextlib, io\n"
        "from openletter.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['formats'])\n"
        f"    main(['build', {str(EXAMPLE)!r}, '-o', {str(tmp_path)!r}])\n"
        f"print(json.dumps([m for m in {SERVE!r} if m in sys.modules]))"
    )
    assert _run(code) == []


@pytest.mark.parametrize(
    ("formats", "unneeded"),
    [(["html"], ["email.message", "css_inline", "babel"]), ([], ["babel"])],
    ids=["html", "every format"],
)
def test_building_some_formats_imports_nothing_only_the_others_need(
    tmp_path: Path, formats: list[str], unneeded: list[str]
) -> None:
    """The email package is for the eml format (and entry-point plugins, switched off here);
    Babel's data for dates without ``date_text`` and pages in languages without a label table."""
    args = ["build", str(EXAMPLE), "-o", str(tmp_path), *(a for f in formats for a in ("-t", f))]
    code = (
        "import json, sys, contextlib, io\n"
        "from openletter.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): assert main({args!r}) == 0\n"
        f"print(json.dumps([m for m in {unneeded!r} if m in sys.modules]))"
    )
    assert _run(code) == []


def test_a_letter_makes_only_the_converter_functions_it_needs() -> None:
    """cattrs generates (and compiles) a function per class and direction: none when the converter
    is imported, the structure functions of the classes a letter holds when it is loaded, and
    unstructure functions only when it is unstructured."""
    code = (
        "import json, cattrs.gen\n"
        "made = []\n"
        "for name in ('make_dict_structure_fn', 'make_dict_unstructure_fn'):\n"
        "    def spy(cls, *a, real=getattr(cattrs.gen, name), kind=name.split('_')[2], **k):\n"
        "        made.append(f'{kind} {cls.__name__}')\n"
        "        return real(cls, *a, **k)\n"
        "    setattr(cattrs.gen, name, spy)\n"
        "import openletter, openletter.convert\n"
        "imported = list(made)\n"
        f"letter = openletter.load({str(EXAMPLE)!r})\n"
        "loaded = list(made)\n"
        "openletter.unstructure(letter)\n"
        "print(json.dumps([imported, loaded, made]))"
    )
    imported, loaded, unstructured = cast(list[list[str]], _run(code))
    assert imported == []
    assert "structure Letter" in loaded and "structure Person" not in loaded  # the example has no people
    assert not any(item.startswith("unstructure") for item in loaded)
    assert "unstructure Letter" in unstructured


def test_the_open_graph_locales_of_the_label_languages_are_what_babel_derives() -> None:
    """The page's og:locale for a label language comes from a table (no Babel data to load):
    each entry must be what Babel's likely subtags give, and every label language has one."""
    import openletter
    from openletter.exporters.html import OG_LOCALES, og_locale, og_locale_from_cldr

    assert {tag.lower() for tag in openletter.LABEL_LANGUAGES} == set(OG_LOCALES)
    for tag, locale in OG_LOCALES.items():
        assert og_locale_from_cldr(tag) == locale
    assert og_locale("zh-Hant") == "zh_TW" and og_locale("fr-CA") == "fr_CA" and og_locale("und") is None
