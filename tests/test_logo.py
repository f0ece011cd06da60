"""The letter's logo: read safely from the letter's folder, shown in the page and carried by email."""

from __future__ import annotations

import base64
import email
import email.policy
import json
import mailbox
import os
import re
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import attrs
import html5lib
import pytest

import openletter
from openletter import Letter, LetterError, Logo
from openletter.cli import EXIT_LETTER, EXIT_OK, main

from .conftest import DATA, EXAMPLE
from .test_email import assert_well_formed
from .test_mail import write_recipients

PNG = (DATA / "logo.png").read_bytes()
GIF = (DATA / "logo.gif").read_bytes()


def letter_folder(folder: Path, logo: str = "logo:\n  file: logo.png\n  alt: ASEAN Parliamentarians\n") -> Path:
    """The example letter with a logo block in its front matter, and the logo file beside it."""
    text = EXAMPLE.read_text(encoding="utf-8").replace("\nlanguage: en\n", "\nlanguage: en\n" + logo, 1)
    assert logo in text
    source = folder / "letter.md"
    source.write_text(text, encoding="utf-8")
    (folder / "logo.png").write_bytes(PNG)
    return source


def output(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    return captured.out + captured.err


def logo_line(source: Path) -> int:
    lines = source.read_text(encoding="utf-8").split("\n")
    return next(number for number, line in enumerate(lines, start=1) if line.startswith("  file: "))


# --------------------------------------------------------------------------- reading


def test_load_reads_the_logo_from_the_letters_folder(tmp_path: Path) -> None:
    letter = openletter.load(letter_folder(tmp_path))
    assert letter.logo == Logo(file="logo.png", alt="ASEAN Parliamentarians", data=PNG)
    assert letter.logo.media_type == "image/png"


def test_the_source_keeps_the_file_name_and_a_round_trip_reads_the_file_again(tmp_path: Path) -> None:
    letter = openletter.load(letter_folder(tmp_path))
    assert openletter.unstructure(letter)["logo"] == {"file": "logo.png", "alt": "ASEAN Parliamentarians"}
    for fmt in ("markdown", "yaml", "toml", "json"):
        text = openletter.dumps(letter, fmt)  # type: ignore[arg-type]
        assert "iVBOR" not in text  # no base64 image in the source
        assert openletter.loads(text, fmt, base_dir=tmp_path) == letter  # type: ignore[arg-type]


def test_a_gif_logo_in_a_subfolder(tmp_path: Path) -> None:
    source = letter_folder(tmp_path, "logo:\n  file: images/logo.gif\n  alt: APHR\n")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "logo.gif").write_bytes(GIF)
    letter = openletter.load(source)
    assert letter.logo is not None and letter.logo.media_type == "image/gif" and letter.logo.data == GIF


def test_a_letter_read_from_text_without_a_folder_cannot_name_a_logo(tmp_path: Path) -> None:
    text = letter_folder(tmp_path).read_text(encoding="utf-8")
    with pytest.raises(LetterError) as caught:
        openletter.loads(text)
    [problem] = caught.value.problems
    assert problem.path == ("logo", "file")
    assert "can only be named by a letter read from a file" in problem.message
    assert "openletter.loads(text, base_dir=FOLDER)" in str(problem.expected)
    assert openletter.loads(text, base_dir=tmp_path).logo is not None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("../logo.png", None, "'../logo.png' is not an image file name inside the letter's folder"),
        ("/etc/logo.png", None, "'/etc/logo.png' is not an image file name inside the letter's folder"),
        ("C:/logo.png", None, "'C:/logo.png' is not an image file name inside the letter's folder"),
        ("logo.svg", b"<svg/>", "'logo.svg' is not an image file name (expected a relative path to a .png, .jpg"),
        ("missing.png", None, "the image file 'missing.png' was not found"),
        ("fake.png", b"GIF89a not a png", "'fake.png' is not a PNG image"),
        ("fake.jpg", PNG, "'fake.jpg' is not a JPEG image"),
        ("empty.png", b"", "the image file is empty"),
        ("huge.png", PNG + bytes(3 * 1024 * 1024), "the file is 3,072 KiB, more than 1,024 KiB"),
        ("lo\x00go.png", None, "the file name contains the control character U+0000"),
        ("logo.png ", None, "the file name has leading or trailing whitespace"),
    ],
    ids=lambda value: value if isinstance(value, str) and "." in value and " " not in value else "",
)
def test_bad_logo_files_are_reported_at_the_logo_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes | None, message: str
) -> None:
    folder = tmp_path / "letter"
    folder.mkdir()
    source = letter_folder(folder, f"logo:\n  file: {json.dumps(name)}\n  alt: APHR\n")
    if content is not None:
        (folder / name).write_bytes(content)
    assert main(["check", str(source)]) == EXIT_LETTER
    err = output(capsys)
    assert f"{source}:{logo_line(source)}: logo.file: {message}" in err
    assert "Traceback" not in err


