"""The eml and mailto formats: messages that strict parsers accept, with no way to inject headers."""

from __future__ import annotations

import email
import email.policy
import re
from email.errors import NonASCIILocalPartDefect
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import attrs
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

import openletter
from openletter import Addressee, EmailSettings, Letter, OptionError, Person, PersonGroup
from openletter.cli import EXIT_LETTER, EXIT_OK, EXIT_USAGE, main
from openletter.exporters.mailto import SAFE_LENGTH, link
from openletter.model import line_problem
from openletter.testing import SAMPLE_NAMES, sample_letter

from .conftest import EXAMPLE, listed
from .strategies import letters

NAMES = {
    "khmer": "សុខ ចាន់ធី",
    "thai": "สมชาย ใจดี",
    "chinese": "王小明",
    "arabic": "ليلى أحمد",
    "accents": "Zoë Ðặng-Müller",
}


def with_email(letter: Letter, **settings: object) -> Letter:
    base: dict[str, object] = {"sender": "APHR <info@example.org>"}
    return attrs.evolve(letter, email=EmailSettings(**{**base, **settings}))  # type: ignore[arg-type]


def parse(data: bytes, policy: email.policy.Policy = email.policy.strict) -> EmailMessage:
    message = email.message_from_bytes(data, policy=policy)
    assert isinstance(message, EmailMessage)
    return message


def assert_well_formed(data: bytes) -> EmailMessage:
    """Zero defects under the default and the strict policy; CRLF lines within 998 octets.

    A message with a non-ASCII address is written for SMTPUTF8 (RFC 6532: UTF-8 headers); Python's
    bytes parser predates RFC 6532, so such a message is parsed from its UTF-8 text.
    """
    headers = data.split(b"\r\n\r\n", 1)[0]
    for policy in (email.policy.default, email.policy.strict):
        if headers.isascii():
            message = parse(data, policy)
        else:
            parsed = email.message_from_string(data.decode("utf-8"), policy=policy)
            assert isinstance(parsed, EmailMessage)
            message = parsed
            assert any(not a.addr_spec.isascii() for h in ("From", "To", "Cc", "Bcc", "Reply-To")
                       for a in getattr(message.get(h), "addresses", ()))  # fmt: skip
        for part in message.walk():
            assert part.defects == [], part.defects
            for name in part:
                defects = tuple(getattr(part[name], "defects", ()))
                if not headers.isascii():  # RFC 6532 allows what Python still calls a defect
                    defects = tuple(d for d in defects if not isinstance(d, NonASCIILocalPartDefect))
                assert defects == (), (name, part[name])
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
    return parse(data, email.policy.default)


