"""Translations: one letter in several languages, kept in step with the original.

A translation lives next to the original as ``letter.LANG.md`` (``letter.km.md``, ``letter.fr.md``;
the same format as the original: ``letter.km.yaml`` beside ``letter.yaml``). It holds only what is
translated: its ``language``, any of the letter's text fields (title, subtitle, subject,
salutation, closing, notes, postscript, place, date_text, labels), its sections (the body), its
endnotes (footnotes in the body), its ``demands`` (``id``, and ``text`` and/or ``quote``) and
its email subject (``email: {subject: ...}``: the other email settings are inherited).
Everything else comes from the original: addressees, signatories, sender, dates, logo, the
demands' targets and deadlines; not the original's ``labels``, ``url``, ``calendar`` and
``numerals``, which belong to its language and its page. A translation may still give any field of
a letter, which then replaces the original's on purpose.

**Alignment.** Sections and demands are matched with the original's by ``id`` when the
translation gives ids, otherwise by position; endnotes by their label. What the translation
leaves out stays in the original's words and is marked with the original's language (``lang``,
``field_lang``), never printed as if it were translated. What has no counterpart in the original
is an error.

**Keeping in step.** A translation records, for each passage it translates, a hash of the
original passage it was made from (``translated_from``, written by ``openletter new
--translation`` and ``openletter translations import``), as gettext's "fuzzy" flag does: when the
original changes, the passage is *stale* until the translation is updated. `status` lists each
passage as up to date, stale, missing (not translated), unchecked (no hash recorded) or extra. A
passage the translation gives in the original's words, marked with the original's language (as
``openletter new --translation`` writes every passage, for the translator to replace), is missing.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from .errors import FieldPath, LetterError, Problem
from .model import _BCP47, Letter

__all__ = [
    "PassageStatus",
    "Translation",
    "load_translations",
    "parse_translation",
    "passage_hash",
    "passage_languages",
    "passages",
    "status",
    "translation_paths",
]

PassageStatus = Literal["up-to-date", "stale", "missing", "unchecked", "extra"]

TEXT_FIELDS = ("title", "subtitle", "subject", "place", "date_text", "salutation", "closing", "notes", "postscript")
"""The letter-level text fields a translation translates (each inherited, marked, when left out)."""

_OWN_KEYS = ("language", "translated_from")
"""Keys of a translation that are not fields of the letter it makes."""


def passage_hash(text: str) -> str:
    """The hash a translation records of an original passage: its words (spacing ignored)."""
    import hashlib  # only translated letters need it: OpenSSL takes a few ms to load

    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def _key(kind: str, item: Any, index: int) -> str:
    ident = getattr(item, "id", None)
    return f"{kind}[{ident if ident is not None else index}]"


def passages(letter: Letter) -> dict[str, str]:
    """Every translatable passage of a letter, by key: ``title``, ``sections[intro].text``
    (``sections[0].text`` when the section has no id), ``demands[release].quote``,
    ``references[1]``, ``signatory_count_note``..."""
    found: dict[str, str] = {}
    for field in TEXT_FIELDS:
        value = getattr(letter, field)
        if value is not None:
            found[field] = value
    for index, section in enumerate(letter.sections):
        key = _key("sections", section, index)
        if section.heading is not None:
            found[f"{key}.heading"] = section.heading
        found[f"{key}.text"] = section.text
    for index, demand in enumerate(letter.demands):
        key = _key("demands", demand, index)
        if demand.quote is not None:
            found[f"{key}.quote"] = demand.quote
        if demand.text is not None:
            found[f"{key}.text"] = demand.text
    for reference in letter.references:
        found[f"references[{reference.id}]"] = reference.text
    if letter.signatory_count_note is not None:
        found["signatory_count_note"] = letter.signatory_count_note.text
    if letter.email is not None and letter.email.subject is not None:
        found["email.subject"] = letter.email.subject
    return found


def translation_paths(source: str | os.PathLike[str]) -> dict[str, Path]:
    """The translations beside a letter file: ``letter.km.md`` for ``letter.md``, by language."""
    source = Path(source)
    prefix, suffix = source.stem + ".", source.suffix
    found: dict[str, Path] = {}
    try:
        candidates = sorted(source.parent.iterdir())
    except OSError:
        return found
    for path in candidates:
        name = path.name
        if path == source or not name.startswith(prefix) or not name.endswith(suffix):
            continue
        tag = name[len(prefix) : len(name) - len(suffix)]
        if tag and "." not in tag and _BCP47.match(tag):
            found[tag] = path
    return found


@attrs.frozen
class Translation:
    """One translation: its language and file, the letter it makes (an ordinary `Letter`), the
    passages it gives, and the hashes of the original passages it was made from."""

    language: str
    file: Path
    letter: Letter
    given: frozenset[str]
    """The keys (see `passages`) of the original's passages this translation translates."""
    translated_from: Mapping[str, str]
    lines: Mapping[FieldPath, tuple[str, int]] = attrs.field(factory=dict, repr=False, eq=False)
    """Where each field of the translation file was written."""
    warnings: tuple[Problem, ...] = ()
    """What `load_translations` noticed but did not refuse (counts that differ, stale passages)."""

    def status(self, original: Letter) -> dict[str, PassageStatus]:
        """Each passage of the original: up to date, stale, missing or unchecked; then extras."""
        return status(original, self)


