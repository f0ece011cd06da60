"""The public view (`openletter.public_letter`) and the honest count every format prints.

No exporter ever receives a signature record: `Registry.render` gives each the public view. The
privacy check of every format, plugins included, is in the contract suite
(`ExporterContract.test_private_data_never_reaches_the_output`).
"""

from __future__ import annotations

import json

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import openletter
from openletter import (
    Labels,
    Letter,
    Organisation,
    OrganisationGroup,
    Person,
    PersonGroup,
    Section,
    Sender,
    Signature,
    Tally,
    Withdrawal,
    public_letter,
    signature_counts,
)
from openletter.printed import TallyNote, layout
from openletter.testing.contract import private_sample
from openletter.testing.faithful import html_visible_text


def _letter(*groups: PersonGroup | OrganisationGroup, **fields: object) -> Letter:
    given: dict[str, object] = {"language": "en", **fields}
    return Letter(title="T", sections=(Section(text="Hello."),), signatories=groups, **given)  # type: ignore[arg-type]


COUNT = Signature(consent="count")
NAME = Signature(consent="name", source="form")
GONE = Signature(withdrawal=Withdrawal())


def test_a_letter_without_signature_records_is_its_own_public_view() -> None:
    letter = openletter.testing.sample_letter("aphr_cambodia")
    assert public_letter(letter) is letter


def test_the_public_view_names_only_those_who_consented() -> None:
    letter = _letter(
        PersonGroup(
            people=(
                Person(name="Ann", title="Prof.", signature=Signature(source="form")),
                Person(
                    name="Bob", title="Dr", affiliation="Uni", country="X", pseudonym=True, lang="fr", signature=NAME
                ),
                Person(name="Cid", signature=COUNT),
                Person(name="Dee", signature=attrs.evolve(NAME, withdrawal=Withdrawal(shown=True))),
                Person(name="Eve"),
            )
        )
    )
    public = public_letter(letter)
    assert public.signatories == (
        PersonGroup(
            people=(
                Person(name="Ann", title="Prof."),
                Person(name="Bob", pseudonym=True, lang="fr"),
                Person(name="Eve"),
            )
        ),
    )
    assert public.tally == Tally(unnamed=1, withdrawn=1)
    assert signature_counts(letter) == openletter.Counts(named=3, unnamed=1, withdrawn=1)
    assert public_letter(public) == public  # the view of a public letter is that letter


def test_a_group_left_empty_is_left_out_with_its_heading_and_notes() -> None:
    letter = _letter(
        OrganisationGroup(
            heading="Hidden", note_before="Note.", organisations=(Organisation(name="O", signature=COUNT),)
        ),
        PersonGroup(heading="Shown", people=(Person(name="Ann"),)),
    )
    assert [g.heading for g in public_letter(letter).signatories] == ["Shown"]


def test_a_letter_whose_signatures_are_all_counted_is_not_signed_by_its_sender() -> None:
    letter = _letter(
        PersonGroup(people=(Person(name="Ann", signature=COUNT), Person(name="Bob", signature=GONE))),
        sender=Sender(organisations=(Organisation(name="Publisher"),)),
    )
    printed = layout(letter)
    assert not printed.of(openletter.printed.SignatoryGroup)
    [tally] = printed.of(TallyNote)
    assert (tally.signatures, tally.unnamed, tally.withdrawn) == (1, 1, 1)


def test_the_senders_records_are_dropped_but_the_sender_stays() -> None:
    sender = Sender(people=(Person(name="Pub", signature=attrs.evolve(NAME, consent="full")),))
    public = public_letter(_letter(PersonGroup(people=(Person(name="Ann"),)), sender=sender))
    assert public.sender == Sender(people=(Person(name="Pub"),))
    assert public.tally is None