def headers_of(data: bytes) -> EmailMessage:
    """The message with its headers readable: from UTF-8 text when they are not ASCII (RFC 6532)."""
    if data.split(b"\r\n\r\n", 1)[0].isascii():
        return parse(data, email.policy.default)
    parsed = email.message_from_string(data.decode("utf-8"), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def words_of(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_example_builds_a_draft_eml(example_letter: Letter) -> None:
    message = assert_well_formed(openletter.export(example_letter, "eml"))
    assert message["X-Unsent"] == "1"  # nobody to send to yet: opens as a draft
    assert message["Subject"] == example_letter.title
    assert message["Date"] == "Thu, 08 Jun 2023 00:00:00 +0000"
    assert message["MIME-Version"] == "1.0"
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.iter_parts()
    assert plain.get_content_type() == "text/plain" and html.get_content_type() == "text/html"


def test_a_letter_with_email_settings_is_ready_to_send(example_letter: Letter) -> None:
    letter = with_email(
        attrs.evolve(
            example_letter,
            addressees=(*example_letter.addressees, Addressee(name="Clerk", email="clerk@example.com", kind="cc")),
        ),
        reply_to="press@example.org",
        to=("Congress <congress@example.gov>",),
        bcc=("archive@example.org",),
        list_unsubscribe="https://example.org/unsubscribe",
    )
    message = assert_well_formed(openletter.export(letter, "eml"))
    assert message["From"] == "APHR <info@example.org>"
    assert message["To"] == "Congress <congress@example.gov>"
    assert message["Cc"] == "Clerk <clerk@example.com>"
    assert message["Bcc"] == "archive@example.org"
    assert message["Reply-To"] == "press@example.org"
    assert message["List-Unsubscribe"] == "<https://example.org/unsubscribe>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].endswith("@example.org>")
    assert "X-Unsent" not in message
    for header in ("From", "To", "Cc", "Bcc", "Reply-To"):
        for address in message[header].addresses:
            validate_email(address.addr_spec, check_deliverability=False)


def test_plain_text_part_is_wrapped_with_numbered_demands_and_references(example_letter: Letter) -> None:
    letter = attrs.evolve(
        listed(example_letter),
        sections=(openletter.Section(text="See [the report](https://example.org/report) and a note.[^1]"),),
        references=(openletter.Reference(id="1", text="The note."),),
    )
    plain, _ = assert_well_formed(openletter.export(letter, "eml")).iter_parts()
    text = plain.get_content()
    assert all(len(line) <= 72 for line in text.splitlines())
    assert "See the report [2] and a note.[1]" in text
    assert "[1] The note." in text and "[2] https://example.org/report" in text
    assert "1. Pressure the Cambodian government" in text and "5. Refuse to accord" in text
    assert "ASEAN Parliamentarians for Human Rights (APHR)" in text


def test_plain_and_html_parts_carry_the_same_letter(example_letter: Letter) -> None:
    plain, html = assert_well_formed(openletter.export(example_letter, "eml")).iter_parts()
    html_text = re.sub(r"<[^>]+>", " ", html.get_content())
    html_words = words_of(html_text.replace("&#x27;", "'").replace("&quot;", '"'))
    plain_words = words_of(plain.get_content())
    for section in example_letter.sections:
        expected = words_of(section.text)
        assert " ".join(expected) in " ".join(plain_words)
        assert " ".join(expected) in " ".join(html_words)
    assert "<style" not in html.get_content() and "style=" in html.get_content()  # CSS inlined
    assert "<script" not in html.get_content()


@pytest.mark.parametrize("script", list(NAMES))
def test_non_latin_names_survive_every_header_and_part(example_letter: Letter, script: str) -> None:
    name = NAMES[script]
    letter = with_email(
        attrs.evolve(
            example_letter,
            title=f"{name}: open letter",
            addressees=(Addressee(id="us-congress", name=name, email="to@example.org"),),
            signatories=(PersonGroup(people=(Person(name=name),)),),
        ),
        sender=f"{name} <from@example.org>",
        cc=(f"{name} <ü@exämple.org>",),
    )
    data = openletter.export(letter, "eml")
    message = headers_of(data)
    assert message["From"].addresses[0].display_name == name
    assert message["To"].addresses[0].display_name == name
    assert message["Cc"].addresses[0].display_name == name
    assert message["Cc"].addresses[0].addr_spec == "ü@exämple.org"
    assert name in message["Subject"]
    plain, html = assert_well_formed(data).iter_parts()
    assert name in plain.get_content() and name in html.get_content()


def test_ascii_only_addresses_give_an_ascii_message(example_letter: Letter) -> None:
    letter = with_email(attrs.evolve(example_letter, title="Lettre ouverte à la députée"))
    data = openletter.export(letter, "eml")
    headers = data.split(b"\r\n\r\n", 1)[0]
    assert headers.isascii()  # RFC 2047 encoded words, no SMTPUTF8 needed
    assert b"=?utf-8?" in headers


def test_same_letter_same_bytes(example_letter: Letter) -> None:
    letter = with_email(example_letter)
    assert openletter.export(letter, "eml") == openletter.export(letter, "eml")


@settings(max_examples=30, deadline=None)
@given(letters().filter(lambda letter: letter.email is not None))
def test_generated_letters_give_well_formed_messages(letter: Letter) -> None:
    from openletter.mail.headers import header_fields

    if any("=?" in text for _, text in header_fields(letter)):
        with pytest.raises(openletter.LetterError, match="encoded-word syntax"):
            openletter.export(letter, "eml")
        return
    data = openletter.export(letter, "eml")
    assert_well_formed(data)
    message = headers_of(data)
    assert message["From"].addresses[0].addr_spec == letter.email.sender.split("<")[-1].rstrip(">")  # type: ignore[union-attr]


INJECTIONS = ["x\r\nBcc: evil@example.net", "x\nBcc: evil@example.net", "x\rBcc: evil@example.net", "x\x00y"]


@pytest.mark.parametrize("bad", INJECTIONS)
@pytest.mark.parametrize("option", ["subject", "sender", "reply_to", "to", "cc", "bcc"])
def test_cr_lf_or_nul_in_an_option_is_refused(example_letter: Letter, option: str, bad: str) -> None:
    with pytest.raises(OptionError):
        openletter.export(example_letter, "eml", {option: bad if option == "subject" else f"a@example.org{bad}"})


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=30), st.sampled_from(["\r\n", "\n", "\r", "\x00"]))
def test_no_header_injection_through_subject(prefix: str, breaker: str) -> None:
    letter = openletter.load(EXAMPLE)
    injected = f"{prefix}{breaker}Bcc: evil@example.net"
    with pytest.raises(OptionError):
        openletter.export(letter, "eml", {"subject": injected})


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_headers_are_exactly_the_expected_ones_whatever_the_subject(subject: str) -> None:
    letter = openletter.load(EXAMPLE)
    try:
        data = openletter.export(letter, "eml", {"subject": subject})
    except OptionError:
        assert line_problem(subject) is not None  # empty, control characters, edge whitespace
        return
    message = parse(data, email.policy.default)
    assert "Bcc" not in message
    assert set(message.keys()) == {
        "From", "Subject", "Date", "X-Unsent", "Message-ID", "MIME-Version", "Content-Type", "Content-Language",
    }  # fmt: skip


