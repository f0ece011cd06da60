"""Mail merge in the recipient's language: a ``language`` column chooses each message's translation.

The letter is the translations test letter (tests/data/translations: an English original with
Khmer, French and Arabic translations, Khmer leaving one demand untranslated), copied and given
placeholders and an email subject in every language. The SMTP server is aiosmtpd on 127.0.0.1
(the fixture and helpers of test_mail.py).
"""

from __future__ import annotations

import csv
import email
import email.message
import email.policy
import shutil
from pathlib import Path

import pytest

from openletter.cli import EXIT_INCOMPLETE, EXIT_LETTER, EXIT_OK, EXIT_USAGE, main
from openletter.mail.languages import choose
from openletter.mail.outputs import mbox_messages

from .conftest import ROOT
from .test_mail import Handler, _send_args, smtp

__all__ = ["smtp"]  # the fixture, shared with test_mail.py

TRANSLATIONS = ROOT / "tests" / "data" / "translations"

SUBJECTS = {
    "en": "Tonle Sap: a letter to [[name]]",
    "km": "ទន្លេសាប៖ លិខិតជូន [[name]]",
    "fr": "Tonlé Sap : une lettre pour [[name]]",
    "ar": "تونلي ساب: رسالة إلى [[name]]",
}
SALUTATIONS = {  # each file's salutation, and what it becomes with a placeholder
    "en": ("salutation: Excellency,", "salutation: Dear [[honorific_name]],"),
    "km": ("salutation: ឯកឧត្តម", "salutation: ឯកឧត្តម [[honorific_name]]"),
    "fr": ("salutation: Excellence,", "salutation: '[[honorific_name]],'"),
    "ar": ("salutation: معالي الوزير،", "salutation: '[[honorific_name]]،'"),
}
BODIES = {  # the first words of each language's body
    "en": "The fish catch of the Tonle Sap lake",
    "km": "ផលនេសាទនៃបឹងទន្លេសាប",
    "fr": "Les prises de poisson du lac Tonlé Sap",
    "ar": "انخفض صيد الأسماك في بحيرة تونلي ساب",
}

# email, name, last name, role, language cell; the language of the letter it gets; the greeting
ROWS = [
    ("r0@example.org", "Ann Lee", "Lee", "Minister", "en", "en", "Dear Minister Lee,"),
    ("r1@example.org", "សុខ ចាន់ធី", "ចាន់ធី", "រដ្ឋមន្ត្រី", "km", "km", "ឯកឧត្តម រដ្ឋមន្ត្រី ចាន់ធី"),
    ("r2@example.org", "Jean Dupont", "Dupont", "Ministre", "fr", "fr", "Ministre Dupont,"),
    ("r3@example.org", "ليلى أحمد", "أحمد", "وزيرة", "ar", "ar", "الوزيرة أحمد،"),
    ("r4@example.org", "Sok Chan", "Chan", "រដ្ឋមន្ត្រី", "km-KH", "km", "ឯកឧត្តម រដ្ឋមន្ត្រី Chan"),
    ("r5@example.org", "Hans Weber", "Weber", "Minister", "de", "en", "Dear Minister Weber,"),
]


def write_translated_letter(folder: Path) -> Path:
    """The translations test letter in `folder`, with placeholders and an email subject in each
    language; the translations give only their subject and inherit the sender."""
    for path in TRANSLATIONS.iterdir():
        shutil.copy(path, folder / path.name)
    for language, (before, after) in SALUTATIONS.items():
        path = folder / ("letter.md" if language == "en" else f"letter.{language}.md")
        text = path.read_text(encoding="utf-8")
        assert text.count(before) == 1, (path, before)
        email_settings = f"email:\n  subject: '{SUBJECTS[language]}'\n"
        if language == "en":
            email_settings = "email:\n  sender: Fishers <network@example.org>\n" + email_settings[len("email:\n") :]
        text = text.replace(before, after).replace("---\n", "---\n" + email_settings, 1)
        path.write_text(text, encoding="utf-8")
    return folder / "letter.md"


