"""Signatures given to another text version than the letter's current one: `openletter check`
reports them with their counts, located at the first such signature (in its CSV file)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import openletter
from openletter.cli import EXIT_OK, main
from openletter.versions import signed_versions, version_problems

from .conftest import EXAMPLE

OLD = "v1-0123456789abcdef"


def coalition_folder(tmp_path: Path, versions: list[str], withdrawn: int | None = None) -> Path:
    """The example letter signed by people from a CSV file whose rows give these `versions`
    ("current" stands for the letter's own)."""
    folder = tmp_path / "letter"
    shutil.copytree(EXAMPLE.parent, folder)
    current = openletter.text_version(openletter.load(EXAMPLE))
    rows = ["name,version,withdrawn"]
    for n, version in enumerate(versions):
        rows.append(
            f"Person {n},{current if version == 'current' else version},{'2024-01-02' if n == withdrawn else ''}"
        )
    (folder / "people.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    text = (folder / "letter.md").read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    (folder / "letter.md").write_text(
        head + "\nsignatories:\n- heading: Individuals\n  people: people.csv\n---\n" + body, encoding="utf-8"
    )
    return folder / "letter.md"


def test_signatures_on_an_earlier_text_are_reported_with_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = coalition_folder(tmp_path, ["current", "current", OLD, "", OLD, "v1-ffffffffffffffff"])
    letter = openletter.load(source)
    current = openletter.text_version(letter)
    assert signed_versions(letter) == {current: 2, OLD: 2, "": 1, "v1-ffffffffffffffff": 1}
    assert main(["check", str(source)]) == EXIT_OK
    out = capsys.readouterr().out
    assert (
        f"people.csv:4: signatories[0].people[2].signature.version: warning: 3 signatures were given to "
        f"another text: 2 to {OLD}, 1 to v1-ffffffffffffffff; 2 to this one ({current}); 1 do not say"
    ) in out


def test_withdrawn_signatures_and_current_ones_are_not_reported(tmp_path: Path) -> None:
    letter = openletter.load(coalition_folder(tmp_path, ["current", OLD, "current"], withdrawn=1))
    assert version_problems(letter) == []


def test_a_letter_whose_signatures_say_no_version_is_not_reported(tmp_path: Path) -> None:
    letter = openletter.load(coalition_folder(tmp_path, ["", ""]))
    assert version_problems(letter) == []


def test_the_signers_of_another_version_become_the_recipients_of_a_mail_merge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "letter"
    shutil.copytree(EXAMPLE.parent, folder)
    current = openletter.text_version(openletter.load(EXAMPLE))
    (folder / "people.csv").write_text(
        "name,version,contact_email,withdrawn,signed\n"
        f"Ada Current,{current},ada@example.org,,2024-05-01\n"
        f"Bo Earlier,{OLD},bo@example.org,,2024-04-01\n"
        f"Cy Withdrawn,{OLD},cy@example.org,2024-05-02,2024-04-01\n"
        f"Di Unreachable,{OLD},,,2024-04-02\n"
        f"Bo Again,{OLD},BO@example.org,,2024-04-03\n"
        "Ed Unknown,,ed@example.org,,\n",
        encoding="utf-8",
    )
    text = (folder / "letter.md").read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    source = folder / "letter.md"
    source.write_text(head + "\nsignatories:\n- people: people.csv\n---\n" + body, encoding="utf-8")
    recipients = tmp_path / "reaffirm.csv"
    assert main(["version", str(source), "--reaffirm", str(recipients)]) == EXIT_OK
    out = capsys.readouterr().out
    assert (
        f"wrote {recipients}: 1 signer of another version of the text; 1 more without a contact email; "
        "1 signature does not say which version (not in the file: record it with import-signatures "
        "--text-version, or a version column)\n"
    ) in out
    assert recipients.read_text(encoding="utf-8").splitlines() == [
        "email,name,version,signed",
        f"bo@example.org,Bo Earlier,{OLD},2024-04-01",
    ]
    assert main(["mail", str(EXAMPLE), "--recipients", str(recipients), "--dry-run"]) == EXIT_OK
    assert "bo@example.org" in capsys.readouterr().out


def test_every_format_says_how_many_signed_an_earlier_version(tmp_path: Path) -> None:
    from openletter.plaintext import letter_to_text

    letter = openletter.load(coalition_folder(tmp_path, ["current", OLD, "current", OLD, ""], withdrawn=3))
    public = openletter.public_letter(letter)
    assert public.tally == openletter.Tally(withdrawn=1, earlier=1)
    sentence = "Signatures: 4 (on an earlier version of the text: 1); withdrawn: 1"
    assert sentence in letter_to_text(public)
    assert sentence in openletter.export(letter, "html").decode()
    assert sentence in openletter.export(letter, "jsonld").decode()
    again = openletter.loads(openletter.export(letter, "json").decode(), "json")
    assert again.tally == public.tally
    assert sentence in letter_to_text(again)


def test_no_count_is_printed_when_every_signature_is_on_the_current_version(tmp_path: Path) -> None:
    letter = openletter.load(coalition_folder(tmp_path, ["current", "current", ""]))
    assert openletter.public_letter(letter).tally is None
    assert "Signatures:" not in openletter.export(letter, "html").decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Signatures: 3 (not named: 1; on an earlier version of the text: 2)"),
        ("fr", "sur une version antérieure du texte : 2"),
        ("de", "für eine frühere Fassung des Textes: 2"),
    ],
)
def test_the_earlier_version_count_in_the_letters_words(language: str, expected: str) -> None:
    import attrs

    from openletter.model import Person, PersonGroup, Signature

    letter = openletter.load(EXAMPLE)
    people = (
        Person(name="A", signature=Signature(version=OLD)),
        Person(name="B", signature=Signature(version=OLD, consent="count")),
        Person(name="C", signature=Signature(version=openletter.text_version(letter))),
    )
    letter = attrs.evolve(letter, language=language, signatories=(PersonGroup(people=people),))
    assert expected in openletter.export(letter, "html").decode()


