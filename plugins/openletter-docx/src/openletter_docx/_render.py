"""Build the Word document (imported by `openletter_docx.render` on first use: python-docx is heavy).

What the document prints, and in which order, is `openletter.printed.layout(letter)`: the same
parts, with the same words, as every other format (letterhead, title, dateline, addressees,
subject, salutation, sections, demands, closing, signatories, notes, postscript, endnotes...).
This module only typesets them: `_Writer.rules` has one method per kind of part, as
markdown-it's renderer has one rule per token type. Every paragraph has a built-in Word style, so
editing the style edits every paragraph that uses it; a long signatory list is set in two
columns; a part in another language has its runs tagged with it (``w:lang``) and, when that
language is written right to left, right-to-left paragraphs.

Letter text is untrusted. It only ever becomes the text of runs (``w:t``), never XML, a field or a
relationship of its own: the one field in the document is the page number this module writes, and
the only external relationships are hyperlinks whose address is ``http``, ``https`` or ``mailto``
(any other link keeps its text and loses its address). Bookmark names (a demand marked in the
body) are made from element ids, never from letter text.

Markdown is read with openletter's shared parser in the environment `openletter.printed.markdown_env`
gives: endnote markers are numbered as in every other format, and anchored demands come as
``demand_open``/``demand_close`` tokens.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from copy import deepcopy
from typing import TYPE_CHECKING, Any

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Inches, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph

from openletter import Letter, Logo, text_direction
from openletter.markdown import STATUS_KEY, parser, web_address
from openletter.printed import (
    AddressBlock,
    ArchiveNote,
    Closing,
    CountNote,
    Dateline,
    DemandList,
    Endnotes,
    Letterhead,
    Notes,
    Postscript,
    Printed,
    Salutation,
    SignatoryEntry,
    SignatoryGroup,
    SignatoryHeading,
    Subject,
    Title,
    demand_element_ids,
    layout,
    markdown_env,
)
from openletter.printed import Section as PrintedSection

if TYPE_CHECKING:
    from docx.document import Document
    from docx.section import Section
    from markdown_it.token import Token

LONG_LIST = 12
"""More signatories than this are set in two columns."""

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""The timestamp of every file inside the .docx (the earliest a zip file can hold)."""

FALLBACK_DATE = dt.date(2000, 1, 1)
"""The document's created/modified date when the letter has no date."""

CORE_PROPERTY_LIMIT = 255
"""The longest document property (title, subject, author...) python-docx and Word accept."""


# Element order inside w:pPr, w:rPr and w:sectPr (WordprocessingML schema); Word rejects other orders.
_PPR_ORDER = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)
_RPR_ORDER = (
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
)
_SECTPR_ORDER = (
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
)

# --------------------------------------------------------------------------- scripts and fonts

_EAST_ASIAN_LANGUAGES = {"zh", "ja", "ko", "yue", "cmn", "wuu", "hak", "nan"}
_COMPLEX_LANGUAGES = {
    "ar", "fa", "ur", "ps", "ckb", "sd", "ug", "ks", "he", "iw", "yi", "dv", "syr", "th", "lo", "km", "my",
    "hi", "mr", "ne", "sa", "bn", "as", "pa", "gu", "or", "ta", "te", "kn", "ml", "si", "bo", "dz",
}  # fmt: skip

_COMPLEX_FONTS = {
    "th": "Noto Sans Thai",
    "lo": "Noto Sans Lao",
    "km": "Noto Sans Khmer",
    "my": "Noto Sans Myanmar",
    "ar": "Noto Naskh Arabic",
    "fa": "Noto Naskh Arabic",
    "ps": "Noto Naskh Arabic",
    "ckb": "Noto Naskh Arabic",
    "sd": "Noto Naskh Arabic",
    "ug": "Noto Naskh Arabic",
    "ks": "Noto Naskh Arabic",
    "ur": "Noto Nastaliq Urdu",
    "he": "Noto Sans Hebrew",
    "iw": "Noto Sans Hebrew",
    "yi": "Noto Sans Hebrew",
    "hi": "Noto Sans Devanagari",
    "mr": "Noto Sans Devanagari",
    "ne": "Noto Sans Devanagari",
    "bn": "Noto Sans Bengali",
    "ta": "Noto Sans Tamil",
    "si": "Noto Sans Sinhala",
}
"""The complex-script font slot (w:cs) by language; Thai, Khmer, Arabic, Hebrew... use this slot."""

DEFAULT_COMPLEX_FONT = "Noto Sans"
DEFAULT_EAST_ASIAN_FONT = "Noto Sans CJK SC"


def fonts(language: str) -> tuple[str, str]:
    """The East Asian (w:eastAsia) and complex-script (w:cs) fonts for a letter in `language`."""
    parts = language.lower().split("-")
    east_asian = DEFAULT_EAST_ASIAN_FONT
    if parts[0] == "ja":
        east_asian = "Noto Sans CJK JP"
    elif parts[0] == "ko":
        east_asian = "Noto Sans CJK KR"
    elif parts[0] in _EAST_ASIAN_LANGUAGES and ({"hant", "tw", "hk", "mo"} & set(parts[1:]) or parts[0] == "yue"):
        east_asian = "Noto Sans CJK TC"
    return east_asian, _COMPLEX_FONTS.get(parts[0], DEFAULT_COMPLEX_FONT)


