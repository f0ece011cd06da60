"""Translators' tools: a translation started from the original, and gettext PO files.

* `scaffold` writes ``letter.LANG.md`` (``openletter new --translation LANG``): every passage of
  the original in the original's words, each marked with the original's language (so the file is
  a valid translation that never labels English text as Khmer) and its hash in
  ``translated_from``. The translator replaces each passage and deletes its mark; until then
  `openletter.translations.status` counts it as missing.
* `export_po` writes the passages as a gettext PO file (``openletter translations export``): one
  entry per passage, its key (``sections[situation].text``) as context (``msgctxt``), the
  original's text as ``msgid``, the translation as ``msgstr`` (empty when missing), the hash of
  the original passage in an automatic comment, and ``fuzzy`` when the translation was made from
  an older original (stale) or nobody recorded which (unchecked). The header names the letter
  (``Project-Id-Version: TITLE VERSION``, the version a hash of every passage) and the language.
* `import_po` turns a PO file back into ``letter.LANG.md`` (``openletter translations import``):
  each translated entry is recorded with the hash of its ``msgid`` (the original passage it was
  translated from, so an entry made from an older original is stale at once); a fuzzy entry keeps
  its text and never becomes up to date. A PO file for another letter, for passages the letter no
  longer has, or that would make a translation with problems, is refused with the PO's lines.

All three write through `render`, so a translation written by openletter and exported then imported
unchanged comes back byte for byte. Only what is translated is written: what a translation
leaves out is inherited from the original, in its words and marked with its language, except where
a file cannot leave it out (sections matched by position, a demand whose quote the body must
hold), where it is copied and marked.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from .errors import LetterError, OptionError, OutputError, Problem
from .model import _BCP47, Letter
from .translations import (
    TEXT_FIELDS,
    PassageStatus,
    Translation,
    _key,
    parse_translation,
    passage_hash,
    passage_languages,
    passages,
    read_translation,
    status,
    translation_paths,
)

__all__ = [
    "Draft",
    "Exported",
    "Imported",
    "LanguageStatus",
    "StatusReport",
    "check_language",
    "draft_of",
    "export_po",
    "import_po",
    "letter_version",
    "render",
    "save_po",
    "scaffold",
    "status_lines",
    "status_report",
    "translation_path",
]

_DONE: frozenset[PassageStatus] = frozenset({"up-to-date", "stale", "unchecked"})
"""The statuses of a passage the translation gives (translated, checked or not)."""

_PASSAGE_FIELDS = frozenset({*TEXT_FIELDS, "language", "translated_from", "field_lang", "signatory_count_note"}) | {
    "sections",
    "demands",
    "references",
    "email",
}
"""Top-level fields of a translation file that `render` writes itself."""

_ITEM_TEXTS = {"sections": ("heading", "text"), "demands": ("quote", "text"), "references": ("text",)}


@attrs.frozen
class Draft:
    """What a translation file says, passage by passage: the input of `render`."""

    language: str
    texts: Mapping[str, str] = attrs.field(factory=dict)
    """The translated passages, by key (see `openletter.translations.passages`)."""
    hashes: Mapping[str, str] = attrs.field(factory=dict)
    """``translated_from``: the hash of the original passage each one was translated from."""
    kept: Mapping[str, Any] = attrs.field(factory=dict)
    """The translation's other fields (labels, fields replaced on purpose), as written."""
    kept_items: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    """The other fields of each translated item (``demands[x]``: a replaced status; a passage's
    own ``lang``), by item key (``sections[x]``, ``references[y]``, a text field's name)."""


@attrs.frozen
class Imported:
    """What `import_po` made: the translation file's path and text, and what to tell the user."""

    path: Path
    text: str
    translation: Translation
    statuses: Mapping[str, PassageStatus]
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------- helpers


def check_language(language: str, original: Letter) -> str:
    """`language` if it can be a translation's language tag; else raise `OptionError`."""
    if not _BCP47.match(language):
        raise OptionError(f"{language!r} is not a BCP 47 language tag (such as km, fr or zh-Hant)")
    if language.lower() == original.language.lower():
        raise OptionError(f"{language!r} is the original's own language")
    return language


def translation_path(source: Path, language: str) -> Path:
    """The translation of `source` into `language`: the existing file (its tag in any case), or
    ``letter.LANG.md`` beside it."""
    for tag, path in translation_paths(source).items():
        if tag.lower() == language.lower():
            return path
    return source.with_name(f"{source.stem}.{language}{source.suffix}")


