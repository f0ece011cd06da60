"""The plugin registry: built-ins and entry-point plugins go through the same door."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

import openletter
from openletter import Exporter, Letter, Problem
from openletter.cli import EXIT_OK, EXIT_PLUGIN, EXIT_USAGE, main
from openletter.errors import OptionError, PluginLoadError, RenderError, UnknownFormatError
from openletter.plugins import DEFAULT_PLUGINS, Registry

from .conftest import ALL_OUTPUTS, EXAMPLE
from .plugin_site import PluginSite


def test_builtin_formats_come_from_the_builtin_plugins() -> None:
    registry = Registry(entry_points=False)
    assert list(registry.formats) == ["json", "markdown", "jsonld", "html", "eml", "mailto"]
    assert registry.formats["json"].plugin.name == "openletter.exporters.json"
    assert registry.formats["markdown"].plugin.builtin
    assert set(registry.plugins) == set(DEFAULT_PLUGINS)
    assert registry.errors == []


def test_builtins_are_registered_with_pluggy_like_any_plugin() -> None:
    registry = Registry(entry_points=False)
    for name in DEFAULT_PLUGINS:
        assert registry.manager.has_plugin(name)


@pytest.mark.parametrize("blocked", [p for p in DEFAULT_PLUGINS if ".exporters." in p])
def test_a_builtin_plugin_can_be_blocked(blocked: str) -> None:
    everything = Registry(entry_points=False)
    registry = Registry(entry_points=False, blocked=[blocked])
    assert blocked not in registry.plugins
    assert len(registry.formats) == len(everything.formats) - 1
    assert {info.plugin.name for info in registry.formats.values()} == set(registry.plugins) - {"openletter.lint"}


def test_entry_point_plugin_is_discovered_with_its_distribution_and_version(plugin_site: PluginSite) -> None:
    name = plugin_site.install("openletter_sample", dist="openletter-sample", version="4.5.6")
    registry = Registry()
    info = registry.formats["sample-txt"]
    assert info.plugin.name == name
    assert (info.plugin.distribution, info.plugin.version, info.plugin.builtin) == ("openletter-sample", "4.5.6", False)
    assert list(registry.formats)[:6] == ["json", "markdown", "jsonld", "html", "eml", "mailto"]  # built-ins first


def test_entry_point_plugin_renders_with_its_options(plugin_site: PluginSite, example_letter: Letter) -> None:
    plugin_site.install("openletter_sample")
    registry = Registry()
    text = registry.render(example_letter, "sample-txt", {"upper": "yes"}).decode()
    assert text.startswith(example_letter.title.upper())
    with pytest.raises(OptionError, match="has no option 'colour'"):
        registry.render(example_letter, "sample-txt", {"colour": "red"})


def test_entry_point_plugin_can_be_blocked_by_name(plugin_site: PluginSite) -> None:
    name = plugin_site.install("openletter_sample")
    assert "sample-txt" not in Registry(blocked=[name]).formats


def test_formats_command_lists_plugin_formats_and_blocking_hides_them(
    plugin_site: PluginSite, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = plugin_site.install("openletter_sample", dist="openletter-sample", version="4.5.6")
    assert main(["formats"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "sample-txt" in out and "openletter-sample 4.5.6" in out and name in out
    assert "json" in out and "markdown" in out
    assert main(["--disable-plugin", name, "formats"]) == EXIT_OK
    assert "sample-txt" not in capsys.readouterr().out
    monkeypatch.setenv("OPENLETTER_DISABLE_PLUGINS", f"other,{name}")
    assert main(["formats"]) == EXIT_OK
    assert "sample-txt" not in capsys.readouterr().out
    monkeypatch.delenv("OPENLETTER_DISABLE_PLUGINS")
    assert main(["--no-plugin-autoload", "formats"]) == EXIT_OK
    assert "sample-txt" not in capsys.readouterr().out


def test_plugin_that_fails_to_import_is_named_and_does_not_stop_the_others(
    plugin_site: PluginSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = plugin_site.install("openletter_broken_import")
    registry = Registry()
    assert list(registry.formats) == ["json", "markdown", "jsonld", "html", "eml", "mailto"]
    (error,) = registry.errors
    assert isinstance(error, PluginLoadError)
    assert error.plugin == name and "ModuleNotFoundError" in str(error)

    assert main(["formats"]) == EXIT_PLUGIN
    assert f"plugin {name!r}" in capsys.readouterr().err

    out = tmp_path / "out"
    assert main(["build", str(EXAMPLE), "-o", str(out)]) == EXIT_PLUGIN
    captured = capsys.readouterr()
    assert f"plugin {name!r}" in captured.err
    assert sorted(p.name for p in out.iterdir()) == ALL_OUTPUTS
    # Asking only for formats that work is not spoilt by an unrelated broken plugin.
    assert main(["build", str(EXAMPLE), "-t", "json", "-o", str(tmp_path / "two")]) == EXIT_OK


def test_plugin_that_raises_while_rendering_is_named_with_the_format_and_others_are_written(
    plugin_site: PluginSite, tmp_path: Path, capsys: pytest.CaptureFixture[str], example_letter: Letter
) -> None:
    name = plugin_site.install("openletter_broken_render")
    with pytest.raises(RenderError) as raised:
        Registry().render(example_letter, "fire")
    assert raised.value.plugin == name and raised.value.format == "fire"
    assert "the printer is on fire" in str(raised.value)

    out = tmp_path / "out"
    assert main(["build", str(EXAMPLE), "-o", str(out)]) == EXIT_PLUGIN
    err = capsys.readouterr().err
    assert f"plugin {name!r} (format 'fire')" in err
    assert sorted(p.name for p in out.iterdir()) == ALL_OUTPUTS


def test_two_plugins_cannot_both_provide_a_format(plugin_site: PluginSite) -> None:
    name = plugin_site.install("openletter_duplicate")
    registry = Registry()
    assert registry.formats["json"].plugin.builtin
    (error,) = registry.errors
    assert error.plugin == name and error.format == "json" and "openletter.exporters.json" in str(error)
    # Blocking the built-in lets the plugin's format through.
    assert Registry(blocked=["openletter.exporters.json"]).formats["json"].plugin.name == name


def test_exporter_with_a_path_in_its_suffix_is_refused(plugin_site: PluginSite, tmp_path: Path) -> None:
    name = plugin_site.install("openletter_traversal")
    registry = Registry()
    assert "escape" not in registry.formats
    (error,) = registry.errors
    assert error.plugin == name and "suffix" in str(error)
    assert not (tmp_path.parent / "escaped").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "JSON"),
        ("name", "a b"),
        ("suffix", "json"),
        ("suffix", "/x.json"),
        ("suffix", ".."),
        ("media_type", "json"),
        ("render", "not callable"),
    ],
)
def test_exporter_descriptor_is_validated(field: str, value: object) -> None:
    fields: dict[str, object] = {
        "name": "x",
        "title": "X",
        "suffix": ".x",
        "media_type": "text/plain",
        "render": lambda letter, options: "",
    }
    with pytest.raises(ValueError, match=field):
        Exporter(**{**fields, field: value})  # type: ignore[arg-type]


def test_unknown_format_lists_what_is_available(example_letter: Letter) -> None:
    with pytest.raises(UnknownFormatError, match="available: json, markdown, jsonld, html, eml, mailto"):
        Registry(entry_points=False).render(example_letter, "pdf")


def test_plugins_registered_in_process_work_like_entry_points(example_letter: Letter) -> None:
    class Upper:
        @openletter.hookimpl
        def openletter_exporters(self) -> Sequence[Exporter]:
            return [
                Exporter(
                    name="upper",
                    title="U",
                    suffix=".up",
                    media_type="text/plain",
                    render=lambda letter, options: letter.title.upper(),
                )
            ]

        @openletter.hookimpl
        def openletter_lint(self, letter: Letter) -> Sequence[Problem]:
            return [Problem(path=("title",), message="shouting", severity="warning")]

    registry = Registry(entry_points=False, plugins=[("upper", Upper())])
    assert registry.render(example_letter, "upper") == example_letter.title.upper().encode()
    assert [p.message for p in registry.lint(example_letter, ["upper"])] == ["shouting"]


def test_plugin_returning_the_wrong_type_is_reported(example_letter: Letter) -> None:
    class Wrong:
        @openletter.hookimpl
        def openletter_exporters(self) -> Sequence[Exporter]:
            return [
                Exporter(name="num", title="N", suffix=".n", media_type="text/plain", render=lambda letter, options: 42)
            ]  # type: ignore[arg-type,return-value]

    with pytest.raises(RenderError, match="returned int"):
        Registry(entry_points=False, plugins=[("wrong", Wrong())]).render(example_letter, "num")


def test_a_failing_lint_hook_is_reported_not_raised(example_letter: Letter) -> None:
    class Broken:
        @openletter.hookimpl
        def openletter_lint(self, letter: Letter) -> Sequence[Problem]:
            raise ValueError("boom")

    (problem,) = Registry(entry_points=False, plugins=[("broken", Broken())]).lint(example_letter, ["broken"])
    assert "'broken'" in problem.message and problem.severity == "error"


def test_unknown_format_on_the_command_line_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", str(EXAMPLE), "-t", "pdf", "-o", str(tmp_path)]) == EXIT_USAGE
    assert "unknown format 'pdf'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_lint_hook_is_told_which_formats_are_checked(
    example_letter: Letter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, ...]] = []

    class Watcher:
        @openletter.hookimpl
        def openletter_lint(self, letter: Letter, formats: Sequence[str]) -> Sequence[Problem]:
            seen.append(tuple(formats))
            return []

    registry = Registry(entry_points=False, plugins=[("watcher", Watcher())])
    registry.lint(example_letter)
    assert seen.pop() == tuple(registry.formats)
    monkeypatch.setattr("openletter.cli._registry", lambda args: registry)
    assert main(["build", str(EXAMPLE), "-t", "json", "-t", "html", "-o", str(tmp_path)]) == 0
    assert seen.pop() == ("json", "html")
    assert main(["check", "-t", "eml", str(EXAMPLE)]) == 0
    assert seen.pop() == ("eml",)
    assert main(["check", str(EXAMPLE)]) == 0
    assert seen.pop() == tuple(registry.formats)
    recipients = tmp_path / "recipients.csv"
    recipients.write_text("email\nr@example.org\n")
    assert main(["mail", str(EXAMPLE), "--recipients", str(recipients), "--dry-run"]) == 0
    assert seen.pop() == ("eml",)  # mail merge makes eml messages