consents = st.sampled_from([None, "full", "name", "count"])
entries = st.tuples(consents, st.booleans())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(entries, min_size=1, max_size=5), min_size=1, max_size=4))
def test_the_public_counts_add_up(groups: list[list[tuple[str | None, bool]]]) -> None:
    def person(number: int, consent: str | None, withdrawn: bool) -> Person:
        if consent is None and not withdrawn:
            return Person(name=f"P{number}")
        record = Signature(consent=consent or "full", withdrawal=Withdrawal() if withdrawn else None)  # type: ignore[arg-type]
        return Person(name=f"P{number}", affiliation="A", signature=record)

    letter = _letter(
        *(PersonGroup(people=tuple(person(n, c, w) for n, (c, w) in enumerate(group))) for group in groups)
    )
    counts = signature_counts(letter)
    every = [entry for group in groups for entry in group]
    withdrawn = sum(w for _, w in every)
    unnamed = sum(c == "count" and not w for c, w in every)
    assert (counts.named, counts.unnamed, counts.withdrawn) == (len(every) - withdrawn - unnamed, unnamed, withdrawn)
    assert counts.signatures == len(every) - withdrawn
    public = public_letter(letter)
    assert all(p.signature is None for p in public.people())
    full = sum(c == "full" and not w for c, w in every)  # only they keep their affiliation
    assert sum(p.affiliation == "A" for p in public.people()) == full
    tallies = layout(letter).of(TallyNote)
    assert len(tallies) == (1 if counts.hidden else 0)


def test_json_and_markdown_hold_the_public_letter_and_load_back_as_it() -> None:
    letter = private_sample()
    for format in ("json", "markdown"):
        text = openletter.export(letter, format).decode()
        assert openletter.loads(text, format) == public_letter(letter)
    assert json.loads(openletter.export(letter, "json"))["tally"] == {"unnamed": 2, "withdrawn": 1, "earlier": 4}
    # the source keeps everything
    assert openletter.loads(openletter.dumps(letter, "json"), "json") == letter


SENTENCE = "Signatures: 4 (not named: 2; on an earlier version of the text: 4); withdrawn: 1"
"""The private sample's count: its records give a text version that is not the letter's."""


def _text(format: str, output: bytes) -> str:
    if format == "html":
        return html_visible_text(output.decode())
    if format == "eml":
        import email
        import email.policy

        message = email.message_from_bytes(output, policy=email.policy.default)
        return "\n".join(part.get_content() for part in message.walk() if part.get_content_maintype() == "text")  # type: ignore[attr-defined]
    if format == "mailto":
        from urllib.parse import unquote

        return unquote(output.decode())
    if format == "jsonld":
        return json.loads(output)["hasPart"][-1]["text"]  # type: ignore[no-any-return]
    raise AssertionError(format)


@pytest.mark.parametrize("format", ["html", "eml", "mailto", "jsonld"])
def test_every_format_states_the_count_the_same_way(format: str) -> None:
    """(PDF and DOCX: the contract's `test_a_letter_with_private_records_is_printed_faithfully`.)"""
    text = _text(format, openletter.export(private_sample(), format))
    assert SENTENCE in " ".join(text.split())  # the plain text wraps it at 72 columns


def test_the_jsonld_states_the_signatures_as_data() -> None:
    node = json.loads(openletter.export(private_sample(), "jsonld"))["hasPart"][-1]
    assert node["genre"] == "signature tally"
    assert node["mainEntity"] == {"@type": "ItemList", "numberOfItems": 4}


@pytest.mark.parametrize(
    ("language", "numerals", "labels", "expected"),
    [
        ("en", "latn", Labels(), "Signatures: 1,102 (not named: 1,100); withdrawn: 1"),
        ("fr", "latn", Labels(), "Signatures : 1\u202f102 (sans nom : 1\u202f100) ; retirées : 1"),
        ("de", "latn", Labels(), "Unterschriften: 1.102 (ohne Namen: 1.100); zurückgezogen: 1"),
        ("th", "native", Labels(), "Signatures: ๑,๑๐๒ (not named: ๑,๑๐๐); withdrawn: ๑"),  # English stands in
        ("th", "native", Labels(tally_signatures="ลายมือชื่อ"), "ลายมือชื่อ ๑,๑๐๒ (not named ๑,๑๐๐) withdrawn ๑"),
        ("en", "latn", Labels(tally_signatures="Names", tally_withdrawn=""), "Names: 1,102 (not named: 1,100); 1"),
    ],
)
def test_the_count_is_in_the_letters_words_and_digits(
    language: str, numerals: str, labels: Labels, expected: str
) -> None:
    people = (Person(name="Ann"), Person(name="Bob"), Person(name="Cid", signature=GONE))
    hidden = tuple(Person(name=f"H{n}", signature=COUNT) for n in range(1100))
    letter = _letter(PersonGroup(people=people + hidden), language=language, numerals=numerals, labels=labels)
    [tally] = layout(letter).of(TallyNote)
    from openletter.printed import tally_text

    words = openletter.letter_labels(public_letter(letter))
    assert tally_text(public_letter(letter), words, tally.signatures, tally.unnamed, tally.withdrawn) == expected


