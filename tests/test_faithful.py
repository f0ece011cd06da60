"""Every printed format prints what the letter says, nothing more and nothing less.

The faithfulness check (`openletter.testing.faithful`) runs on every sample letter in every
built-in format that has text: the page's visible text, both parts of the email, and the body of
the mailto link. (The pdf and docx plugins run the same check in their own suites.) Then one test
per pattern of misrepresentation pins what a real letter needs.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import attrs
import pytest

import openletter
from openletter import Letter
from openletter.testing import SAMPLE_NAMES, sample_letter
from openletter.testing.faithful import (
    NAVIGATION,
    faithfulness_problems,
    html_visible_text,
    printed_units,
    squeeze,
)


def _eml_parts(letter: Letter) -> tuple[str, str]:
    message = email.message_from_bytes(openletter.export(letter, "eml"), policy=email.policy.default)
    plain = message.get_body(("plain",))
    page = message.get_body(("html",))
    assert plain is not None and page is not None
    return plain.get_content().replace("\r\n", "\n"), page.get_content()  # type: ignore[attr-defined]


def _mailto_body(letter: Letter) -> str:
    first = openletter.export(letter, "mailto").decode("utf-8").split("\n")[1]
    return parse_qs(urlsplit(first).query)["body"][0].replace("\r\n", "\n")


VIEWS: dict[str, tuple[str, Callable[[Letter], str]]] = {
    "html page": ("html", lambda letter: html_visible_text(openletter.export(letter, "html").decode())),
    "eml text part": ("eml", lambda letter: _eml_parts(letter)[0]),
    "eml html part": ("eml", lambda letter: html_visible_text(_eml_parts(letter)[1])),
    "mailto body": ("mailto", _mailto_body),
}


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_format_prints_the_letter_as_written(name: str, view: str) -> None:
    fmt, text_of = VIEWS[view]
    letter = sample_letter(name)
    assert faithfulness_problems(letter, text_of(letter), navigation=NAVIGATION[fmt]) == []


# --------------------------------------------------------------------------- the check itself


def test_the_check_catches_a_sentence_printed_twice() -> None:
    letter = sample_letter("demands_in_body")
    text = VIEWS["html page"][1](letter)
    doubled = text + "\nSign the international safety accord and publish your supplier list.\n"
    assert any("not in the letter" in p for p in faithfulness_problems(letter, doubled))


def test_the_check_catches_a_missing_part_and_a_wrong_order() -> None:
    letter = sample_letter("numbered_groups")
    text = VIEWS["eml text part"][1](letter)
    assert any(p.startswith("missing") for p in faithfulness_problems(letter, text.replace("Somsak Chai", "")))
    swapped = text.replace("Maria Lopes", "@@").replace("Somsak Chai", "Maria Lopes").replace("@@", "Somsak Chai")
    assert any(p.startswith("out of order") for p in faithfulness_problems(letter, swapped))


def test_the_check_catches_a_label_the_letter_does_not_use() -> None:
    letter = sample_letter("pseudonym_chinese")
    text = VIEWS["html page"][1](letter)
    assert faithfulness_problems(letter, "Signatories\n" + text) == ["not in the letter: 'Signatories'"]


# --------------------------------------------------------------------------- the sender


def _letterhead(letter: Letter) -> str:
    page = openletter.export(letter, "html").decode()
    found = re.search(r'<p class="letterhead">(.*?)</p>', page)
    return "" if found is None else html_visible_text(found.group(1))


def test_the_letterhead_and_site_name_are_the_sender_never_the_first_signatory() -> None:
    letter = sample_letter("coalition_alphabetical")
    page = openletter.export(letter, "html").decode()
    assert _letterhead(letter) == "Mekong Watch Alliance"
    assert '<meta property="og:site_name" content="Mekong Watch Alliance">' in page
    assert "Asia Rivers Network" not in _letterhead(letter)
    assert page.count("Asia Rivers Network") == 2  # the list, and the JSON-LD


@pytest.mark.parametrize("name", ["numbered_groups", "minimal", "khmer"])
def test_without_a_sender_no_format_invents_one(name: str) -> None:
    letter = sample_letter(name)
    assert letter.sender is None
    page = openletter.export(letter, "html").decode()
    assert 'class="letterhead"' not in page and "og:site_name" not in page
    assert '"sender"' not in openletter.export(letter, "jsonld").decode()


def test_the_aphr_example_is_sent_by_aphr_and_prints_its_demands_once() -> None:
    letter = openletter.load("examples/aphr_cambodia/letter.md")
    assert _letterhead(letter) == "ASEAN Parliamentarians for Human Rights"
    for view in VIEWS:
        text = squeeze(VIEWS[view][1](letter))
        for demand in letter.demands:
            assert demand.quote is not None
            assert text.count(squeeze(demand.quote)) == 1, (view, demand.id)
            assert demand.text is not None and squeeze(demand.text) not in text  # the summary is data only
    page = openletter.export(letter, "html").decode()
    assert 'id="demands"' not in page
    assert page.count('class="demand demand-open"') == len(letter.demands)


# --------------------------------------------------------------------------- what is printed


def test_demands_anchored_in_the_body_are_marked_there_and_only_the_others_are_listed() -> None:
    letter = sample_letter("demands_in_body")
    page = openletter.export(letter, "html").decode()
    assert re.search(
        r'<li><span class="demand demand-open" id="demand-sign-accord">Sign the international safety accord', page
    )
    assert '<span class="demand demand-open" id="demand-independent-inspections">we urge you' in page
    listed = re.search(r'<ol class="demand-list">(.*?)</ol>', page, re.S)
    assert listed is not None and html_visible_text(listed.group(1)).strip() == (
        "Report back to the unions within sixty days."
    )
    plain, _ = _eml_parts(letter)
    assert plain.count("Sign the international safety accord") == 1


def test_a_demand_status_is_printed_where_the_demand_is() -> None:
    letter = sample_letter("demands_in_body")
    met = attrs.evolve(letter, demands=tuple(attrs.evolve(d, status="met") for d in letter.demands))
    page = openletter.export(met, "html").decode()
    assert page.count('<span class="demand-status">(Met)</span>') == 4
    assert squeeze("accord and publish your supplier list. (Met)") in squeeze(_eml_parts(met)[0])


def test_a_letter_addressed_in_its_title_prints_no_address_block_but_keeps_its_target() -> None:
    letter = sample_letter("title_only_address")
    page = openletter.export(letter, "html").decode()
    assert "<address" not in page and "To:" not in _eml_parts(letter)[0]
    data = openletter.export(letter, "jsonld").decode()
    assert '"toRecipient"' in data and "Minister of Environment" in data


def test_the_letters_own_labels_replace_the_languages() -> None:
    letter = sample_letter("own_labels")
    plain, _ = _eml_parts(letter)
    assert "YTH : Bapak Presiden Republik Indonesia\n      di Jakarta" in plain
    assert "Hal : Permohonan penghentian" in plain and "Perihal" not in plain
    assert "Tembusan : Menteri Lingkungan Hidup" in plain and "Catatan kaki\n" in plain
    page = html_visible_text(openletter.export(letter, "html").decode())
    assert "YTH :" in page and "Hal :" in page and "Kepada" not in page


def test_an_empty_label_prints_nothing() -> None:
    letter = attrs.evolve(sample_letter("numbered_groups"), labels=openletter.model.Labels(to="", signatories=""))
    for view in VIEWS:
        text = VIEWS[view][1](letter)
        assert "To:" not in text and "Signatories" not in text, view
        assert faithfulness_problems(letter, text, navigation=NAVIGATION[VIEWS[view][0]]) == []


@pytest.mark.parametrize(
    ("subject", "label"), [("Re: the dam", "Re:"), ("Objet : la forêt", "Objet :"), ("事由：工资", "事由：")]
)
def test_a_subject_written_with_its_label_is_a_warning_naming_the_field(subject: str, label: str) -> None:
    from openletter.lint import openletter_lint

    letter = attrs.evolve(sample_letter("minimal"), subject=subject)
    warnings = [p for p in openletter_lint(letter) if p.path == ("subject",)]
    assert len(warnings) == 1 and label in warnings[0].message


def test_a_single_signer_gets_no_signatories_heading_and_the_sign_off_shares_the_line() -> None:
    letter = sample_letter("pseudonym_chinese")
    plain, _ = _eml_parts(letter)
    assert "老街坊 敬上" in plain
    assert "联署方" not in plain and "联署方" not in openletter.export(letter, "html").decode()


def test_notes_after_the_list_are_not_a_postscript() -> None:
    letter = sample_letter("count_and_disclaimer")
    plain, _ = _eml_parts(letter)
    assert "P.S." not in plain
    order = [
        "Signed by, as of 15 February 2024:",
        "Prof. Lars Eriksen, Nordic Climate Institute (Denmark)",
        "This is a partial list.",
        "1,104 scientists had signed as of 15 February 2024.",
        "Affiliations are given for identification only",
    ]
    positions = [plain.replace("\n", " ").find(x) for x in order]
    assert -1 not in positions and positions == sorted(positions)


def test_numbering_continues_across_groups() -> None:
    plain, _ = _eml_parts(sample_letter("numbered_groups"))
    assert "3. Sok Dara" in plain and "4. Maria Lopes" in plain and "5. Somsak Chai" in plain
    page = openletter.export(sample_letter("numbered_groups"), "html").decode()
    assert '<ol class="signatory-list" start="4">' in page


def test_post_nominals_and_several_roles_print_with_the_name() -> None:
    plain, _ = _eml_parts(sample_letter("postnominals_roles"))
    assert "The Hon. Margaret Ellison AO QC, Former Justice, High Court; Chair, Rule of Law Council" in plain.replace(
        "\n  ", " "
    )
    assert "David Okafor OBE, Professor of Constitutional Law, Northern University" in plain.replace("\n  ", " ")


def test_place_and_date_may_stand_above_the_signatures() -> None:
    letter = sample_letter("date_after_body")
    plain, _ = _eml_parts(letter)
    assert (
        plain.index("Mit freundlichen Grüßen") < plain.index("Leipzig, 4. Oktober 2024") < plain.index("Förderverein")
    )


def test_a_block_in_another_language_is_marked_with_it() -> None:
    page = openletter.export(sample_letter("english_block_in_italian"), "html").decode()
    assert '<html lang="it"' in page
    assert re.search(r'<section class="letter-section" id="section-2"[^>]* lang="en">', page)
    assert '<div class="signatory-group" id="signatories-2" lang="en">' in page


def test_an_excerpt_says_so_with_its_source() -> None:
    plain, _ = _eml_parts(sample_letter("truncated_excerpt"))
    assert "This is an excerpt of the letter. Source: https://archive.example.org/letters/community-radio-2019" in (
        plain.replace("\n", " ")
    )


def test_endnotes_may_stand_between_signatory_groups() -> None:
    plain, _ = _eml_parts(sample_letter("endnotes_between_groups"))
    assert plain.index("Rural Doctors Association\n") < plain.index("[1] Figures") < plain.index("Dr. Fatima Bello")


def test_every_sample_has_units_and_the_units_cover_every_signatory() -> None:
    for name in SAMPLE_NAMES:
        letter = sample_letter(name)
        units = " ".join(u.text for u in printed_units(letter))
        for person in letter.people():
            assert person.name in units, (name, person.name)


def test_an_anchored_passage_is_marked_once_even_when_a_heading_or_a_note_repeats_it() -> None:
    from openletter.model import Reference, Section

    letter = sample_letter("demands_in_body")
    quote = "Pay full compensation to the families of the workers who died in March."
    letter = attrs.evolve(
        letter,
        sections=(*letter.sections, Section(heading=quote, text="See the note.[^n]")),
        references=(Reference(id="n", text=quote),),
        demands=tuple(attrs.evolve(d, status="met") for d in letter.demands),
    )
    page = openletter.export(letter, "html").decode()
    assert page.count('id="demand-pay-compensation"') == 1
    assert page.count('<span class="demand-status">(Met)</span>') == 4
    plain, _ = _eml_parts(letter)
    assert squeeze(plain).count(squeeze(f"{quote} (Met)")) == 1
    for view in VIEWS:
        assert faithfulness_problems(letter, VIEWS[view][1](letter), navigation=NAVIGATION[VIEWS[view][0]]) == []


def _french_letter() -> Letter:
    from openletter.model import Addressee, Demand, Reference, Section

    return attrs.evolve(
        sample_letter("minimal"),
        language="fr",
        subject="La forêt du Mont-Noir",
        addressees=(Addressee(name="Mme Lucie Martin", role="ministre", organisation="Ministère de l'Écologie"),),
        sections=(Section(text="Nous vous écrivons au sujet de la forêt.[^1]"),),
        demands=(Demand(text="Suspendre les coupes."),),
        references=(Reference(id="1", text="Rapport de 2024."),),
    )


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_format_takes_its_labels_from_the_letters_language(view: str) -> None:
    letter = _french_letter()
    text = VIEWS[view][1](letter)
    if view == "mailto body":
        assert "Tous les destinataires:" in openletter.export(letter, "mailto").decode()
    assert "Objet : La forêt du Mont-Noir" in text
    assert "À : Mme Lucie Martin, ministre, Ministère de l'Écologie" in " ".join(text.split())
    assert "Nos demandes" in text and "Nos demandes:" not in text
    assert "Notes" in text and "Notes:" not in text and "Our demands" not in text and "Subject" not in text


def test_chinese_addressee_lines_use_chinese_commas() -> None:
    from openletter.model import Addressee

    letter = attrs.evolve(
        sample_letter("pseudonym_chinese"), addressees=(Addressee(name="王明", role="市长", organisation="市政府"),)
    )
    for view in VIEWS:
        assert "王明，市长，市政府" in VIEWS[view][1](letter), view
