"""Mail merge in each recipient's language: the letter or one of its translations, row by row.

A recipients file may have a ``language`` column (see `openletter.mail.recipients`). Each row's
message is the version of the letter its cell asks for, found by a fallback chain:

1. the same tag, in any case (``KM`` gets ``km``);
2. the same primary language (``km-KH`` gets ``km``, ``pt`` gets ``pt-BR``: see
   `openletter.build.pick_language`);
3. the original.

A row with an empty cell (or a file with no such column) gets the original. `Choice` says which
version a row gets and how it was found; the dry run shows it for every message (``km``,
``km-KH -> km``, ``de -> en (no German translation)``) and `Merge.summary` for the whole run.

`Merge` makes the messages with one `Factory` per language used, each made the first time a row
needs it, so a translation nobody reads costs nothing; the placeholders of each version are
checked against the recipients' columns then. Honorifics follow the row's language too: a role
word is looked up in the language of the row's letter first (`recipients.derived`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal

import attrs

from ..model import Letter
from .merge import Factory, check_fields
from .recipients import LANGUAGE, Recipient, read

__all__ = ["Choice", "Merge", "choose", "language_name"]

How = Literal["default", "exact", "related", "original"]
"""How a row's version was found: no language asked (the original), the tag asked (any case), a
tag of the same primary language, or none (the original, in place of the one asked)."""


def language_name(tag: str) -> str | None:
    """The English name of a tag's primary language (``German`` for ``de-AT``), or None."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(tag.split("-", maxsplit=1)[0].lower()).english_name
    except (UnknownLocaleError, ValueError, TypeError):
        return None


@attrs.frozen
class Choice:
    """The version of the letter a row gets: the language its cell asks for (``""``: none), the
    language of the letter chosen, and how it was found."""

    asked: str
    language: str
    how: How

    @property
    def fell_back(self) -> bool:
        """Whether the row gets a language other than the one it asks for."""
        return self.how in ("related", "original")

    def __str__(self) -> str:
        """``km``; ``km-KH -> km``; ``de -> en (no German translation)``."""
        if not self.fell_back:
            return self.language
        shown = f"{self.asked} -> {self.language}"
        if self.how == "original":
            name = language_name(self.asked)
            shown += f" (no {name} translation)" if name else f" (no translation in {self.asked})"
        return shown


def choose(asked: str, original: str, translations: Sequence[str]) -> Choice:
    """The version a row whose ``language`` cell is `asked` gets, of a letter in `original` with
    `translations` (their tags): see the module's docstring."""
    from ..build import pick_language

    if not asked:
        return Choice(asked, original, "default")
    found = pick_language(asked, [original, *translations])
    if found is None:
        return Choice(asked, original, "original")
    return Choice(asked, found, "exact" if found.lower() == asked.lower() else "related")


