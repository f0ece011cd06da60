"""The ``html`` format: one self-contained, accessible letter page.

The page is rendered by a Jinja2 template (``themes/default/letter.html.j2``) with autoescaping
on, in Jinja2's sandbox with bounds on what a theme's template may allocate (`openletter.sandbox`),
from plain data prepared here (`page_context`). Letter text is untrusted:

* Markdown goes through the shared markdown-it configuration (raw HTML off, link validation on),
  so ``<script>`` stays text and ``javascript:``/``vbscript:``/``data:`` links are not links;
* every other value reaches the template as text and is escaped there;
* the JSON-LD of the ``jsonld`` format is embedded with `jsonld.embeddable`, so it cannot end its
  ``<script>`` element.

Signatory lists are not Markdown: 10,000 names are escaped, not parsed. The CSS (screen and print)
is inlined; the page loads nothing from the network. Options ``template`` and ``stylesheet`` (the
text of a Jinja2 template and of a CSS file; ``openletter build --theme DIR`` reads them from a
theme folder) replace the default theme.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import OptionError
from ..exporter import Exporter, Options
from ..hookspecs import hookimpl
from ..model import Letter, OrganisationGroup
from ..words import display_date, format_date, labels, text_direction

if TYPE_CHECKING:
    from jinja2 import Template
    from markupsafe import Markup

    from ..sandbox import ThemeEnvironment

LONG_LIST = 12
"""Signatory groups longer than this are set in columns."""


class _Renderer:
    """Markdown to HTML for one letter: endnote markers numbered in the letter's order."""

    def __init__(self, letter: Letter) -> None:
        from ..markdown import footnote_env, parser

        self.md = parser()
        self.env = footnote_env([r.id for r in letter.references])

    def block(self, text: str) -> Markup:
        from markupsafe import Markup

        return Markup(self.md.render(text, self.env))

    def item(self, text: str) -> Markup:
        """Block Markdown for a list item: one paragraph stays bare text, more keep their blocks."""
        from markupsafe import Markup

        html = self.md.render(text, self.env)
        if html.startswith("<p>") and html.endswith("</p>\n") and html.count("<p>") == 1 and "\n" not in html[:-1]:
            html = html[3:-5]
        return Markup(html)  # safe: markdown-it output, raw HTML off

    def inline(self, text: str) -> Markup:
        from markupsafe import Markup

        return Markup(self.md.renderInline(text, self.env))


def _unique_anchors(wanted: Iterable[str]) -> Iterator[str]:
    """Yield each wanted element id, made unique with a suffix when an earlier one took it."""
    used: set[str] = set()
    for anchor in wanted:
        candidate, number = anchor, 2
        while candidate in used:
            candidate, number = f"{anchor}-{number}", number + 1
        used.add(candidate)
        yield candidate


def plain_text(markdown: str) -> str:
    """The words of a Markdown text, without markup (for meta descriptions)."""
    from ..markdown import parse

    words: list[str] = []
    for token in parse(markdown):
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
        if token.type.endswith("_close") and token.block:
            words.append(" ")
    return re.sub(r"\s+", " ", "".join(words)).strip()


def _shorten(text: str, limit: int = 200) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def logo_context(letter: Letter, site_name: str | None, src: str | None = None) -> dict[str, str] | None:
    """The letterhead logo: its ``src`` (a ``data:`` URI unless given, such as an email's ``cid:``)
    and its ``alt`` text (empty when the organisation's name is written right beside it)."""
    logo = letter.logo
    if logo is None:
        return None
    if src is None:
        import base64

        src = f"data:{logo.media_type};base64,{base64.b64encode(logo.data).decode('ascii')}"
    return {"src": src, "alt": "" if logo.alt == site_name else logo.alt}