@pytest.mark.parametrize(
    ("language", "labels", "warned"),
    [
        ("km", {}, ["tally_signatures", "tally_withdrawn"]),
        ("km", {"tally_signatures": "ហត្ថលេខា"}, ["tally_withdrawn"]),
        ("km", {"tally_signatures": "ហត្ថលេខា", "tally_withdrawn": "ដកចេញ"}, []),
        ("fr", {}, []),
        ("en", {}, []),
    ],
)
def test_a_count_that_would_print_english_words_in_another_language_is_warned_about(
    language: str, labels: dict[str, str], warned: list[str]
) -> None:
    import attrs

    from openletter.lint import tally_label_problems
    from openletter.model import Labels, Person, PersonGroup, Signature, Withdrawal

    letter = openletter.load(EXAMPLE)
    people = (Person(name="A"), Person(name="B", signature=Signature(withdrawal=Withdrawal())))
    letter = attrs.evolve(letter, language=language, labels=Labels(**labels), signatories=(PersonGroup(people=people),))
    problems = tally_label_problems(letter)
    if not warned:
        assert problems == []
        return
    (problem,) = problems
    assert problem.severity == "warning"
    assert problem.path == ("labels", warned[0])
    assert problem.expected == "the letter's own words: " + ", ".join(f"labels.{key}" for key in warned)


def test_imported_signatures_record_the_text_version_they_were_given_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "letter"
    shutil.copytree(EXAMPLE.parent, folder)
    export = tmp_path / "responses.csv"
    export.write_text('"Timestamp","Email Address","Name"\n"5/3/2024 14:30:00","a@example.org","Ann Lee"\n')
    people = folder / "people.csv"
    current = openletter.text_version(openletter.load(EXAMPLE))
    base = ["import-signatures", str(export), "--into", str(people), "--preset", "google-forms"]
    assert main([*base, "--text-version", "not-a-version"]) == 2
    assert "--text-version 'not-a-version' is neither a text version nor a letter file" in capsys.readouterr().err
    assert main([*base, "--text-version", str(folder / "letter.md")]) == EXIT_OK
    assert f",{current}," in people.read_text(encoding="utf-8").splitlines()[1]
    people.unlink()
    assert main([*base, "--text-version", OLD]) == EXIT_OK
    assert f",{OLD}," in people.read_text(encoding="utf-8").splitlines()[1]


def test_a_version_openletter_cannot_have_written_is_warned_about(tmp_path: Path) -> None:
    letter = openletter.load(coalition_folder(tmp_path, ["current", "V1-A05FBB5142EF2EF1", "abc"]))
    first, counts = version_problems(letter)
    assert first.path == ("signatories", 0, "people", 1, "signature", "version")
    assert first.message == "'V1-A05FBB5142EF2EF1' is not a text version"
    assert "2 signatures were given to another text" in counts.message