def write_recipients(folder: Path, rows: list[tuple[str, ...]] = ROWS) -> Path:
    path = folder / "recipients.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "name", "last_name", "role", "language"])
        writer.writerows(row[:5] for row in rows)
    return path


def parse_strictly(data: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.strict)
    assert isinstance(message, email.message.EmailMessage)
    assert message.defects == []
    return message


def assert_each_in_their_language(messages: list[bytes]) -> None:
    """Each message of ROWS, in order: the recipient's language in the Subject, the
    Content-Language, the body (text and HTML) and the greeting."""
    assert len(messages) == len(ROWS)
    for data, (address, name, _, _, _, language, greeting) in zip(messages, ROWS, strict=True):
        message = parse_strictly(data)
        assert message["To"].addresses[0].addr_spec == address
        assert str(message["Content-Language"]).split(", ")[0] == language  # then the original's, for what it inherits
        assert message["Subject"] == SUBJECTS[language].replace("[[name]]", name)
        plain, page = (part.get_content() for part in message.iter_parts())
        for part in (plain, page):
            assert BODIES[language] in part
            assert greeting in part
            assert not [other for other in BODIES if other != language and BODIES[other] in part]
        assert f'lang="{language}"' in page


def test_each_recipient_gets_the_letter_in_their_language_over_smtp(tmp_path: Path, smtp: tuple[Handler, int]) -> None:
    handler, port = smtp
    source, recipients = write_translated_letter(tmp_path), write_recipients(tmp_path)
    assert main(_send_args(source, recipients, port)) == EXIT_OK
    assert [to for to, _ in handler.received] == [row[0] for row in ROWS]
    assert_each_in_their_language([data for _, data in handler.received])


def test_the_mbox_holds_each_recipient_in_their_language_as_it_would_be_sent(
    tmp_path: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    source, recipients = write_translated_letter(tmp_path), write_recipients(tmp_path)
    out = tmp_path / "o.mbox"
    assert main(["mail", str(source), "--recipients", str(recipients), "--mbox", str(out)]) == EXIT_OK
    written = mbox_messages(out.read_bytes())
    assert_each_in_their_language(written)
    assert main(_send_args(source, recipients, port)) == EXIT_OK
    assert [data for _, data in handler.received] == written


def test_dry_run_shows_each_messages_language_and_every_fallback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, recipients = write_translated_letter(tmp_path), write_recipients(tmp_path)
    assert main(["mail", str(source), "--recipients", str(recipients), "--dry-run"]) == EXIT_OK
    captured = capsys.readouterr()
    shown = [line.split(": ", 1)[0] for line in captured.out.splitlines()]
    assert shown == [
        "would send to r0@example.org [en]",
        "would send to r1@example.org [km]",
        "would send to r2@example.org [fr]",
        "would send to r3@example.org [ar]",
        "would send to r4@example.org [km-KH -> km]",
        "would send to r5@example.org [de -> en (no German translation)]",
    ]
    assert "would send to r4@example.org [km-KH -> km]: ទន្លេសាប៖ លិខិតជូន Sok Chan (" in captured.out
    assert (
        "note: messages by language: en 2, km 2, fr 1, ar 1;"
        " fallbacks: km-KH -> km (1), de -> en (no German translation) (1)\n"
    ) in captured.err
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("letter.")) == ["recipients.csv"]


def test_without_a_language_column_every_message_is_the_original_and_the_run_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_translated_letter(tmp_path)
    recipients = tmp_path / "recipients.csv"
    recipients.write_text("email,name\na@example.org,Ann\nb@example.org,Sok\n", encoding="utf-8")
    assert main(["mail", str(source), "--recipients", str(recipients), "--dry-run"]) == EXIT_OK
    captured = capsys.readouterr()
    assert captured.out.startswith("would send to a@example.org [en]: Tonle Sap: a letter to Ann (")
    assert "the recipients file has no 'language' column: every message is in the original's language" in captured.err


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("", "en"),
        ("EN", "en"),
        ("Km", "km"),
        ("km-KH", "km-KH -> km"),
        ("fr-CA", "fr-CA -> fr"),
        ("en-GB", "en-GB -> en"),
        ("de", "de -> en (no German translation)"),
        ("de-AT", "de-AT -> en (no German translation)"),
        ("pt", "pt -> pt-BR"),
        ("qaa", "qaa -> en (no translation in qaa)"),
    ],
)
def test_the_fallback_chain_is_exact_tag_then_primary_language_then_the_original(asked: str, shown: str) -> None:
    assert str(choose(asked, "en", ["km", "fr", "ar", "pt-BR"])) == shown


