"""The model represents real letters without loss, and refuses what would not survive a round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import openletter
from openletter import (
    Addressee,
    Demand,
    Letter,
    Organisation,
    OrganisationGroup,
    Person,
    PersonGroup,
    Reference,
    Section,
)
from openletter.errors import FieldError, LetterError

from .strategies import SCRIPTS, letters

FORMATS = ["json", "yaml", "toml", "markdown"]
ORG = (OrganisationGroup(organisations=(Organisation(name="Org"),)),)


def _minimal(**fields: object) -> Letter:
    base: dict[str, object] = {"title": "T", "language": "en", "sections": (Section(text="Body."),), "signatories": ORG}
    return Letter(**{**base, **fields})  # type: ignore[arg-type]


def coalition_of_400() -> Letter:
    international = tuple(Organisation(name=f"International Org {i}", country="Global") for i in range(150))
    national = tuple(
        Organisation(name=f"Cambodian Org {i}", short_name=f"CO{i}", country="Cambodia") for i in range(250)
    )
    return _minimal(
        signatories=(
            OrganisationGroup(heading="International", organisations=international),
            OrganisationGroup(heading="National", organisations=national),
        )
    )


def individuals_1200() -> Letter:
    people = tuple(
        Person(
            honorific="Hon.",
            name=f"Member {i}",
            title="Member of Parliament",
            affiliation=f"Party {i % 7}",
            country=["Malaysia", "Indonesia", "Philippines", "Thailand"][i % 4],
        )
        for i in range(1200)
    )
    return _minimal(signatories=(PersonGroup(heading="Members of Parliament", people=people),))


def ten_addressees_with_cc() -> Letter:
    to = tuple(
        Addressee(
            id=f"sen-{i}",
            honorific="The Honorable",
            name=f"Senator {i}",
            role="Senator",
            organisation="United States Senate",
            email=f"senator{i}@example.org",
        )
        for i in range(10)
    )
    cc = (
        Addressee(name="Secretary of State", honorific="The Honorable", kind="cc"),
        Addressee(name="UN Special Rapporteur on Cambodia", kind="cc"),
    )
    return _minimal(
        addressees=to + cc,
        salutation="Dear Senators,",
        demands=tuple(
            Demand(
                id=f"d{i}",
                text=f"Demand number {i}.",
                targets=(f"sen-{i}",),
                deadline=dt.date(2024, 1, i + 1),
                status="open" if i % 2 else "not-met",
            )
            for i in range(5)
        ),
    )


def with_endnotes() -> Letter:
    return _minimal(
        sections=(
            Section(text="The court dissolved the party.[^1] Observers agreed.[^note-2]"),
            Section(heading="Background", text="More text.[^1]"),
        ),
        references=(
            Reference(id="1", text="Supreme Court ruling, 16 November 2017."),
            Reference(id="note-2", text="See the [report](https://example.org/report).\n\nSecond paragraph."),
        ),
    )


def in_script(language: str, script: str) -> Letter:
    letters_ = SCRIPTS[script]
    word = letters_[:8]
    return _minimal(
        title=f"{word} {letters_[8:14]}",
        language=language,
        date=dt.date(2023, 6, 8),
        date_text={"th": "8 มิถุนายน พ.ศ. 2566", "km": "ថ្ងៃទី៨ ខែមិថុនា ឆ្នាំ២០២៣", "zh-Hans": "2023年6月8日"}[language],
        salutation=f"{word},",
        sections=(Section(text=f"{word} {letters_[3:9]}。\n\n{letters_[5:12]}"), Section(heading=word, text=word)),
        signatories=(PersonGroup(people=(Person(name=letters_[:4], title=letters_[4:9]),)),),
    )


CASES = {
    "one organisation (APHR)": lambda: openletter.load(Path(__file__).parents[1] / "examples/aphr_cambodia/letter.md"),
    "coalition of 400 in two groups": coalition_of_400,
    "1,200 individuals": individuals_1200,
    "10 addressees with cc and numbered demands": ten_addressees_with_cc,
    "endnotes": with_endnotes,
    "Chinese": lambda: in_script("zh-Hans", "chinese"),
    "Thai": lambda: in_script("th", "thai"),
    "Khmer": lambda: in_script("km", "khmer"),
    "no salutation and no date": _minimal,
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", list(CASES))
def test_real_letter_shapes_survive_every_format(case: str, fmt: openletter._api.DataFormat) -> None:
    letter = CASES[case]()
    assert openletter.loads(openletter.dumps(letter, fmt), fmt) == letter


def test_coalition_keeps_its_groups_headings_and_countries() -> None:
    letter = openletter.loads(openletter.dumps(coalition_of_400(), "markdown"))
    assert [g.heading for g in letter.signatories] == ["International", "National"]
    assert letter.signatory_count == 400
    assert {o.country for o in letter.organisations()} == {"Global", "Cambodia"}


def test_addressees_split_into_to_and_cc() -> None:
    letter = ten_addressees_with_cc()
    assert len(letter.recipients) == 10 and len(letter.copied) == 2


def test_signatories_can_come_from_a_csv_file(tmp_path: Path) -> None:
    rows = "\n".join(f"Hon.,Member {i},Member of Parliament,Party {i},Malaysia" for i in range(1500))
    (tmp_path / "mps.csv").write_text("honorific,name,title,affiliation,country\n" + rows + "\n", encoding="utf-8")
    (tmp_path / "letter.md").write_text(
        "---\ntitle: T\nlanguage: en\nsignatories:\n- heading: MPs\n  people: mps.csv\n---\n\nBody.\n", encoding="utf-8"
    )
    letter = openletter.load(tmp_path / "letter.md")
    (group,) = letter.signatories
    assert isinstance(group, PersonGroup) and len(group.people) == 1500
    assert group.people[7] == Person(
        honorific="Hon.", name="Member 7", title="Member of Parliament", affiliation="Party 7", country="Malaysia"
    )
    # The export writes them inline and loads back equal.
    assert openletter.loads(openletter.dumps(letter)) == letter


def test_models_are_frozen_and_hashable(example_letter: Letter) -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        example_letter.title = "x"  # type: ignore[misc]
    assert hash(example_letter) == hash(openletter.loads(openletter.dumps(example_letter)))
    assert all("__slots__" in vars(type(x)) for x in (example_letter, example_letter.sections[0]))


@pytest.mark.parametrize(
    ("build", "path", "message"),
    [
        (lambda: _minimal(title=""), ("title",), "is empty"),
        (lambda: _minimal(title="a\nb"), ("title",), "control character U+000A"),
        (lambda: _minimal(title=" padded"), ("title",), "whitespace"),
        (lambda: _minimal(language="english"), ("language",), "BCP 47"),
        (lambda: _minimal(url="javascript:alert(1)"), ("url",), "absolute web address"),
        (lambda: _minimal(sections=()), ("sections",), "is empty"),
        (
            lambda: _minimal(sections=(Section(text="a"), Section(text="b"))),
            ("sections", 1, "heading"),
            "only the first",
        ),
        (lambda: _minimal(keywords=("ok", "")), ("keywords", 1), "is empty"),
        (
            lambda: _minimal(demands=(Demand(text="x", targets=("nobody",)),)),
            ("demands", 0, "targets", 0),
            "no addressee",
        ),
        (
            lambda: _minimal(demands=(Demand(id="a", text="x"), Demand(id="a", text="y"))),
            ("demands", 1, "id"),
            "already used",
        ),
        (lambda: Section(text="a\n\n## b"), ("text",), "level-2 heading"),
        (lambda: Section(text="a\n===="), ("text",), "level-1 heading"),
        (lambda: Section(text="a\n\n[^1]: note"), ("text",), "footnote definition"),
        (lambda: Section(text="```\nopen fence"), ("text",), "block open"),
        (lambda: Section(text="\nleading blank line"), ("text",), "blank line"),
        (lambda: Addressee(name="x", kind="bcc"), ("kind",), "not allowed"),
        (lambda: Addressee(name="x", email="not an email"), ("email",), "not an email"),
        (lambda: Reference(id="has space", text="x"), ("id",), "not a valid id"),
        (lambda: Section(id="2", text="x"), ("id",), "names a position"),
        (lambda: Demand(id="10", text="x"), ("id",), "names a position"),
        (lambda: Demand(text="x", deadline=dt.datetime(2023, 1, 1)), ("deadline",), "got a datetime"),
    ],
)
def test_invalid_values_are_refused_with_the_field_named(build: object, path: tuple[object, ...], message: str) -> None:
    with pytest.raises(FieldError) as raised:
        build()  # type: ignore[operator]
    assert raised.value.path == path
    assert message in raised.value.message


MARKDOWNISH = st.text(alphabet="ab #=-*>`~[]^:!()\n1.", max_size=40)


@given(text=MARKDOWNISH)
def test_any_section_text_the_model_accepts_survives_letter_md(text: str) -> None:
    try:
        letter = _minimal(sections=(Section(text=text),), references=(Reference(id="1", text="n"),))
    except FieldError:
        return
    assert openletter.loads(openletter.dumps(letter)) == letter


@given(heading=st.text(alphabet="ab #*\\`[]!_<>&", min_size=1, max_size=12))
def test_any_heading_the_model_accepts_survives_letter_md(heading: str) -> None:
    try:
        letter = _minimal(sections=(Section(text="x"), Section(heading=heading, text="y")))
    except FieldError:
        return
    assert openletter.loads(openletter.dumps(letter)) == letter


@given(text=MARKDOWNISH)
def test_any_reference_text_the_model_accepts_survives_letter_md(text: str) -> None:
    try:
        letter = _minimal(references=(Reference(id="n", text=text),))
    except FieldError:
        return
    assert openletter.loads(openletter.dumps(letter)) == letter


@given(letters())
def test_generated_letters_validate_as_constructed(letter: Letter) -> None:
    assert attrs.validate(letter) is None  # type: ignore[func-returns-value]


def test_structuring_reports_every_bad_field_at_once() -> None:
    with pytest.raises(LetterError) as raised:
        openletter.structure({"title": 5, "language": "english", "sections": [], "signatories": "APHR"})
    assert {p.path for p in raised.value.problems} == {("title",), ("language",), ("sections",), ("signatories",)}


def test_cross_field_problems_are_all_reported_at_once() -> None:
    with pytest.raises(LetterError) as raised:
        openletter.structure(
            {
                "title": "T",
                "language": "en",
                "sections": [{"text": "a"}, {"text": "b"}],
                "signatories": [{"people": [{"name": "x"}]}],
                "demands": [{"id": "d", "text": "x", "target": "a"}, {"id": "d", "text": "y", "target": "b"}],
            }
        )
    assert {p.path for p in raised.value.problems} == {
        ("sections", 1, "heading"),
        ("demands", 1, "id"),
        ("demands", 0, "target"),
        ("demands", 1, "target"),
    }


@pytest.mark.parametrize(
    "url", ['https://example.org/a"b', "https://example.org/a{b}", "https://example.org/a b", "https://example.org/a\u00a0b",
            "https://example.org/<x>", "https://example.org/a|b", "https://example.org/a\\b"],
)  # fmt: skip
def test_urls_with_characters_rfc_3986_forbids_are_refused(url: str) -> None:
    with pytest.raises(FieldError, match="not an absolute web address"):
        _minimal(url=url)


@pytest.mark.parametrize("email", ["congress@example.org?bcc=spy%40evil.example", "a@example.org#x", "a/b@example.org"])
def test_email_addresses_cannot_smuggle_mailto_fields(email: str) -> None:
    with pytest.raises(FieldError):
        Addressee(name="X", email=email)


@pytest.mark.parametrize("char", ["\ufdd0", "\uffff", "\U0001fffe"])
def test_unicode_noncharacters_are_refused(char: str) -> None:
    with pytest.raises(FieldError, match="control character"):
        _minimal(title=f"T{char}")


def test_inline_footnote_syntax_is_plain_text_in_every_format() -> None:
    letter = _minimal(sections=(Section(text="Text^[note]."),), demands=(Demand(text="Do^[this]."),))
    assert openletter.loads(openletter.dumps(letter)) == letter
    for fmt in ("html", "eml", "mailto", "jsonld"):
        assert "^[note]" in openletter.export(letter, fmt).decode("utf-8", "replace").replace(
            "%5E%5Bnote%5D", "^[note]"
        )


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"title": ""}, "title: is empty (expected one line of text)"),
        ({"language": "english"}, "language: 'english' is not a BCP 47 language tag"),
        ({"keywords": ("ok", " x")}, "keywords[1]: has leading or trailing whitespace (expected one line of text)"),
        ({"url": "www.example.org"}, "url: 'www.example.org' is not an absolute web address"),
    ],
)
def test_a_bad_value_given_to_evolve_raises_a_public_error_naming_the_field(
    changes: dict[str, object], text: str
) -> None:
    with pytest.raises(openletter.FieldError) as raised:
        attrs.evolve(_minimal(), **changes)
    assert isinstance(raised.value, openletter.OpenLetterError)
    assert isinstance(raised.value, ValueError)  # code written for attrs' usual ValueError keeps working
    assert str(raised.value).startswith(text)


def test_several_cross_field_problems_raise_one_public_error_group() -> None:
    sections = (Section(text="a"), Section(text="b"), Section(text="c"))
    with pytest.raises(openletter.FieldErrorGroup) as raised:
        attrs.evolve(_minimal(), sections=sections)
    assert isinstance(raised.value, openletter.OpenLetterError)
    assert [error.path for error in raised.value.exceptions] == [("sections", 1, "heading"), ("sections", 2, "heading")]


def test_every_bad_item_of_a_list_is_reported() -> None:
    data = {
        "title": "T",
        "language": "en",
        "sections": [{"text": "x"}],
        "signatories": [{"people": [{"name": "A"}]}],
        "email": {"sender": "a@example.org", "to": ["", "x@@y", "ok@example.org", "z"], "cc": ["", "@"]},
        "keywords": ["", "fine", " x"],
    }
    with pytest.raises(LetterError) as raised:
        openletter.structure(data)
    assert [p.path for p in raised.value.problems] == [
        ("keywords", 0),
        ("keywords", 2),
        ("email", "to", 0),
        ("email", "to", 1),
        ("email", "to", 3),
        ("email", "cc", 0),
        ("email", "cc", 1),
    ]


def test_building_a_list_field_with_several_bad_items_names_each() -> None:
    with pytest.raises(openletter.FieldErrorGroup) as raised:
        openletter.EmailSettings(sender="a@example.org", to=("", "x@@y"))
    assert [str(error).split(":")[0] for error in raised.value.exceptions] == ["to[0]", "to[1]"]


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("a\tb", "contains the control character U+0009 (a tab) at position 2"),
        ("a\nb", "contains the control character U+000A (a line break) at position 2"),
        ("ab\x00", "contains the control character U+0000 (a NUL) at position 3"),
        ("a\x01", "contains the control character U+0001 at position 2"),
    ],
)
def test_control_characters_are_named_in_plain_words(title: str, message: str) -> None:
    with pytest.raises(FieldError) as raised:
        _minimal(title=title)
    assert raised.value.message == message


def test_text_fields_lists_every_word_of_a_letter_and_nothing_else() -> None:
    import openletter
    from openletter.testing import sample_letter

    letter = sample_letter("hostile")
    paths = {path for path, _, _ in openletter.text_fields(letter)}
    assert ("email", "subject") not in paths or letter.email is not None
    assert ("title",) in paths and ("sender", "letterhead", 0, "text") in paths and ("labels", "to") in paths
    assert ("addressees", 0, "lines", 1) in paths and ("signatories", 1, "people", 1, "roles", 0, "title") in paths
    assert not any(path[-1] in ("id", "url", "email", "lang", "language", "status", "file") for path in paths)
    with_email = openletter.load("examples/aphr_cambodia/letter.md")
    assert ("email", "sender") not in {p for p, _, _ in openletter.text_fields(with_email)}
    subject = attrs.evolve(with_email, email=attrs.evolve(with_email.email, subject="Hello [[name]]"))
    assert (("email", "subject"), "Hello [[name]]", False) in list(openletter.text_fields(subject))
    shouted = openletter.map_text(subject, str.upper)
    assert shouted.email is not None and shouted.email.subject == "HELLO [[NAME]]"
    assert shouted.email.sender == with_email.email.sender  # addresses are not text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=12))
def test_the_fast_path_of_line_problem_gives_what_the_full_check_gives(value: str) -> None:
    """`line_problem` answers most names at once (`str.isprintable`); the answer must be the one
    the full check (the regular expression of refused characters, then the whitespace) gives."""
    from openletter.model import _BAD_IN_LINE, _bad_character, line_problem

    if not value.strip():
        expected: str | None = "is empty"
    elif (bad := _BAD_IN_LINE.search(value)) is not None:
        expected = _bad_character(bad)
    elif value != value.strip():
        expected = "has leading or trailing whitespace"
    else:
        expected = None
    assert line_problem(value) == expected