@pytest.mark.parametrize(
    "field",
    ["sender", "reply_to", "subject", "list_unsubscribe"],
)
def test_cr_lf_in_letter_email_settings_is_refused_with_the_field_named(tmp_path: object, field: str) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    value = '"x@example.org\\r\\nBcc: evil@example.net"'
    sender = "" if field == "sender" else "  sender: a@example.org\n"
    (folder / "letter.yaml").write_text(
        "title: T\nlanguage: en\nsections:\n- text: Body.\nsignatories:\n- people:\n  - name: N\n"
        f"email:\n{sender}  {field}: {value}\n"
    )
    with pytest.raises(openletter.LetterError) as raised:
        openletter.load(folder / "letter.yaml")
    (problem,) = raised.value.problems
    assert problem.path == ("email", field)
    assert "control character" in problem.message


def test_mailto_links_follow_rfc_6068(example_letter: Letter) -> None:
    letter = attrs.evolve(
        listed(example_letter),
        addressees=(Addressee(id="us-congress", name="Rep. Zoë", email="zoe@example.gov"),),
        sections=(openletter.Section(text="Line one & two?\n\nÜber #1"),),
    )
    text = openletter.export(letter, "mailto").decode()
    lines = [line for line in text.splitlines() if line.startswith("mailto:")]
    assert len(lines) == 2
    parts = urlsplit(lines[1])
    assert parts.scheme == "mailto" and unquote(parts.path) == "zoe@example.gov"
    query = parse_qs(parts.query)
    assert query["subject"] == [letter.title]
    assert "Line one & two?" in query["body"][0] and "Über #1" in query["body"][0]
    assert "\r\n" in query["body"][0] and not re.search(r"[^\r]\n", query["body"][0])
    assert " " not in lines[1] and "&body=" in lines[1]


def test_mailto_link_encodes_reserved_characters() -> None:
    url = link(["a@example.org", "b@example.org"], cc=["c@example.org"], subject="A&B=C?", body="x\ny")
    assert url == "mailto:a@example.org,b@example.org?cc=c@example.org&subject=A%26B%3DC%3F&body=x%0D%0Ay"


def _letter_with_an_addressee_email(folder: Path) -> Path:
    source = folder / "letter.md"
    source.write_text(EXAMPLE.read_text().replace("- id: us-congress\n", "- id: us-congress\n  email: c@example.gov\n"))
    return source