def status(original: Letter, translation: Translation) -> dict[str, PassageStatus]:
    """Each passage of `original` as `translation` has it (see the module's docstring)."""
    out: dict[str, PassageStatus] = {}
    left = set(untranslated(original, translation.letter, translation.given))
    for key, text in passages(original).items():
        if key in left:
            out[key] = "missing"
        elif key not in translation.translated_from:
            out[key] = "unchecked"
        else:
            out[key] = "up-to-date" if translation.translated_from[key] == passage_hash(text) else "stale"
    for key in translation.translated_from:
        if key not in out:
            out[key] = "extra"
    return out


def passage_languages(letter: Letter) -> dict[str, str]:
    """The language of each passage of `passages(letter)`, by the same keys: its own mark
    (``field_lang``, a section's, demand's or endnote's ``lang``), else the letter's language."""
    found: dict[str, str] = {}
    for field in TEXT_FIELDS:
        if getattr(letter, field) is not None:
            found[field] = letter.lang_of(field)
    for index, section in enumerate(letter.sections):
        key = _key("sections", section, index)
        for part in ("heading", "text"):
            if getattr(section, part) is not None:
                found[f"{key}.{part}"] = section.lang or letter.language
    for index, demand in enumerate(letter.demands):
        key = _key("demands", demand, index)
        for part in ("quote", "text"):
            if getattr(demand, part) is not None:
                found[f"{key}.{part}"] = demand.lang or letter.language
    for reference in letter.references:
        found[f"references[{reference.id}]"] = reference.lang or letter.language
    if letter.signatory_count_note is not None:
        found["signatory_count_note"] = letter.signatory_count_note.lang or letter.language
    if letter.email is not None and letter.email.subject is not None:
        found["email.subject"] = letter.language  # an email setting has no language of its own
    return found


def untranslated(original: Letter, translated: Letter, given: frozenset[str] | set[str]) -> list[str]:
    """The passages of `original` that a translation (its letter `translated`, giving the passages
    `given`) leaves in the original's words: not given, or given but marked with the language the
    original has them in (and not with the translation's own)."""
    theirs = passage_languages(original)
    ours = passage_languages(translated)
    own = translated.language.lower()
    return [
        key
        for key in passages(original)
        if key not in given or (ours.get(key, own).lower() != own and ours[key].lower() == theirs[key].lower())
    ]


# --------------------------------------------------------------------------- reading


def load_translations(source: str | os.PathLike[str], original: Any) -> tuple[dict[str, Translation], list[Problem]]:
    """Read every translation beside `source` (whose letter is `original`, a `sources.Loaded`).

    Returns the translations that could be made, by language, and every problem found (errors
    and warnings, located in the translation files). A translation with errors is left out.
    """
    translations: dict[str, Translation] = {}
    problems: list[Problem] = []
    for language, path in translation_paths(source).items():
        try:
            translation = read_translation(path, language, original)
        except LetterError as error:
            problems.extend(error.problems)
            continue
        translations[language] = translation
        problems.extend(translation.warnings)
    return translations, problems


