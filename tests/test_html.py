"""The html format: structure, safety against hostile letters, themes (browser checks: test_html_page)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import attrs
import html5lib
import pytest
from hypothesis import given, settings

import openletter
from openletter import Demand, Letter, Person, PersonGroup, Reference, Section
from openletter.cli import EXIT_OK, EXIT_USAGE, main
from openletter.exporters.html import LIST_RUN, text_direction

from .conftest import EXAMPLE, ROOT, listed
from .strategies import HOSTILE, hostile_letters, letters

NS = "{http://www.w3.org/1999/xhtml}"
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "srcset")


def page(letter: Letter, **options: str) -> str:
    return openletter.export(letter, "html", options).decode("utf-8")


def parse(text: str) -> Any:
    return html5lib.parse(text, namespaceHTMLElements=True)


def find(tree: Any, tag: str) -> list[Any]:
    return list(tree.iter(NS + tag))


def text_of(element: Any) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def assert_safe(text: str) -> None:
    """The only script is our JSON-LD; no on* attribute; no unsafe URL in any link or source."""
    tree = parse(text)
    scripts = find(tree, "script")
    assert len(scripts) == 1
    assert scripts[0].get("type") == "application/ld+json"
    json.loads(scripts[0].text)
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{element.tag} has {name}={value!r}"
            if name.lower() in URL_ATTRIBUTES:
                cleaned = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                scheme = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
                assert not cleaned.startswith(UNSAFE_SCHEMES) or (
                    element.tag == NS + "img" and cleaned.startswith("data:image/")
                ), f"{element.tag} {name}={value!r}"
                # an allow-list too: web, email and telephone addresses, or relative links
                assert scheme is None or scheme.group(1) in ("http", "https", "mailto", "tel", "data"), value
                assert not (cleaned.startswith("mailto:") and "attach" in cleaned), value
    for tag in ("iframe", "object", "embed", "form", "base", "meta"):
        for element in find(tree, tag):
            assert tag == "meta" and "http-equiv" not in element.attrib, f"unexpected <{tag}>"
    assert len(find(tree, "style")) == 1


def test_example_page_has_the_letters_structure(example_letter: Letter) -> None:
    tree = parse(page(example_letter))
    html = tree
    assert html.get("lang") == "en" and html.get("dir") == "ltr"
    (article,) = find(tree, "article")
    assert text_of(find(article, "h1")[0]) == example_letter.title
    (address,) = find(article, "address")
    assert "The United States Congress" in text_of(address)
    (time,) = [t for t in find(article, "time") if t.get("datetime") == "2023-06-08"]
    assert text_of(time) == "8 June 2023"
    assert not [e for e in article.iter() if e.get("id") == "demands"]  # every demand is in the body
    marked = [e for e in article.iter() if "demand" in (e.get("class") or "").split()]
    assert [e.get("id") for e in marked] == [  # in the order the body makes them
        "demand-targeted-sanctions",
        "demand-release-political-prisoners",
        "demand-halt-harassment",
        "demand-free-and-fair-elections",
        "demand-refuse-legitimacy",
    ]
    assert sorted(text_of(e) for e in marked) == sorted(str(d.quote) for d in example_letter.demands)
    footer = next(e for e in article.iter() if e.get("id") == "signatories")
    assert footer.tag == NS + "footer"
    assert "ASEAN Parliamentarians for Human Rights" in text_of(footer)
    body_text = text_of(article)
    assert "depriving those them of desperately needed medical care" in body_text
    assert body_text.index("Your Honors,") < body_text.index("We, ASEAN") < body_text.index("Yours sincerely,")


def test_head_has_meta_open_graph_twitter_and_embedded_json_ld(example_letter: Letter) -> None:
    letter = attrs.evolve(example_letter, url="https://example.org/letters/cambodia")
    tree = parse(page(letter))
    metas = {m.get("name") or m.get("property"): m.get("content") for m in find(tree, "meta") if m.get("content")}
    assert find(tree, "meta")[0].get("charset") == "utf-8"
    assert metas["viewport"] == "width=device-width, initial-scale=1"
    assert metas["description"].startswith("We, ASEAN Parliamentarians")
    assert metas["og:title"] == metas["twitter:title"] == letter.title
    assert metas["og:url"] == letter.url and metas["twitter:card"] == "summary"
    (canonical,) = [link for link in find(tree, "link") if link.get("rel") == "canonical"]
    assert canonical.get("href") == letter.url
    assert text_of(find(tree, "title")[0]) == letter.title
    (script,) = find(tree, "script")
    assert json.loads(script.text) == json.loads(openletter.export(letter, "jsonld"))


@pytest.mark.parametrize(
    ("language", "locale"),
    [
        ("en", "en_US"),
        ("en-GB", "en_GB"),
        ("fr", "fr_FR"),
        ("zh-Hans", "zh_CN"),
        ("zh-Hant", "zh_TW"),
        ("zh", "zh_CN"),
        ("pt-BR", "pt_BR"),
        ("km", "km_KH"),
        ("th", "th_TH"),
        ("ar", "ar_EG"),
        ("sr-Latn", "sr_RS"),
        ("es-419", "es_ES"),
        ("und", None),
        ("qaa", None),
        ("tlh", None),
    ],
)
def test_open_graph_locale_is_a_language_and_territory_or_absent(
    example_letter: Letter, language: str, locale: str | None
) -> None:
    tree = parse(page(attrs.evolve(example_letter, language=language)))
    found = [m.get("content") for m in find(tree, "meta") if m.get("property") == "og:locale"]
    assert found == ([locale] if locale else [])
    for value in found:
        assert re.fullmatch(r"[a-z]{2,3}_[A-Z]{2}", value)


def test_endnotes_are_a_linked_list_with_back_links(example_letter: Letter) -> None:
    letter = attrs.evolve(
        listed(example_letter),
        sections=(Section(text="First claim.[^src] Second claim.[^b] Again.[^src]"),),
        references=(Reference(id="b", text="Note B."), Reference(id="src", text="Source, *2023*.")),
    )
    tree = parse(page(letter))
    refs = [a for a in find(tree, "a") if re.fullmatch(r"#fn\d+", a.get("href") or "")]
    assert [a.get("href") for a in refs] == ["#fn2", "#fn1", "#fn2"]
    assert len({a.get("id") for a in refs}) == 3
    notes = next(e for e in tree.iter() if e.get("id") == "notes")
    items = find(notes, "li")
    assert [li.get("id") for li in items] == ["fn1", "fn2"]
    assert text_of(items[1]).startswith("Source, 2023.")
    back = [a.get("href") for a in find(notes, "a")]
    assert back == ["#fnref1", "#fnref2"]
    ids = {e.get("id") for e in tree.iter() if e.get("id")}
    assert {"fnref1", "fnref2", "fnref2-1"} <= ids


@pytest.mark.parametrize(
    ("language", "direction"),
    [
        ("ar", "rtl"),
        ("he", "rtl"),
        ("fa-IR", "rtl"),
        ("ur", "rtl"),
        ("az-Arab", "rtl"),
        ("ku-Latn", "ltr"),
        ("ar-Latn", "ltr"),
        ("ug-Cyrl", "ltr"),
        ("pa-Arab", "rtl"),
        ("en", "ltr"),
        ("th", "ltr"),
        ("km", "ltr"),
        ("zh-Hant", "ltr"),
    ],
)
def test_text_direction_follows_the_language(language: str, direction: str) -> None:
    assert text_direction(language) == direction


def test_right_to_left_letter_page(example_letter: Letter) -> None:
    letter = attrs.evolve(listed(example_letter), language="ar", date_text=None)
    tree = parse(page(letter))
    assert tree.get("lang") == "ar" and tree.get("dir") == "rtl"
    assert "مطالبنا" in page(letter)  # the page's own words in Arabic
    assert "يونيو" in page(letter)  # the date in Arabic, from Babel


def test_large_signatory_lists_are_rendered_in_columns_without_markdown() -> None:
    people = tuple(
        Person(name=f"*Name {i}*", title="MP", affiliation="Party", country="Malaysia") for i in range(10_000)
    )
    letter = Letter(
        title="T",
        language="en",
        sections=(Section(text="Body."),),
        signatories=(PersonGroup(heading="Members of Parliament", people=people),),
    )
    text = page(letter)
    tree = parse(text)
    lists = [ul for ul in find(tree, "ul") if "signatory-list" in (ul.get("class") or "")]
    assert sum(len(find(ul, "li")) for ul in lists) == 10_000
    assert all("long" in ul.get("class") for ul in lists)
    assert "*Name 9999*" in text and "<em>" not in text  # names are text, not Markdown


@pytest.mark.parametrize(("count", "runs"), [(LIST_RUN, [LIST_RUN]), (2 * LIST_RUN + 5, [LIST_RUN, LIST_RUN, 5])])
@pytest.mark.parametrize("numbering", ["none", "continuous"])
def test_a_very_long_group_is_written_as_consecutive_lists_in_order(
    count: int, runs: list[int], numbering: str
) -> None:
    people = tuple(Person(name=f"Name {i}") for i in range(count))
    letter = Letter(
        title="T",
        language="en",
        sections=(Section(text="Body."),),
        signatories=(PersonGroup(people=people),),
        signatory_numbering=numbering,  # type: ignore[arg-type]
    )
    tree = parse(page(letter))
    lists = [e for e in tree.iter() if "signatory-list" in (e.get("class") or "").split()]
    assert [len(find(e, "li")) for e in lists] == runs
    assert [text_of(li) for e in lists for li in find(e, "li")] == [f"Name {i}" for i in range(count)]
    assert all(("run" in e.get("class").split()) == (len(runs) > 1) for e in lists)
    if numbering != "none":  # each list goes on counting where the one before stopped
        assert [e.tag for e in lists] == [NS + "ol"] * len(runs)
        assert [e.get("start") for e in lists] == [None] + [str(1 + sum(runs[:n])) for n in range(1, len(runs))]


@settings(max_examples=40, deadline=None)
@given(hostile_letters())
def test_hostile_letters_cannot_inject_script_or_unsafe_links(letter: Letter) -> None:
    assert_safe(page(letter))


@settings(max_examples=25, deadline=None)
@given(letters())
def test_generated_letters_give_safe_pages(letter: Letter) -> None:
    assert_safe(page(letter))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_every_hostile_string_in_every_field_is_harmless(example_letter: Letter, hostile: str) -> None:
    letter = attrs.evolve(
        example_letter,
        title=f"T {hostile}",
        subtitle=hostile,
        subject=hostile,
        place=hostile,
        salutation=hostile,
        closing=hostile,
        keywords=(hostile,),
        sections=(Section(text=f"Body {hostile}"), Section(heading=f"H {hostile}", text=f"- {hostile}")),
        demands=(Demand(text=f"Do {hostile}", targets=("us-congress",)),),
        postscript=f"PS {hostile}",
        signatories=(PersonGroup(heading=hostile, people=(Person(name=f"N {hostile}", title=hostile),)),),
        references=(Reference(id="1", text=f"Note {hostile}"),),
    )
    text = page(letter)
    assert_safe(text)
    assert "49" not in text_of(parse(text))  # {{ 7*7 }} is shown, never evaluated
    if "{{" in hostile:
        assert "{{ 7*7 }}" in text_of(parse(text))


def test_a_theme_folder_changes_the_look_and_the_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "style.css").write_text("body { background: #123456; } .ngo-brand { color: #fff; }\n")
    out = tmp_path / "out"
    assert main(["build", str(EXAMPLE), "-t", "html", "--theme", str(theme), "-o", str(out)]) == EXIT_OK
    text = (out / "letter.html").read_text()
    assert "#123456" in text and "--accent" not in text  # the default stylesheet is replaced

    (theme / "letter.html.j2").write_text(
        '<!DOCTYPE html><html lang="{{ page.lang }}"><head><meta charset="utf-8"><title>{{ page.title }}</title>'
        '<style>{{ page.css }}</style></head><body><p class="ngo-brand">Our NGO</p><h1>{{ page.title }}</h1>'
        '{% for s in page.body if s.kind == "section" %}{{ s.html }}{% endfor %}</body></html>\n'
    )
    assert main(["build", str(EXAMPLE), "-t", "html", "--theme", str(theme), "-o", str(out)]) == EXIT_OK
    text = (out / "letter.html").read_text()
    assert '<p class="ngo-brand">Our NGO</p>' in text and "#123456" in text
    assert "depriving those them of" in text


def test_theme_templates_run_sandboxed_and_broken_themes_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "letter.html.j2").write_text("{{ page.__class__.__mro__[1].__subclasses__() }}")
    assert main(["build", str(EXAMPLE), "-t", "html", "--theme", str(theme), "-o", str(tmp_path / "o")]) == EXIT_USAGE
    assert "theme's template cannot be used" in capsys.readouterr().err
    (theme / "letter.html.j2").write_text("{% for %}")
    assert main(["build", str(EXAMPLE), "-t", "html", "--theme", str(theme), "-o", str(tmp_path / "o")]) == EXIT_USAGE
    (theme / "letter.html.j2").unlink()
    assert main(["build", str(EXAMPLE), "-t", "html", "--theme", str(theme), "-o", str(tmp_path / "o")]) == EXIT_USAGE
    assert "has neither" in capsys.readouterr().err


def _build_with_template(tmp_path: Path, template: str) -> tuple[Path, list[str]]:
    theme = tmp_path / "theme"
    theme.mkdir(exist_ok=True)
    (theme / "letter.html.j2").write_text(template, encoding="utf-8")
    return theme, ["build", str(EXAMPLE), "-t", "html", "--theme", str(theme), "-o", str(tmp_path / "out")]


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        ('{% include "letter.html.j2" %}', "include"),
        ('{% include "x.html" ignore missing %}', "include"),
        ('{% extends "/etc/passwd" %}', "extends"),
        ('{% import "x.html" as x %}', "import"),
        ('{% from "x.html" import y %}', "from ... import"),
    ],
    ids=["include", "include-ignore-missing", "extends", "import", "from-import"],
)
def test_a_theme_template_is_one_file_and_reads_no_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tag: str, name: str
) -> None:
    theme, arguments = _build_with_template(tmp_path, "<p>{{ page.title }}</p>\n" + tag)
    assert main(arguments) == EXIT_USAGE
    assert capsys.readouterr().err == (
        f"openletter: error: {theme / 'letter.html.j2'}: the theme's template cannot be used: "
        f"line 2: {{% {name} %}} is not supported: a theme's template is one file\n"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "template",
    ["{{ 1 / 0 }}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{{ page.keywords.append(1) }}"],
    ids=["division by zero", "endless recursion", "changing a list"],
)
def test_a_theme_template_failing_as_it_runs_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], template: str
) -> None:
    theme, arguments = _build_with_template(tmp_path, template)
    assert main(arguments) == EXIT_USAGE
    assert f"openletter: error: {theme / 'letter.html.j2'}: the theme's template cannot be used: " in (
        capsys.readouterr().err
    )


MEMORY_BOMBS = {
    "string repetition": '{{ "a" * 2000000000 }}',
    "list repetition": "{{ [page] * 100000 }}",
    "format width": '{{ "{:2000000000}".format(1) }}',
    "nested format width": '{{ "{:{w}}".format(1, w=2000000000) }}',
    "printf width": '{{ "%*s" % (2000000000, 1) }}',
    "format filter": '{{ "%2000000000s" | format(1) }}',
    "center method": '{{ "a".center(2000000000) }}',
    "center filter": '{{ "a" | center(2000000000) }}',
    "indent filter": '{{ "a\\na" | indent(2000000000) }}',
    "replace filter": '{{ ("a" * 1000) | replace("", "b" * 100000) }}',
    "join of many": '{{ range(100000) | map(attribute="x", default=page.css) | join }}',
    "str.join of many": '{{ "".join(range(100000) | map(attribute="x", default=page.css)) }}',
    "doubling with ~": (
        '{% set ns = namespace(x="a") %}{% for i in range(64) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}{{ ns.x }}'
    ),
    "doubling a captured block": (
        '{% set ns = namespace(x="a") %}{% for i in range(64) %}{% set ns.x %}{{ ns.x }}{{ ns.x }}{% endset %}'
        "{% endfor %}"
    ),
    "nested lists written out": (
        '{% set ns = namespace(x="a") %}{% for i in range(64) %}{% set ns.x = [ns.x, ns.x] %}{% endfor %}{{ ns.x }}'
    ),
    "endless output": "{% for i in range(100000) %}{% for j in range(100000) %}{{ page.css }}{% endfor %}{% endfor %}",
    "power": "{{ 10 ** 1000000000 }}",
    "lipsum": "{{ lipsum(100000000) }}",
    "batch padding": "{{ [1] | batch(2000000000, 0) | list }}",
    "int.to_bytes": '{{ (1).to_bytes(2000000000, "big") }}',
    "split into pieces": '{{ ("a " * 10000000).split() | length }}',
}
"""Templates that ask for gigabytes; each one is refused before it takes them."""


def _small_address_space() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (384 * 2**20, 384 * 2**20))


@pytest.mark.parametrize("template", list(MEMORY_BOMBS.values()), ids=list(MEMORY_BOMBS))
def test_a_theme_template_cannot_exhaust_memory(tmp_path: Path, template: str) -> None:
    """Run in a process of at most 384 MB: a template that is not bounded fails with MemoryError
    (exit status 3) rather than eating the machine."""
    import os
    import subprocess
    import sys

    theme, arguments = _build_with_template(tmp_path, template)
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-m", "openletter", *arguments],
        env=environment,
        preexec_fn=_small_address_space,  # the test process has no threads
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == EXIT_USAGE, done.stderr
    assert done.stderr.startswith(
        f"openletter: error: {theme / 'letter.html.j2'}: the theme's template cannot be used: "
    )
    assert "would go past the theme's limit of " in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_theme_template_may_do_a_lot_with_a_large_letter() -> None:
    """The limit grows with the letter: a template that lists 10,000 signatories itself, with
    macros, captured blocks, loops and filters, renders."""
    people = tuple(Person(name=f"Name {i}", title="MP", country="Malaysia") for i in range(10_000))
    letter = attrs.evolve(openletter.load(EXAMPLE), signatories=(PersonGroup(people=people),))
    template = (
        "{% macro person(m) %}<li>{{ m.name }}{% if m.rest %}{{ m.rest }}{% endif %}</li>{% endmacro %}"
        '{% for g in page.foot if g.kind == "signatory_group" %}'
        "{% set items %}{% for m in g.entries %}{{ person(m) }}{% endfor %}{% endset %}"
        '<ul>{{ items }}</ul><p>{{ "%d people" | format(g.entries | length) }}, {{ "{:,}".format(g.entries | length) }}'
        ' {{ g.entries | map(attribute="name") | join(", ") | truncate(40) }}</p>{% endfor %}'
        '{{ page.keywords | join(", ") | upper | center(80) }} {{ page.title ~ " - " ~ (page.subtitle or "") }}'
        '{{ ("-" * 72) }}{% for s in page.body if s.kind == "section" %}{{ s.html }}{% endfor %}{{ page.css }}'
    )
    text = page(letter, template=template)
    assert text.count("<li>") == 10_000 and "10,000" in text and "10000 people" in text


def test_stylesheet_cannot_close_the_style_element(example_letter: Letter) -> None:
    with pytest.raises(openletter.OptionError):
        page(example_letter, stylesheet="</style><script>alert(1)</script>")


def test_page_loads_nothing_from_the_network(example_letter: Letter) -> None:
    tree = parse(page(example_letter))
    for element in tree.iter():
        for name in ("src", "href"):
            value = element.get(name) or ""
            if element.tag == NS + "link":
                assert element.get("rel") == "canonical"
            elif value and element.tag != NS + "a":
                pytest.fail(f"{element.tag} loads {value}")
    assert "@import" not in page(example_letter) and "url(" not in page(example_letter)


def test_the_jsonld_option_links_the_full_document_from_the_head(example_letter: Letter) -> None:
    head = find(parse(page(example_letter, jsonld="letter.jsonld")), "head")[0]
    assert [(link.get("rel"), link.get("href")) for link in find(head, "link") if link.get("type")] == [
        ("alternate", "letter.jsonld")
    ]
    assert [link for link in find(parse(page(example_letter)), "link") if link.get("type")] == []


def test_the_html_part_of_an_email_links_no_jsonld_document(example_letter: Letter) -> None:
    from openletter.exporters.html import render_page

    assert 'type="application/ld+json"' not in render_page(example_letter, {"jsonld": "letter.jsonld"}, email=True)


@pytest.mark.parametrize(
    "value", ["", "javascript:alert(1)", "file:///etc/passwd", "//example.org/letter.jsonld", "letter one.jsonld"]
)
def test_a_jsonld_link_that_is_not_a_file_or_web_address_is_refused(example_letter: Letter, value: str) -> None:
    with pytest.raises(openletter.OptionError, match=r"html\.jsonld"):
        page(example_letter, jsonld=value)


def test_right_to_left_page_uses_the_languages_own_punctuation(example_letter: Letter) -> None:
    letter = attrs.evolve(
        example_letter,
        language="ar",
        signatories=(
            PersonGroup(people=(Person(name="ليلى", title="أستاذة", affiliation="جامعة", country="العراق"),)),
        ),
    )
    text = page(letter)
    assert "ليلى</span>، أستاذة، جامعة" in text
    assert ", أستاذة" not in text


# --------------------------------------------------------------------------- the precompiled template


def _compile_theme_script() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("compile_theme", ROOT / "scripts" / "compile_theme.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_precompiled_default_template_is_up_to_date() -> None:
    from openletter.exporters.html import COMPILED_TEMPLATE

    assert COMPILED_TEMPLATE.read_text(encoding="utf-8") == _compile_theme_script().render(), (
        "run python scripts/compile_theme.py"
    )


def test_the_precompiled_template_is_used_and_renders_as_the_source_does(example_letter: Letter) -> None:
    from jinja2.sandbox import SandboxedEnvironment

    from openletter.exporters import html

    html._compile.cache_clear()
    precompiled = html._compile(html.default_template())
    assert precompiled.environment is html.environment()
    assert isinstance(precompiled.environment, SandboxedEnvironment)  # the sandbox still applies
    assert "letter_html_compiled" in precompiled.root_render_func.__code__.co_filename
    fresh = html.environment().from_string(html.default_template())
    context = html.page_context(example_letter)
    assert precompiled.render(page=context) == fresh.render(page=context)


def test_a_stale_precompiled_template_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openletter.exporters import html

    stale = tmp_path / "letter_html_compiled.py"
    stale.write_text("# Generated by scripts/compile_theme.py; do not edit. sha256=0 jinja2=0\nraise SystemExit\n")
    monkeypatch.setattr(html, "COMPILED_TEMPLATE", stale)
    html._compile.cache_clear()
    try:
        template = html._compile(html.default_template())
        assert "letter_html_compiled" not in template.root_render_func.__code__.co_filename
    finally:
        html._compile.cache_clear()


@pytest.mark.parametrize(
    ("url", "link", "printed_link"),
    [
        ("https://example.org/a", True, True),
        ("http://example.org", True, True),
        ("https:///no-host", True, False),
        ("mailto:team@example.org?subject=Hi&body=Text", True, True),
        ("mailto:team@example.org?attach=/home/me/.ssh/id_rsa", False, False),
        ("mailto:team@example.org?Attachment=x", False, False),
        ("tel:+85512345678", True, False),
        ("#notes", True, False),
        ("page.html", True, False),
        ("javascript:alert(1)", False, False),
        ("smb://evil.example/share", False, False),
        ("ms-msdt:/id", False, False),
        ("search-ms:query=x", False, False),
        ("file:///etc/passwd", False, False),
        ("data:text/html,x", False, False),
        ("data:image/png;base64,AAAA", True, False),
        ("C:/Windows/x", False, False),
    ],
)
def test_which_addresses_may_be_links(url: str, link: bool, printed_link: bool) -> None:
    from openletter.markdown import safe_link, web_address

    assert safe_link(url) is link
    assert web_address(url) is printed_link


@pytest.mark.parametrize(
    ("sample", "to", "subject"),
    [
        ("aphr_cambodia", "To:", "<strong>Subject</strong>: "),
        ("chinese", "致：", "<strong>事由</strong>：S"),
        ("khmer", "ជូនចំពោះ៖", "<strong>កម្មវត្ថុ</strong>៖ S"),
        ("thai_with_logo", "เรียน", "<strong>เรื่อง</strong> S"),
    ],
)
def test_labels_are_followed_by_the_languages_own_colon(sample: str, to: str, subject: str) -> None:
    from openletter.testing import sample_letter

    letter = attrs.evolve(sample_letter(sample), subject="S")
    text = page(letter)
    assert f'<span class="addressee-label">{to}</span>' in text
    assert f'<p class="subject">{subject}' in text
    assert ":" not in openletter.labels("zh")["colon"]