class Merge:
    """The messages of a letter and its translations: each recipient's in their language.

    It stands where a single `Factory` would (`check`, `messages`, `message_id`, `envelope`,
    `subject_for`, `sender`, `cc`, `bcc`), giving each recipient the `Factory` of their version
    of the letter. `factory` is the original's (made at once: the sender and the copies are
    checked with it); `factories` holds each language used so far.
    """

    def __init__(
        self,
        original: Letter,
        translations: Mapping[str, Letter],
        options: dict[str, str],
        *,
        columns: Sequence[str],
        file: str,
        cc: Sequence[str] = (),
        bcc: Sequence[str] = (),
        files: Mapping[str, str] | None = None,
    ) -> None:
        """`translations` by language tag; `columns` the recipients file's header row and `file`
        its path (for errors); `files` where each translation was read (for messages)."""
        self.original = original
        self.translations = dict(translations)
        self.options = dict(options)
        self.columns = tuple(columns)
        self.file = file
        self.files = dict(files or {})
        self.factory = Factory.for_letter(original, self.options, cc=cc, bcc=bcc)
        self.factories: dict[str, Factory] = {}
        self.counts: Counter[Choice] = Counter()
        """How many rows `check` saw with each choice."""
        self.notes: list[str] = []
        """What the user should know about the versions used (an untranslated email subject)."""
        self._choices: dict[str, Choice] = {}

    # ------------------------------------------------------------------ choosing

    @property
    def multilingual(self) -> bool:
        """Whether the language of each message is worth showing: the letter has translations,
        or the recipients file asks for languages."""
        return bool(self.translations) or LANGUAGE in self.columns

    def choose(self, asked: str) -> Choice:
        """The version a ``language`` cell gets (see `choose`)."""
        found = self._choices.get(asked)
        if found is None:
            found = self._choices[asked] = choose(asked, self.original.language, list(self.translations))
        return found

    def language_of(self, asked: str) -> str:
        """The language of the letter a ``language`` cell gets (for `recipients.read`)."""
        return self.choose(asked).language

    def choice(self, recipient: Recipient) -> Choice:
        """The version `recipient` gets."""
        return self.choose(recipient.fields.get(LANGUAGE, ""))

    def letter_in(self, language: str) -> Letter:
        """The original, or the translation in `language`."""
        return self.original if language == self.original.language else self.translations[language]

    def factory_for(self, recipient: Recipient) -> Factory:
        """The `Factory` of the version `recipient` gets, made (and its placeholders checked
        against the recipients' columns) the first time it is needed."""
        language = self.choice(recipient).language
        found = self.factories.get(language)
        if found is None:
            found = self.factories[language] = self._make(language)
        return found

    def _make(self, language: str) -> Factory:
        letter = self.letter_in(language)
        if letter is self.original:
            check_fields(letter, self.columns, self.file)
            return self.factory
        where = f" ({self.files[language]})" if language in self.files else ""
        check_fields(letter, self.columns, self.file, what=f"the {language} translation{where}")
        factory = Factory.for_letter(letter, self.options, cc=self.factory.cc, bcc=self.factory.bcc)
        original_subject = self.original.email.subject if self.original.email is not None else None
        own_subject = letter.email.subject if letter.email is not None else None
        if "subject" not in self.options and original_subject and own_subject == original_subject:
            self.notes.append(
                f"note: the {language} messages' subject is the original's email.subject, in"
                f" {self.original.language} ({original_subject!r}): give the translation its own"
                f" (email: subject: ... in its front matter)"
            )
        return factory

    def read(self, path: Path) -> Iterator[Recipient]:
        """The recipients in `path`, each with the honorific of their version's language."""
        return read(path, self.original.language, choose=self.language_of)

    # ------------------------------------------------------------------ what a Factory does

    @property
    def sender(self) -> str:
        """The envelope sender: the original's From."""
        return self.factory.sender

    @property
    def cc(self) -> tuple[str, ...]:
        return self.factory.cc

    @property
    def bcc(self) -> tuple[str, ...]:
        return self.factory.bcc

    @property
    def personalised(self) -> bool:
        """Whether the messages of some language used differ by more than their headers."""
        return any(factory.personalised for factory in self.factories.values())

    def check(self, recipients: Iterable[Recipient], file: str) -> int:
        """Check every recipient, and make the factory of every language used, before anything
        is written; count each row's choice (`counts`); return how many rows there are."""
        total = 0
        for recipient in recipients:
            total += self.factory_for(recipient).check([recipient], file)
            self.counts[self.choice(recipient)] += 1
        return total

    def message_id(self, recipient: Recipient) -> str:
        return self.factory_for(recipient).message_id(recipient)

    def envelope(self, recipient: Recipient) -> list[str]:
        return self.factory_for(recipient).envelope(recipient)

    def subject_for(self, recipient: Recipient) -> str:
        return self.factory_for(recipient).subject_for(recipient)

    def make(self, recipient: Recipient, *, mbox: bool = False) -> bytes:
        return self.factory_for(recipient).make(recipient, mbox=mbox)

    def messages(self, recipients: Iterable[Recipient], *, mbox: bool = False) -> Iterator[tuple[Recipient, bytes]]:
        """Each recipient with their message, in their language, one at a time (as an mbox
        stores it, with `mbox`: see `openletter.mail.merge.Factory.make`)."""
        for recipient in recipients:
            yield recipient, self.make(recipient, mbox=mbox)

    # ------------------------------------------------------------------ reporting

    def summary(self) -> str | None:
        """One line on the languages `check` saw: ``messages by language: km 2, fr 1, en 2;
        fallbacks: km-KH -> km (1), de -> en (no German translation) (1)``; None when there is
        nothing to say (one language, asked for by nobody)."""
        if not self.multilingual or not self.counts:
            return None
        by_language: Counter[str] = Counter()
        for found, count in self.counts.items():
            by_language[found.language] += count
        line = "messages by language: " + ", ".join(f"{tag} {count}" for tag, count in by_language.items())
        fallbacks = [f"{found} ({count})" for found, count in self.counts.items() if found.fell_back]
        if fallbacks:
            line += "; fallbacks: " + ", ".join(fallbacks)
        if LANGUAGE not in self.columns:
            line += (
                f" (the recipients file has no {LANGUAGE!r} column: every message is in the original's language;"
                f" the letter's translations: {', '.join(self.translations)})"
            )
        return line
