"""The ``html`` format: one self-contained, accessible letter page.

The page is rendered by a Jinja2 template (``themes/default/letter.html.j2``) with autoescaping
on, in Jinja2's sandbox with bounds on what a theme's template may allocate (`openletter.sandbox`),
from plain data prepared here (`page_context`). Letter text is untrusted:

* Markdown goes through the shared markdown-it configuration (raw HTML off, link validation on),
  so ``<script>`` stays text and ``javascript:``/``vbscript:``/``data:`` links are not links;
* every other value reaches the template as text and is escaped there;
* the JSON-LD of the ``jsonld`` format is embedded with `jsonld.embeddable`, so it cannot end its
  ``<script>`` element. A letter with more than `jsonld.EMBEDDED_SIGNATORIES` signatories embeds
  a summary that lists only the first of them; option ``jsonld`` (set by ``openletter build``
  when it writes the ``jsonld`` format) links the full document from the page's head.

Signatory lists are not Markdown: 10,000 names are escaped, not parsed. The CSS (screen and print)
is inlined; the page loads nothing from the network. Options ``template`` and ``stylesheet`` (the
text of a Jinja2 template and of a CSS file; ``openletter build --theme DIR`` reads them from a
theme folder) replace the default theme.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..bidi import isolation
from ..errors import OptionError
from ..exporter import Exporter, Options
from ..hookspecs import hookimpl
from ..model import Letter, Logo
from ..printed import (
    AddressBlock,
    ArchiveNote,
    Closing,
    CountNote,
    Dateline,
    DemandList,
    Endnotes,
    Letterhead,
    Notes,
    Part,
    Postscript,
    Printed,
    Salutation,
    Section,
    SignatoryEntry,
    SignatoryGroup,
    SignatoryHeading,
    Subject,
    Text,
    Title,
)
from ..words import text_direction

if TYPE_CHECKING:
    from jinja2 import Template
    from markupsafe import Markup

    from ..sandbox import ThemeEnvironment

LONG_LIST = 12
"""Signatory groups longer than this are set in columns."""

LIST_RUN = 1_000
"""The most items of one ``<ul>``/``<ol>`` of the default template: a longer group is written as
consecutive lists of this many. A browser balances a list's columns anew each time it lays the
page out while it is still loading; over 50,000 names in one list that made a page take minutes to
load (see ``tests/test_large_page.py``)."""


class _Renderer:
    """Markdown to HTML for one letter: endnote markers numbered in the letter's order, anchored
    demands marked where they stand (see `openletter.printed.markdown_env`)."""

    def __init__(self, printed: Printed) -> None:
        from ..markdown import parser
        from ..printed import markdown_env

        self.md = parser()
        self.env = markdown_env(printed)
        self.number = printed.number  # in the letter's digits

    def block(self, text: str | None) -> Markup | None:
        from markupsafe import Markup

        return None if text is None else Markup(self.md.render(text, self.env))

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


def logo_context(logo: Logo | None, names: Sequence[str], src: str | None = None) -> dict[str, str] | None:
    """The letterhead logo: its ``src`` (a ``data:`` URI unless given, such as an email's ``cid:``)
    and its ``alt`` text (empty when the sender's name is written right beside it)."""
    if logo is None:
        return None
    if src is None:
        import base64

        src = f"data:{logo.media_type};base64,{base64.b64encode(logo.data).decode('ascii')}"
    return {"src": src, "alt": "" if logo.alt in names else logo.alt}


_HEAD_KINDS = frozenset({"letterhead", "title", "address", "subject"})
_FOOT_KINDS = frozenset({"signatory_heading", "signatory_group", "count", "notes", "postscript"})


def _lang(lang: str | None, letter: Letter) -> dict[str, str] | None:
    """``lang`` and, when it differs from the page's, ``dir`` of an element in another language."""
    if lang is None or lang == letter.language:
        return None
    marks = {"lang": lang}
    direction = text_direction(lang)
    if direction != text_direction(letter.language):
        marks["dir"] = direction
    return marks


def language_name(tag: str) -> str:
    """A language's name in itself ("Français", "ខ្មែរ", "العربية"), from the CLDR data; the tag
    itself when Babel does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(tag, sep="-").get_display_name(Locale.parse(tag, sep="-"))
    except (UnknownLocaleError, ValueError, TypeError):
        return tag
    return (name[:1].upper() + name[1:]) if name else tag


def alternates(value: str | None, current: str) -> list[dict[str, Any]]:
    """The ``alternates`` option (``en=letter.html km=letter.km.html``: every language of the
    letter and its page, the original first) as the template's list of languages."""
    from ..errors import OptionError
    from ..model import _BCP47

    found: list[dict[str, Any]] = []
    for item in (value or "").split():
        tag, equals, href = item.partition("=")
        if not equals or not _BCP47.match(tag) or not href or not _safe_href(href):
            raise OptionError(f"html.alternates: {item!r} is not LANG=PAGE (expected en=letter.html km=letter.km.html)")
        found.append(
            {"lang": tag, "href": href, "name": language_name(tag), "current": tag.lower() == current.lower(),
             "dir": text_direction(tag)}
        )  # fmt: skip
    return found


def _safe_href(href: str) -> bool:
    """A page of a translation: a relative file name or an http(s) address, nothing else."""
    from urllib.parse import urlsplit

    from ..markdown import safe_link

    return safe_link(href) and urlsplit(href).scheme in ("", "http", "https") and not href.startswith("//")


def page_context(
    letter: Letter,
    *,
    email: bool = False,
    logo_src: str | None = None,
    languages: str | None = None,
    jsonld: str | None = None,
) -> dict[str, Any]:
    """Everything the template sees: plain values (escaped by Jinja2) and rendered Markup.

    The parts and their order come from `openletter.printed.layout`, the one place that decides
    what a letter prints; here they only become HTML. With `email`, the page is the HTML part of
    an email: no JSON-LD script, no social tags. `logo_src` replaces the logo's ``data:`` URI
    (an email refers to its attached image by ``cid:``). `jsonld` is the ``jsonld`` option: where
    the letter's full JSON-LD document is, linked from the head.
    """
    from markupsafe import Markup

    from ..printed import layout
    from ..words import counter_style
    from .jsonld import EMBEDDED_SIGNATORIES, build, dumps, embeddable

    if jsonld is not None and not (jsonld and _safe_href(jsonld) and not any(c.isspace() for c in jsonld)):
        raise OptionError(f"html.jsonld: {jsonld!r} is not a file name or an http(s) address (expected letter.jsonld)")

    printed = layout(letter)
    render = _Renderer(printed)
    words = printed.labels
    names = printed.sender_names
    head: list[dict[str, Any]] = []
    body: list[dict[str, Any]] = []
    foot: list[dict[str, Any]] = []
    tail: list[dict[str, Any]] = []
    signatory_heading = bool(printed.of(SignatoryHeading))
    parts = printed.parts
    for index, part in enumerate(parts):
        item = _part_context(part, letter, render, words, names, logo_src, signatory_heading)
        if part.kind in _HEAD_KINDS or (part.kind == "dateline" and letter.date_position == "head"):
            head.append(item)
        elif part.kind == "endnotes":  # in the footer when the letter puts them between signatory groups
            (foot if any(p.kind == "signatory_group" for p in parts[index + 1 :]) else tail).append(item)
        elif part.kind in _FOOT_KINDS or part.kind == "dateline":
            foot.append(item)
        else:
            body.append(item)
    description = letter.subject or _shorten(plain_text(letter.sections[0].text))
    published = letter.published or letter.date
    return {
        "email": email,
        "lang": letter.language,
        "dir": printed.direction,
        "labels": words,
        "list_style": counter_style(printed.numbering),
        "counter_style_rule": _counter_style_rule(printed.numbering),
        "title": letter.title,
        "description": description,
        "url": letter.url,
        "og_locale": og_locale(letter.language),
        "site_name": names[0] if names else None,
        "published": published.isoformat() if published else None,
        "keywords": list(letter.keywords),
        "alternates": [] if email else alternates(languages, letter.language),
        "head": head,
        "body": body,
        "foot": foot,
        "tail": tail,
        "jsonld": Markup(embeddable(dumps(build(letter, languages, signatories=EMBEDDED_SIGNATORIES), compact=True))),
        "jsonld_href": None if email else jsonld,
    }


def _part_context(
    part: Part,
    letter: Letter,
    render: _Renderer,
    words: Mapping[str, str],
    names: Sequence[str],
    logo_src: str | None,
    signatory_heading: bool,
) -> dict[str, Any]:
    """One printed part as template data."""
    from markupsafe import Markup

    item: dict[str, Any] = {"kind": part.kind}
    page = text_direction(letter.language)
    if isinstance(part, Letterhead):
        item["lines"] = [_value_item(t, letter) for t in part.lines]
        item["logo"] = logo_context(part.logo, [t.text for t in part.lines] or names, logo_src)
    elif isinstance(part, Title):
        item["title"] = {"text": part.title.text, "lang": _lang(part.title.lang, letter)}
        item["subtitle"] = _text_item(part.subtitle, letter)
    elif isinstance(part, Dateline):
        item["place"] = None if part.place is None else _value_item(part.place, letter)
        item["date"] = None if part.date is None else _value_item(part.date, letter)
        item["iso"] = part.iso_date.isoformat() if part.iso_date else None
        item["separator"] = part.separator
    elif isinstance(part, AddressBlock):
        item["role"] = part.role
        item["label"] = part.label.text
        item["colon"] = part.label.colon.rstrip()
        item["parties"] = [
            {"lines": [_pieces(line, _inside(marks, page)) for line in p.pieces], "lang": marks}
            for p in part.parties
            for marks in [_lang(p.lang, letter)]
        ]
    elif isinstance(part, Subject):
        item["label"] = part.label.text
        item["colon"] = part.label.colon
        item["lang"] = _lang(part.text.lang, letter)
        item["text"] = _isolated(part.text.text, _inside(item["lang"], page))
    elif isinstance(part, Salutation | Closing):
        item["text"] = part.text.text
        item["lang"] = _lang(part.text.lang, letter)
    elif isinstance(part, Section):
        item["id"] = part.element_id
        item["heading"] = render.inline(part.heading.text) if part.heading else None
        item["html"] = render.block(part.markdown)
        item["lang"] = _lang(part.lang, letter)
    elif isinstance(part, ArchiveNote):
        item["excerpt"] = part.excerpt
        item["source"] = part.source.lead if part.source is not None else None
        item["url"] = part.url
        item["url_dir"] = "ltr" if page == "rtl" else None
        item["retrieved"] = part.retrieved
        item["separator"] = part.separator
    elif isinstance(part, DemandList):
        item["heading"] = part.heading
        item["items"] = [
            {"id": d.element_id, "html": render.item(d.markdown), "status": d.status,
             "status_class": letter.demands[d.index].status, "lang": _lang(d.lang, letter)}
            for d in part.items
        ]  # fmt: skip
    elif isinstance(part, SignatoryHeading):
        item["text"] = part.text
    elif isinstance(part, SignatoryGroup):
        item["id"] = part.element_id
        item["heading"] = part.heading
        item["level"] = 3 if signatory_heading else 2
        item["note_before"] = render.block(part.note_before)
        item["note_after"] = render.block(part.note_after)
        item["numbered"] = part.numbered
        item["start"] = part.entries[0].number if part.numbered and part.entries else None
        inside = _inside(_lang(part.lang, letter), page)
        entries = part.entries
        item["runs"] = [
            {"start": entries[n].number, "html": _signatory_items(entries[n : n + LIST_RUN], render, letter, inside)}
            for n in range(0, len(entries), LIST_RUN)
        ]
        item["list_html"] = Markup("\n").join(run["html"] for run in item["runs"])
        item["entries"] = part.entries  # for themes that write the list themselves (no copy made)
        item["long"] = len(part.entries) > LONG_LIST and not any(e.description for e in part.entries)
        item["lang"] = _lang(part.lang, letter)
    elif isinstance(part, CountNote | Notes):
        item["html"] = render.block(part.markdown)
        item["lang"] = _lang(part.lang, letter)
    elif isinstance(part, Postscript):
        item["label"] = part.label
        item["html"] = render.block(part.markdown)
        item["lang"] = _lang(part.lang, letter)
    elif isinstance(part, Endnotes):
        cited = render.env["footnotes"]["list"]  # type: ignore[index]
        item["heading"] = part.heading
        item["items"] = [
            {"number": render.number(n.number), "id": f"fn{n.number}", "back": f"fnref{n.number}",
             "cited": cited[n.number - 1]["count"] > 0, "html": render.block(n.markdown), "lang": _lang(n.lang, letter)}
            for n in part.items
        ]  # fmt: skip
        item["back"] = words["back"]
    return item


def _counter_style_rule(numbering: str) -> Markup | None:
    """The ``@counter-style`` rule the page's lists need (`openletter.words.counter_style_rule`):
    CSS made from a fixed table of digits, never from the letter."""
    from markupsafe import Markup

    from ..words import counter_style_rule

    rule = counter_style_rule(numbering)
    return None if rule is None else Markup(rule)


def _text_item(text: Text | None, letter: Letter) -> dict[str, Any] | None:
    return None if text is None else {"text": text.text, "lang": _lang(text.lang, letter)}


def _value_item(text: Text, letter: Letter) -> dict[str, Any]:
    """A value printed among other words (a letterhead name, the place, the date): its `text`
    isolated when its direction may differ from its element's (see `_isolated`)."""
    marks = _lang(text.lang, letter)
    return {"text": _isolated(text.text, _inside(marks, text_direction(letter.language))), "lang": marks}


def _inside(marks: Mapping[str, str] | None, outer: str) -> str:
    """The direction inside an element with `marks` (`_lang`) that stands in one of `outer`."""
    return marks["dir"] if marks and "dir" in marks else outer


def _isolated(value: str, direction: str) -> str:
    """`value` as it is, or as HTML in ``<bdi>`` when, printed in a line of `direction`, it needs
    isolating (`openletter.bidi.isolation`): a Latin name in an Arabic line keeps the line's
    commas and brackets in their places. A letter whose values all run its own way prints as if
    this did not exist."""
    from markupsafe import Markup, escape

    how = isolation(value, direction)
    if how is None:
        return value
    return Markup(_BDI[how].format(escape(value)))


_BDI = {"auto": "<bdi>{}</bdi>", "ltr": '<bdi dir="ltr">{}</bdi>'}


def _pieces(pieces: Sequence[str], direction: str) -> str:
    """A line in pieces (`openletter.printed.Pieces`): text, or HTML with its values isolated."""
    from markupsafe import Markup

    if not any(isolation(value, direction) for value in pieces[1::2]):
        return "".join(pieces)
    return Markup("").join(_isolated(piece, direction) if n % 2 else piece for n, piece in enumerate(pieces))


def _signatory_items(entries: Sequence[SignatoryEntry], render: _Renderer, letter: Letter, direction: str) -> Markup:
    """The ``<li>`` items of one signatory group (whose text runs in `direction`), escaped here
    rather than in the template; names and the values after them isolated where they need it.

    Lists run to 100,000 names, in one pass: an entry that is only a name and the words after it,
    needing no isolation (most of them), is escaped with all the others in one call; the others
    (a link, a language, a description, a value to isolate) are written one by one.
    """
    from markupsafe import Markup

    items: list[str | None] = []
    names: list[str] = []
    rests: list[str] = []
    ltr = direction == "ltr"
    for entry in entries:
        if (
            entry.lang is None
            and not entry.url
            and not entry.closing
            and not entry.description
            and (
                (ltr and entry.name.isascii() and entry.rest.isascii())
                or (  # (no isolation, at once)
                    isolation(entry.name, direction) is None
                    and not any(isolation(value, direction) for value in entry.pieces[1::2])
                )
            )
        ):
            items.append(None)  # written below, with the others like it
            names.append(entry.name)
            rests.append(entry.rest)
            continue
        items.append(_signatory_item(entry, render, letter, direction))
    if names:
        plain = iter(
            f'<li><span class="signatory-name">{name}</span>{rest}</li>'
            for name, rest in zip(_escaped(names), _escaped(rests), strict=True)
        )
        items = [next(plain) if item is None else item for item in items]
    return Markup("\n".join(items))  # type: ignore[arg-type]  # safe: each value escaped or markdown-it output


def _escaped(values: list[str]) -> list[str]:
    """Each value escaped as `markupsafe.escape` escapes it, in one call for all of them."""
    from markupsafe import escape

    found = str(escape("\n".join(values))).split("\n")  # (one-line values: names, roles, the layer's words)
    return found if len(found) == len(values) else [str(escape(value)) for value in values]


def _signatory_item(entry: SignatoryEntry, render: _Renderer, letter: Letter, direction: str) -> str:
    """One ``<li>`` of a signatory list, its values escaped and isolated as they need."""
    from markupsafe import escape

    marks = _lang(entry.lang, letter)
    inside = _inside(marks, direction)
    how = isolation(entry.name, inside)
    name = escape(entry.name) if how is None else _BDI[how].format(escape(entry.name))
    if entry.url:
        name = f'<a href="{escape(entry.url)}">{name}</a>'
    values = entry.pieces[1::2]
    rest = _pieces(entry.pieces, inside) if any(isolation(v, inside) for v in values) else entry.rest
    attributes = "".join(f' {k}="{escape(v)}"' for k, v in (marks or {}).items())
    item = f'<li{attributes}><span class="signatory-name">{name}</span>{escape(rest)}'
    if entry.closing:
        item += f' <span class="signatory-closing">{escape(entry.closing)}</span>'
    if entry.description:
        item += f'<div class="signatory-description">{render.block(entry.description)}</div>'
    return item + "</li>"


def og_locale(language: str) -> str | None:
    """The Open Graph locale (``ll_TT``: ``en_US``, ``zh_CN``, ``pt_BR``) of a BCP 47 language tag.

    A tag without a country gets its language's most likely one from the CLDR (Babel's
    likely-subtags data): ``fr`` is ``fr_FR``, ``zh-Hant`` is ``zh_TW``, ``km`` is ``km_KH``.
    None when no locale can be derived (``und``, private-use tags, unknown languages).
    """
    found = OG_LOCALES.get(language.lower())
    return found if found is not None else og_locale_from_cldr(language)


OG_LOCALES = {
    "am": "am_ET", "ar": "ar_EG", "bn": "bn_BD", "de": "de_DE", "en": "en_US", "es": "es_ES", "fa": "fa_IR",
    "fr": "fr_FR", "hi": "hi_IN", "id": "id_ID", "it": "it_IT", "ja": "ja_JP", "km": "km_KH", "ko": "ko_KR",
    "lo": "lo_LA", "ms": "ms_MY", "my": "my_MM", "nl": "nl_NL", "pt": "pt_BR", "ru": "ru_RU", "sw": "sw_TZ",
    "ta": "ta_IN", "th": "th_TH", "tl": "tl_PH", "tr": "tr_TR", "uk": "uk_UA", "ur": "ur_PK", "vi": "vi_VN",
    "zh-hans": "zh_CN", "zh-hant": "zh_TW",
}  # fmt: skip
"""`og_locale_from_cldr` of each label language (`openletter.LABEL_LANGUAGES`), lower-cased: a
page in one of them needs no Babel data (loading it took about 5 ms of every page's build).
tests/test_startup.py checks each against Babel."""


def og_locale_from_cldr(language: str) -> str | None:
    """`og_locale` from Babel's CLDR data (likely subtags)."""
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


RUN_MARKER = "<!--openletter:run:{}-->"
"""What stands in a page rendered with `held` runs for the run of that index (see `render_page`).

A comment: no letter text can write one, since every text of the letter reaches the page escaped."""


def render_page(
    letter: Letter,
    options: Options,
    *,
    email: bool = False,
    logo_src: str | None = None,
    held: list[str] | None = None,
) -> str:
    """Render the page (or, with `email`, the HTML part of an email) with the theme in `options`.

    `logo_src` is where the page finds the logo, when not in a ``data:`` URI (see `page_context`).
    With `held`, a list, every run of a signatory list of more than one run (`LIST_RUN` entries
    each) is appended to it and written in the page as `RUN_MARKER` with its index, so that a
    caller can work on the page without its long lists (the email's CSS inlining does).
    """
    import sys

    from jinja2 import TemplateError
    from markupsafe import Markup

    from ..sandbox import PAGE_FACTOR, THEME_BUDGET, Budget, render, size_of

    context = page_context(
        letter, email=email, logo_src=logo_src, languages=options.get("alternates"), jsonld=options.get("jsonld")
    )
    css = options.get("stylesheet", default_email_stylesheet() if email else default_stylesheet())
    if "</style" in css.lower():
        raise ThemeError("stylesheet", "the stylesheet must not contain '</style'")
    context["css"] = Markup(css)
    if held is not None:
        _hold_runs(context, held)
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


def _hold_runs(context: dict[str, Any], held: list[str]) -> None:
    """Move the runs of every signatory list of more than one run into `held` (see `render_page`)."""
    from markupsafe import Markup

    for item in (*context["head"], *context["body"], *context["foot"], *context["tail"]):
        runs = item.get("runs")
        if runs is None or len(runs) < 2:
            continue
        for run in runs:
            held.append(run["html"])
            run["html"] = Markup(RUN_MARKER.format(len(held) - 1))
        item["list_html"] = Markup("\n").join(run["html"] for run in runs)


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
                "alternates": "every language of the letter and its page, the original first: "
                "'en=letter.html km=letter.km.html' (openletter build sets it when it builds translations)",
                "jsonld": "the letter's full JSON-LD document, linked from the page's head: 'letter.jsonld' "
                "(openletter build sets it when it writes the jsonld format)",
            },
        )
    ]