@pytest.mark.parametrize("cell", ["km_KH", "Khmer", "fr-", "12", "en GB"])
def test_a_malformed_language_cell_is_a_located_error_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cell: str
) -> None:
    source = write_translated_letter(tmp_path)
    rows = [*ROWS[:3], (*ROWS[3][:4], cell, "", ""), *ROWS[4:]]
    recipients = write_recipients(tmp_path, rows)
    out = tmp_path / "o.mbox"
    assert main(["mail", str(source), "--recipients", str(recipients), "--mbox", str(out)]) == EXIT_LETTER
    err = capsys.readouterr().err
    assert (
        f"{recipients}:5: recipients.language: row 5, column 'language': {cell!r} is not a BCP 47 language tag"
        " (expected a BCP 47 language tag such as km, fr or pt-BR, or an empty cell for the letter's own language)"
    ) in err
    assert not out.exists()


def test_the_honorific_of_each_row_is_in_the_language_of_its_letter(tmp_path: Path) -> None:
    """Arabic greets a delegate "المندوب", Urdu "مندوب" (the same role word): each row gets its own."""
    source = write_translated_letter(tmp_path)
    (tmp_path / "letter.ur.md").write_text("---\nlanguage: ur\n---\n", encoding="utf-8")
    rows = [
        ("r0@example.org", "خان", "خان", "مندوب", "ur", "", ""),
        ("r1@example.org", "خان", "خان", "مندوب", "ar", "", ""),
    ]
    recipients = write_recipients(tmp_path, rows)
    out = tmp_path / "o.mbox"
    assert main(["mail", str(source), "--recipients", str(recipients), "--mbox", str(out)]) == EXIT_OK
    urdu, arabic = (parse_strictly(data) for data in mbox_messages(out.read_bytes()))
    assert str(urdu["Content-Language"]).startswith("ur") and str(arabic["Content-Language"]).startswith("ar")
    assert "Dear مندوب خان," in next(urdu.iter_parts()).get_content()  # the untranslated English salutation
    assert "المندوب خان،" in next(arabic.iter_parts()).get_content()


@pytest.mark.parametrize(("readers", "status"), [("fr", EXIT_LETTER), ("km", EXIT_OK)])
def test_placeholders_are_checked_in_every_language_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], readers: str, status: int
) -> None:
    source = write_translated_letter(tmp_path)
    french = tmp_path / "letter.fr.md"
    french.write_text(french.read_text(encoding="utf-8").replace("[[honorific_name]]", "[[constituency]]"))
    recipients = write_recipients(tmp_path, [(*ROWS[0][:4], readers, "", ""), ROWS[1]])
    out = tmp_path / "o.mbox"
    assert main(["mail", str(source), "--recipients", str(recipients), "--mbox", str(out)]) == status
    err = capsys.readouterr().err
    if status == EXIT_LETTER:  # a French reader: the French letter's placeholders must be filled
        assert (
            f"{recipients}:1: recipients: the fr translation ({french}) uses [[constituency]], but the recipients"
            " file has no such column"
        ) in err
        assert not out.exists()
    else:  # nobody reads French: its placeholders do not matter
        assert len(mbox_messages(out.read_bytes())) == 2


def test_an_error_in_a_translation_stops_the_run_like_an_error_in_the_letter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_translated_letter(tmp_path)
    french = tmp_path / "letter.fr.md"
    french.write_text(french.read_text(encoding="utf-8").replace("- id: consultation", "- id: consulation"))
    recipients = write_recipients(tmp_path, [ROWS[0]])  # even when nobody reads French: never a silent fallback
    out = tmp_path / "o.mbox"
    assert main(["mail", str(source), "--recipients", str(recipients), "--mbox", str(out)]) == EXIT_LETTER
    assert f"{french}:" in capsys.readouterr().err
    assert not out.exists()