def test_check_warns_when_mailto_links_are_too_long(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _letter_with_an_addressee_email(tmp_path)
    assert main(["check", str(source)]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"warning: all 2 mailto: links are longer than {SAFE_LENGTH:,} characters (up to " in out
    assert main(["check", "--strict", str(source)]) == EXIT_LETTER


def test_the_mailto_warning_comes_only_when_mailto_is_built_or_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _letter_with_an_addressee_email(tmp_path)
    assert main(["check", "-t", "eml", "-t", "html", str(source)]) == EXIT_OK
    assert capsys.readouterr().out.strip() == f"{source}: ok"
    assert main(["check", "--strict", "-t", "json", str(source)]) == EXIT_OK
    assert main(["build", str(source), "-t", "json", "-o", str(tmp_path / "out")]) == EXIT_OK
    assert "mailto" not in capsys.readouterr().err
    assert main(["build", str(source), "-t", "mailto", "-o", str(tmp_path / "out")]) == EXIT_OK
    assert "warning: all 2 mailto: links are longer" in capsys.readouterr().err
    recipients = tmp_path / "recipients.csv"
    recipients.write_text("email,name\nr@example.org,R\n")
    assert main(["mail", str(source), "--recipients", str(recipients), "--dry-run"]) == EXIT_OK
    assert "mailto" not in capsys.readouterr().err


def test_a_letter_whose_addressees_have_no_address_still_gets_the_mailto_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", "-t", "mailto", str(EXAMPLE)]) == EXIT_OK  # the example: no addressee has an email
    out = capsys.readouterr().out
    text = openletter.export(openletter.load(EXAMPLE), "mailto").decode()
    longest = max(len(line) for line in text.splitlines())
    assert longest > SAFE_LENGTH
    assert f"warning: the mailto: link is {longest:,} characters long; many mail clients" in out


def test_check_refuses_an_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "-t", "nonsense", str(EXAMPLE)]) == EXIT_USAGE
    assert "unknown format 'nonsense'" in capsys.readouterr().err


def test_invalid_addresses_are_refused() -> None:
    for bad in ["not-an-address", "a@b", "Name <a@b.c>, other@x.org", "a@example.org\r\n"]:
        with pytest.raises((ValueError, EmailNotValidError)):
            EmailSettings(sender=bad)


def test_check_warns_about_a_long_subject_and_exposed_recipient_lists(
    example_letter: Letter, capsys: pytest.CaptureFixture[str]
) -> None:
    from openletter.plugins import Registry

    letter = with_email(
        example_letter,
        subject="A subject line that goes on and on well past what any mail client shows in its message list",
        to=tuple(f"r{i}@example.org" for i in range(12)),
    )
    messages = [p.message for p in Registry(entry_points=False).lint(letter)]
    assert any("the email subject is 91 characters" in m for m in messages)
    assert any("12 recipients are in To/Cc" in m for m in messages)
    assert Registry(entry_points=False).lint(with_email(example_letter), ["eml"]) == []


def test_a_right_to_left_letter_has_its_bars_on_the_right_in_email() -> None:
    from openletter.exporters.eml import html_part

    from .conftest import DATA

    arabic = html_part(openletter.load(DATA / "letters" / "arabic_water" / "letter.md"))
    demands = re.search(r'<section class="demands"[^>]*style="([^"]*)"', arabic)
    assert demands is not None
    assert "border-right: 4px solid" in demands.group(1)
    assert "border-left: 0" in demands.group(1)
    english = html_part(sample_letter("demands_in_body"))
    demands = re.search(r'<section class="demands"[^>]*style="([^"]*)"', english)
    assert demands is not None
    assert "border-left: 4px solid" in demands.group(1)
    assert "border-right" not in demands.group(1)


# --------------------------------------------------------------------------- header safety

ENCODED_WORDS = {
    "q": "Hello =?utf-8?q?=0D=0ABcc:_victim@example.com?=",
    "b": "Hello =?utf-8?b?DQpCY2M6IHZpY3RpbUBleGFtcGxlLmNvbQ==?=",
}


