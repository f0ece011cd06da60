"""The fast writers behind the outputs of letters with very many signatories write exactly what
the slow, obvious ones write: the same bytes, for any data."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openletter.hookspecs import hookimpl
from openletter.jsontext import Items, dumps

from .conftest import EXAMPLE

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["</script>", "\u2028", '"\\', "\x00\x1f", "é漢字", "\ud800"])
)
_KEYS = st.text(max_size=6) | st.sampled_from(["@id", "name", "@type"])
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.tuples(inner, inner) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_indented_json_is_the_standard_librarys_text(data: object) -> None:
    assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2)


@pytest.mark.parametrize(
    "data",
    [
        {1: "a", "b": [True, None]},  # keys that are not strings: the standard library writes them
        {"x": {None: 1.5, 2.5: "y"}},
        [math.inf, -math.inf, math.nan, 10**30, -0.0],
        {"when": dt.date(2024, 6, 8), "list": (dt.date(2020, 1, 2),)},
    ],
)
def test_indented_json_of_unusual_values_is_the_standard_librarys_text(data: object) -> None:
    def iso(value: object) -> str:
        assert isinstance(value, dt.date)
        return value.isoformat()

    assert dumps(data, default=iso) == json.dumps(data, ensure_ascii=False, indent=2, default=iso)


def test_indented_json_refuses_what_the_standard_library_refuses() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps({"a": {1, 2}})


def test_indented_json_of_a_long_list_is_the_standard_librarys_text() -> None:
    data = {"people": [{"@id": f"_:p{n}", "name": f"Person {n}", "roles": [n, {"x": None}]} for n in range(20000)]}
    assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2)


_TRICKY = [
    "yes", "No", "on", "1.5", "12", "0x1F", "2024-01-01", "~", "null", "=", "<<", "a: b", "a #b", "a:", "a#b",
    "#a", "-a", "- a", "? a", ".a", "...", "---", "'a", '"a', "a'b", "a,b", "[a]", "{a}", "%a", "@a", "`a",
    "!a", "&a", "*a", "|a", ">a", ":a", "a\nb", "a\n", "a ", " a", "a\xa0", "\xa0a", "a\tb", "é", "Ω ب 漢",
    "😀", "a\u2028b", "a\x85b", "\ufeffa", "a\ufeff", "_a", "x" * 96, "y " * 60, "Jane Doe", "O'Brien, Smith & Co",
]  # fmt: skip
_YAML_TEXT = st.sampled_from(_TRICKY) | st.text(
    st.sampled_from([*"aZ9 :#-'\",é😀\n\r\t", "\xa0", "\u2028"]), max_size=110
)
_MEMBER = st.dictionaries(
    st.sampled_from(["name", "title", "affiliation", "country", "honorific_suffix", "url", "yes", "a b"]),
    _YAML_TEXT | st.booleans() | st.lists(st.dictionaries(st.just("title"), _YAML_TEXT, max_size=1), max_size=2),
    max_size=4,
)


def _markdown_writer(front: dict[str, object]) -> str:
    from openletter.sources import yaml_source

    return "---\n" + yaml_source.dump(front) + "---\n\nWe write.\n"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["people", "organisations"]), st.lists(_MEMBER, max_size=6)), max_size=3))
def test_signatory_lists_in_front_matter_are_pyyamls_text(groups: list[tuple[str, list[dict[str, object]]]]) -> None:
    from openletter.sources import yaml_source
    from openletter.yamltext import front_matter

    front = {"title": "T", "signatories": [{"heading": "H", key: members} for key, members in groups], "z": 1}
    assert front_matter(front, _markdown_writer, yaml_source.dump) == _markdown_writer(front)


def test_signatory_lists_in_front_matter_whose_stand_in_the_letter_names_are_pyyamls_text() -> None:
    from openletter.sources import yaml_source
    from openletter.yamltext import front_matter

    front = {
        "title": "T",
        "keywords": ["openletter-signatory-list-0", "openletter-signatory-list-1"],
        "signatories": [{"people": [{"name": "A"}]}, {"organisations": [{"name": "B"}]}],
    }
    assert front_matter(front, _markdown_writer, yaml_source.dump) == _markdown_writer(front)


_ENTRY_TEXT = st.sampled_from(["Jane Doe", "جامعة", "Ωmega", "<b>&'\"", "12", "A, B", "漢字", "Ünïversité"])


@st.composite
def _entries(draw: st.DrawFn) -> list[object]:
    from openletter.printed import SignatoryEntry

    out: list[object] = []
    for number in range(draw(st.integers(0, 6))):
        values = draw(st.lists(_ENTRY_TEXT, max_size=3))
        pieces = [", "]
        for value in values:
            pieces += [value, ", " if len(pieces) < 5 else " ("]
        pieces = pieces if values else [""]
        out.append(
            SignatoryEntry(
                number=number,
                name=draw(_ENTRY_TEXT),
                rest="".join(pieces),
                url=draw(st.sampled_from([None, "https://example.org/?a=1&b=<2>"])),
                description=draw(st.sampled_from([None, "*Founded* in 1990."])),
                closing=draw(st.sampled_from([None, "敬上"])),
                lang=draw(st.sampled_from([None, None, "ar", "en"])),
                pieces=tuple(pieces),
            )
        )
    return out


@settings(max_examples=200, deadline=None)
@given(_entries(), st.sampled_from(["ltr", "rtl"]))
def test_signatory_list_items_written_together_are_written_as_one_by_one(entries: list[object], direction: str) -> None:
    from openletter.exporters.html import _Renderer, _signatory_item, _signatory_items
    from openletter.printed import layout
    from openletter.testing.samples import sample_letter

    letter = sample_letter("minimal")
    render = _Renderer(layout(letter))
    together = _signatory_items(entries, render, letter, direction)  # type: ignore[arg-type]
    assert together == "\n".join(_signatory_item(entry, render, letter, direction) for entry in entries)  # type: ignore[arg-type]


class _Watcher:
    """A plugin with two formats: ``first``, and ``second``, which records what the output folder
    holds while it renders (or fails, as a bad theme does)."""

    def __init__(self, folder: object, fail: bool = False) -> None:
        self.folder = folder
        self.fail = fail
        self.seen: list[str] = []

    @hookimpl
    def openletter_exporters(self) -> list[object]:
        from openletter.errors import OptionError
        from openletter.exporter import Exporter

        def second(letter: object, options: object) -> str:
            from pathlib import Path

            assert isinstance(self.folder, Path)
            self.seen = sorted(p.name for p in self.folder.iterdir())
            if self.fail:
                raise OptionError("second: this option cannot be used")
            return "second"

        return [
            Exporter(name="first", title="1", suffix=".first", media_type="text/plain", render=lambda _, __: "first"),
            Exporter(name="second", title="2", suffix=".second", media_type="text/plain", render=second),
        ]


def _watching(folder: object, fail: bool = False) -> tuple[_Watcher, object]:
    from openletter.plugins import Registry

    watcher = _Watcher(folder, fail)
    return watcher, Registry(entry_points=False, plugins=[("watcher", watcher)])


def test_a_build_keeps_each_output_on_disk_not_in_memory_and_in_place_only_at_the_end(tmp_path: Path) -> None:
    from openletter.build import build

    watcher, registry = _watching(tmp_path)
    result = build(EXAMPLE, ["first", "second"], tmp_path, registry=registry)
    assert [name[:13] for name in watcher.seen] == [".letter.first", ".letter.secon"]  # written, not in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.first", "letter.second"]
    assert [o.path.read_text() for o in result.outputs] == ["first", "second"]


def test_a_build_refused_by_a_later_format_leaves_nothing_behind(tmp_path: Path) -> None:
    from openletter.build import build
    from openletter.errors import OptionError

    watcher, registry = _watching(tmp_path, fail=True)
    with pytest.raises(OptionError):
        build(EXAMPLE, ["first", "second"], tmp_path, registry=registry)
    assert watcher.seen and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("sample", ["coalition", "numbered_groups", "pseudonym_chinese", "arabic_rtl"])
def test_the_jsonld_output_makes_signatories_nodes_as_it_writes_them_and_writes_builds_data(sample: str) -> None:
    from openletter.exporters import jsonld
    from openletter.testing.samples import sample_letter

    letter = sample_letter(sample)
    lazy = jsonld._build(letter, None, lazy=True)
    (group, *_) = [p for p in lazy["hasPart"] if p.get("genre") == "signatories"]
    assert isinstance(group["mainEntity"]["itemListElement"], Items) and isinstance(lazy["author"], Items)
    assert jsonld.render(letter, {}) == jsonld.dumps(jsonld.build(letter)) == dumps(jsonld.build(letter)) + "\n"


def _wrapped_by_textwrap(text: str, first: str, rest: str) -> list[str]:
    import textwrap

    from openletter.bidi import balance
    from openletter.plaintext import WIDTH

    lines: list[str] = []
    for number, piece in enumerate(text.split("\n")):
        indent = first if number == 0 else rest
        wrapped = textwrap.wrap(
            piece, WIDTH, initial_indent=indent, subsequent_indent=rest, break_long_words=False, break_on_hyphens=False
        )
        lines.extend(wrapped or [indent.rstrip()])
    return balance(lines) if "\u2068" in text and len(lines) > 1 else lines


@settings(max_examples=300, deadline=None)
@given(
    st.text(st.sampled_from([*"ab \t\r\n\x0b\x0c-,", "\u2068", "\u2069", "\xa0"]), max_size=90),
    st.sampled_from(["", "1. ", "- ", "100000. "]),
)
def test_a_short_plain_text_line_is_wrapped_as_textwrap_wraps_it(text: str, marker: str) -> None:
    from openletter.plaintext import _wrap

    assert _wrap(text, marker, " " * len(marker)) == _wrapped_by_textwrap(text, marker, " " * len(marker))


def _many_signatories(count: int) -> object:
    import attrs

    from openletter.model import Person, PersonGroup
    from openletter.testing.samples import sample_letter

    people = tuple(Person(name=f"Person {n}", title="Professor", country="Chile") for n in range(count))
    return attrs.evolve(sample_letter("minimal"), signatories=(PersonGroup(people=people),))


def test_the_jsonld_output_is_written_in_pieces_as_it_is_made_and_they_are_its_bytes() -> None:
    from openletter.plugins import Registry

    letter = _many_signatories(3000)
    registry = Registry(entry_points=False)
    pieces: list[bytes] = []
    registry.render_to(letter, "jsonld", {}, pieces.append)  # type: ignore[arg-type]
    assert len(pieces) > 3 and max(map(len, pieces)) < 200_000
    assert b"".join(pieces) == registry.render(letter, "jsonld")  # type: ignore[arg-type]
    whole: list[bytes] = []
    registry.render_to(letter, "json", {}, whole.append)  # type: ignore[arg-type]  # (a format without write)
    assert whole == [registry.render(letter, "json")]  # type: ignore[arg-type]


def test_a_piece_that_cannot_be_written_is_an_output_error_not_the_formats() -> None:
    from openletter.errors import OutputError, RenderError
    from openletter.plugins import Registry

    def full(_: bytes) -> None:
        raise OutputError("cannot write letter.jsonld: No space left on device")

    with pytest.raises(OutputError) as raised:
        Registry(entry_points=False).render_to(_many_signatories(10), "jsonld", {}, full)  # type: ignore[arg-type]
    assert not isinstance(raised.value, RenderError)


def test_a_format_that_fails_while_writing_is_named(tmp_path: Path) -> None:
    from openletter.errors import RenderError
    from openletter.exporter import Exporter
    from openletter.plugins import Registry

    class Failing:
        @hookimpl
        def openletter_exporters(self) -> list[Exporter]:
            def write(letter: object, options: object, put: object) -> None:
                assert callable(put)
                put("half")
                raise ValueError("broken")

            return [
                Exporter(
                    name="failing",
                    title="F",
                    suffix=".f",
                    media_type="text/plain",
                    render=lambda _, __: "",
                    write=write,
                )
            ]

    registry = Registry(entry_points=False, plugins=[("failing", Failing())])
    with pytest.raises(RenderError, match="broken"):
        registry.render_to(_many_signatories(1), "failing", {}, lambda _: None)  # type: ignore[arg-type]
    from openletter.build import build

    result = build(EXAMPLE, ["failing", "json"], tmp_path, registry=registry)
    assert [type(f) for f in result.failures] == [RenderError]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.json"]  # nothing half written