def page_context(letter: Letter, *, email: bool = False, logo_src: str | None = None) -> dict[str, Any]:
    """Everything the template sees: plain values (escaped by Jinja2) and rendered Markup.

    With `email`, the page is the HTML part of an email: no JSON-LD script, no social tags.
    `logo_src` replaces the logo's ``data:`` URI (an email refers to its attached image by ``cid:``).
    """
    from markupsafe import Markup

    from .jsonld import build, dumps, embeddable

    render = _Renderer(letter)
    words = labels(letter.language)
    addressees_by_id = {a.id: a for a in letter.addressees if a.id is not None}
    organisations = list(letter.organisations())
    sender = organisations[0] if organisations else None
    description = letter.subject or _shorten(plain_text(letter.sections[0].text))
    groups = []
    for number, group in enumerate(letter.signatories, start=1):
        if isinstance(group, OrganisationGroup):
            members = [
                {"name": o.name, "short_name": o.short_name, "country": o.country, "url": o.url}
                for o in group.organisations
            ]
            kind = "organisations"
        else:
            members = [
                {"name": p.name, "honorific": p.honorific, "title": p.title, "affiliation": p.affiliation,
                 "country": p.country}
                for p in group.people
            ]  # fmt: skip
            kind = "people"
        groups.append({"id": f"signatories-{number}", "heading": group.heading, "kind": kind,
                       "members": members, "list_html": _signatory_items(members, kind, words["comma"]),
                       "long": len(members) > LONG_LIST})  # fmt: skip
    sections = [
        {"id": f"section-{n}", "heading": render.inline(s.heading) if s.heading else None, "html": render.block(s.text)}
        for n, s in enumerate(letter.sections, start=1)
    ]
    anchors = _unique_anchors(f"demand-{d.id}" if d.id else f"demand-{n}" for n, d in enumerate(letter.demands, 1))
    demands = [
        {
            "id": next(anchors),
            "html": render.item(d.text),
            "target": addressees_by_id[d.target].name if d.target else None,
            "deadline": d.deadline.isoformat() if d.deadline else None,
            "deadline_text": format_date(d.deadline, letter.language) if d.deadline else None,
            "status": d.status,
        }
        for n, d in enumerate(letter.demands, start=1)
    ]
    postscript = render.block(letter.postscript) if letter.postscript else None
    abouts = [{"name": o.name, "html": render.block(o.description)} for o in organisations if o.description is not None]
    notes = [
        {"number": n, "id": f"fn{n}", "back": f"fnref{n}", "cited": render.env["footnotes"]["list"][n - 1]["count"] > 0,
         "html": render.block(r.text)}
        for n, r in enumerate(letter.references, start=1)
    ]  # fmt: skip
    return {
        "email": email,
        "lang": letter.language,
        "dir": text_direction(letter.language),
        "labels": words,
        "title": letter.title,
        "subtitle": letter.subtitle,
        "subject": letter.subject,
        "description": description,
        "url": letter.url,
        "og_locale": og_locale(letter.language),
        "site_name": sender.name if sender else None,
        "logo": logo_context(letter, sender.name if sender else None, logo_src),
        "date": letter.date.isoformat() if letter.date else None,
        "date_text": display_date(letter),
        "place": letter.place,
        "recipients": [_addressee(a) for a in letter.recipients],
        "copied": [_addressee(a) for a in letter.copied],
        "salutation": letter.salutation,
        "sections": sections,
        "demands": demands,
        "closing": letter.closing,
        "groups": groups,
        "postscript": postscript,
        "abouts": abouts,
        "notes": notes,
        "keywords": list(letter.keywords),
        "jsonld": Markup(embeddable(dumps(build(letter), compact=True))),
    }


def _signatory_items(members: list[dict[str, Any]], kind: str, comma: str) -> Markup:
    """The ``<li>`` items of one signatory group, escaped here rather than in the template.

    Lists run to 10,000 names; building the items in one pass of `markupsafe.escape` keeps a
    page of that size well under the time one template loop over sandboxed attributes takes.
    """
    from markupsafe import Markup, escape

    items = []
    for m in members:
        if kind == "organisations":
            name = f'<a href="{escape(m["url"])}">{escape(m["name"])}</a>' if m["url"] else escape(m["name"])
            item = f'<li><span class="signatory-name">{name}</span>'
            if m["short_name"] and m["short_name"] not in m["name"]:
                item += f" ({escape(m['short_name'])})"
            if m["country"]:
                item += f'<span class="signatory-country">{comma}{escape(m["country"])}</span>'
        else:
            name = f"{escape(m['honorific'])} {escape(m['name'])}" if m["honorific"] else escape(m["name"])
            item = f'<li><span class="signatory-name">{name}</span>'
            for extra in (m["title"], m["affiliation"]):
                if extra:
                    item += f"{comma}{escape(extra)}"
            if m["country"]:
                item += f'<span class="signatory-country"> ({escape(m["country"])})</span>'
        items.append(item + "</li>")
    return Markup("\n".join(items))  # safe: every value above is escaped


def _addressee(addressee: Any) -> dict[str, Any]:
    return {
        "name": addressee.name,
        "honorific": addressee.honorific,
        "role": addressee.role,
        "organisation": addressee.organisation,
        "email": addressee.email,
    }


def og_locale(language: str) -> str | None:
    """The Open Graph locale (``ll_TT``: ``en_US``, ``zh_CN``, ``pt_BR``) of a BCP 47 language tag.

    A tag without a country gets its language's most likely one from the CLDR (Babel's
    likely-subtags data): ``fr`` is ``fr_FR``, ``zh-Hant`` is ``zh_TW``, ``km`` is ``km_KH``.
    None when no locale can be derived (``und``, private-use tags, unknown languages).
    """
    from babel.core import get_global, parse_locale

    def letters(subtag: str, count: int) -> bool:
        return len(subtag) == count and subtag.isascii() and subtag.isalpha()

    lang, *rest = language.lower().split("-")
    if not (letters(lang, 2) or letters(lang, 3)) or lang == "und":
        return None
    while rest and letters(rest[0], 3):  # extended language subtags (zh-yue)
        rest.pop(0)
    script = rest.pop(0).title() if rest and letters(rest[0], 4) else None
    region = rest[0] if rest and letters(rest[0], 2) else None
    if region is not None:
        return f"{lang}_{region.upper()}"
    likely = get_global("likely_subtags")
    for key in ([f"{lang}_{script}", f"und_{script}"] if script else []) + [lang]:
        found = likely.get(key)
        if found is None:
            continue
        found_lang, territory, *_ = parse_locale(found)
        if found_lang == lang and territory is not None and len(territory) == 2 and territory.isalpha():
            return f"{lang}_{territory}"
    return None