def _yaml_letter(folder: Path, **fields: str) -> Path:
    """A letter whose header fields are the given texts (each on a line of its own)."""
    settings = {"sender": "APHR <info@example.org>"}
    settings.update((k.removeprefix("email."), v) for k, v in fields.items() if k.startswith("email."))
    lines = ["title: " + json_str(fields.get("title", "Open letter")), "language: en"]
    if "subject" in fields:
        lines.append("subject: " + json_str(fields["subject"]))
    lines += ["addressees:", "- name: " + json_str(fields.get("addressee", "The Minister")), "  email: m@gov.example"]
    lines += ["sections:", "- text: Body.", "signatories:", "- people:", "  - name: N", "email:"]
    for name, value in settings.items():
        lines.append(f"  {name}: {json_str(value)}" if name in ("sender", "reply_to", "subject") else f"  {name}:")
        if name not in ("sender", "reply_to", "subject"):
            lines.append(f"  - {json_str(value)}")
    source = folder / "letter.yaml"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return source


def json_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


HEADER_FIELDS = {
    # field given to _yaml_letter: (the value, the path check reports)
    "email.subject": ("{}", "email.subject"),
    "subject": ("{}", "subject"),
    "title": ("{}", "title"),
    "addressee": ("{}", "addressees[0].name"),
    "email.sender": ('"{}" <a@example.org>', "email.sender"),
    "email.reply_to": ("{} <r@example.org>", "email.reply_to"),
    "email.to": ('"{}" <t@example.org>', "email.to[0]"),
    "email.cc": ("{} <c@example.org>", "email.cc[0]"),
    "email.bcc": ('"{}" <b@example.org>', "email.bcc[0]"),
}


@pytest.mark.parametrize("form", list(ENCODED_WORDS))
@pytest.mark.parametrize("field", list(HEADER_FIELDS))
def test_encoded_word_in_a_header_field_is_refused_at_check_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, form: str
) -> None:
    template, path = HEADER_FIELDS[field]
    source = _yaml_letter(tmp_path, **{field: template.format(ENCODED_WORDS[form])})
    line = next(i for i, text in enumerate(source.read_text().splitlines(), 1) if "=?utf-8?" in text)
    assert main(["check", str(source)]) == EXIT_LETTER
    out = capsys.readouterr().out
    assert f"{source}:{line}: {path}: contains RFC 2047 encoded-word syntax '=?'" in out
    assert main(["build", str(source), "-t", "eml", "-o", str(tmp_path / "out")]) == EXIT_LETTER
    assert not (tmp_path / "out").exists()
    with pytest.raises(openletter.LetterError):
        openletter.export(openletter.load(source), "eml")


def test_encoded_word_syntax_only_matters_for_the_formats_that_write_headers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _yaml_letter(tmp_path, title="What is 2+2=?")
    assert main(["check", "-t", "html", "-t", "json", str(source)]) == EXIT_OK
    assert main(["check", "-t", "mailto", str(source)]) == EXIT_LETTER
    assert main(["build", str(source), "-t", "html", "-o", str(tmp_path / "out")]) == EXIT_OK
    assert "title: contains RFC 2047" in capsys.readouterr().out


@pytest.mark.parametrize("form", list(ENCODED_WORDS))
@pytest.mark.parametrize("option", ["subject", "sender", "reply_to", "to", "cc", "bcc"])
def test_encoded_word_in_an_option_is_refused(example_letter: Letter, option: str, form: str) -> None:
    value = ENCODED_WORDS[form] if option == "subject" else f'"{ENCODED_WORDS[form]}" <a@example.org>'
    with pytest.raises(OptionError, match="encoded-word syntax"):
        openletter.export(with_email(example_letter), "eml", {option: value})
    if option in ("subject", "to", "cc"):
        with pytest.raises(OptionError, match="encoded-word syntax"):
            openletter.export(with_email(example_letter), "mailto", {option: value})


@pytest.mark.parametrize("form", list(ENCODED_WORDS))
@pytest.mark.parametrize("field", ["subject", "title"])
def test_encoded_word_in_subject_never_becomes_a_header(example_letter: Letter, form: str, field: str) -> None:
    letter = with_email(attrs.evolve(example_letter, **{field: ENCODED_WORDS[form]}))
    with pytest.raises(openletter.LetterError) as raised:
        openletter.export(letter, "eml")
    assert [p.path for p in raised.value.problems] == [(field,)]
    with pytest.raises(openletter.LetterError):
        openletter.export(letter, "mailto")
    with pytest.raises(ValueError, match="encoded-word syntax"):
        EmailSettings(sender="a@example.org", subject=ENCODED_WORDS[form])