def read_translation(path: Path, language: str, original: Any) -> Translation:
    """Read one translation file of the letter `original` (a `sources.Loaded`)."""
    from .sources import format_for
    from .sources.folder import SOURCE_MAX_BYTES, read_regular
    from .sources.text import decode

    file = str(path)
    format_for(path)  # a suffix openletter reads, before reading anything
    try:
        raw = read_regular(path, limit=SOURCE_MAX_BYTES)
    except Exception as error:  # noqa: BLE001 -- reported like any unreadable letter
        raise LetterError([Problem(file=file, line=1, message=f"cannot read the translation: {error}")]) from None
    text = decode(raw, file, expected_content="a translation of the letter")
    return parse_translation(text, path, language, original)


def parse_translation(text: str, path: Path, language: str, original: Any) -> Translation:
    """Read a translation of the letter `original` (a `sources.Loaded`) from `text`, as if it
    were the file `path` (whose suffix says its format); raise `LetterError` on problems."""
    from .sources import _parser, format_for

    file = str(path)
    data, source = _parser(format_for(path))(text, file)
    return _translate(data, source, file, path, language, original)


def _problem(
    source: Any, file: str, path: FieldPath, message: str, expected: str | None = None, *, warning: bool = False
) -> Problem:
    where = source.where(path)
    return Problem(
        file=file,
        line=where[1],
        path=path,
        message=message,
        expected=expected,
        severity="warning" if warning else "error",
    )


def _translate(data: Any, source: Any, file: str, path: Path, language: str, original: Any) -> Translation:
    from .convert import unstructure
    from .sources import assets

    letter: Letter = original.letter
    errors: list[Problem] = []
    warnings: list[Problem] = []
    if not isinstance(data, dict):
        raise LetterError([Problem(file=file, line=1, message="the translation is not a set of fields")])
    tag = data.get("language")
    if not isinstance(tag, str) or not _BCP47.match(tag):
        errors.append(
            _problem(
                source,
                file,
                ("language",),
                f"{tag!r} is not a BCP 47 language tag" if tag else "the translation does not say its language",
                "a language tag such as km, fr or zh-Hant",
            )
        )
    elif tag.lower() != language.lower():
        errors.append(
            _problem(
                source,
                file,
                ("language",),
                f"the file name says {language!r} and the file says {tag!r}",
                f"language: {language}, as in the file name",
            )
        )
    elif tag.lower() == letter.language.lower():
        errors.append(
            _problem(
                source,
                file,
                ("language",),
                f"{tag!r} is the original's own language",
                "the language of the translation, not of the original",
            )
        )
    recorded = data.get("translated_from", {})
    if not isinstance(recorded, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in recorded.items()
    ):
        errors.append(
            _problem(
                source,
                file,
                ("translated_from",),
                "is not a mapping of passages to hashes",
                "the hashes openletter writes (openletter new --translation)",
            )
        )
        recorded = {}
    if errors:
        raise LetterError(errors)

    base = unstructure(letter)
    base.pop("logo", None)  # read again from the original's folder below
    merged, given = _merge(base, data, letter, source, file, errors, warnings)
    if letter.logo is not None and "logo" not in data:
        merged["logo"] = {"file": letter.logo.file, "alt": letter.logo.alt}
    errors += assets.read_logo(merged, Path(original.source.file).parent, source)
    if errors:
        raise LetterError(errors)
    from .convert import structure

    try:
        translated = structure(merged)
    except LetterError as error:
        raise LetterError(source.locate_all(error.problems)) from None
    original_passages = passages(letter)
    missing = untranslated(letter, translated, given)
    if missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        warnings.append(
            _problem(
                source,
                file,
                ("language",),
                f"{len(missing)} passage{'s' * (len(missing) != 1)} of the original "
                f"{'are' if len(missing) != 1 else 'is'} not translated and will print in the original's "
                f"language ({letter.language}): {shown}",
                "every passage translated (openletter translations SOURCE --status lists them)",
                warning=True,
            )
        )
    for key, value in recorded.items():
        current = original_passages.get(key)
        if current is not None and key in given and key not in missing and value != passage_hash(current):
            warnings.append(
                _problem(
                    source,
                    file,
                    _path_of(key),
                    f"translated from an older version of {key}: the original has changed since",
                    "the translation updated, and its hash with it (openletter translations export, then import)",
                    warning=True,
                )
            )
    return Translation(
        language=language,
        file=path,
        letter=translated,
        given=frozenset(given),
        translated_from=dict(recorded),
        lines=dict(source.lines),
        warnings=tuple(warnings),
    )


