"""Khmer, Thai, Chinese, Arabic and Hebrew letters: real glyphs from the right fonts, text that copies out.

The fonts are Debian's Noto packages (fonts-noto-core, fonts-noto-cjk). A script whose font is
missing would still render (Typst falls back, the last resort being its own Libertinus), but
with boxes: `pdffonts` naming the script's font is what shows the glyphs are real.
"""

from __future__ import annotations

import re

import pytest
from openletter import Addressee, Letter, Organisation, OrganisationGroup, Person, PersonGroup, Section

from pdf_helpers import assert_in_order, body_text, fonts, info, make_letter, normalise, pdf, text

SAMPLES = {
    # language: (title, a sentence, a signatory, the font family that must be used)
    "km": ("លិខិតចំហ", "សូមគោរព ឯកឧត្តម រដ្ឋមន្ត្រី។", "សមាគមការពារសិទ្ធិមនុស្ស", "Khmer"),
    "th": ("จดหมายเปิดผนึก", "ขอแสดงความห่วงกังวลต่อสิ่งแวดล้อมในเชียงราย", "เครือข่ายป่าชุมชน", "Thai"),
    "zh": ("公开信", "我们致函表达对人权状况的严重关切。", "人权观察协会", "CJKsc"),
    "zh-Hant": ("公開信", "我們致函表達對人權狀況的嚴重關切。", "人權觀察協會", "CJKtc"),
    "ja": ("公開書簡", "私たちは人権状況について深い懸念を表明します。", "人権監視協会", "CJKjp"),
    "ar": ("رسالة مفتوحة", "نكتب إليكم للتعبير عن قلقنا العميق.", "جمعية حماة الأهوار", "Arabic"),
    "he": ("מכתב פתוח", "אנו כותבים כדי להביע את דאגתנו העמוקה.", "האגודה לזכויות האזרח", "Hebrew"),
}

# Typst (its PDF writer, krilla) gives every glyph of a multi-glyph cluster the whole cluster's
# text in the /ToUnicode map: Khmer "សូ" (SA + vowel sign UU, drawn as two glyphs) is mapped
# twice, so any extractor reads "សូសូម" for "សូម"; Thai "สิ่ง" reads "สิ่สิ่ง", "เชียง" reads
# "เชีชียง". The PDF is drawn right; its text layer is not. typst/typst#4225, LaurenzV/krilla#411.
# (Some Thai words come out right, when krilla falls back to /ActualText for a glyph it has seen
# with two different texts.) When a Typst release fixes it, the strict xfail reports it.
CLUSTER_TEXT_LAYER = pytest.mark.xfail(
    strict=True, reason="Typst maps each glyph of a Khmer or Thai cluster to the whole cluster (typst#4225)"
)
DUPLICATED_CLUSTERS = {"km": "សូសូម", "th": "สิ่สิ่ง"}


def sample_letter(language: str) -> Letter:
    title, sentence, signatory, _ = SAMPLES[language]
    return make_letter(
        title=title,
        language=language,
        addressees=(Addressee(name=signatory + " 2"),),
        salutation=sentence.split()[0],
        sections=(Section(text=sentence), Section(heading=title + " 1", text=sentence)),
        closing=signatory,
        signatories=(
            OrganisationGroup(organisations=(Organisation(name=signatory),)),
            PersonGroup(people=(Person(name=signatory + " 3"),)),
        ),
    )


@pytest.mark.parametrize("language", list(SAMPLES))
def test_the_scripts_font_is_used_and_embedded(language: str) -> None:
    family = SAMPLES[language][3]
    rows = fonts(pdf(sample_letter(language)))
    names = [row["name"].partition("+")[2] for row in rows]
    assert any(family in name for name in names), names
    assert all((row["emb"], row["sub"]) == ("yes", "yes") for row in rows), rows


@pytest.mark.parametrize(
    "language", [pytest.param(x, marks=CLUSTER_TEXT_LAYER) if x in DUPLICATED_CLUSTERS else x for x in SAMPLES]
)
def test_the_text_copies_out_as_written(language: str) -> None:
    title, sentence, signatory, _ = SAMPLES[language]
    extracted = body_text(pdf(sample_letter(language)))
    assert_in_order(
        extracted,
        [title, signatory + " 2", sentence, title + " 1", sentence, signatory, signatory, signatory + " 3"],
    )


@pytest.mark.parametrize("language", list(DUPLICATED_CLUSTERS))
def test_khmer_and_thai_characters_are_all_in_the_text_layer(language: str) -> None:
    """What does hold for Khmer and Thai: every character of the text is there, none is lost."""
    _, sentence, _, _ = SAMPLES[language]
    extracted = normalise(text(pdf(sample_letter(language))))
    assert set(normalise(sentence)) <= set(extracted)
    # The known defect, precisely: a cluster drawn as two glyphs is read twice.
    assert DUPLICATED_CLUSTERS[language] in extracted


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl"), ("he", "rtl")])
def test_right_to_left_letters_are_set_from_the_right(language: str, direction: str) -> None:
    if language == "en":
        letter = make_letter(sections=(Section(text="We write to you."),))
        word = "We"
    else:
        letter = sample_letter(language)
        word = SAMPLES[language][1].split()[0]
    bbox = text(pdf(letter), "-bbox")
    page_width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))  # type: ignore[union-attr]
    boxes = [
        (float(x_min), float(x_max))
        for x_min, x_max, content in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', bbox
        )
        if normalise(word) in (normalise(content), normalise(content[::-1]))  # -bbox gives RTL words drawn order
    ]
    assert boxes, f"{word!r} not found"
    x_min, x_max = boxes[-1]  # the body's, after the salutation
    margin = 2.4 / 2.54 * 72
    if direction == "rtl":
        assert abs(x_max - (page_width - margin)) < 3, (x_max, page_width - margin)
    else:
        assert abs(x_min - margin) < 3, (x_min, margin)


def test_page_numbers_read_left_to_right_in_a_right_to_left_letter() -> None:
    """ "1 / 2" on the first page, not "2 / 1" (numbers in a right-to-left line)."""
    title, sentence, _, _ = SAMPLES["ar"]
    letter = make_letter(title=title, language="ar", sections=(Section(text="\n\n".join([sentence] * 40)),))
    bbox = text(pdf(letter), "-bbox", "-f", "1", "-l", "1")
    footer = [
        (float(x_min), word)
        for x_min, y_min, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)<', bbox)
        if float(y_min) > 780
    ]
    pages = info(pdf(letter))["Pages"]
    assert pages != "1"
    assert [word for _, word in sorted(footer)] == ["1", "/", pages]