def test_a_header_block_that_says_something_else_is_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from openletter.exporters import eml
    from openletter.mail.headers import UnsafeHeaderError

    source = _yaml_letter(tmp_path)
    # As Python's own folder did: the display name loses its quotes, and a parser sees a recipient.
    monkeypatch.setattr(eml, "address_header", lambda name, boxes: ", ".join(f"{d} <{a}>" for d, a in boxes))
    letter = openletter.load(source)
    evil = attrs.evolve(letter, addressees=(Addressee(name="X <evil@evil.example>, Y", email="m@gov.example"),))
    with pytest.raises(UnsafeHeaderError, match=r"To holds \['evil@evil.example', 'm@gov.example'\]"):
        eml.render(evil, {})
    monkeypatch.setattr(eml, "date_header", lambda date: "Thu, 08 Jun 2023 00:00:00 +0000\r\nBcc: v@x.example")
    dated = attrs.evolve(letter, date=openletter.load(EXAMPLE).date)
    with pytest.raises(UnsafeHeaderError, match="headers"):
        eml.render(dated, {})
    monkeypatch.setattr(openletter.cli, "_registry", lambda args: openletter.plugins.Registry(entry_points=False))
    source.write_text(source.read_text().replace("title:", "date: 2023-06-08\ntitle:"))
    assert main(["build", str(source), "-t", "eml", "-t", "json", "-o", str(tmp_path / "out")]) == 3
    assert "failed the final check" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["letter.json"]  # no letter.eml


@pytest.mark.parametrize(
    ("block", "reason"),
    [
        (b"To: a@example.org\r\nBcc: v@x.example\r\nSubject: S\r\n", "headers"),
        (b"Subject: S\r\n", "headers"),
        (b"To: a@example.org\r\nTo: a@example.org\r\nSubject: S\r\n", "headers"),
        (b"To: a@example.org, v@x.example\r\nSubject: S\r\n", "To holds"),
        (b"To: Ev: a@example.org;\r\nSubject: S\r\n", "group"),
        (b'To: "Other" <a@example.org>\r\nSubject: S\r\n', "To holds"),
        (b"To: a@example.org\r\nSubject: =?utf-8?q?S=0D=0ABcc:_v@x.example?=\r\n", "Subject reads"),
        (b"To: a@example.org\r\nSubject: S\nBcc: v@x.example\r\n", "bare CR, LF"),
        (b"To: a@example.org\r\nSubject: " + b"S" * 999 + b"\r\n", "998"),
        (b"To: a@example.org\r\nSubject: S\r\n\r\nBcc: v@x.example\r\n", "one block"),
    ],
)
def test_the_final_check_refuses_any_header_block_but_the_one_meant(block: bytes, reason: str) -> None:
    from openletter.mail.headers import UnsafeHeaderError, verify

    meant = [("To", [("", "a@example.org")]), ("Subject", "S")]
    verify(b"To: a@example.org\r\nSubject: S\r\n", meant)
    with pytest.raises(UnsafeHeaderError, match=reason):
        verify(block, meant)


FIELD_REPORT_NAME = "Minister of Environment, Forests and Climate <attacker@evil.example>, Office"

name_pieces = st.sampled_from(
    [
        "Minister", "of", "Forests", ",", ";", ":", "<attacker@evil.example>", '"', "\\", "(", ")", "Zoë",
        "សុខ", "王小明", "ليلى", "and", "Climate", "@", ".", "Office", "x" * 30, "y" * 70, "'", "[", "]",
    ]
)  # fmt: skip
long_names = st.lists(name_pieces, min_size=1, max_size=40).map(" ".join) | st.builds(
    lambda n, prefix: prefix[:n] + FIELD_REPORT_NAME, st.integers(0, 90), st.just("M" * 30 + " " + "x " * 30)
)