def test_a_mail_merge_message_holds_no_private_data() -> None:
    import email
    import email.policy

    from openletter.mail.merge import Factory
    from openletter.mail.recipients import Recipient
    from openletter.model import EmailSettings
    from openletter.testing.contract import PRIVATE_MARKERS, PUBLIC_MARKERS

    letter = attrs.evolve(private_sample(), email=EmailSettings(sender="Campaign <campaign@example.org>"))
    message = Factory.for_letter(letter, {}).make(Recipient(2, "r@example.org", {}))
    parsed = email.message_from_bytes(message, policy=email.policy.default)
    text = message.decode("utf-8", "replace") + "\n".join(
        part.get_content() for part in parsed.walk() if part.get_content_maintype() == "text"
    )  # type: ignore[attr-defined]
    for marker in PRIVATE_MARKERS:
        assert marker.casefold() not in text.casefold()
    assert all(marker in text for marker in PUBLIC_MARKERS)
    assert SENTENCE in text.replace("\r\n", "\n")


def test_an_exporter_never_receives_a_signature_record() -> None:
    """A plugin's render function is given the public view: it cannot leak what it never sees."""
    seen: list[Letter] = []

    class Recorder:
        @openletter.hookimpl
        def openletter_exporters(self) -> list[openletter.Exporter]:
            def render(letter: Letter, options: object) -> str:
                seen.append(letter)
                return "ok"

            return [
                openletter.Exporter(name="recorder", title="R", suffix=".txt", media_type="text/plain", render=render)
            ]

    registry = openletter.Registry(entry_points=False, plugins=[("recorder", Recorder())])
    registry.render(private_sample(), "recorder")
    registry.render_to(private_sample(), "recorder", None, lambda data: None)
    assert seen == [public_letter(private_sample())] * 2
    assert all(not openletter.public.has_signature_records(letter) for letter in seen)


def test_a_plugins_linter_never_receives_a_signature_record() -> None:
    """A plugin's `openletter_lint` is given the public view too; the built-in linters, which
    warn about signatures given to another version of the text, check the letter itself."""
    seen: list[Letter] = []

    class Linter:
        @openletter.hookimpl
        def openletter_lint(self, letter: Letter) -> list[openletter.Problem]:
            seen.append(letter)
            return []

    registry = openletter.Registry(entry_points=False, plugins=[("linter", Linter())])
    problems = registry.lint(private_sample())
    assert seen == [public_letter(private_sample())]
    assert any("another text" in problem.message for problem in problems)  # the built-in check saw the records


def test_a_sender_who_agreed_to_its_name_only_is_published_by_its_name_only() -> None:
    sender = Sender(
        people=(Person(name="Pub", title="SecretSenderTitle", affiliation="SecretSenderAff", signature=NAME),)
    )
    letter = _letter(PersonGroup(people=(Person(name="Ann"),)), sender=sender)
    assert public_letter(letter).sender == Sender(people=(Person(name="Pub"),))
    for format in ("json", "markdown", "html", "jsonld"):
        output = openletter.export(letter, format).decode()
        assert "Pub" in output
        assert "SecretSender" not in output, format


def test_the_view_of_a_letter_is_made_once_and_not_kept_past_the_letter() -> None:
    import gc

    letter = private_sample()
    view = public_letter(letter)
    assert public_letter(letter) is view  # a build asks once per format: one copy of the lists
    assert public_letter(private_sample()) == view  # another letter object: made anew, the same
    other = private_sample()
    public_letter(other)
    del other
    gc.collect()
    assert openletter.public._last is None  # the remembered view went with its letter