@cache
def default_template() -> str:
    """The default theme's template text."""
    return files("openletter").joinpath("themes/default/letter.html.j2").read_text(encoding="utf-8")


@cache
def default_stylesheet() -> str:
    """The default theme's stylesheet (screen and print)."""
    return files("openletter").joinpath("themes/default/style.css").read_text(encoding="utf-8")


@cache
def default_email_stylesheet() -> str:
    """The default theme's stylesheet for email: plain properties that css-inline can inline."""
    return files("openletter").joinpath("themes/default/email.css").read_text(encoding="utf-8")


COMPILED_TEMPLATE = Path(__file__).resolve().parents[1] / "themes" / "default" / "letter_html_compiled.py"
"""The default template, compiled to Python by ``scripts/compile_theme.py`` (a cold-start saving)."""


@cache
def environment() -> ThemeEnvironment:
    """The Jinja2 environment of every theme: sandboxed, with what a template allocates bounded
    (see `openletter.sandbox`), autoescaping."""
    from ..sandbox import ThemeEnvironment

    return ThemeEnvironment(autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


class ThemeError(OptionError):
    """The theme's `option` (``template`` or ``stylesheet``) cannot be used."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


def compiled_header(source: str) -> str:
    """The first line of the compiled template: which template and which Jinja2 it was made from."""
    import hashlib

    import jinja2

    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    return f"# Generated by scripts/compile_theme.py; do not edit. sha256={digest} jinja2={jinja2.__version__}"


@cache
def _compile(source: str) -> Template:
    env = environment()
    if source == default_template():
        try:
            with COMPILED_TEMPLATE.open(encoding="utf-8") as handle:
                current = handle.readline().rstrip("\n") == compiled_header(source)
        except OSError:
            current = False
        if current:  # the saved code object (.pyc) when there is one: no parsing at all
            from importlib.machinery import SourceFileLoader

            loader = SourceFileLoader("openletter.themes.default.letter_html_compiled", str(COMPILED_TEMPLATE))
            code = loader.get_code(loader.name)
            if code is not None:
                return env.template_class.from_code(env, code, env.make_globals(None))
    return env.from_string(source)


def render(letter: Letter, options: Options) -> str:
    """The letter as an HTML page; options ``template`` and ``stylesheet`` replace the theme's."""
    return render_page(letter, options)


def render_page(letter: Letter, options: Options, *, email: bool = False, logo_src: str | None = None) -> str:
    """Render the page (or, with `email`, the HTML part of an email) with the theme in `options`.

    `logo_src` is where the page finds the logo, when not in a ``data:`` URI (see `page_context`).
    """
    import sys

    from jinja2 import TemplateError
    from markupsafe import Markup

    from ..sandbox import PAGE_FACTOR, THEME_BUDGET, Budget, render, size_of

    context = page_context(letter, email=email, logo_src=logo_src)
    css = options.get("stylesheet", default_email_stylesheet() if email else default_stylesheet())
    if "</style" in css.lower():
        raise ThemeError("stylesheet", "the stylesheet must not contain '</style'")
    context["css"] = Markup(css)
    source = options.get("template", default_template())
    trusted = source == default_template()  # openletter's own: not bounded
    budget = Budget(sys.maxsize if trusted else THEME_BUDGET + PAGE_FACTOR * size_of(context, sys.maxsize))
    try:
        return render(_compile(source), budget, page=context)
    except TemplateError as error:
        raise ThemeError("template", f"the theme's template cannot be used: {error}") from None
    except Exception as error:
        if trusted:
            raise  # a fault of openletter's, not of a theme
        message = f"the theme's template cannot be used: {type(error).__name__}: {error}"
        raise ThemeError("template", message) from None


@hookimpl
def openletter_exporters() -> Sequence[Exporter]:
    """Provide the ``html`` format."""
    return [
        Exporter(
            name="html",
            title="HTML (self-contained, accessible letter page)",
            suffix=".html",
            media_type="text/html; charset=utf-8",
            render=render,
            options={
                "template": "the text of a Jinja2 template replacing the default (see --theme)",
                "stylesheet": "the text of a CSS stylesheet replacing the default (see --theme)",
            },
        )
    ]