_RTL_RANGES = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF), (0x10800, 0x10FFF), (0x1E800, 0x1EFFF))
_COMPLEX_RANGES = ((0x0900, 0x0DFF), (0x0E00, 0x0EFF), (0x0F00, 0x109F), (0x1780, 0x17FF), (0x19E0, 0x19FF))
_EAST_ASIAN_RANGES = (
    (0x1100, 0x11FF), (0x2E80, 0x2FFF), (0x3000, 0x303F), (0x3040, 0x30FF), (0x3100, 0x9FFF), (0xA960, 0xA97F),
    (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF),
)  # fmt: skip


def _in(code: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _script(char: str) -> str | None:
    """The font slot a character needs: ``rtl``, ``cs`` (complex), ``ea`` (East Asian), ``l``, or
    None for neutral characters (spaces, digits, punctuation, marks) that go with their neighbours."""
    code = ord(char)
    if code < 0x0590:
        return "l" if unicodedata.category(char)[0] == "L" else None
    if _in(code, _RTL_RANGES):
        return "rtl"
    if _in(code, _COMPLEX_RANGES):
        return "cs"
    if _in(code, _EAST_ASIAN_RANGES):
        return "ea"
    if unicodedata.bidirectional(char) in ("R", "AL"):
        return "rtl"
    return "l" if unicodedata.category(char)[0] == "L" else None


def segments(text: str) -> list[tuple[str, str]]:
    """Split `text` into runs by script, as Word does: ``[(text, slot), ...]`` (see `_script`)."""
    if text.isascii():
        return [(text, "l")]
    out: list[tuple[str, str]] = []
    start, current = 0, None
    for index, char in enumerate(text):
        kind = _script(char)
        if kind is None or kind == current:
            continue
        if current is not None:
            out.append((text[start:index], current))
            start = index
        current = kind
    out.append((text[start:], current or "l"))
    return out


# --------------------------------------------------------------------------- XML helpers


def _insert(parent: Any, child: Any, order: Sequence[str]) -> Any:
    """Insert `child` into `parent` at its place in the schema's `order`, replacing one of its kind."""
    name = child.tag.rpartition("}")[2]
    existing = parent.find(qn(f"w:{name}"))
    if existing is not None:
        parent.replace(existing, child)
        return child
    later = {qn(f"w:{tag}") for tag in order[order.index(name) + 1 :]}
    for position, sibling in enumerate(parent):
        if sibling.tag in later:
            parent.insert(position, child)
            return child
    parent.append(child)
    return child


def _element(tag: str, **attributes: str) -> Any:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold; a Markdown entity such as ``&#12;`` decodes to one."""


def xml_text(text: str) -> str:
    """`text` with the characters XML cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _add_text(run: Any, text: str) -> None:
    """Append `text` to a w:r element: w:t pieces, w:tab for tabs, w:br for line ends."""
    text = xml_text(text)
    for number, line in enumerate(text.split("\n")):
        if number:
            run.append(OxmlElement("w:br"))
        for index, piece in enumerate(line.split("\t")):
            if index:
                run.append(OxmlElement("w:tab"))
            if piece:
                element = OxmlElement("w:t")
                if piece != piece.strip():
                    element.set(qn("xml:space"), "preserve")
                element.text = piece
                run.append(element)


def _language(lang: str) -> Any:
    """A run's ``w:lang`` for text in `lang`: its Latin, East Asian and complex-script slots."""
    primary = lang.lower().split("-")[0]
    attributes = {"val": lang}
    if primary in _EAST_ASIAN_LANGUAGES:
        attributes["eastAsia"] = lang
    if primary in _COMPLEX_LANGUAGES or text_direction(lang) == "rtl":
        attributes["bidi"] = lang
    return _element("w:lang", **attributes)


def _stable_zip(data: bytes) -> bytes:
    """Rewrite a zip file with fixed timestamps and attributes, [Content_Types].xml first, then by name."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = sorted(source.namelist(), key=lambda name: (name != "[Content_Types].xml", name))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()


def _clip(text: str, limit: int = CORE_PROPERTY_LIMIT) -> str:
    """`text` cut to `limit` characters (with an ellipsis) for a document property."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- bookmarks

BOOKMARK_LIMIT = 40
"""The longest bookmark name Word accepts."""


def bookmark_names(element_ids: Iterable[str]) -> dict[str, str]:
    """A Word bookmark name for each element id: at most 40 characters, starting with a letter,
    only ASCII letters, digits and underscores, and unique (Word compares names without case)."""
    used: set[str] = set()
    names: dict[str, str] = {}
    for element_id in element_ids:
        base = re.sub(r"[^A-Za-z0-9_]", "_", element_id)
        if not base[:1].isascii() or not base[:1].isalpha():
            base = "d_" + base
        base = base[:BOOKMARK_LIMIT]
        name, number = base, 2
        while name.lower() in used:
            suffix = f"_{number}"
            name, number = base[: BOOKMARK_LIMIT - len(suffix)] + suffix, number + 1
        used.add(name.lower())
        names[element_id] = name
    return names


# --------------------------------------------------------------------------- the writer


class _Writer:
    """One letter's document: its printed parts (`openletter.printed.layout`), written in order,
    one rule per kind of part (`rules`, as markdown-it's renderer has one per token type)."""

    def __init__(self, letter: Letter, page_size: tuple[int, int]) -> None:
        self.letter = letter
        self.printed: Printed = layout(letter)
        self.rtl = self.printed.direction == "rtl"
        self.doc: Document = docx.Document()
        self.md = parser()
        self.env = markdown_env(self.printed)
        self.statuses: dict[str, str] = self.env[STATUS_KEY]  # type: ignore[assignment]
        self.bookmarks = bookmark_names(demand_element_ids(letter))
        """The Word bookmark name of each demand's element id."""
        self._bookmark_ids: dict[str, str] = {}  # the w:id of each bookmark written, in order
        self._bookmarks_open: set[str] = set()
        self.lang: str | None = None
        """The language of the part being written, when it is not the letter's."""
        self.rules: dict[str, Callable[[Any], None]] = {
            "letterhead": self.letterhead,
            "title": self.title,
            "dateline": self.dateline,
            "address": self.address,
            "subject": self.subject,
            "salutation": self.salutation,
            "section": self.section,
            "archive": self.archive,
            "demands": self.demands,
            "closing": self.closing,
            "signatory_heading": self.signatory_heading,
            "signatory_group": self.signatory_group,
            "count": self.count,
            "notes": self.notes,
            "postscript": self.postscript,
            "endnotes": self.endnotes,
        }
        self._style_ids: dict[str, str] = {}
        self._counts: dict[int, int] = {}  # numbering instance: its next number, when written out
        self._written_out: dict[str, str] = {}  # abstract numbering: its copy that writes no number
        self._end = self.doc.element.body.get_or_add_sectPr()  # paragraphs go before it
        self._drop_thumbnail()
        self._set_up_styles()
        self._set_up_page(page_size)
        self._set_properties()

    # ----------------------------------------------------------------------- set-up

    def _drop_thumbnail(self) -> None:
        """python-docx's template carries a thumbnail of an empty page: leave it out."""
        rels = self.doc.part.package.rels
        for r_id in [r_id for r_id, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
            del rels[r_id]

    def _set_up_styles(self) -> None:
        styles = self.doc.styles
        east_asian, complex_script = fonts(self.letter.language)
        root = styles.element
        # Fonts: East Asian and complex-script slots named outright (the template's theme has none).
        for rfonts in root.iter(qn("w:rFonts")):
            for theme, attribute, font in (
                ("w:eastAsiaTheme", "w:eastAsia", east_asian),
                ("w:cstheme", "w:cs", complex_script),
            ):
                if rfonts.get(qn(theme)) is not None:
                    del rfonts.attrib[qn(theme)]
                    rfonts.set(qn(attribute), font)
        defaults = root.find(qn("w:docDefaults"))
        run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        rfonts = run_defaults.find(qn("w:rFonts"))
        rfonts.set(qn("w:eastAsia"), east_asian)
        rfonts.set(qn("w:cs"), complex_script)
        # Language: Latin, East Asian and complex-script text are each tagged with the letter's
        # language when it is written in such a script, else with Word's usual defaults.
        language = self.letter.language
        primary = language.lower().split("-")[0]
        _insert(
            run_defaults,
            _element(
                "w:lang",
                val=language,
                eastAsia=language if primary in _EAST_ASIAN_LANGUAGES else "zh-CN",
                bidi=language if primary in _COMPLEX_LANGUAGES else "ar-SA",
            ),
            _RPR_ORDER,
        )
        if self.rtl:
            paragraph_defaults = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
            _insert(paragraph_defaults, _element("w:bidi"), _PPR_ORDER)  # runs: only Arabic, Hebrew... are rtl

        def paragraph_style(
            name: str,
            *,
            builtin: bool = True,
            bold: bool = False,
            size: float | None = None,
            before: float | None = None,
            after: float | None = None,
            keep_with_next: bool = False,
        ) -> None:
            if name in [s.name for s in styles]:
                return
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=builtin)
            style.base_style = styles["Normal"]
            style.next_paragraph_style = styles["Normal"]
            style.quick_style = True
            if bold:
                style.font.bold = True
                _insert(style.element.get_or_add_rPr(), _element("w:bCs"), _RPR_ORDER)
            if size is not None:
                style.font.size = Pt(size)
                _insert(style.element.get_or_add_rPr(), _element("w:szCs", val=str(int(size * 2))), _RPR_ORDER)
            if before is not None:
                style.paragraph_format.space_before = Pt(before)
            if after is not None:
                style.paragraph_format.space_after = Pt(after)
            if keep_with_next:
                style.paragraph_format.keep_with_next = True

        paragraph_style("Letterhead", builtin=False, bold=True, size=14, after=18)
        paragraph_style("Date", after=12)
        paragraph_style("Salutation", before=12)
        paragraph_style("Closing", before=12, keep_with_next=True)
        paragraph_style("Signature", after=3)
        styles["Letterhead"].font.color.rgb = RGBColor(0x1F, 0x38, 0x64)

        # Word's own character styles (not flagged custom: Word knows them by name).
        hyperlink = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER, builtin=True)
        hyperlink.base_style = styles["Default Paragraph Font"]
        hyperlink.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
        hyperlink.font.underline = True
        code = styles.add_style("HTML Code", WD_STYLE_TYPE.CHARACTER, builtin=True)
        code.base_style = styles["Default Paragraph Font"]
        code.font.name = "Courier New"

    def _set_up_page(self, page_size: tuple[int, int]) -> None:
        section = self.doc.sections[0]
        width, height = page_size
        section.page_width = Twips(width)
        section.page_height = Twips(height)
        margin = Cm(2.5) if width < 12000 else Inches(1)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = margin
        section.header_distance = section.footer_distance = Cm(1.25)
        if self.rtl:
            _insert(section._sectPr, _element("w:bidi"), _SECTPR_ORDER)
        footer = section.footer.paragraphs[0]
        footer.style = self.doc.styles["Footer"]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if self.rtl:
            _insert(footer._p.get_or_add_pPr(), _element("w:bidi"), _PPR_ORDER)
        # The page number: a PAGE field (the only field in the document).
        for kind, content in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
            run = footer.add_run()
            if kind == "instr":
                instruction = OxmlElement("w:instrText")
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = content
                run._r.append(instruction)
            elif kind == "text":
                run.text = content
            else:
                run._r.append(_element("w:fldChar", fldCharType=kind))

    def _set_properties(self) -> None:
        letter = self.letter
        properties = self.doc.core_properties
        author = "; ".join(self.printed.sender_names)  # the sender, never a signatory; none without one
        moment = dt.datetime.combine(letter.date or FALLBACK_DATE, dt.time(0, 0), tzinfo=dt.UTC)
        properties.title = _clip(letter.title)
        properties.subject = _clip(letter.subject or letter.subtitle or "")
        properties.author = _clip(author)
        properties.last_modified_by = _clip(author)
        properties.language = _clip(letter.language)
        properties.keywords = _clip(", ".join(letter.keywords))
        properties.comments = ""
        properties.category = ""
        properties.identifier = _clip(letter.url or "")
        properties.revision = 1
        properties.created = moment
        properties.modified = moment

    # ----------------------------------------------------------------------- paragraphs and runs

    def style_id(self, name: str) -> str:
        """The id of the style called `name` (looked up once: python-docx's lookup is slow)."""
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.styles[name].style_id
        return self._style_ids[name]

    def _own(self, lang: str | None) -> str | None:
        """`lang`, or the part's language, when it is not the letter's (None when it is)."""
        lang = lang or self.lang
        return lang if lang is not None and lang != self.letter.language else None

    @contextmanager
    def in_language(self, lang: str | None) -> Iterator[None]:
        """Write what follows in `lang` (None: the letter's language): its runs are tagged with it,
        its paragraphs take its direction."""
        outer, self.lang = self.lang, lang or self.lang
        try:
            yield
        finally:
            self.lang = outer

    def paragraph(self, style: str, *, lang: str | None = None) -> Paragraph:
        """A new paragraph at the end of the body, in `style`, right-to-left when its language
        (`lang`, else the part's, else the letter's) is; a left-to-right paragraph of a
        right-to-left letter says so (the letter's default is right-to-left)."""
        own = self._own(lang)
        rtl = self.rtl if own is None else text_direction(own) == "rtl"
        p = OxmlElement("w:p")
        if style != "Normal" or rtl or self.rtl:
            properties = OxmlElement("w:pPr")
            if style != "Normal":
                properties.append(_element("w:pStyle", val=self.style_id(style)))
            if rtl:
                properties.append(_element("w:bidi"))
            elif self.rtl:
                properties.append(_element("w:bidi", val="0"))
            p.append(properties)
        self._end.addprevious(p)
        return Paragraph(p, self.doc._body)

    def text(
        self,
        paragraph: Paragraph,
        text: str,
        *,
        style: str | None = None,
        bold: bool = False,
        italic: bool = False,
        superscript: bool = False,
        into: Any = None,
        lang: str | None = None,
    ) -> None:
        """Add `text` as runs (one per script) with a character style and direct formatting, tagged
        with its language (`lang`, else the part's) when that is not the letter's."""
        if not text:
            return
        parent = paragraph._p if into is None else into
        own = self._own(lang)
        for piece, script in segments(text):
            properties = []
            if style is not None:
                properties.append(_element("w:rStyle", val=self.style_id(style)))
            if script in ("rtl", "cs"):
                properties.append(_element("w:rFonts", hint="cs"))
            elif script == "ea":
                properties.append(_element("w:rFonts", hint="eastAsia"))
            if bold:
                properties += [_element("w:b"), _element("w:bCs")]
            if italic:
                properties += [_element("w:i"), _element("w:iCs")]
            if superscript:
                properties.append(_element("w:vertAlign", val="superscript"))
            if script in ("rtl", "cs"):
                properties.append(_element("w:rtl" if script == "rtl" else "w:cs"))
            if own is not None:
                properties.append(_language(own))
            r = OxmlElement("w:r")
            if properties:
                run_properties = OxmlElement("w:rPr")
                run_properties.extend(properties)
                r.append(run_properties)
            _add_text(r, piece)
            parent.append(r)

    def hyperlink(self, paragraph: Paragraph, url: str, into: Any = None) -> Any:
        """A w:hyperlink at the end of `paragraph` (or of `into`) for a safe `url`, or None (the
        text stays plain)."""
        if not web_address(url):
            return None
        r_id = self.doc.part.relate_to(url, RT.HYPERLINK, is_external=True)
        element = OxmlElement("w:hyperlink")
        element.set(qn("r:id"), r_id)
        element.set(qn("w:history"), "1")
        (paragraph._p if into is None else into).append(element)
        return element

    def line_break(self, paragraph: Paragraph, into: Any = None) -> None:
        """A line break (a run holding a ``w:br``) at the end of `paragraph` or of `into`."""
        run = OxmlElement("w:r")
        run.append(OxmlElement("w:br"))
        (paragraph._p if into is None else into).append(run)

    def bookmark(self, parent: Any, element_id: str, *, end: bool) -> None:
        """The start or the end of the bookmark named for the demand `element_id`, at the end of
        `parent`. Each bookmark is written once: a start once, and an end only after its start."""
        if not end and element_id in self.bookmarks and element_id not in self._bookmark_ids:
            number = self._bookmark_ids[element_id] = str(len(self._bookmark_ids))
            self._bookmarks_open.add(element_id)
            parent.append(_element("w:bookmarkStart", id=number, name=self.bookmarks[element_id]))
        elif end and element_id in self._bookmarks_open:
            self._bookmarks_open.remove(element_id)
            parent.append(_element("w:bookmarkEnd", id=self._bookmark_ids[element_id]))

    def numbering(self, style: str, start: int = 1) -> int:
        """A new numbering instance for a list in `style`, counting from `start` (a list restarts).

        In a letter whose numbers are not 0-9 (``numerals: native``), Word writes no number: the
        instance keeps the list's indents, and `number` writes the number in the letter's digits
        at the start of each item (Word's number formats have Thai and Hindi digits, but not
        Khmer, Arabic-Indic, Persian, Lao or Burmese ones, and no two word processors agree on
        them)."""
        numbering = self.doc.part.numbering_part.element
        style_num = self.doc.styles[style].element.pPr.numPr.numId.val
        abstract = str(numbering.num_having_numId(style_num).abstractNumId.val)
        written_out = self.printed.numbering != "latn"
        if written_out:
            abstract = self._without_number(abstract)
        num = numbering.add_num(int(abstract))
        num.add_lvlOverride(ilvl=0).add_startOverride(start)
        if written_out:
            self._counts[int(num.numId)] = start
        return int(num.numId)

    def _without_number(self, abstract_id: str) -> str:
        """The id of a copy of the abstract numbering `abstract_id` that writes no number (no
        format, no text, nothing after it), with the same indents; made once."""
        if abstract_id not in self._written_out:
            numbering = self.doc.part.numbering_part.element
            abstracts = numbering.findall(qn("w:abstractNum"))
            original = next(a for a in abstracts if a.get(qn("w:abstractNumId")) == abstract_id)
            copy = deepcopy(original)
            new_id = str(1 + max(int(a.get(qn("w:abstractNumId"))) for a in abstracts))
            copy.set(qn("w:abstractNumId"), new_id)
            for child in copy.findall(qn("w:nsid")) + copy.findall(qn("w:tmpl")):
                copy.remove(child)  # (identifiers of the original's)
            level = copy.find(qn("w:lvl"))
            for child in level.findall(qn("w:pStyle")):
                level.remove(child)  # the style's numbering stays the original
            level.find(qn("w:numFmt")).set(qn("w:val"), "none")
            text = level.find(qn("w:lvlText"))
            text.set(qn("w:val"), "")
            text.addprevious(_element("w:suff", val="nothing"))
            original.addnext(copy)
            self._written_out[abstract_id] = new_id
        return self._written_out[abstract_id]

    def number(self, paragraph: Paragraph, num_id: int) -> None:
        """Number `paragraph` as the next item of the numbering instance `num_id` (in the letter's
        digits, written at its start, when they are not 0-9: see `numbering`)."""
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num_id
        if num_id in self._counts:
            value = self._counts[num_id]
            self._counts[num_id] = value + 1
            self.text(paragraph, f"{self.printed.number(value)}.\t")

    # ----------------------------------------------------------------------- Markdown

    def inline(self, paragraph: Paragraph, children: Sequence[Token], *, strong: bool = False) -> None:
        """Write inline Markdown tokens into `paragraph`; an anchored demand's passage becomes a
        bookmark, followed by its status word when it has one."""
        bold = 1 if strong else 0
        italic = 0
        link: Any = None
        for token in children:
            kind = token.type
            if kind in ("text", "code_inline", "softbreak", "image", "footnote_ref", "html_inline"):
                text = token.content
                superscript = False
                if kind == "softbreak":
                    text = " "
                elif kind == "footnote_ref":
                    text, superscript = self.printed.number(int(token.meta["id"]) + 1), True
                styles = [
                    name
                    for name, on in (("HTML Code", kind == "code_inline"), ("Hyperlink", link is not None),
                                     ("Strong", bold > 0), ("Emphasis", italic > 0))
                    if on
                ]  # fmt: skip
                self.text(
                    paragraph,
                    text,
                    style=styles[0] if styles else None,
                    bold=bold > 0 and styles[0] != "Strong",
                    italic=italic > 0 and styles[0] != "Emphasis",
                    superscript=superscript,
                    into=link,
                )
            elif kind == "hardbreak":
                self.line_break(paragraph, link)
            elif kind == "strong_open":
                bold += 1
            elif kind == "strong_close":
                bold -= 1
            elif kind == "em_open":
                italic += 1
            elif kind == "em_close":
                italic -= 1
            elif kind == "link_open":
                link = self.hyperlink(paragraph, str(token.attrs.get("href", "")))
            elif kind == "link_close":
                link = None
            elif kind in ("demand_open", "demand_close"):
                anchor = token.meta["anchor"]
                self.bookmark(paragraph._p if link is None else link, anchor.element_id, end=kind == "demand_close")
                if kind == "demand_close":
                    self.status(paragraph, self.statuses.get(anchor.status), into=link)

    def status(self, paragraph: Paragraph, word: str | None, into: Any = None) -> None:
        """A demand's status word, in brackets after it, when it has one."""
        if word:
            self.text(paragraph, " ", into=into)
            self.text(paragraph, f"({word})", style="Emphasis", into=into, lang=self.letter.language)

    def inline_markdown(self, paragraph: Paragraph, text: str, *, strong: bool = False) -> None:
        """Write one line of inline Markdown (a heading) into `paragraph`."""
        for token in self.md.parseInline(text, self.env):
            self.inline(paragraph, token.children or [], strong=strong)

    def markdown(
        self,
        text: str,
        *,
        item: tuple[str, int] | None = None,
        lead: Callable[[Paragraph], None] | None = None,
        base: str = "Normal",
    ) -> Paragraph | None:
        """Write Markdown blocks; return the last paragraph written.

        With `item` (a list style and its numbering instance), the text is one item of that list:
        its first paragraph is numbered, the next ones continue the item, nested lists go one
        level deeper. `lead` writes something at the start of the first paragraph (a label).
        `base` is the style of plain paragraphs.
        """
        tokens = self.md.parse(text, self.env)
        lists: list[tuple[bool, int | None]] = []  # open lists: ordered?, numbering instance
        items: list[bool] = []  # open list items: first paragraph written?
        quotes = 0
        first_done = False
        last: Paragraph | None = None
        base_depth = 1 if item else 0

        def style_for(heading: str | None) -> tuple[str, int | None, bool]:
            """The paragraph style, numbering instance and boldness of the next block."""
            nonlocal first_done
            if items:
                depth = min(base_depth + len(lists), 3)
                suffix = "" if depth == 1 else f" {depth}"
                ordered, num_id = lists[-1]
                if not items[-1]:
                    items[-1] = True
                    return ("List Number" if ordered else "List Bullet") + suffix, num_id, heading is not None
                return "List Continue" + suffix, None, heading is not None
            if item is not None:
                if not first_done:
                    first_done = True
                    return item[0], item[1], heading is not None
                return "List Continue", None, heading is not None
            if quotes:
                return "Quote", None, heading is not None
            if heading is not None:
                return f"Heading {min(max(int(heading[1]) - 1, 2), 6)}", None, False
            return base, None, False

        def start(style: str, num_id: int | None) -> Paragraph:
            nonlocal lead, last
            paragraph = self.paragraph(style)
            if num_id is not None:
                self.number(paragraph, num_id)
            if lead is not None:
                lead(paragraph)
                lead = None
            last = paragraph
            return paragraph

        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "bullet_list_open":
                lists.append((False, None))
            elif kind == "ordered_list_open":
                depth = min(base_depth + len(lists) + 1, 3)
                style = "List Number" + ("" if depth == 1 else f" {depth}")
                lists.append((True, self.numbering(style, int(str(token.attrs.get("start", 1))))))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "list_item_open":
                items.append(False)
            elif kind == "list_item_close":
                items.pop()
            elif kind == "blockquote_open":
                quotes += 1
            elif kind == "blockquote_close":
                quotes -= 1
            elif kind in ("paragraph_open", "heading_open"):
                style, num_id, strong = style_for(token.tag if kind == "heading_open" else None)
                paragraph = start(style, num_id)
                self.inline(paragraph, tokens[index + 1].children or [], strong=strong)
            elif kind in ("fence", "code_block"):
                style, num_id, _ = style_for(None)
                paragraph = start("macro" if num_id is None else style, num_id)
                self.text(paragraph, token.content.rstrip("\n"), style=None if num_id is None else "HTML Code")
            elif kind == "hr":
                paragraph = start("Normal", None)
                borders = _element("w:pBdr")
                borders.append(_element("w:bottom", val="single", sz="6", space="1", color="auto"))
                _insert(paragraph._p.get_or_add_pPr(), borders, _PPR_ORDER)
        return last

    # ----------------------------------------------------------------------- the letter's parts

    def build(self) -> None:
        """Write every printed part in order, each by the rule for its kind; a long signatory list
        (more than `LONG_LIST` names) is set in two columns, in a section of its own."""
        parts = self.printed.parts
        signing = [i for i, p in enumerate(parts) if isinstance(p, SignatoryHeading | SignatoryGroup)]
        names = sum(len(group.entries) for group in self.printed.of(SignatoryGroup))
        first, last = (signing[0], signing[-1]) if signing and names > LONG_LIST else (-1, -1)
        for index, part in enumerate(parts):
            if index == first:
                # A long list starts on a new page, its heading at the top of the first column: word
                # processors do not keep a heading with the next section's text, so a heading above
                # a continuous break can be left alone at the foot of a page.
                self._columns(self.section_break(new_page=True), 2)
            rule = self.rules.get(part.kind)
            if rule is None:
                raise NotImplementedError(f"the docx format has no rule for the printed part {part.kind!r}")
            rule(part)
            if index == last:
                self._columns(self.section_break(), 1)

    def letterhead(self, part: Letterhead) -> None:
        """The logo and the sender's letterhead lines, one paragraph."""
        paragraph = self.paragraph("Letterhead")
        if part.logo is not None:
            self.logo(paragraph, part.logo)
        for number, line in enumerate(part.lines):
            if number:
                self.line_break(paragraph)
            elif part.logo is not None:
                paragraph.add_run("\t")
            self.text(paragraph, line.text, lang=line.lang)

    def title(self, part: Title) -> None:
        self.text(self.paragraph("Title", lang=part.title.lang), part.title.text, lang=part.title.lang)
        if part.subtitle is not None:
            subtitle = part.subtitle
            self.text(self.paragraph("Subtitle", lang=subtitle.lang), subtitle.text, lang=subtitle.lang)

    def dateline(self, part: Dateline) -> None:
        paragraph = self.paragraph("Date")
        if part.place is not None:
            self.text(paragraph, part.place.text, lang=part.place.lang)
            if part.date is not None:
                self.text(paragraph, part.separator)
        if part.date is not None:
            self.text(paragraph, part.date.text, lang=part.date.lang)

    def address(self, part: AddressBlock) -> None:
        """The label, then every line of every addressee, one paragraph (a line each)."""
        paragraph = self.paragraph("Normal")
        self.text(paragraph, part.label.lead, style="Strong")
        first = True
        for party in part.parties:
            for line in party.lines:
                if not first:
                    self.line_break(paragraph)
                first = False
                self.text(paragraph, line, lang=party.lang)

    def subject(self, part: Subject) -> None:
        paragraph = self.paragraph("Normal", lang=part.text.lang)
        self.text(paragraph, part.label.lead, style="Strong")
        self.text(paragraph, part.text.text, lang=part.text.lang)

    def salutation(self, part: Salutation) -> None:
        self.text(self.paragraph("Salutation", lang=part.text.lang), part.text.text, lang=part.text.lang)

    def closing(self, part: Closing) -> None:
        self.text(self.paragraph("Closing", lang=part.text.lang), part.text.text, lang=part.text.lang)

    def section(self, part: PrintedSection) -> None:
        with self.in_language(part.lang):
            if part.heading is not None:
                with self.in_language(part.heading.lang):
                    self.inline_markdown(self.paragraph("Heading 1"), part.heading.text)
            self.markdown(part.markdown)

    def archive(self, part: ArchiveNote) -> None:
        """Whether the text is an excerpt, and where it comes from."""
        paragraph = self.paragraph("Normal")
        if part.excerpt:
            self.text(paragraph, part.excerpt, style="Strong")
            if part.url is not None or part.retrieved is not None:
                self.text(paragraph, " ")
        if part.url is not None:
            if part.source is not None:
                self.text(paragraph, part.source.lead)
            link = self.hyperlink(paragraph, part.url)
            self.text(paragraph, part.url, style="Hyperlink" if link is not None else None, into=link)
            if part.retrieved is not None:
                self.text(paragraph, part.separator)
        if part.retrieved is not None:
            self.text(paragraph, part.retrieved)

    def demands(self, part: DemandList) -> None:
        """The demands not marked in the body, numbered, each one a bookmark, with its status word."""
        if part.heading:
            self.text(self.paragraph("Heading 1"), part.heading)
        num_id = self.numbering("List Number")
        for item in part.items:

            def start(paragraph: Paragraph, element_id: str = item.element_id) -> None:
                self.bookmark(paragraph._p, element_id, end=False)

            with self.in_language(item.lang):
                last = self.markdown(item.markdown, item=("List Number", num_id), lead=start)
                if last is not None:
                    self.status(last, item.status)
                    self.bookmark(last._p, item.element_id, end=True)

    def signatory_heading(self, part: SignatoryHeading) -> None:
        self.text(self.paragraph("Heading 1"), part.text)

    def signatory_group(self, part: SignatoryGroup) -> None:
        """The group's heading and notes, and one `Signature` paragraph per signatory (numbered
        by Word from the group's first number when the letter numbers them)."""
        heading = "Heading 2" if self.printed.of(SignatoryHeading) else "Heading 1"
        with self.in_language(part.lang):
            if part.heading:
                self.text(self.paragraph(heading), part.heading)
            if part.note_before:
                self.markdown(part.note_before)
            num_id = None
            if part.numbered and part.entries and part.entries[0].number is not None:
                num_id = self.numbering("List Number", part.entries[0].number)
            for entry in part.entries:
                with self.in_language(entry.lang):
                    paragraph = self.paragraph("Signature")
                    if num_id is not None:
                        self.number(paragraph, num_id)
                    self.signatory(paragraph, entry)
                    if entry.description:
                        self.markdown(entry.description, base="List Continue" if num_id is not None else "Normal")
            if part.note_after:
                self.markdown(part.note_after)

    def signatory(self, paragraph: Paragraph, entry: SignatoryEntry) -> None:
        """Name (in bold, a link to the organisation's website), the rest of the line, and the
        closing when the letter writes it on the signer's line."""
        link = self.hyperlink(paragraph, entry.url) if entry.url else None
        self.text(paragraph, entry.name, style="Strong", into=link)
        self.text(paragraph, entry.rest)
        if entry.closing:
            self.text(paragraph, " ")
            self.text(paragraph, entry.closing, lang=self.letter.field_lang.get("closing") or self.letter.language)

    def count(self, part: CountNote) -> None:
        with self.in_language(part.lang):
            self.markdown(part.markdown)

    def notes(self, part: Notes) -> None:
        with self.in_language(part.lang):
            self.markdown(part.markdown)

    def postscript(self, part: Postscript) -> None:
        def label(paragraph: Paragraph) -> None:
            """The label at the start of the postscript, set off from what comes before."""
            paragraph.paragraph_format.space_before = Pt(12)
            if part.label:
                self.text(paragraph, f"{part.label} ", style="Strong", lang=self.letter.language)

        with self.in_language(part.lang):
            self.markdown(part.markdown, lead=label)

    def endnotes(self, part: Endnotes) -> None:
        if part.heading:
            self.text(self.paragraph("Heading 1"), part.heading)
        if not part.items:
            return
        num_id = self.numbering("List Number", part.items[0].number)
        for note in part.items:
            with self.in_language(note.lang):
                self.markdown(note.markdown, item=("List Number", num_id))

    def logo(self, paragraph: Paragraph, logo: Logo) -> None:
        """The logo, 1.8 cm high (at most 7 cm wide), described by its alt text; the alt text
        alone if python-docx cannot read the image."""
        try:
            image = Image.from_blob(logo.data)
            native_width, native_height = int(image.width), int(image.height)
        except Exception:  # noqa: BLE001 -- any image python-docx cannot read: the letterhead keeps the alt text
            native_width = native_height = 0
        if native_width <= 0 or native_height <= 0:
            self.text(paragraph, logo.alt)
            return
        height = int(Cm(1.8))
        width = height * native_width // native_height
        if width > int(Cm(7)):
            width = int(Cm(7))
            height = width * native_height // native_width
        shape = paragraph.add_run().add_picture(io.BytesIO(logo.data), width=Emu(width), height=Emu(height))
        properties = shape._inline.docPr
        properties.set("name", "Logo")
        properties.set("descr", xml_text(logo.alt))

    def section_break(self, *, new_page: bool = False) -> Section:
        """End the section here (an empty paragraph holds its properties) and start a new one, on
        the same page or on a new one; return the new one."""
        section: Section = self.doc.add_section(WD_SECTION.NEW_PAGE if new_page else WD_SECTION.CONTINUOUS)
        if self.rtl:
            _insert(self._end.getprevious().get_or_add_pPr(), _element("w:bidi"), _PPR_ORDER)
        return section

    def _columns(self, section: Section, count: int) -> None:
        properties = section._sectPr
        columns = properties.find(qn("w:cols"))
        if columns is None:
            columns = _insert(properties, _element("w:cols"), _SECTPR_ORDER)
        if count > 1:
            columns.set(qn("w:num"), str(count))
        elif qn("w:num") in columns.attrib:
            del columns.attrib[qn("w:num")]
        columns.set(qn("w:space"), "567")

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return _stable_zip(out.getvalue())


def render_docx(letter: Letter, *, page_size: tuple[int, int]) -> bytes:
    """The letter as a .docx file's bytes, on pages of `page_size` (width, height in twips)."""
    writer = _Writer(letter, page_size)
    writer.build()
    return writer.save()
