"""Signature records: the model, the converter (every source format), CSV columns.

A signatory entry may carry a `Signature` (when it signed, consent, verification, withdrawal,
the text version, where it came from, contact data). The source keeps all of it; see
tests/test_public.py for what public formats show.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import openletter
from openletter import LetterError
from openletter.model import Contact, Person, Sender, Signature, Verification, Withdrawal
from tests.strategies import lines

UTC2 = dt.timezone(dt.timedelta(hours=2))

moments = st.none() | st.dates() | st.datetimes(timezones=st.just(dt.UTC) | st.just(UTC2))
contacts = st.none() | st.builds(
    Contact,
    email=st.just("ann@example.org"),
    phone=st.none() | st.just("+41 22 000 00 00"),
    address=st.none() | st.just("1 Road\nTown"),
)
signatures = st.builds(
    Signature,
    signed=moments,
    consent=st.sampled_from(["full", "name", "count"]),
    verification=st.none()
    | st.builds(Verification, method=st.sampled_from(["email", "account", "in-person", "paper", "none"]), at=moments),
    withdrawal=st.none() | st.builds(Withdrawal, at=moments, shown=st.booleans()),
    version=st.none() | lines,
    source=st.none() | lines,
    contact=contacts,
)


def _letter(people: tuple[Person, ...]) -> openletter.Letter:
    return openletter.Letter(
        title="T",
        language="en",
        sections=(openletter.Section(text="Hello."),),
        signatories=(openletter.PersonGroup(people=people),),
    )


@pytest.mark.parametrize("format", ["markdown", "yaml", "toml", "json"])
@settings(max_examples=25, deadline=None)
@given(st.lists(signatures, min_size=1, max_size=4))
def test_signature_records_round_trip_through_every_source_format(format: str, records: list[Signature]) -> None:
    letter = _letter(tuple(Person(name=f"P{n}", signature=s) for n, s in enumerate(records)))
    assert openletter.loads(openletter.dumps(letter, format), format) == letter


SOURCE = """---
title: T
language: en
signatories:
  - people:
      - name: Ann
        signature:
          signed: {signed}
          consent: {consent}
