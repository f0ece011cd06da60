"""Built-in checks that warn about letters that are valid but probably not what was meant."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from .errors import FieldPath, Problem
from .hookspecs import hookimpl
from .model import Letter, text_fields

_MARKER = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def _texts(letter: Letter) -> Iterator[tuple[FieldPath, str]]:
    """The letter's Markdown fields: where endnote markers may stand."""
    return ((path, value) for path, value, markdown in text_fields(letter) if markdown)


@hookimpl
def openletter_lint(letter: Letter) -> Sequence[Problem]:
    """Warn about endnote markers without a note, notes never cited, and deadlines before the date."""
    problems: list[Problem] = []
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