def letter_version(letter: Letter) -> str:
    """A hash of every passage of `letter` and its key: which version of the original a PO is for."""
    digest = hashlib.sha256()
    for key, text in passages(letter).items():
        digest.update(f"{key}\0{passage_hash(text)}\0".encode())
    return digest.hexdigest()[:16]


def _raw_data(path: Path) -> dict[str, Any]:
    """A translation file's data as written (its passages and its other fields)."""
    from .sources import _parser, format_for
    from .sources.folder import SOURCE_MAX_BYTES, read_regular
    from .sources.text import decode

    text = decode(read_regular(path, limit=SOURCE_MAX_BYTES), str(path), expected_content="a translation")
    data, _ = _parser(format_for(path))(text, str(path))
    return data if isinstance(data, dict) else {}


def _aligned(kind: str, entries: Any, items: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """A translation's list of sections or demands, by the key of the original item each is for
    (by id when every entry has one, else by position, as the translation is read)."""
    if not isinstance(entries, list) or not entries:
        return {}
    by_id = all(isinstance(e, dict) and "id" in e for e in entries)
    keys = {getattr(item, "id", None): _key(kind, item, n) for n, item in enumerate(items)}
    found: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        if by_id and entry["id"] in keys:
            found[keys[entry["id"]]] = entry
        elif not by_id and index < len(items):
            found[_key(kind, items[index], index)] = entry
    return found


def draft_of(original: Letter, translation: Translation | None, language: str) -> Draft:
    """The draft of an existing translation (or of none yet): what it translates, its hashes and
    its other fields."""
    if translation is None:
        return Draft(language=language)
    statuses = status(original, translation)
    theirs = passages(translation.letter)
    texts = {key: theirs[key] for key, state in statuses.items() if state in _DONE and key in theirs}
    hashes = {key: value for key, value in translation.translated_from.items() if key in texts}
    data = _raw_data(translation.file)
    kept = {key: value for key, value in data.items() if key not in _PASSAGE_FIELDS}
    items: dict[str, dict[str, Any]] = {}
    field_lang = data.get("field_lang")
    for field, tag in field_lang.items() if isinstance(field_lang, dict) else ():
        items[str(field)] = {"lang": tag}
    for kind in ("sections", "demands"):
        for key, entry in _aligned(kind, data.get(kind), getattr(original, kind)).items():
            items[key] = {k: v for k, v in entry.items() if k not in ("id", *_ITEM_TEXTS[kind])}
    references = data.get("references")
    for entry in references if isinstance(references, list) else ():
        if isinstance(entry, dict) and "id" in entry:
            items[f"references[{entry['id']}]"] = {k: v for k, v in entry.items() if k not in ("id", "text")}
    note = data.get("signatory_count_note")
    if isinstance(note, dict):
        items["signatory_count_note"] = {k: v for k, v in note.items() if k != "text"}
    email = data.get("email")
    if isinstance(email, dict):  # its subject, when a passage (email.subject), is among the texts
        items["email"] = {k: v for k, v in email.items() if k != "subject" or "email.subject" not in texts}
    elif email is not None:
        kept["email"] = email
    for item, fields in items.items():  # a copy's mark is not the language of its translation to come
        if not any(key == item or key.startswith(f"{item}.") for key in texts):
            fields.pop("lang", None)
    return Draft(language=translation.language, texts=texts, hashes=hashes, kept=kept, kept_items=items)


# --------------------------------------------------------------------------- writing a translation


def _own(kept: Mapping[str, Any] | None, translated: bool) -> dict[str, Any]:
    """An item's other fields: its own ``lang`` only when the item is translated."""
    return {k: v for k, v in (kept or {}).items() if translated or k != "lang"}


def render(original: Letter, draft: Draft, fmt: str, *, source_name: str, copy_all: bool = False) -> str:
    """The translation file `draft` makes, in the source format `fmt` (``markdown``, ``yaml``...).

    What the draft does not translate is left out (inherited, marked with the original's
    language), except where it cannot be: sections matched by position when any is written, and a
    demand whose quote lies in an untranslated part of a translated body. Those are copied from
    the original and marked with its language; with `copy_all`, every passage is (`scaffold`).
    Raise `LetterError` for a section translated by half (its heading or its text).
    """
    texts = draft.texts
    langs = passage_languages(original)
    originals = passages(original)
    front: dict[str, Any] = {"language": draft.language}
    field_lang: dict[str, str] = {}
    copies: set[str] = set()

    for field in TEXT_FIELDS:
        if field in texts:
            front[field] = texts[field]
            own = _own(draft.kept_items.get(field), True).get("lang")
            if own:
                field_lang[field] = own
        elif copy_all and field in originals:
            front[field] = originals[field]
            field_lang[field] = langs[field]
            copies.add(field)
    note = original.signatory_count_note
    if note is not None:
        kept = draft.kept_items.get("signatory_count_note")
        if "signatory_count_note" in texts:
            front["signatory_count_note"] = {**_own(kept, True), "text": texts["signatory_count_note"]}
        elif copy_all:
            front["signatory_count_note"] = {"text": note.text, "lang": langs["signatory_count_note"]}
            copies.add("signatory_count_note")
    if field_lang:
        front["field_lang"] = field_lang

    sections, translated_sections, half = _sections(original, draft, langs, copy_all, copies)
    if half:
        raise LetterError(half)
    demands = _demands(original, draft, langs, copy_all, copies, bool(sections), translated_sections)
    references: list[dict[str, Any]] = []
    for reference in original.references:
        key = f"references[{reference.id}]"
        if key in texts:
            own = _own(draft.kept_items.get(key), True)
            references.append({"id": reference.id, "text": texts[key], **own})
        elif copy_all:
            references.append({"id": reference.id, "text": reference.text, "lang": langs[key]})
            copies.add(key)

    recorded = {key: draft.hashes[key] for key in originals if key in draft.hashes and (key in texts or key in copies)}
    by_position = bool(sections) and not all(s.id is not None for s in original.sections)
    comment = _comment(
        source_name,
        original.language,
        draft.language,
        marked=bool(copies),
        recorded=bool(recorded),
        by_position=by_position,
    )
    email = dict(draft.kept_items.get("email", {}))
    if "email.subject" in texts:
        email["subject"] = texts["email.subject"]
    tail = {**({"demands": demands} if demands else {}), **({"email": email} if email else {}), **draft.kept}
    if recorded:
        tail["translated_from"] = recorded
    return _dump(fmt, front, sections, references, tail, comment)


def _sections(
    original: Letter, draft: Draft, langs: Mapping[str, str], copy_all: bool, copies: set[str]
) -> tuple[list[dict[str, Any]], set[int], list[Problem]]:
    """The sections to write, the indices of those translated, and half-translated ones."""
    texts = draft.texts
    by_id = all(s.id is not None for s in original.sections)
    chosen: list[tuple[int, dict[str, Any] | None]] = []
    translated: set[int] = set()
    half: list[Problem] = []
    for index, section in enumerate(original.sections):
        key = _key("sections", section, index)
        heading = texts.get(f"{key}.heading") if section.heading is not None else None
        text = texts.get(f"{key}.text")
        ident = {"id": section.id} if by_id else {}
        if text is not None and (heading is not None or section.heading is None):
            own = _own(draft.kept_items.get(key), True)
            entry = {**ident, **({"heading": heading} if heading is not None else {}), "text": text, **own}
            chosen.append((index, entry))
            translated.add(index)
        elif text is None and heading is None:
            chosen.append((index, None))
        else:
            done, left = ("text", "heading") if text is not None else ("heading", "text")
            half.append(
                Problem(
                    path=(f"{key}.{left}",),
                    message=f"the section's {done} is translated and its {left} is not",
                    expected=f"the {left} translated too: a section is translated whole, heading and text",
                )
            )
    copy = copy_all or (not by_id and bool(translated))
    out: list[dict[str, Any]] = []
    for index, written in chosen:
        if written is not None:
            out.append(written)
        elif copy:
            out.append(_copied_section(original, index, by_id, langs, copies))
    return out, translated, half


def _copied_section(
    original: Letter, index: int, by_id: bool, langs: Mapping[str, str], copies: set[str]
) -> dict[str, Any]:
    """An original section as it is, marked with its language (recorded in `copies`)."""
    section = original.sections[index]
    key = _key("sections", section, index)
    entry: dict[str, Any] = {"id": section.id} if by_id else {}
    if section.heading is not None:
        entry["heading"] = section.heading
    entry.update(text=section.text, lang=langs[f"{key}.text"])
    copies.update(f"{key}.{part}" for part in ("heading", "text") if getattr(section, part) is not None)
    return entry


def _demands(
    original: Letter,
    draft: Draft,
    langs: Mapping[str, str],
    copy_all: bool,
    copies: set[str],
    body_written: bool,
    translated_sections: set[int],
) -> list[dict[str, Any]]:
    """The demands to write: each translated part, the translation's own fields, and copies of
    untranslated demands whose quote must stay anchored in the original's words."""
    from .anchors import sections_of

    if not original.demands:
        return []
    by_id = all(d.id is not None for d in original.demands)
    placed = sections_of(original) if body_written and not copy_all else {}
    entries: list[dict[str, Any] | None] = []
    for index, demand in enumerate(original.demands):
        key = _key("demands", demand, index)
        ident = {"id": demand.id} if by_id else {}
        parts = {p: draft.texts[f"{key}.{p}"] for p in ("quote", "text") if f"{key}.{p}" in draft.texts}
        kept = draft.kept_items.get(key)
        anchored_in_original = demand.quote is not None and placed.get(index, -1) not in translated_sections
        if parts:
            entries.append({**ident, **_own(kept, True), **parts})
        elif copy_all or (body_written and anchored_in_original):
            entry = {**ident, **_own(kept, False)}
            for part in ("quote", "text"):
                value = getattr(demand, part)
                if value is not None:
                    entry[part] = value
                    copies.add(f"{key}.{part}")
            entry["lang"] = langs[f"{key}.text" if demand.quote is None else f"{key}.quote"]
            entries.append(entry)
        elif _own(kept, False):
            entries.append({**ident, **_own(kept, False)})
        else:
            entries.append(None)
    if by_id:
        return [entry for entry in entries if entry is not None]
    if all(entry is None for entry in entries):
        return []
    return [entry or {} for entry in entries]


def _comment(
    source_name: str, original: str, language: str, *, marked: bool, recorded: bool, by_position: bool
) -> list[str]:
    lines = [
        f"The {language} translation of {source_name} ({original}): what is translated; the rest comes from it.",
        f"`openletter translations {source_name}` lists the passages that are stale or missing.",
    ]
    if marked:
        lines += [
            f"A passage marked with the original's language (under field_lang, or lang: {original}) is still",
            "the original's text: translate it, then delete its mark.",
        ]
    if recorded:
        lines.append("translated_from (openletter writes it): each original passage's hash when it was translated.")
    if by_position:
        lines.append("The original's sections have no ids: they are matched by position, so keep them in order.")
    return lines


def _dump(
    fmt: str,
    head: dict[str, Any],
    sections: list[dict[str, Any]],
    references: list[dict[str, Any]],
    tail: dict[str, Any],
    comment: list[str],
) -> str:
    """The file: `head` (language, text fields), the sections, `tail` (demands, other fields,
    translated_from) and the endnotes; in letter.md, sections and endnotes in the body."""
    remark = "".join(f"# {line}\n" for line in comment)
    if fmt == "markdown":
        from .sources.markdown_source import dump as dump_markdown

        marks = [{k: v for k, v in s.items() if k in ("id", "lang")} for s in sections]
        notes = [{"id": r["id"], "lang": r["lang"]} for r in references if "lang" in r]
        front = {
            **head,
            **({"sections": marks} if any(marks) else {}),
            **({"references": notes} if notes else {}),
            **tail,
        }
        text = dump_markdown(
            front,
            [(s.get("heading"), s["text"]) for s in sections],
            [(r["id"], r["text"]) for r in references],
        )
        return "---\n" + remark + text.removeprefix("---\n")
    data = {
        **head,
        **({"sections": sections} if sections else {}),
        **({"references": references} if references else {}),
        **tail,
    }
    if fmt == "yaml":
        from .sources.yaml_source import dump as dump_yaml

        return remark + dump_yaml(data)
    if fmt == "toml":
        from .sources.toml_source import dump as dump_toml

        return remark + dump_toml(data)
    from .sources.json_source import dump as dump_json

    return dump_json(data)  # JSON has no comments


# --------------------------------------------------------------------------- scaffold


def scaffold(source: str | Path, language: str) -> Path:
    """Write a new translation of the letter `source` into `language`, beside it: every passage in
    the original's words, marked with its language, and its hash. Raise `OutputError` if the
    translation exists, `OptionError` for a bad language tag, `LetterError` for a bad letter."""
    from .output import write_atomic
    from .sources import format_for, load_file

    source = Path(source)
    loaded = load_file(source)
    check_language(language, loaded.letter)
    target = translation_path(source, language)
    if target.exists() or target.is_symlink():
        raise OutputError(
            f"{target} already exists; nothing was written (to bring it up to date with the original, "
            f"use openletter translations export and import, or edit it)"
        )
    original = loaded.letter
    hashes = {key: passage_hash(text) for key, text in passages(original).items()}
    text = render(
        original,
        Draft(language=language, hashes=hashes),
        format_for(source),
        source_name=source.name,
        copy_all=True,
    )
    parse_translation(text, target, language, loaded)  # what is written reads back as a translation
    write_atomic(target, text.encode("utf-8"), protect=[source])
    return target


# --------------------------------------------------------------------------- PO files


def _existing(source: Path, loaded: Any, language: str) -> Translation | None:
    path = translation_path(source, language)
    if not path.exists():
        return None
    tag = path.name[len(source.stem) + 1 : len(path.name) - len(source.suffix)]
    return read_translation(path, tag, loaded)


def _catalog(original: Letter, language: str, source_name: str) -> Any:
    from babel.messages.catalog import Catalog

    comment = "\n".join(
        f"# {line}"
        for line in (
            f"The {language} translation of {source_name} ({original.language}),",
            "written by openletter translations export. One entry per passage of",
            "the letter; its context (msgctxt) says which. The text is Markdown:",
            "keep emphasis, links and endnote markers such as [^1] as they are.",
            "An entry marked fuzzy needs checking: the original has changed since",
            "it was translated, or nobody recorded from which version it was.",
            "Bring it back with:",
            f"openletter translations import FILE.po {source_name}",
        )
    )
    try:
        catalog = Catalog(
            locale=language.replace("-", "_"),
            project=original.title,
            version=letter_version(original),
            charset="utf-8",
            fuzzy=False,
            header_comment=comment,
            language_team=language,
        )
    except ValueError:
        raise OptionError(f"a PO file's Language header cannot name {language!r}") from None
    catalog.revision_date = catalog.creation_date
    return catalog


@attrs.frozen
class Exported:
    """A PO file made by `export_po`: its bytes, its language, and each passage's translation
    (empty when there is none) and whether it is fuzzy."""

    data: bytes
    language: str
    entries: Mapping[str, tuple[str, bool]]

    def counts(self) -> dict[str, int]:
        """How many entries are translated, fuzzy (translated, to check) and empty."""
        values = list(self.entries.values())
        return {
            "translated": sum(bool(text) and not fuzzy for text, fuzzy in values),
            "fuzzy": sum(bool(text) and fuzzy for text, fuzzy in values),
            "empty": sum(not text for text, _ in values),
        }


def export_po(source: str | Path, language: str) -> Exported:
    """The passages of the letter `source` and their translation into `language` (empty when there
    is none yet) as a gettext PO file. Raise `LetterError` if the letter or the translation has
    errors, `OptionError` for a bad language tag."""
    from babel.messages.pofile import write_po

    from .sources import load_file

    source = Path(source)
    loaded = load_file(source)
    original = loaded.letter
    check_language(language, original)
    translation = _existing(source, loaded, language)
    statuses = status(original, translation) if translation is not None else {}
    theirs = passages(translation.letter) if translation is not None else {}
    language = translation.language if translation is not None else language
    catalog = _catalog(original, language, source.name)
    entries: dict[str, tuple[str, bool]] = {}
    for key, text in passages(original).items():
        state = statuses.get(key, "missing")
        comments = [f"hash of the original: {passage_hash(text)}"]
        if key.endswith(".quote"):
            comments.append("The demand as the body says it: it must appear word for word in the translated body.")
        if state == "stale":
            assert translation is not None
            comments.append(
                f"The original has changed since this was translated (from {translation.translated_from[key]}):"
                " check it, then clear the fuzzy flag."
            )
        elif state == "unchecked":
            comments.append("No record of the original this was translated from: check it, then clear the fuzzy flag.")
        entries[key] = (theirs[key] if state in _DONE else "", state in ("stale", "unchecked"))
        message = catalog.add(
            text,
            entries[key][0],
            context=key,
            auto_comments=comments,
            flags=("fuzzy",) if entries[key][1] else (),
        )
        message.flags.discard("python-format")  # letter text is not a format string: no % checks
        message.flags.discard("python-brace-format")
    out = io.BytesIO()
    write_po(out, catalog, no_location=True)
    return Exported(data=out.getvalue(), language=language, entries=entries)


def save_po(path: Path, exported: Exported, *, protect: Sequence[Path] = ()) -> None:
    """Write `exported` to `path`, atomically. An existing file is replaced only when it holds no
    translation that `exported` lacks (one not yet imported); else raise `OutputError`."""
    from .output import write_atomic

    if path.exists() or path.is_symlink():
        catalog, _ = _read_po(path)
        if catalog is None:
            raise OutputError(f"{path} exists and is not a PO file openletter can read; nothing was written")
        ours = {key: text for key, (text, _fuzzy) in exported.entries.items()}
        unsaved = [m.context for m in catalog if m.id and m.string and ours.get(m.context or "") != m.string]
        if unsaved:
            shown = ", ".join(str(key) for key in unsaved[:4]) + (" and more" if len(unsaved) > 4 else "")
            raise OutputError(
                f"{path} holds translations the translation file does not have ({shown}); import it first "
                f"(openletter translations import {path} SOURCE), or write elsewhere with -o; nothing was written"
            )
    write_atomic(path, exported.data, protect=protect)


def _read_po(path: Path) -> tuple[Any, list[Problem]]:
    from babel.messages.pofile import PoFileError, read_po

    from .sources.folder import SOURCE_MAX_BYTES, Unreadable, file_kind, read_regular, size_text

    file = str(path)
    try:
        raw = read_regular(path, limit=SOURCE_MAX_BYTES)
    except Unreadable as refused:
        if refused.why == "open":
            reason = getattr(refused.error, "strerror", None) or str(refused.error)
        elif refused.why == "not-regular":
            reason = f"this is {file_kind(refused.mode)}, not a file"
        else:
            reason = f"the file is {size_text(refused.size)}, more than {size_text(SOURCE_MAX_BYTES)}"
        return None, [Problem(file=file, line=1, message=f"cannot read the PO file: {reason}")]
    try:
        return read_po(io.BytesIO(raw), abort_invalid=True, ignore_obsolete=True), []
    except PoFileError as error:
        line = (error.lineno or 0) + 1
        return None, [Problem(file=file, line=line, message=f"not a PO file gettext can read: {error}")]
    except (UnicodeDecodeError, ValueError, LookupError) as error:
        return None, [Problem(file=file, line=1, message=f"not a PO file gettext can read: {error}")]


def import_po(po_file: str | Path, source: str | Path) -> Imported:
    """The translation that the PO file `po_file` (from `export_po`, translated) makes of the letter
    `source`: its path (``letter.LANG.md``) and text, not yet written.

    Raise `LetterError`, each problem at a line of the PO file, for a PO file made for another
    letter, one naming passages the letter does not have, one translating a section by half, or
    one that would make a translation with problems (a quote the translated body does not hold).
    """
    from .sources import format_for, load_file

    po_path, source = Path(po_file), Path(source)
    file = str(po_path)
    loaded = load_file(source)
    original = loaded.letter
    catalog, problems = _read_po(po_path)
    if catalog is None:
        raise LetterError(problems)

    def problem(line: int | None, message: str, expected: str | None = None, key: str | None = None) -> Problem:
        return Problem(file=file, line=line or 1, path=(key,) if key else (), message=message, expected=expected)

    if catalog.version != letter_version(original) and catalog.project != original.title:
        raise LetterError(
            [
                problem(
                    1,
                    f"made for the letter {catalog.project!r}, not for {source.name} ({original.title!r})",
                    f"a PO file that openletter translations export wrote for {source.name} (if its title has "
                    "changed since, export again and carry the translations over: msgmerge OLD.po NEW.po)",
                )
            ]
        )
    tag = (catalog.locale_identifier or "").replace("_", "-")
    if not tag:
        raise LetterError([problem(1, "the PO file does not say its language", "a Language header, such as km")])
    try:
        check_language(tag, original)
    except OptionError as error:
        raise LetterError([problem(1, f"Language: {error}", "the language of the translation")]) from None

    originals = passages(original)
    entries: dict[str, Any] = {}
    for message in catalog:
        if not message.id:
            continue  # the header
        key = message.context
        if isinstance(message.id, tuple | list):
            problems.append(problem(message.lineno, "has plural forms", "one msgid and one msgstr", key))
        elif key is None:
            problems.append(
                problem(message.lineno, "has no context (msgctxt)", "the entries openletter wrote, each with its key")
            )
        elif key not in originals:
            problems.append(
                problem(
                    message.lineno,
                    f"the letter has no passage {key} (any more)",
                    "a PO file exported from this version of the letter (export again, and carry the translations "
                    "over: msgmerge OLD.po NEW.po)",
                    key,
                )
            )
        elif key in entries:
            problems.append(problem(message.lineno, f"a second entry for {key}", "one entry per passage", key))
        else:
            entries[key] = message
    if problems:
        raise LetterError(problems)

    translation = _existing(source, loaded, tag)
    language = translation.language if translation is not None else tag
    target = translation_path(source, language)
    base = draft_of(original, translation, language)
    texts, hashes = dict(base.texts), dict(base.hashes)
    notes: list[str] = []
    older: list[str] = []
    for key, message in entries.items():
        translated = _tidy(str(message.string))
        if not translated:
            texts.pop(key, None)
            hashes.pop(key, None)
            continue
        texts[key] = translated
        if "fuzzy" not in message.flags:
            hashes[key] = passage_hash(str(message.id))
            if hashes[key] != passage_hash(originals[key]):
                older.append(key)
        elif hashes.get(key) == passage_hash(originals[key]):
            del hashes[key]  # fuzzy: kept, but never up to date
    from .markdown import section_text_problems
    from .model import line_problem

    for key, message in entries.items():  # a '## ' line would cut the section in two in letter.md
        if key.startswith("sections[") and key in texts:
            found = section_text_problems(texts[key]) if key.endswith(".text") else [line_problem(texts[key]) or ""]
            expected = "Markdown body text of one section" if key.endswith(".text") else "one line of text"
            problems += [problem(message.lineno, text, expected, key) for text in found if text]
    if problems:
        raise LetterError(problems)
    if older:
        notes.append(
            f"{len(older)} passage{'s' * (len(older) != 1)} translated from an older version of the original, "
            f"now stale: {', '.join(older)}"
        )
    draft = attrs.evolve(base, texts=texts, hashes=hashes)
    try:
        text = render(original, draft, format_for(source), source_name=source.name)
    except LetterError as error:
        raise LetterError([_at_entry(p, entries, file) for p in error.problems]) from None
    try:
        made = parse_translation(text, target, language, loaded)
    except LetterError as error:
        raise LetterError([_at_entry(p, entries, file, original) for p in error.problems]) from None
    back = passages(made.letter)
    for key, value in texts.items():
        if back.get(key) != value:
            raise LetterError(
                [
                    _at_entry(
                        Problem(
                            path=(key,),
                            message="does not read back as it was written",
                            expected="the text of one passage (no '## ' heading or footnote definition '[^1]: ' "
                            "inside a section; no line break in a one-line field)",
                        ),
                        entries,
                        file,
                    )
                ]
            )
    return Imported(path=target, text=text, translation=made, statuses=status(original, made), notes=tuple(notes))


def _tidy(text: str) -> str:
    """A msgstr as a passage: no blank lines before it, no spaces after it."""
    lines = text.rstrip().split("\n")
    while lines and not lines[0].strip():
        del lines[0]
    return "\n".join(lines)


def _at_entry(problem: Problem, entries: Mapping[str, Any], file: str, original: Letter | None = None) -> Problem:
    """`problem` of the translation a PO file makes, located at the PO entry of its passage."""
    key = problem.path[0] if len(problem.path) == 1 and isinstance(problem.path[0], str) else None
    if original is not None:
        key = _passage_of(original, problem.path)
    if key is not None and key in entries:
        return attrs.evolve(problem, file=file, line=entries[key].lineno or 1, path=(key,))
    if original is not None:  # a problem of the whole translation (a quote found twice...)
        message = f"the translation would not be valid: {problem}"
        return attrs.evolve(problem, file=file, line=1, path=(), message=message, expected=None)
    return attrs.evolve(problem, file=file, line=problem.line or 1)


def _passage_of(original: Letter, path: tuple[str | int, ...]) -> str | None:
    """The passage key of a field path of the translation's letter (its items in the original's
    order): ``("demands", 0, "quote")`` -> ``demands[moratorium].quote``."""
    if len(path) == 1 and path[0] in TEXT_FIELDS:
        return str(path[0])
    if len(path) >= 2 and path[0] == "signatory_count_note":
        return "signatory_count_note"
    if path[:2] == ("email", "subject"):
        return "email.subject"
    if len(path) >= 3 and path[0] in ("sections", "demands") and isinstance(path[1], int):
        items = getattr(original, str(path[0]))
        if path[1] < len(items) and path[2] in _ITEM_TEXTS[str(path[0])]:
            return f"{_key(str(path[0]), items[path[1]], path[1])}.{path[2]}"
    if len(path) >= 2 and path[0] == "references" and isinstance(path[1], int) and path[1] < len(original.references):
        return f"references[{original.references[path[1]].id}]"
    return None


# --------------------------------------------------------------------------- status


STATUS_ORDER: tuple[PassageStatus, ...] = ("up-to-date", "stale", "missing", "unchecked", "extra")
"""The order statuses are counted and listed in."""

LISTED: tuple[PassageStatus, ...] = ("stale", "missing", "extra")
"""The statuses whose passages `status_lines` names (and that ``--strict`` fails on)."""


@attrs.frozen
class LanguageStatus:
    """One translation's passages, each with its status."""

    language: str
    file: Path
    passages: Mapping[str, PassageStatus]

    def counts(self) -> dict[PassageStatus, int]:
        """How many passages have each status (every status, zeros included)."""
        return {state: sum(s == state for s in self.passages.values()) for state in STATUS_ORDER}

    def keys(self, state: PassageStatus) -> list[str]:
        """The passages with status `state`, in the original's order."""
        return [key for key, s in self.passages.items() if s == state]


@attrs.frozen
class StatusReport:
    """`status_report`: every translation beside a letter, and the problems of those unreadable."""

    source: Path
    language: str
    passages: int
    translations: tuple[LanguageStatus, ...]
    problems: tuple[Problem, ...] = ()
    """Errors of translations that could not be read (left out of `translations`)."""

    @property
    def behind(self) -> bool:
        """Whether any passage of any translation is stale, missing or extra."""
        return any(t.keys(state) for t in self.translations for state in LISTED)

    def as_json(self) -> dict[str, Any]:
        """The report as JSON data (for scripts: ``openletter translations --json``)."""
        return {
            "source": str(self.source),
            "language": self.language,
            "passages": self.passages,
            "translations": [
                {
                    "language": t.language,
                    "file": str(t.file),
                    "counts": t.counts(),
                    "passages": dict(t.passages),
                }
                for t in self.translations
            ],
            "problems": [str(p) for p in self.problems],
        }


def status_report(source: str | Path) -> StatusReport:
    """The status of every passage of every translation beside the letter `source`. Raise
    `LetterError` if the letter itself cannot be read; a translation that cannot be is reported
    in `StatusReport.problems`."""
    from .sources import load_file
    from .translations import load_translations

    source = Path(source)
    loaded = load_file(source)
    translations, problems = load_translations(source, loaded)
    return StatusReport(
        source=source,
        language=loaded.letter.language,
        passages=len(passages(loaded.letter)),
        translations=tuple(
            LanguageStatus(tag, t.file, status(loaded.letter, t)) for tag, t in sorted(translations.items())
        ),
        problems=tuple(p for p in problems if p.severity == "error"),
    )


def status_lines(report: StatusReport, width: int = 100) -> list[str]:
    """The report for a terminal: a line per language with its counts, then the stale, missing
    and extra passages by key."""
    import textwrap

    count = len(report.translations)
    lines = [
        f"{report.source} ({report.language}): {report.passages} passage{'s' * (report.passages != 1)}, "
        f"{count or 'no'} translation{'s' * (count != 1)}"
    ]
    if not report.translations and not report.problems:
        stem, suffix = report.source.stem, report.source.suffix
        lines.append(
            f"  (a translation is {stem}.LANG{suffix} beside it: openletter new --translation LANG {report.source})"
        )
    tag_width = max((len(t.language) for t in report.translations), default=0)
    for translation in report.translations:
        counts = translation.counts()
        shown = ", ".join(f"{n} {state.replace('-', ' ')}" for state, n in counts.items() if n)
        lines.append(f"{translation.language.ljust(tag_width)}  {translation.file.name}: {shown}")
        for state in LISTED:
            keys = translation.keys(state)
            if keys:
                lines += textwrap.wrap(
                    f"{state}: " + ", ".join(keys),
                    width=width,
                    initial_indent=" " * (tag_width + 2),
                    subsequent_indent=" " * (tag_width + 4 + len(state)),
                    break_on_hyphens=False,
                    break_long_words=False,
                )
    if any(t.keys("unchecked") for t in report.translations):
        lines.append(
            "(unchecked: translated, with no record of the original it was made from; "
            "openletter translations export, then import, records it)"
        )
    return lines
