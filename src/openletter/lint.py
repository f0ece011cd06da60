"""Built-in checks that warn about letters that are valid but probably not what was meant."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import attrs

from . import characters
from .errors import FieldPath, Problem
from .hookspecs import hookimpl
from .model import MARKDOWN, Letter, text_fields
from .scan import may_match
from .versions import version_problems

_MARKER = re.compile(r"\[\^([^\]\s]+)\](?!:)")


LONG_LIST = 32
"""A list this long is first searched at once (`openletter.scan.may_match`), and walked entry by
entry only when something may be found in it."""


def _texts(letter: Letter) -> Iterator[tuple[FieldPath, str]]:
    """The letter's Markdown fields where endnote markers may stand (lists without any left out)."""

    def clean(entries: tuple[object, ...]) -> bool:
        return len(entries) >= LONG_LIST and not may_match(entries, _MARKER, markdown=True)

    return ((path, value) for path, value, markdown in text_fields(letter, prune=clean) if markdown)


@hookimpl
def openletter_lint(letter: Letter) -> Sequence[Problem]:
    """Warn about endnote markers without a note, notes never cited, deadlines before the date,
    direction controls that can make a name or a title read differently (`bidi_problems`), and
    signatures given to another text than the letter's (`openletter.versions.version_problems`)."""
    problems = bidi_problems(letter)
    labels = {reference.id for reference in letter.references}
    cited: set[str] = set()
    for path, text in _texts(letter):
        for label in _MARKER.findall(text):
            cited.add(label)
            if label not in labels:
                problems.append(
                    Problem(
                        path=path,
                        severity="warning",
                        message=f"the endnote marker [^{label}] has no note; it will show as text",
                        expected=f"a reference with id {label!r}",
                    )
                )
    for index, reference in enumerate(letter.references):
        if reference.id not in cited:
            problems.append(
                Problem(
                    path=("references", index),
                    severity="warning",
                    message=f"the note [^{reference.id}] is never cited in the text",
                    expected=f"a marker [^{reference.id}] where the note applies",
                )
            )
    problems += subject_label_problems(letter)
    problems += version_problems(letter)
    problems += tally_label_problems(letter)
    if letter.date is not None:
        for index, demand in enumerate(letter.demands):
            if demand.deadline is not None and demand.deadline < letter.date:
                problems.append(
                    Problem(
                        path=("demands", index, "deadline"),
                        severity="warning",
                        message=f"the deadline {demand.deadline} is before the letter's date {letter.date}",
                        expected="a deadline on or after the letter's date",
                    )
                )
    return problems


def tally_label_problems(letter: Letter) -> list[Problem]:
    """A warning when the count of signatures (`openletter.printed.TallyNote`) would print English
    words in a letter of another language: openletter's table for the language lacks them, and the
    letter does not set them (`Labels`)."""
    from .public import has_signature_records, public_letter
    from .words import english_labels

    if not has_signature_records(letter) and letter.tally is None:
        return []
    tally = public_letter(letter).tally
    if tally is None:
        return []
    needed = ["tally_signatures"] + [
        key
        for key, count in (
            ("tally_unnamed", tally.unnamed),
            ("tally_earlier", tally.earlier),
            ("tally_withdrawn", tally.withdrawn),
        )
        if count
    ]
    own = letter.labels.given()
    english = [key for key in needed if key in english_labels(letter.language) and key not in own]
    if not english:
        return []
    return [
        Problem(
            path=("labels", english[0]),
            severity="warning",
            message=f"the count of signatures would print in English: openletter has no {letter.language!r} words "
            f"for {', '.join(english)} yet",
            expected="the letter's own words: " + ", ".join(f"labels.{key}" for key in english),
        )
    ]


# --------------------------------------------------------------------------- bidirectional controls

_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_MARKS = re.compile("[\u200e\u200f\u061c]")
_ISOLATES = "\u2066\u2067\u2068"
_CLOSE_ISOLATE = "\u2069"
_ADDRESS_FIELDS = frozenset({"url", "email", "sender", "reply_to", "to", "cc", "bcc", "list_unsubscribe", "file"})
"""Fields holding an address or a file name, where even an invisible direction mark is a trap."""


_ANY_DIRECTION = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
"""Every character `_bidi_problems` looks for (`_BIDI` and `_MARKS`)."""