def _path_of(key: str) -> FieldPath:
    """A passage key as a field path of the translation (``sections[intro].text`` ->
    ``("sections", "intro", "text")``), for locating it."""
    parts: list[str | int] = []
    for piece in re.findall(r"[^.\[\]]+", key):
        parts.append(int(piece) if piece.isdecimal() else piece)
    return tuple(parts)


def _merge(
    base: dict[str, Any],
    data: dict[str, Any],
    letter: Letter,
    source: Any,
    file: str,
    errors: list[Problem],
    warnings: list[Problem],
) -> tuple[dict[str, Any], set[str]]:
    """The translation's letter as plain data, and the passage keys it translates."""
    original = letter.language
    language = str(data["language"])
    merged = copy.deepcopy(base)
    given: set[str] = set()
    merged["language"] = language
    merged.pop("labels", None)  # the original's own labels are words of the original's language
    merged.pop("url", None)  # the original's page: a translation is published at its own address, or none
    merged.pop("calendar", None)  # how the original's language writes dates: a translation chooses its own
    merged.pop("numerals", None)
    note, inherited = data.get("signatory_count_note"), merged.get("signatory_count_note")
    if isinstance(note, dict) and isinstance(inherited, dict):  # its words translated; its count and date kept
        kept = {k: v for k, v in inherited.items() if k not in ("text", "lang")}
        data = {**data, "signatory_count_note": {**kept, **note}}
    for key, value in data.items():
        if key in _OWN_KEYS or key in ("sections", "references", "demands"):
            continue
        if key == "email" and isinstance(value, dict) and isinstance(merged.get("email"), dict):
            merged["email"] = {**merged["email"], **value}  # its own subject; the sender and the rest inherited
            continue
        merged[key] = value  # a translated text field, the labels, or a field replaced on purpose
    field_lang = dict(base.get("field_lang", {}))
    for field in TEXT_FIELDS:
        if field in data:
            given.add(field)
            field_lang.pop(field, None)
        elif field in base:
            field_lang.setdefault(field, letter.lang_of(field))
    field_lang.update(data.get("field_lang", {}) if isinstance(data.get("field_lang"), dict) else {})
    merged["field_lang"] = {k: v for k, v in field_lang.items() if v and v != language}
    if "signatory_count_note" in data:
        given.add("signatory_count_note")
    elif isinstance(merged.get("signatory_count_note"), dict):
        merged["signatory_count_note"].setdefault("lang", original)
    if isinstance(data.get("email"), dict) and "subject" in data["email"]:
        given.add("email.subject")

    translated_body = "sections" in data and bool(data["sections"])
    merged["sections"] = _merge_list(
        "sections",
        base.get("sections", []),
        data.get("sections", []),
        letter.sections,
        original,
        source,
        file,
        errors,
        warnings,
        given,
        ("heading", "text"),
    )
    merged["demands"] = _merge_list(
        "demands",
        base.get("demands", []),
        data.get("demands", []),
        letter.demands,
        original,
        source,
        file,
        errors,
        warnings,
        given,
        ("quote", "text"),
    )
    if translated_body:  # an untranslated quote is in the original's words, not a passage of this body
        for index, demand in enumerate(merged["demands"]):
            if "quote" in demand and f"{_key('demands', letter.demands[index], index)}.quote" not in given:
                quote = demand.pop("quote")
                demand.setdefault("text", quote)
    merged["references"] = _merge_references(
        base.get("references", []), data.get("references", []), original, source, file, errors, given
    )
    if not merged["references"]:
        del merged["references"]
    if not merged["demands"]:
        del merged["demands"]
    _mark_inherited(merged, original, data)
    return merged, given


