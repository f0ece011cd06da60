"""The documentation describes the code as it is.

Each reference page follows a convention that these tests parse:

* docs/hooks.md: a heading ``### `openletter_NAME` `` per hook, with the hook's signature and the
  first line of its docstring; a table under ``## The Exporter descriptor`` whose first column is
  the backticked field name.
* docs/authoring-format.md: a heading ``### ClassName`` per model class, followed by a table whose
  first column is the backticked field name, in the model's order, and a YAML example.
* docs/api.md: one bullet per public name, starting ``- `name` `` or ``- `name(...)` ``.
* docs/cli.md: a section per command headed ``## `openletter COMMAND` ``, a ``## Global options``
  section, an ``## Exit status`` table (``| `0` | `EXIT_OK` | meaning | ... |``) and an
  ``## Environment variables`` section.
* README.md: a ``## Set up`` section with exactly two fenced one-line commands: build the example,
  then run the test suite (the command .ci/run runs).
"""

from __future__ import annotations

import argparse
import inspect
import re
import shutil
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

import openletter
from openletter import cli, hookspecs, model

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"
SRC = ROOT / "src" / "openletter"

MARKDOWN_FILES = sorted([README, ROOT / "examples" / "aphr_cambodia" / "README.md", *DOCS.glob("*.md")])
TRANSCRIBING = DOCS / "transcribing.md"
LETTER_EXAMPLE_DOCS = [DOCS / "authoring-format.md", DOCS / "getting-started.md", DOCS / "exporters.md", TRANSCRIBING]

HOOKS = sorted(name for name in vars(hookspecs) if name.startswith("openletter_"))
MODEL_CLASSES = [
    value for name in model.__all__ if isinstance(value := getattr(model, name), type) and attrs.has(value)
]

# The smallest valid letter, which the per-class YAML examples are merged into.
MINIMAL_LETTER: dict[str, Any] = {
    "title": "Minimal letter",
    "language": "en",
    "sections": [{"text": "Text."}],
    "signatories": [{"organisations": [{"name": "Example"}]}],
}


# --------------------------------------------------------------------------- reading Markdown


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})\s*([\w+-]*)")
_HEADING = re.compile(r" {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*\Z")


@attrs.frozen
class Line:
    text: str
    block: str | None  # the info string of the fenced code block the line is in, or None
    fence: bool  # the line opens or closes that block


def lines(text: str) -> Iterator[Line]:
    """The lines of a Markdown document, each knowing whether it is inside a fenced code block."""
    fence: str | None = None
    info = ""
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if fence is None and match:
            fence, info = match.group(1), match.group(2)
            yield Line(line, info, True)
        elif fence is not None:
            closing = line.strip().startswith(fence) and not line.strip().strip(fence[0])
            yield Line(line, info, closing)
            if closing:
                fence = None
        else:
            yield Line(line, None, False)


def prose(text: str) -> str:
    """The document without its fenced code blocks."""
    return "\n".join(line.text for line in lines(text) if line.block is None)


def headings(text: str) -> list[tuple[int, str]]:
    """(level, title) of every heading outside code blocks."""
    matches = (_HEADING.match(line.text) for line in lines(text) if line.block is None)
    return [(len(match.group(1)), match.group(2)) for match in matches if match]


