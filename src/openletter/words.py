"""The letter's own words, in its language: labels such as "To" and "Signatories", dates, and the
direction of its text. Shared by the built-in formats and offered to plugins (`openletter.labels`,
`openletter.format_date`, `openletter.display_date`, `openletter.text_direction`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .model import Letter

__all__ = ["LABELS", "display_date", "format_date", "labels", "text_direction"]

_RTL_LANGUAGES = {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku", "ps", "sd", "syr", "ug", "ur", "yi"}
_RTL_SCRIPTS = {"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"}

LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {"to": "To", "cc": "Cc", "subject": "Subject", "demands": "Our demands", "by": "by",
           "signatories": "Signatories", "notes": "Notes", "back": "Back to the text",
           "about": "About", "postscript": "P.S.", "colon": ": ", "comma": ", ", "semicolon": "; "},
    "fr": {"to": "À", "cc": "Copie", "subject": "Objet", "demands": "Nos demandes", "by": "d’ici le",
           "signatories": "Signataires", "notes": "Notes", "back": "Retour au texte",
           "about": "À propos de", "postscript": "P.-S.", "colon": " : ", "comma": ", ", "semicolon": " ; "},
    "es": {"to": "A", "cc": "Copia", "subject": "Asunto", "demands": "Nuestras demandas", "by": "antes del",
           "signatories": "Firmantes", "notes": "Notas", "back": "Volver al texto",
           "about": "Acerca de", "postscript": "P. D.", "colon": ": ", "comma": ", ", "semicolon": "; "},
    "th": {"to": "เรียน", "cc": "สำเนาถึง", "subject": "เรื่อง", "demands": "ข้อเรียกร้อง", "by": "ภายใน",
           "signatories": "ผู้ลงนาม", "notes": "หมายเหตุ", "back": "กลับไปที่ข้อความ",
           "about": "เกี่ยวกับ", "postscript": "ป.ล.", "colon": " ", "comma": " ", "semicolon": " "},
    "km": {"to": "ជូនចំពោះ", "cc": "ចម្លងជូន", "subject": "កម្មវត្ថុ", "demands": "ការទាមទាររបស់យើង", "by": "ត្រឹម",
           "signatories": "អ្នកចុះហត្ថលេខា", "notes": "កំណត់សម្គាល់", "back": "ត្រឡប់ទៅអត្ថបទ",
           "about": "អំពី", "postscript": "ពិ.ស.", "colon": "៖ ", "comma": " ", "semicolon": " "},
    "zh": {"to": "致", "cc": "抄送", "subject": "事由", "demands": "我们的诉求", "by": "截止",
           "signatories": "联署方", "notes": "注释", "back": "返回正文", "about": "关于", "postscript": "附言",
           "colon": "：", "comma": "，", "semicolon": "；"},
    "ar": {"to": "إلى", "cc": "نسخة إلى", "subject": "الموضوع", "demands": "مطالبنا", "by": "بحلول",
           "signatories": "الموقعون", "notes": "ملاحظات", "back": "العودة إلى النص",
           "about": "عن", "postscript": "ملحوظة", "colon": ": ", "comma": "، ", "semicolon": "؛ "},
    "id": {"to": "Kepada", "cc": "Tembusan", "subject": "Perihal", "demands": "Tuntutan kami", "by": "paling lambat",
           "signatories": "Penanda tangan", "notes": "Catatan", "back": "Kembali ke teks",
           "about": "Tentang", "postscript": "NB", "colon": ": ", "comma": ", ", "semicolon": "; "},
}  # fmt: skip
"""Words the page itself adds, by primary language subtag (English when a language is missing).

``colon`` follows a label such as "To" or "Subject", with the spacing the language puts after it
("Objet : ", "事由：", "កម្មវត្ថុ៖ "); ``comma`` and ``semicolon`` separate items of a list."""


def text_direction(language: str) -> str:
    """``rtl`` for right-to-left languages and scripts, ``ltr`` otherwise."""
    parts = language.lower().split("-")
    scripts = [p for p in parts[1:] if len(p) == 4 and p.isalpha()]
    if scripts:  # an explicit script decides: ku-Latn is left-to-right, az-Arab right-to-left
        return "rtl" if scripts[0] in _RTL_SCRIPTS else "ltr"
    return "rtl" if parts[0] in _RTL_LANGUAGES else "ltr"


def labels(language: str) -> Mapping[str, str]:
    """The page's own words in the letter's language (English as the fallback)."""
    return LABELS.get(language.lower().split("-")[0], LABELS["en"])


def display_date(letter: Letter) -> str | None:
    """The date as the letter shows it: `date_text`, else a long date in the letter's language."""
    if letter.date_text is not None:
        return letter.date_text
    if letter.date is None:
        return None
    return format_date(letter.date, letter.language)


def format_date(date: dt.date, language: str) -> str:
    """A long date in `language` (\"8 June 2023\", \"8 มิถุนายน 2023\"), from the CLDR data; ISO when
    Babel has no locale for the language."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date

    for tag in (language, language.split("-", maxsplit=1)[0]):
        try:
            locale = Locale.parse(tag, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
        return str(format_date(date, format="long", locale=locale))
    return date.isoformat()