def test_a_symlink_pointing_out_of_the_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "secret.png").write_bytes(PNG)
    folder = tmp_path / "letter"
    folder.mkdir()
    source = letter_folder(folder, "logo:\n  file: link.png\n  alt: APHR\n")
    os.symlink(tmp_path / "secret.png", folder / "link.png")
    assert main(["check", str(source)]) == EXIT_LETTER
    assert "'link.png' is not an image file name inside the letter's folder" in output(capsys)


def test_image_bytes_cannot_be_written_into_the_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = letter_folder(tmp_path, "logo:\n  file: logo.png\n  alt: APHR\n  data: iVBORw0KGgo=\n")
    assert main(["check", str(source)]) == EXIT_LETTER
    err = output(capsys)
    assert "logo.data: unknown field 'data'" in err
    assert err.count("problem") == 1  # one problem, not one per stage


def test_the_alt_text_is_required(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = letter_folder(tmp_path, "logo:\n  file: logo.png\n")
    assert main(["check", str(source)]) == EXIT_LETTER
    assert "logo.alt: required field is missing" in output(capsys)


def test_a_heavy_logo_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = letter_folder(tmp_path)
    (tmp_path / "logo.png").write_bytes(PNG + bytes(300 * 1024))
    assert main(["check", str(source)]) == EXIT_OK
    assert "logo.file: warning: the logo is 300 KiB, and every email carries a copy" in output(capsys)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda folder: os.mkfifo(folder / "logo.png"), "'logo.png' is not a regular file"),
        (lambda folder: (folder / "logo.png").mkdir(), "'logo.png' is not a regular file"),
        (lambda folder: os.symlink("logo.png", folder / "logo.png"), "'logo.png' is not an image file name inside"),
    ],
    ids=["fifo", "folder", "symlink-loop"],
)
def test_what_is_not_a_regular_file_is_refused_without_reading_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: Callable[[Path], object], message: str
) -> None:
    source = letter_folder(tmp_path)
    (tmp_path / "logo.png").unlink()
    setup(tmp_path)
    assert main(["check", str(source)]) == EXIT_LETTER  # a FIFO would block here for ever
    out = output(capsys)
    assert f"logo.file: {message}" in out
    assert "internal error" not in out


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        ("logo:\n  alt: APHR\n", "logo.file: required field is missing"),
        ("logo:\n  file: [a.png]\n  alt: APHR\n", "logo.file: got a list"),
        ("logo:\n  file: 5\n  alt: APHR\n", "logo.file: got the number 5"),
    ],
)
def test_a_missing_or_mistyped_file_name_is_reported_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], logo: str, message: str
) -> None:
    source = letter_folder(tmp_path, logo)
    assert main(["check", str(source)]) == EXIT_LETTER
    out = output(capsys)
    assert message in out
    assert "was not read" not in out


# --------------------------------------------------------------------------- the page


@pytest.fixture
def logo_letter(tmp_path: Path) -> Letter:
    return openletter.load(letter_folder(tmp_path))


def letterhead(page: str) -> str:
    match = re.search(r'<p class="letterhead">(.*?)</p>', page)
    assert match is not None
    return match.group(1)


def test_the_page_embeds_the_logo_in_its_letterhead(logo_letter: Letter) -> None:
    head = letterhead(openletter.export(logo_letter, "html").decode())
    src = re.search(r'<img class="logo" src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)">', head)
    assert src is not None
    assert base64.b64decode(src.group(1)) == PNG
    assert src.group(2) == "ASEAN Parliamentarians"  # says something the name beside it does not
    assert head.endswith('<span class="letterhead-name">ASEAN Parliamentarians for Human Rights</span>')


def test_alt_text_that_repeats_the_name_beside_it_is_empty(logo_letter: Letter) -> None:
    assert logo_letter.logo is not None
    name = "ASEAN Parliamentarians for Human Rights"
    letter = attrs.evolve(logo_letter, logo=attrs.evolve(logo_letter.logo, alt=name))
    assert 'alt=""' in letterhead(openletter.export(letter, "html").decode())


def test_hostile_alt_text_is_escaped(logo_letter: Letter) -> None:
    assert logo_letter.logo is not None
    alt = '"><script>alert(1)</script><img src=x onerror=alert(2) alt="'
    letter = attrs.evolve(logo_letter, logo=attrs.evolve(logo_letter.logo, alt=alt))
    document = html5lib.parse(openletter.export(letter, "html").decode(), namespaceHTMLElements=False)
    assert [s.get("type") for s in document.iter("script")] == ["application/ld+json"]
    [image] = document.iter("img")
    assert image.get("alt") == alt and image.get("onerror") is None