def _addresses_of(data: bytes, header: str) -> list[tuple[str, str]]:
    message = headers_of(data)
    return [(a.display_name, a.addr_spec) for a in message[header].addresses]


def _same_name(found: str, meant: str) -> bool:
    return "".join(found.split()) == "".join(meant.split())


@pytest.mark.parametrize("where", ["addressee", "sender", "to", "cc", "reply_to"])
def test_the_field_report_name_adds_no_recipient(example_letter: Letter, where: str) -> None:
    _check_one_mailbox(example_letter, where, FIELD_REPORT_NAME + " of the Minister of the Republic")


@settings(max_examples=60, deadline=None)
@given(name=long_names, where=st.sampled_from(["addressee", "sender", "to", "cc", "reply_to"]))
def test_long_display_names_keep_their_quoting_when_folded(name: str, where: str) -> None:
    _check_one_mailbox(openletter.load(EXAMPLE), where, name.strip() or "x")


def _check_one_mailbox(letter: Letter, where: str, name: str) -> None:
    from openletter.mail.headers import format_mailbox

    address = "m@gov.example"
    mailbox = format_mailbox((name, address))
    if where == "addressee":
        letter = with_email(attrs.evolve(letter, addressees=(Addressee(id="us-congress", name=name, email=address),)))
    elif where == "sender":
        letter = with_email(letter, sender=mailbox)
    else:
        letter = with_email(letter, **{where: mailbox if where == "reply_to" else (mailbox,)})
    header = {"addressee": "To", "sender": "From", "to": "To", "cc": "Cc", "reply_to": "Reply-To"}[where]
    data = openletter.export(letter, "eml")
    assert_well_formed(data)
    ((display, found),) = _addresses_of(data, header)
    assert found == address and _same_name(display, name)
    assert all(len(line) <= 78 for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"))


@pytest.mark.parametrize(
    "link",
    [
        "https://x.example/?a=b>,<mailto:evil@attacker.example>",
        "https://x.example/u>, <https://evil.example/",
        "mailto:unsubscribe@example.org,evil@attacker.example",
        "https://x.example/a b",
        "https://x.example/a\tb",
        "https://x.example/?t==?utf-8?q?=0D=0ABcc:_v@x.example?=",
        "https://x.example/<u>",
        "http://x.example/unsubscribe",
        "https://" + "x" * 900 + ".example/",
    ],
)
def test_list_unsubscribe_is_one_link(link: str) -> None:
    with pytest.raises(ValueError, match=r"list_unsubscribe|link|address|control") as raised:
        EmailSettings(sender="a@example.org", list_unsubscribe=link)
    assert getattr(raised.value, "path", ("list_unsubscribe",)) == ("list_unsubscribe",)


@pytest.mark.parametrize(
    "link", ["https://example.org/unsubscribe?id=42&list=a", "mailto:unsubscribe@example.org?subject=unsubscribe"]
)
def test_a_list_unsubscribe_link_is_written_as_one_link(example_letter: Letter, link: str) -> None:
    iri = link.replace("unsubscribe@", "désabonner@").replace("/unsubscribe", "/désabonner")
    data = openletter.export(with_email(example_letter, list_unsubscribe=iri), "eml")
    assert f"\r\nList-Unsubscribe: <{link.replace('unsubscribe', 'd%C3%A9sabonner', 1)}>\r\n".encode() in data
    long_link = link + "&token=" + "a" * 150
    for value in (link, long_link):
        data = openletter.export(with_email(example_letter, list_unsubscribe=value), "eml")
        assert assert_well_formed(data)["List-Unsubscribe"] == f"<{value}>"
        assert f"\r\nList-Unsubscribe: <{value}>\r\n".encode() in data  # as it is: not made into encoded words


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_letter_gives_a_message_that_parses_strictly(name: str) -> None:
    letter = sample_letter(name)
    if letter.email is None:  # every sample, sent: a sender and one recipient
        letter = attrs.evolve(letter, email=EmailSettings(sender="Campaign <campaign@example.org>"))
    message = assert_well_formed(openletter.export(letter, "eml"))
    assert str(message["Content-Language"]).split(", ")[0] == letter.language