---
Hello.
"""


@pytest.mark.parametrize(
    ("signed", "expected"),
    [
        ("2024-05-03", dt.date(2024, 5, 3)),
        ("2024-05-03T14:30:00+02:00", dt.datetime(2024, 5, 3, 14, 30, tzinfo=UTC2)),
        ("2024-05-03T12:30:00Z", dt.datetime(2024, 5, 3, 12, 30, tzinfo=dt.UTC)),
    ],
)
def test_signed_is_a_date_or_an_instant_with_its_offset(signed: str, expected: dt.date) -> None:
    letter = openletter.loads(SOURCE.format(signed=signed, consent="full"))
    person = next(letter.people())
    assert person.signature is not None
    assert person.signature.signed == expected


@pytest.mark.parametrize(
    ("signed", "consent", "message"),
    [
        (
            "2024-05-03T14:30:00",
            "full",
            "<letter>:8: signatories[0].people[0].signature.signed: '2024-05-03T14:30:00' has no UTC offset",
        ),
        (
            "2024-02-30",
            "full",
            "<letter>:8: signatories[0].people[0].signature.signed: '2024-02-30' is not a real date",
        ),
        (
            "2024-05-03",
            "partial",
            "<letter>:9: signatories[0].people[0].signature.consent: 'partial' is not allowed "
            "(expected full, name or count)",
        ),
    ],
)
def test_a_bad_signature_value_is_a_located_error(signed: str, consent: str, message: str) -> None:
    with pytest.raises(LetterError) as caught:
        openletter.loads(SOURCE.format(signed=signed, consent=consent))
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (Contact, "email"),
        (lambda: Contact(email="not an address"), "email"),
        (lambda: Contact(phone="+41\n22"), "phone"),
        (lambda: Contact(address=" 1 Road"), "address"),
        (lambda: Verification(method="carrier-pigeon"), "method"),  # type: ignore[arg-type]
        (lambda: Verification(method="email", at=dt.datetime(2024, 5, 3, 10)), "at"),
        (lambda: Withdrawal(shown="yes"), "shown"),  # type: ignore[arg-type]
        (lambda: Signature(version=""), "version"),
        (lambda: Signature(contact="ann@example.org"), "contact"),  # type: ignore[arg-type]
    ],
)
def test_the_model_refuses_a_bad_record_naming_the_field(make: object, field: str) -> None:
    with pytest.raises(openletter.FieldError) as caught:
        make()  # type: ignore[operator]
    assert caught.value.path[0] == field


def test_a_contact_address_may_span_lines() -> None:
    assert Contact(address="1 Road\nTown\nCountry").address == "1 Road\nTown\nCountry"


@pytest.mark.parametrize(
    "signature",
    [Signature(consent="count"), Signature(withdrawal=Withdrawal())],
)
def test_a_sender_is_never_counted_only_or_withdrawn(signature: Signature) -> None:
    with pytest.raises(openletter.FieldError) as caught:
        Sender(people=(Person(name="Ann", signature=signature),))
    assert caught.value.path[:3] == ("people", 0, "signature")


def test_signature_records_are_not_words_of_the_letter() -> None:
    """Lint checks and mail-merge placeholders look at `text_fields`: never at contact data."""
    letter = _letter(
        (Person(name="Ann", signature=Signature(source="form", contact=Contact(address="1 Road", phone="123"))),)
    )
    assert [path for path, _, _ in openletter.text_fields(letter)] == [
        ("title",),
        ("sections", 0, "text"),
        ("signatories", 0, "people", 0, "name"),
    ]


# --------------------------------------------------------------------------- CSV columns

LETTER = "---\ntitle: T\nlanguage: en\nsignatories:\n- people: people.csv\n---\n\nHello.\n"


def _load_csv(folder: Path, text: str) -> openletter.Letter:
    (folder / "letter.md").write_text(LETTER, encoding="utf-8")
    (folder / "people.csv").write_text(text, encoding="utf-8")
    return openletter.load(folder / "letter.md")


def test_csv_signature_columns_fill_the_record(tmp_path: Path) -> None:
    letter = _load_csv(
        tmp_path,
        "name,affiliation,signed,consent,verification,verified,withdrawn,withdrawal_shown,version,source,"
        "contact_email,contact_phone,contact_address\n"
        'Ann,Uni,2024-05-03T10:00:00+02:00,name,email,2024-05-04,,,v1-abc,form,ann@example.org,+41 1,"1 Road\nTown"\n'
        "Bob,,,count,,,2024-06-01,true,,import 2024-05-03,,,\n"
        "Cid,,,,,,true,,,,,,\n"
        "Dan,,,,,,false,false,,,,,\n",
    )
    ann, bob, cid, dan = letter.people()
    assert ann == Person(
        name="Ann",
        affiliation="Uni",
        signature=Signature(
            signed=dt.datetime(2024, 5, 3, 10, tzinfo=UTC2),
            consent="name",
            verification=Verification(method="email", at=dt.date(2024, 5, 4)),
            version="v1-abc",
            source="form",
            contact=Contact(email="ann@example.org", phone="+41 1", address="1 Road\nTown"),
        ),
    )
    assert bob.signature == Signature(
        consent="count", withdrawal=Withdrawal(at=dt.date(2024, 6, 1), shown=True), source="import 2024-05-03"
    )
    assert cid.signature == Signature(withdrawal=Withdrawal())  # withdrawn on a day not recorded
    assert dan.signature is None  # "false" everywhere says nothing
    # the source keeps everything (written inline)
    assert openletter.loads(openletter.dumps(letter)) == letter


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "Ann,partial,,,",
            "people.csv:3: signatories[0].people[1].signature.consent: 'partial' is not allowed "
            "(expected full, name or count)",
        ),
        (
            "Ann,,2024-05-03,,",
            "people.csv:3: signatories[0].people[1].signature.verification.method: required field is missing",
        ),
        (
            "Ann,,,,someone@",
            "people.csv:3: signatories[0].people[1].signature.contact.email: 'someone@' is not an email address",
        ),
        (
            "Ann,,,true,",
            "people.csv:3: signatories[0].people[1].signature.withdrawal.shown: 'withdrawal_shown' is given for a "
            "signature that is not withdrawn",
        ),
    ],
)
def test_a_bad_signature_cell_is_reported_at_its_row(tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(LetterError) as caught:
        _load_csv(tmp_path, f"name,consent,verified,withdrawal_shown,contact_email\nZoe,,,,\n{row}\n")
    assert message in str(caught.value)


def test_an_unknown_column_still_names_the_signature_columns(tmp_path: Path) -> None:
    with pytest.raises(LetterError) as caught:
        _load_csv(tmp_path, "name,contact_mail\nAnn,ann@example.org\n")
    assert "did you mean 'contact_email'?" in str(caught.value)


def test_a_file_without_signature_columns_is_built_on_the_fast_path(tmp_path: Path) -> None:
    from openletter.convert import Prestructured
    from openletter.sources import csv_source
    from openletter.sources.locate import SourceMap

    (tmp_path / "people.csv").write_text("name,consent\nAnn,name\nBob,\n", encoding="utf-8")
    rows = csv_source.read("people.csv", tmp_path, Person, ("signatories", 0, "people"), SourceMap("x"))
    assert isinstance(rows, Prestructured)
    assert rows.complete  # every row built (signature columns too), none left to `structure`
    assert [p.signature for p in rows] == [Signature(consent="name"), None]