def _merge_list(
    kind: str,
    base: Sequence[dict[str, Any]],
    translated: Any,
    items: Sequence[Any],
    original: str,
    source: Any,
    file: str,
    errors: list[Problem],
    warnings: list[Problem],
    given: set[str],
    texts: tuple[str, ...],
) -> list[dict[str, Any]]:
    """Sections or demands: each original one, translated (aligned by id, else by position) or
    inherited and marked with the original's language; extras are errors."""
    if not isinstance(translated, list):
        errors.append(_problem(source, file, (kind,), "is not a list", f"a list of {kind}"))
        return [dict(b) for b in base]
    by_id = all(isinstance(t, dict) and "id" in t for t in translated) and bool(translated)
    ids = [b.get("id") for b in base]
    matched: dict[int, dict[str, Any]] = {}
    for index, entry in enumerate(translated):
        if not isinstance(entry, dict):
            continue
        if by_id:
            if entry["id"] not in ids:
                errors.append(
                    _problem(
                        source,
                        file,
                        (kind, index, "id"),
                        f"the original has no {kind[:-1]} {entry['id']!r}",
                        "the id of one of the original's "
                        + kind
                        + ": "
                        + (", ".join(str(i) for i in ids if i is not None) or "none has an id"),
                    )
                )
                continue
            matched[ids.index(entry["id"])] = entry
        elif index < len(base):
            matched[index] = entry
        else:
            errors.append(
                _problem(
                    source,
                    file,
                    (kind, index),
                    f"the original has {len(base)} {kind}; this is one more",
                    f"at most {len(base)} {kind}, in the original's order, or ids",
                )
            )
    if translated and not by_id and len(translated) < len(base):
        warnings.append(
            _problem(
                source,
                file,
                (kind,),
                f"the translation has {len(translated)} {kind} and the original "
                f"{len(base)}: the last ones stay in the original's language",
                "every " + kind[:-1] + " translated, or ids that say which are",
                warning=True,
            )
        )
    out: list[dict[str, Any]] = []
    for index, before in enumerate(base):
        key = _key(kind, items[index], index)
        entry = matched.get(index)
        if entry is None or not any(field in entry for field in texts):
            out.append({**before, "lang": before.get("lang", original), **(entry or {})})
            continue
        # Translated: the translation's words only (an untranslated summary or heading is not
        # carried over in the original's language), the rest inherited.
        merged = {k: v for k, v in before.items() if k not in texts and k != "lang"}
        merged.update(entry)
        given.update(f"{key}.{field}" for field in texts if field in entry)
        out.append(merged)
    return out


def _merge_references(
    base: Sequence[dict[str, Any]],
    translated: Any,
    original: str,
    source: Any,
    file: str,
    errors: list[Problem],
    given: set[str],
) -> list[dict[str, Any]]:
    labels = (
        {r["id"]: r for r in translated if isinstance(r, dict) and "id" in r} if isinstance(translated, list) else {}
    )
    known = {r["id"] for r in base}
    for index, label in enumerate(labels):
        if label not in known:
            errors.append(
                _problem(
                    source,
                    file,
                    ("references", index),
                    f"the original has no endnote [^{label}]",
                    "the labels of the original's endnotes: " + (", ".join(sorted(known)) or "it has none"),
                )
            )
    out = []
    for before in base:
        entry = labels.get(before["id"])
        if entry is None:
            out.append({**before, "lang": before.get("lang", original)})
        else:
            given.add(f"references[{before['id']}]")
            out.append({**before, **entry})
    return out


def _mark_inherited(merged: dict[str, Any], original: str, data: dict[str, Any]) -> None:
    """Text taken from the original without translation keeps its language: addressees' roles and
    lines, signatory group headings and notes, organisations' descriptions."""
    if "addressees" not in data:
        for addressee in merged.get("addressees", []):
            if any(k in addressee for k in ("role", "organisation", "lines", "honorific")):
                addressee.setdefault("lang", original)
    if "signatories" not in data:
        for group in merged.get("signatories", []):
            if any(k in group for k in ("heading", "note_before", "note_after")):
                group.setdefault("lang", original)
            for organisation in group.get("organisations", []) if isinstance(group.get("organisations"), list) else []:
                if "description" in organisation:
                    organisation.setdefault("lang", original)
    if "sender" not in data and isinstance(merged.get("sender"), dict):
        for organisation in merged["sender"].get("organisations", []):
            if "description" in organisation:
                organisation.setdefault("lang", original)