def section(text: str, title: str) -> str:
    """The part of `text` under the heading `title`, up to the next heading of the same or a higher level."""
    out: list[str] = []
    level = 0
    for line in lines(text):
        match = _HEADING.match(line.text) if line.block is None else None
        if match and level and len(match.group(1)) <= level:
            break
        if level:
            out.append(line.text)
        elif match and match.group(2) == title:
            level = len(match.group(1))
    assert level, f"no heading {title!r}"
    return "\n".join(out)


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(info string, content) of every fenced code block."""
    blocks: list[tuple[str, list[str]]] = []
    inside = False
    for line in lines(text):
        if line.block is not None and line.fence and not inside:
            blocks.append((line.block, []))
            inside = True
        elif line.block is not None and line.fence:
            inside = False
        elif line.block is not None:
            blocks[-1][1].append(line.text)
    return [(info, "\n".join(content)) for info, content in blocks]


_ROW_NAME = re.compile(r"\|\s*`([^`]+)`\s*\|")


def table_names(text: str) -> list[str]:
    """The backticked names in the first column of the tables in `text` (outside code blocks)."""
    return [match.group(1) for line in prose(text).split("\n") if (match := _ROW_NAME.match(line))]


def slug(title: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


# --------------------------------------------------------------------------- hooks


def _signature(hook: str) -> str:
    function = getattr(hookspecs, hook)
    signature = inspect.signature(function)
    parameters = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
    return f"def {hook}({parameters}) -> {signature.return_annotation}"


def test_hookspecs_defines_hooks() -> None:
    assert HOOKS, "no openletter_* functions found in openletter.hookspecs"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_a_hookspec_with_a_docstring(hook: str) -> None:
    function = getattr(hookspecs, hook)
    assert hasattr(function, "openletter_spec"), f"{hook} is not marked with @hookspec"
    assert (inspect.getdoc(function) or "").strip(), f"{hook} has no docstring"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_an_entry_in_hooks_doc(hook: str) -> None:
    doc = read(DOCS / "hooks.md")
    assert (3, f"`{hook}`") in headings(doc), f"docs/hooks.md has no '### `{hook}`' heading"
    entry = section(doc, f"`{hook}`")
    assert _signature(hook) in entry, f"docs/hooks.md does not show the signature {_signature(hook)!r}"
    summary = (inspect.getdoc(getattr(hookspecs, hook)) or "").split("\n\n")[0]
    assert " ".join(summary.split()) in " ".join(entry.split()), "the docstring's first line is not in the entry"


def test_hook_reference_is_generated_from_hookspecs() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("hooks_doc", ROOT / "scripts" / "hooks_doc.py")
    assert spec is not None and spec.loader is not None
    hooks_doc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks_doc)
    text = read(DOCS / "hooks.md")
    assert hooks_doc.updated(text) == text, "docs/hooks.md is out of date: run python scripts/hooks_doc.py"
    assert hooks_doc.hooks() == HOOKS_IN_ORDER


HOOKS_IN_ORDER = ["openletter_exporters", "openletter_lint"]


def test_hooks_doc_mentions_no_hook_that_does_not_exist() -> None:
    mentioned = set(re.findall(r"\bopenletter_\w+", read(DOCS / "hooks.md")))
    assert mentioned - set(HOOKS) == set()


def test_exporter_fields_are_documented_in_hooks_doc() -> None:
    documented = table_names(section(read(DOCS / "hooks.md"), "The Exporter descriptor"))
    assert documented == [field.name for field in attrs.fields(openletter.Exporter)]


# --------------------------------------------------------------------------- the letter model


def test_model_classes_are_found() -> None:
    names = {cls.__name__ for cls in MODEL_CLASSES}
    assert {"Letter", "Addressee", "Section", "Demand", "Reference"} <= names
    assert {"Organisation", "Person", "OrganisationGroup", "PersonGroup"} <= names


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
def test_every_model_field_is_in_its_class_table_in_model_order(cls: type) -> None:
    documented = table_names(section(read(DOCS / "authoring-format.md"), cls.__name__))
    assert documented == [field.name for field in attrs.fields(cls)]


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
def test_every_model_class_has_a_valid_yaml_example(cls: type, tmp_path: Path) -> None:
    blocks = fenced_blocks(section(read(DOCS / "authoring-format.md"), cls.__name__))
    yaml_examples = [text for info, text in blocks if info == "yaml"]
    assert yaml_examples, f"the {cls.__name__} section has no YAML example"
    for text in yaml_examples:
        fragment = yaml.safe_load(text)
        assert isinstance(fragment, dict)
        if "logo" in fragment:  # the logo file sits next to the letter
            shutil.copyfile(ROOT / "tests" / "data" / "logo.png", tmp_path / fragment["logo"]["file"])
        letter = openletter.loads(yaml.safe_dump({**MINIMAL_LETTER, **fragment}), "yaml", base_dir=tmp_path)
        assert letter == openletter.structure({**MINIMAL_LETTER, **fragment, **_logo_data(fragment, tmp_path)})


def _logo_data(fragment: dict[str, Any], folder: Path) -> dict[str, Any]:
    if "logo" not in fragment:
        return {}
    return {"logo": {**fragment["logo"], "data": (folder / fragment["logo"]["file"]).read_bytes()}}


def _letter_examples() -> Iterator[Any]:
    for path in LETTER_EXAMPLE_DOCS:
        for number, (info, text) in enumerate(fenced_blocks(read(path))):
            if info in ("toml", "json") or (info == "markdown" and text.startswith("---\n")):
                yield pytest.param(info, text, id=f"{path.name}-block{number}-{info}")


@pytest.mark.parametrize(("info", "text"), list(_letter_examples()))
def test_complete_letters_in_the_docs_load(info: str, text: str) -> None:
    openletter.loads(text, info)  # type: ignore[arg-type]


def _transcribing_fragments() -> Iterator[Any]:
    blocks = fenced_blocks(read(TRANSCRIBING))
    for number, (info, text) in enumerate(blocks):
        if info == "yaml":
            yield pytest.param(text, id=f"block{number}")


def test_the_transcribing_guide_has_a_worked_example_and_fragments() -> None:
    assert any(info == "markdown" for info, _ in fenced_blocks(read(TRANSCRIBING)))
    assert list(_transcribing_fragments())


@pytest.mark.parametrize("fragment", list(_transcribing_fragments()))
def test_transcribing_guide_fragments_fit_its_worked_example(fragment: str) -> None:
    """Each YAML fragment of the guide, put in the front matter of its worked example, loads."""
    example = next(text for info, text in fenced_blocks(read(TRANSCRIBING)) if info == "markdown")
    _, front, body = example.split("---\n", 2)
    data = {**yaml.safe_load(front), **yaml.safe_load(fragment)}
    openletter.loads("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body, "markdown")


def _python_examples() -> Iterator[Any]:
    for path in (README, DOCS / "api.md"):
        for number, (info, text) in enumerate(fenced_blocks(read(path))):
            if info == "python":
                yield pytest.param(text, id=f"{path.name}-block{number}")


@pytest.mark.parametrize("code", list(_python_examples()))
def test_python_examples_run(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(code, "<example>", "exec"), {})


# --------------------------------------------------------------------------- the public API


def test_all_is_sorted() -> None:
    assert openletter.__all__ == sorted(openletter.__all__)


def test_all_lists_every_public_name_that_is_not_a_submodule() -> None:
    public = sorted(
        name
        for name, value in vars(openletter).items()
        if (not name.startswith("_") or name == "__version__") and not isinstance(value, types.ModuleType)
    )
    assert openletter.__all__ == public


_API_ENTRY = re.compile(r"- `([A-Za-z_][\w]*)[(`]")


def _api_entries() -> list[str]:
    return [match.group(1) for line in prose(read(DOCS / "api.md")).split("\n") if (match := _API_ENTRY.match(line))]


@pytest.mark.parametrize("name", openletter.__all__)
def test_every_public_name_is_documented_in_api_doc(name: str) -> None:
    assert _api_entries().count(name) == 1, f"docs/api.md needs exactly one '- `{name}`' entry"


def test_api_doc_documents_no_name_outside_all() -> None:
    assert set(_api_entries()) - set(openletter.__all__) == set()


# --------------------------------------------------------------------------- the command line


EXIT_CODES = {name: value for name, value in vars(cli).items() if name.startswith("EXIT_")}


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    for action in cli._parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("the parser has no subcommands")


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return [option for action in parser._actions for option in action.option_strings]


def _docstring_exit_codes() -> dict[int, str]:
    return {int(code): text for code, text in re.findall(r"^\* (\d+): (.*?)[;.]$", cli.__doc__ or "", re.MULTILINE)}


def _doc_exit_rows() -> dict[int, tuple[str, str]]:
    rows = {}
    for line in prose(section(read(DOCS / "cli.md"), "Exit status")).split("\n"):
        match = re.match(r"\|\s*`(\d+)`\s*\|\s*`(EXIT_\w+)`\s*\|\s*(.*?)\s*\|", line)
        if match:
            rows[int(match.group(1))] = (match.group(2), match.group(3))
    return rows


def test_cli_docstring_lists_exactly_the_exit_constants() -> None:
    assert set(_docstring_exit_codes()) == set(EXIT_CODES.values())


@pytest.mark.parametrize("name", sorted(EXIT_CODES))
def test_every_exit_code_is_documented_as_in_the_cli_docstring(name: str) -> None:
    code = EXIT_CODES[name]
    rows = _doc_exit_rows()
    assert code in rows, f"docs/cli.md's exit status table has no row for {code}"
    documented_name, meaning = rows[code]
    assert documented_name == name
    assert meaning == _docstring_exit_codes()[code].replace("``", "`")


def test_cli_doc_documents_no_other_exit_code() -> None:
    assert set(_doc_exit_rows()) == set(EXIT_CODES.values())


@pytest.mark.parametrize("option", [o for o in _options(cli._parser()) if o not in ("-h", "--help")])
def test_every_global_option_is_documented(option: str) -> None:
    part = section(read(DOCS / "cli.md"), "Global options")
    assert re.search(rf"`{re.escape(option)}[` ]", part), f"{option} is not in docs/cli.md's 'Global options'"


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_every_subcommand_and_its_options_are_documented(command: str) -> None:
    part = section(read(DOCS / "cli.md"), f"`openletter {command}`")
    for option in _options(_subcommands()[command]):
        if option not in ("-h", "--help"):
            assert re.search(rf"`{re.escape(option)}[` ]", part), f"{option} is not in the section on {command}"


def test_cli_doc_mentions_no_option_that_does_not_exist() -> None:
    known = set(_options(cli._parser()))
    for parser in _subcommands().values():
        known.update(_options(parser))
    mentioned = set(re.findall(r"`(--?[A-Za-z][\w-]*)", prose(read(DOCS / "cli.md"))))
    assert mentioned - known == set()


def _environment_variables_in_source() -> set[str]:
    return {name for path in SRC.rglob("*.py") for name in re.findall(r"\bOPENLETTER_[A-Z_]+\b", read(path))}


def test_source_uses_the_documented_environment_variables() -> None:
    assert {"OPENLETTER_DISABLE_PLUGINS", "OPENLETTER_DISABLE_PLUGIN_AUTOLOAD", "OPENLETTER_DEBUG"} <= (
        _environment_variables_in_source()
    )


def test_every_environment_variable_is_documented_and_no_other() -> None:
    documented = set(re.findall(r"\bOPENLETTER_[A-Z_]+\b", section(read(DOCS / "cli.md"), "Environment variables")))
    assert documented == _environment_variables_in_source()


# --------------------------------------------------------------------------- README and CI


def _setup_commands() -> list[str]:
    blocks = fenced_blocks(section(read(README), "Set up"))
    assert len(blocks) == 2, "README's 'Set up' section must have exactly two code blocks"
    commands = []
    for _, text in blocks:
        lines = [line for line in text.split("\n") if line.strip()]
        assert len(lines) == 1, f"a set-up block must hold one command, not {lines}"
        commands.append(lines[0].strip())
    return commands


def test_readme_setup_first_installs_and_builds_the_example() -> None:
    build, _ = _setup_commands()
    assert build.startswith(
        'python -m pip install -e ".[test]" -e plugins/openletter-pdf -e plugins/openletter-docx && openletter build '
    )
    letter = re.search(r"openletter build (\S+)", build)
    assert letter is not None
    assert (ROOT / letter.group(1)).is_file()


def test_readme_setup_then_runs_the_test_suite_with_a_script_that_exists() -> None:
    _, test = _setup_commands()
    assert test.startswith("bash ")
    assert (ROOT / test.split()[1]).is_file()


def test_ci_runs_exactly_the_readme_test_command() -> None:
    _, test = _setup_commands()
    commands = [line.strip() for line in read(CI_RUN).split("\n") if line.strip() and not line.strip().startswith("#")]
    assert test in commands
    others = [line for line in commands if line != test]
    assert not [line for line in others if "pytest" in line or "scripts/test" in line], (
        "CI must run the suite only through the README's test command"
    )


def test_ci_runs_the_readme_commands_in_a_fresh_virtual_environment() -> None:
    build, test = _setup_commands()
    commands = [line.strip() for line in read(CI_RUN).split("\n") if line.strip() and not line.strip().startswith("#")]
    created = next(n for n, line in enumerate(commands) if re.match(r"python3? -m venv ", line))
    activated = next(n for n, line in enumerate(commands) if re.match(r"\. .*/bin/activate\"?\Z", line))
    assert created < activated < commands.index(build) < commands.index(test)
    assert "unset PYTHONPATH" in commands[activated:]


# --------------------------------------------------------------------------- links


def _relative_links() -> Iterator[Any]:
    for path in MARKDOWN_FILES:
        text = re.sub(r"`[^`\n]*`", "", prose(read(path)))
        for target in dict.fromkeys(re.findall(r"\]\(([^)\s]+)\)", text)):
            if "://" not in target and not target.startswith("mailto:"):
                yield pytest.param(path, target, id=f"{path.relative_to(ROOT)}->{target}")


@pytest.mark.parametrize(("path", "target"), list(_relative_links()))
def test_relative_links_point_at_existing_files_and_headings(path: Path, target: str) -> None:
    file_part, _, anchor = target.partition("#")
    linked = (path.parent / file_part).resolve() if file_part else path
    assert linked.is_file(), f"{target} does not exist"
    if anchor and linked.suffix == ".md":
        assert anchor in {slug(title) for _, title in headings(read(linked))}, f"no heading for #{anchor}"