# --------------------------------------------------------------------------- email


def related_parts(message: EmailMessage) -> tuple[EmailMessage, EmailMessage]:
    """multipart/alternative [text/plain, multipart/related [text/html, image]]: the html and the image."""
    assert message.get_content_type() == "multipart/alternative"
    text, related = message.get_payload()  # type: ignore[misc]
    assert text.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    assert related.get_param("type") == "text/html"
    page, image = related.get_payload()
    assert page.get_content_type() == "text/html"
    assert image.get_content_type() == "image/png"
    assert image.get_content_disposition() == "inline"
    assert image.get_filename() == "logo.png"  # never the letter's own file name
    assert image.get_content() == PNG
    cid = image["Content-ID"]
    assert cid.startswith("<") and cid.endswith(">")
    assert f'src="cid:{cid[1:-1]}"' in page.get_content()
    assert "data:image" not in page.get_content()  # mail clients block data: URIs
    return page, image


def test_eml_carries_the_logo_as_a_related_part(logo_letter: Letter) -> None:
    data = openletter.export(logo_letter, "eml")
    related_parts(assert_well_formed(data))
    assert openletter.export(logo_letter, "eml") == data  # same letter, same bytes


def test_without_a_logo_the_html_part_stands_alone(example_letter: Letter) -> None:
    message = assert_well_formed(openletter.export(example_letter, "eml"))
    assert [p.get_content_type() for p in message.walk()] == ["multipart/alternative", "text/plain", "text/html"]


def test_every_mail_merge_message_carries_the_logo(tmp_path: Path) -> None:
    source = letter_folder(tmp_path)
    recipients = write_recipients(tmp_path, 6)
    mbox = tmp_path / "out.mbox"
    assert main(["mail", str(source), "--recipients", str(recipients), "--mbox", str(mbox)]) == EXIT_OK
    box = mailbox.mbox(str(mbox))
    messages = [assert_well_formed(m.as_bytes(policy=email.policy.SMTP)) for m in box]
    box.close()
    assert len(messages) == 6
    eml = openletter.export(openletter.load(source), "eml")
    _, eml_image = related_parts(assert_well_formed(eml))
    for message in messages:
        _, image = related_parts(message)
        assert image["Content-ID"] == eml_image["Content-ID"]


def test_the_file_name_never_reaches_an_email_header(tmp_path: Path) -> None:
    name = "=?utf-8?q?x=0D=0ABcc:_victim@example.net=0D=0A=0D=0AINJECTED?=.png"
    source = letter_folder(tmp_path, f"logo:\n  file: '{name}'\n  alt: APHR\n")
    (tmp_path / name).write_bytes(PNG)
    data = openletter.export(openletter.load(source), "eml")
    message = assert_well_formed(data)
    assert b"victim" not in data and b"INJECTED" not in data
    _, image = related_parts(message)
    assert image.get_filename() == "logo.png"
    recipients = write_recipients(tmp_path, 2)
    assert main(["mail", str(source), "--recipients", str(recipients), "--eml-dir", str(tmp_path / "out")]) == EXIT_OK
    for path in sorted((tmp_path / "out").iterdir()):
        assert b"victim" not in path.read_bytes()


def test_a_new_logo_makes_a_new_message_id(logo_letter: Letter) -> None:
    assert logo_letter.logo is not None
    other = attrs.evolve(logo_letter, logo=attrs.evolve(logo_letter.logo, file="logo.gif", data=GIF))
    ids = {assert_well_formed(openletter.export(letter, "eml"))["Message-ID"] for letter in (logo_letter, other)}
    assert len(ids) == 2


def test_marker_like_text_in_the_letter_stays_text_in_a_mail_merge(tmp_path: Path) -> None:
    source = letter_folder(tmp_path, "logo:\n  file: logo.png\n  alt: Logo OLMERGE7X OLMERGE0X\n")
    recipients = write_recipients(tmp_path, 2)
    mbox = tmp_path / "out.mbox"
    assert main(["mail", str(source), "--recipients", str(recipients), "--mbox", str(mbox)]) == EXIT_OK
    box = mailbox.mbox(str(mbox))
    pages = [related_parts(assert_well_formed(m.as_bytes(policy=email.policy.SMTP)))[0] for m in box]
    box.close()
    assert all('alt="Logo OLMERGE7X OLMERGE0X"' in page.get_content() for page in pages)
