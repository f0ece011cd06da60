"""The documentation site (mkdocs.yml): it builds with ``mkdocs build --strict``, it has everything.

The site is built once, into a temporary folder, by the command the README gives; the pages are
then read as HTML. The failing builds are of a tiny copy of the site's configuration with one
mistake each, so that they show that the real configuration fails on such a mistake.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import openletter
from openletter import hookspecs

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CONFIG = ROOT / "mkdocs.yml"
API_REFERENCE = DOCS / "api-reference.md"
PUBLIC_MODULES = ["openletter.model", "openletter.printed", "openletter.words", "openletter.testing.faithful"]
"""The modules docs/api.md names as public, besides the top-level package."""
HOOKS = [name for name in vars(hookspecs) if name.startswith("openletter_")]


def mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict``, documenting the openletter of this checkout."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        "NO_MKDOCS_2_WARNING": "1",
    }
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    result = mkdocs_build(CONFIG, folder)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return folder


class _Page(HTMLParser):
    """The ids, link targets and images of an HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.images: list[dict[str, str | None]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "img":
            self.images.append(values)


def page(site: Path, name: str) -> _Page:
    return _Page((site / name / "index.html").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the API reference page


def _reference_path(name: str) -> str:
    """Where the reference of `openletter.NAME` is: ``openletter.build`` is a module too, so the
    function ``openletter.build`` is documented as ``openletter.build.build``."""
    if importlib.util.find_spec(f"openletter.{name}") is not None:
        return f"openletter.{name}.{name}"
    return f"openletter.{name}"


def _directives() -> list[str]:
    return re.findall(r"^::: (\S+)\s*$", API_REFERENCE.read_text(encoding="utf-8"), re.MULTILINE)


@pytest.mark.parametrize("name", openletter.__all__)
def test_every_public_name_has_its_directive_on_the_api_reference_page(name: str) -> None:
    path = _reference_path(name)
    assert _directives().count(path) == 1, f"docs/api-reference.md needs one '::: {path}'"


def test_the_api_reference_page_documents_the_public_modules_and_no_other_name() -> None:
    expected = {_reference_path(name) for name in openletter.__all__} | set(PUBLIC_MODULES)
    assert sorted(_directives()) == sorted(expected)


# --------------------------------------------------------------------------- the built site


def test_the_site_has_a_search_index_of_every_page(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {entry["location"].split("#")[0] for entry in index["docs"]}
    pages = {f"{path.stem}/" for path in DOCS.glob("*.md") if path.stem != "index"} | {""}
    assert pages <= locations
    assert any(entry["location"] == "api-reference/#openletter.load" for entry in index["docs"])


def test_the_site_has_the_material_search_box(site: Path) -> None:
    assert 'data-md-component="search-query"' in (site / "index.html").read_text(encoding="utf-8")


def test_the_api_reference_has_every_public_name(site: Path) -> None:
    ids = page(site, "api-reference").ids
    missing = [name for name in openletter.__all__ if _reference_path(name) not in ids]
    assert missing == []


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_the_api_reference_has_every_name_of_each_public_module(site: Path, module_name: str) -> None:
    module = importlib.import_module(module_name)
    ids = page(site, "api-reference").ids
    assert module_name in ids
    missing = [
        name
        for name in module.__all__
        if f"{module_name}.{name}" not in ids
        and not (name in openletter.__all__ and getattr(openletter, name) is getattr(module, name))
    ]
    assert missing == []


def test_the_model_classes_show_their_fields_as_parameters(site: Path) -> None:
    """griffe-fieldz: the attrs classes' generated __init__ shows in the reference, with defaults."""
    text = (site / "api-reference" / "index.html").read_text(encoding="utf-8")
    letter = text[text.index('id="openletter.Letter"') : text.index('id="openletter.Addressee"')]
    assert re.search(r"<code>date_position</code>.*?&#39;head&#39;", letter, re.DOTALL)


@pytest.mark.parametrize("hook", HOOKS)
def test_the_hook_reference_is_rendered_from_hookspecs_by_mkdocstrings(site: Path, hook: str) -> None:
    text = (site / "hooks" / "index.html").read_text(encoding="utf-8")
    assert f'id="openletter.hookspecs.{hook}"' in text
    summary = (getattr(hookspecs, hook).__doc__ or "").strip().split("\n")[0]
    assert summary in text
    assert f'id="{hook}"' not in text, "the Markdown scripts/hooks_doc.py writes is still there"


def _images_in(markdown: str) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\((images/[^)\s]+)\)", markdown)


def test_the_docs_show_screenshots() -> None:
    assert any(_images_in(path.read_text(encoding="utf-8")) for path in DOCS.glob("*.md"))


@pytest.mark.parametrize("path", sorted(DOCS.glob("*.md")), ids=lambda path: path.name)
def test_every_screenshot_a_page_shows_is_in_the_site(site: Path, path: Path) -> None:
    shown = _images_in(path.read_text(encoding="utf-8"))
    name = "." if path.stem == "index" else path.stem
    sources = [image["src"] for image in page(site, name).images if "images/" in (image["src"] or "")]
    assert len(sources) == len(shown)
    for source in sources:
        assert source is not None
        assert (site / name / source).resolve().is_file(), source


def test_links_out_of_docs_lead_to_the_files_in_the_site(site: Path) -> None:
    """A repository browser follows ../examples/aphr_cambodia/README.md; the site copies it as a page."""
    example = site / "repository" / "examples" / "aphr_cambodia" / "index.html"
    assert example.is_file()
    assert 'href="../repository/examples/aphr_cambodia/"' in (site / "getting-started" / "index.html").read_text(
        encoding="utf-8"
    )
    # the example's own links lead back into the site's pages
    assert 'href="../../../cli/"' in example.read_text(encoding="utf-8")
    assert (site / "repository" / "tests" / "data" / "translations" / "letter.md").read_bytes() == (
        ROOT / "tests" / "data" / "translations" / "letter.md"
    ).read_bytes()


# --------------------------------------------------------------------------- what fails the build

TINY_NAV = "nav:\n  - Home: index.md\n  - Other: other.md\n"
GOOD_INDEX = (
    "# Home\n\n[Other](other.md), [its heading](other.md#a-heading), [the example](../examples/README.md),"
    " `[not a link](nowhere.md)`.\n\n```\n[not a link either](../nowhere.md)\n```\n"
)


def _tiny_site(folder: Path, *, index: str = GOOD_INDEX, nav: str = TINY_NAV) -> Path:
    """A copy of mkdocs.yml and its hooks, with two pages and a README outside docs/."""
    config = CONFIG.read_text(encoding="utf-8")
    start = config.index("\nnav:\n")
    (folder / "scripts").mkdir()
    (folder / "src" / "openletter").mkdir(parents=True)  # watched by mkdocs serve
    shutil.copy(ROOT / "scripts" / "mkdocs_hooks.py", folder / "scripts")
    (folder / "docs").mkdir()
    (folder / "docs" / "index.md").write_text(index, encoding="utf-8")
    (folder / "docs" / "other.md").write_text("# Other\n\n## A heading\n\nText.\n", encoding="utf-8")
    (folder / "examples").mkdir()
    (folder / "examples" / "README.md").write_text("# Example\n\nBack [home](../docs/index.md).\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text(config[: start + 1] + nav, encoding="utf-8")
    return folder / "mkdocs.yml"


def test_the_tiny_site_builds(tmp_path: Path) -> None:
    """The copy the next test breaks builds as it is, links out of docs/ and in code included."""
    result = mkdocs_build(_tiny_site(tmp_path), tmp_path / "site")
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="repository/examples/"' in home
    assert 'href="../../"' in (tmp_path / "site" / "repository" / "examples" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("index", "nav", "reported"),
    [
        pytest.param("[gone](missing.md)\n", TINY_NAV, "missing.md", id="missing-page"),
        pytest.param("[gone](other.md#nowhere)\n", TINY_NAV, "nowhere", id="missing-heading"),
        pytest.param("[gone](../examples/missing.md)\n", TINY_NAV, "missing.md", id="missing-file-outside-docs"),
        pytest.param("[gone](../../outside.md)\n", TINY_NAV, "outside.md", id="link-out-of-the-repository"),
        pytest.param("# Home\n", TINY_NAV + "  - Gone: gone.md\n", "gone.md", id="nav-entry-for-a-missing-page"),
        pytest.param("# Home\n", "nav:\n  - Home: index.md\n", "other.md", id="page-missing-from-the-nav"),
    ],
)
def test_a_broken_link_or_a_missing_page_fails_the_strict_build(
    tmp_path: Path, index: str, nav: str, reported: str
) -> None:
    result = mkdocs_build(_tiny_site(tmp_path, index=index, nav=nav), tmp_path / "site")
    assert result.returncode != 0
    assert "Aborted with 1 warnings in strict mode" in result.stdout + result.stderr
    assert reported in result.stderr


def test_hook_reference_markers_lost_fail_the_build(tmp_path: Path) -> None:
    config = _tiny_site(tmp_path, nav=TINY_NAV + "  - Hooks: hooks.md\n")
    (tmp_path / "docs" / "hooks.md").write_text("# Plugin hooks\n\nNo generated section.\n", encoding="utf-8")
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "lost the markers of its hook reference" in result.stderr


def test_the_readme_says_how_to_build_and_serve_the_site() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "mkdocs build --strict" in readme
    assert "mkdocs serve" in readme


def test_the_built_site_is_ignored_by_git() -> None:
    assert "site/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_the_pages_are_all_in_the_nav() -> None:
    """Also checked by the strict build (validation.nav.omitted_files); here it names the page."""
    config = CONFIG.read_text(encoding="utf-8")
    nav = config[config.index("\nnav:\n") :]
    listed = set(re.findall(r":\s+([\w./-]+\.md)\s*$", nav, re.MULTILINE))
    assert {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")} - listed == set()