def _strings(value: object, path: FieldPath, markdown: bool = False) -> Iterator[tuple[FieldPath, str, bool]]:
    """Every text field under `value`: its path, its text, and whether it is Markdown (a long list
    in which no field that is not Markdown holds a direction control is left out)."""
    if isinstance(value, str):
        yield path, value, markdown
    elif isinstance(value, tuple):
        if len(value) >= LONG_LIST and not markdown and not may_match(value, _ANY_DIRECTION, markdown=False):
            return
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index), markdown)
    elif attrs.has(cls := type(value)):
        for field in attrs.fields(cls):
            yield from _strings(getattr(value, field.name), (*path, field.name), bool(field.metadata.get(MARKDOWN)))


def _bidi_problems(path: FieldPath, text: str, address: bool) -> Iterator[Problem]:
    """Embeddings and overrides, isolates left open or closed without opening, marks in addresses."""
    open_isolates: list[int] = []
    embedding = False  # embeddings and overrides (U+202A-U+202E): one warning, at the first
    for match in _BIDI.finditer(text):
        char, at = match.group(), f"{characters.describe(match.group())} at position {match.start() + 1}"
        if char in _ISOLATES:
            open_isolates.append(match.start())
        elif char == _CLOSE_ISOLATE and open_isolates:
            open_isolates.pop()
        elif char == _CLOSE_ISOLATE:
            yield _bidi_warning(
                path, f"{at} that closes no isolate of its own: it would end one an exporter puts around the field"
            )
        elif not embedding:
            embedding = True
            yield _bidi_warning(path, f"{at}: it can show the text after it in another order than it is written")
    for start in open_isolates:
        yield _bidi_warning(
            path,
            f"{characters.describe(text[start])} at position {start + 1} that is never closed: "
            "it can reorder what is shown after the field",
            "a pop directional isolate (U+2069) after the words it sets apart, or no isolate",
        )
    if address:
        for match in _MARKS.finditer(text):
            yield _bidi_warning(
                path,
                f"{characters.describe(match.group())} at position {match.start() + 1}, invisible in an address",
            )


def _bidi_warning(path: FieldPath, message: str, expected: str | None = None) -> Problem:
    return Problem(
        path=path,
        severity="warning",
        message=f"contains {message}",
        expected=expected or "the text without it; the letter's language sets the direction of its text",
    )


def bidi_problems(letter: Letter) -> list[Problem]:
    """Warnings for direction controls in every one-line field (names, titles, headings, addresses...).

    A right-to-left override (U+202E) can make ``Ann Lee`` read as another name, or hide where a
    link goes; an isolate (U+2066-U+2068) left open reorders what follows the field in the page.
    Balanced isolates are fine (exporters add them around names), and Markdown text is left alone:
    right-to-left prose uses direction controls on purpose.
    """
    problems: list[Problem] = []
    for path, text, markdown in _strings(letter, ()):
        if markdown:
            continue
        address = any(part in _ADDRESS_FIELDS for part in path if isinstance(part, str))
        if _BIDI.search(text) or (address and _MARKS.search(text)):
            problems.extend(_bidi_problems(path, text, address))
    return problems


# --------------------------------------------------------------------------- labels written as text

_SUBJECT_WORDS = ("re", "subject", "subj", "ref", "objet", "asunto", "assunto", "betreff", "oggetto", "onderwerp",
                  "hal", "perihal", "perkara", "tema", "konu", "paksa", "kuhusu")  # fmt: skip
"""Words letters put before a subject line, beside the subject label of every language in the table."""


def _subject_label(subject: str) -> str | None:
    """The label a subject line starts with ("Re:", "Objet :", "事由："), or None."""
    from .words import LABEL_LANGUAGES, labels

    words = {w.lower() for w in _SUBJECT_WORDS}
    words |= {labels(language)["subject"].lower() for language in LABEL_LANGUAGES}
    match = re.match(r"\s*([^\s:：៖፦]+(?:\s[^\s:：៖፦]+)?)\s*[:：៖፦]", subject)
    if match is None or match.group(1).lower().rstrip(".") not in words:
        return None
    return match.group(0).strip()


def subject_label_problems(letter: Letter) -> list[Problem]:
    """Warn when a subject is written with its label ("Re: ..."): formats print the label."""
    problems = []
    for path, subject in (
        (("subject",), letter.subject),
        (("email", "subject"), letter.email.subject if letter.email else None),
    ):
        label = _subject_label(subject) if subject else None
        if label is None:
            continue
        word = label.rstrip(":：៖፦ ")
        problems.append(
            Problem(
                path=path,
                severity="warning",
                message=f"the subject starts with the label {label!r}, and formats print a label before it",
                expected=f"the subject without {label!r}; to print {word!r} as the label, set labels.subject: {word!r}",
            )
        )
    return problems