def test_a_translation_without_its_own_email_subject_is_noted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_translated_letter(tmp_path)
    arabic = tmp_path / "letter.ar.md"
    arabic.write_text(arabic.read_text(encoding="utf-8").replace(f"email:\n  subject: '{SUBJECTS['ar']}'\n", ""))
    recipients = write_recipients(tmp_path, [ROWS[3]])
    assert main(["mail", str(source), "--recipients", str(recipients), "--dry-run"]) == EXIT_OK
    captured = capsys.readouterr()
    assert "would send to r3@example.org [ar]: Tonle Sap: a letter to ليلى أحمد (" in captured.out
    assert "note: the ar messages' subject is the original's email.subject, in en" in captured.err


# --------------------------------------------------------------------------- campaigns


def test_a_translation_edited_after_an_interrupted_send_is_refused_like_an_edited_letter(
    tmp_path: Path, smtp: tuple[Handler, int], capsys: pytest.CaptureFixture[str]
) -> None:
    handler, port = smtp
    handler.drop_after = 2  # en and km are accepted; km-KH, which also gets km, is not
    source, recipients = write_translated_letter(tmp_path), write_recipients(tmp_path)
    assert main(_send_args(source, recipients, port)) == EXIT_INCOMPLETE
    khmer = tmp_path / "letter.km.md"
    khmer.write_text(khmer.read_text(encoding="utf-8").replace("ដោយក្តីគោរព", "ដោយការគោរព"), encoding="utf-8")
    capsys.readouterr()
    assert main(_send_args(source, recipients, port)) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "for a different letter or list of recipients; this run sent nothing." in err
    assert "  - the km translation's text (its message parts) changed\n" in err
    assert "the letter's text" not in err  # the original is as it was
    assert len(handler.received) == 2
    assert main(_send_args(source, recipients, port, "--resume-unsent")) == EXIT_OK
    assert main(_send_args(source, recipients, port)) == EXIT_OK  # the campaign goes on with the edited translation
    assert [to for to, _ in handler.received] == [row[0] for row in ROWS]  # nobody twice
    texts = [str(next(parse_strictly(data).iter_parts()).get_content()) for _, data in handler.received]
    closings = ["ដោយការគោរព" in text for text in texts]
    assert closings == [False, False, False, False, True, False]  # r1 had the old Khmer, r4 (km-KH) the new


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        ("the original", "  - the letter's text (its message parts) changed\n"),
        ("a subject", "  - the fr translation's subject changed: 'Tonlé Sap : une lettre pour [[name]]' is now"),
        ("a new translation", "  - the de translation is sent now, and was not when the campaign began\n"),
        ("a language cell", "  - 1 recipient gets another language: r2@example.org (fr -> km)\n"),
    ],
)
def test_every_change_to_a_campaign_in_several_languages_is_named(
    tmp_path: Path, smtp: tuple[Handler, int], capsys: pytest.CaptureFixture[str], edit: str, said: str
) -> None:
    handler, port = smtp
    handler.drop_after = 1
    source, recipients = write_translated_letter(tmp_path), write_recipients(tmp_path)
    assert main(_send_args(source, recipients, port)) == EXIT_INCOMPLETE
    if edit == "the original":
        source.write_text(source.read_text(encoding="utf-8").replace("fallen by more", "dropped by more"))
    elif edit == "a subject":
        french = tmp_path / "letter.fr.md"
        french.write_text(french.read_text(encoding="utf-8").replace("une lettre pour", "lettre à"))
    elif edit == "a new translation":
        (tmp_path / "letter.de.md").write_text("---\nlanguage: de\ntitle: Offener Brief\n---\n", encoding="utf-8")
    else:
        write_recipients(tmp_path, [*ROWS[:2], (*ROWS[2][:4], "km", "", ""), *ROWS[3:]])
    capsys.readouterr()
    assert main(_send_args(source, recipients, port)) == EXIT_USAGE
    assert said in capsys.readouterr().err
    assert len(handler.received) == 1
