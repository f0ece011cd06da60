"""`openletter.build`: a letter (and its translations) into a folder, as ``openletter build`` does.

The command line's ``build`` is a thin layer over this function: it parses arguments, prints what
`build` returns and turns it into an exit status. A library user gets the same build, with the
same refusals:

* a letter with errors raises `LetterError` (exit status 1) before anything is rendered;
* an unknown format, an option a format does not take, or a bad theme raises `UnknownFormatError`
  or `OptionError` (exit status 2) before anything is rendered;
* an output path that would overwrite a file the letter is read from, land outside the folder or
  clash with another output raises `OutputError` (exit status 4) before anything is written;
* a plugin that fails to render one format, or an output that cannot be written, is recorded in
  `BuildResult.failures` while every other output is still written (exit status 3 or 4).

Every output is written atomically (never half a file, never over a source). With translations
(``letter.km.md`` beside ``letter.md``, see `openletter.translations`), every language is built:
``letter.html``, ``letter.km.html``... and formats that declare an ``alternates`` option (the
page, the JSON-LD) are told where each language is, to link them. When the JSON-LD is written
beside the page, the page links it (the ``html`` option ``jsonld``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from urllib.parse import quote

import attrs

from .errors import LetterError, OptionError, OutputError, PluginError, Problem
from .model import Letter

__all__ = ["THEME_FILES", "BuildRefused", "BuildResult", "Output", "build", "read_theme"]

THEME_FILES: Mapping[str, str] = {"template": "letter.html.j2", "stylesheet": "style.css"}
"""Files a theme folder may hold, by the html option they set."""


@attrs.frozen
class Output:
    """One file written: its format, the language of the letter in it, and its path."""

    format: str
    language: str
    path: Path


@attrs.frozen
class BuildResult:
    """What `build` did: the files written, the warnings found, and what failed.

    `failures` holds the plugin errors (`PluginError`: exit status 3) and write errors
    (`OutputError`: exit status 4) of the outputs that could not be made; everything else was
    written.
    """

    outputs: tuple[Output, ...]
    """The files written, in order."""
    warnings: tuple[Problem, ...]
    """The warnings the checks found (a letter with errors is not built)."""
    failures: tuple[PluginError | OutputError, ...] = ()
    """The outputs that could not be made, each as its error."""

    @property
    def written(self) -> tuple[Path, ...]:
        """The paths written, in order."""
        return tuple(output.path for output in self.outputs)

    @property
    def status(self) -> int:
        """The command line's exit status for this result: 0, 3 (a plugin failed) or 4."""
        if any(isinstance(f, OutputError) for f in self.failures):
            return 4
        return 3 if self.failures else 0


class BuildRefused(OutputError):
    """Some outputs could not be written safely; nothing was written. `refusals` says why, one
    sentence each."""

    def __init__(self, refusals: Sequence[str]) -> None:
        self.refusals = tuple(refusals)
        super().__init__("; ".join(self.refusals) + "; nothing was written")


def _key(name: str, language: str) -> str:
    return f"{name}\0{language}"


def _format_key(text: str, one_language: bool) -> str:
    """A refusal as the user reads it: ``format 'html'``, or ``format 'html' (km)`` when several
    languages are built (plan_outputs names each output by its key, shown with repr)."""

    def shown(match: re.Match[str]) -> str:
        return f"'{match.group(1)}'" if one_language else f"'{match.group(1)}' ({match.group(2)})"

    return re.sub(r"'([^']+?)\\x00([^']+)'", shown, text)


def read_theme(folder: str | os.PathLike[str]) -> dict[str, str]:
    """Read a theme folder into html options; it must hold at least one of `THEME_FILES`."""
    folder = Path(folder)
    options = {}
    for option, name in THEME_FILES.items():
        path = folder / name
        try:
            options[option] = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as error:
            raise OptionError(f"cannot read the theme file {path}: {error}") from None
    if not options:
        raise OptionError(f"the theme folder {folder} has neither {' nor '.join(THEME_FILES.values())}")
    return options


def output_name(stem: str, language: str | None, suffix: str) -> str:
    """An output's file name: ``letter.html``, or ``letter.km.html`` for a translation."""
    return f"{stem}.{language}{suffix}" if language else f"{stem}{suffix}"


def pick_language(wanted: str, available: Sequence[str]) -> str | None:
    """The language of `available` that serves `wanted`: the same tag (any case), else a shorter
    tag of it (``pt`` for ``pt-BR``, ``zh-Hant`` for ``zh-Hant-TW``), else another tag of the same
    language, but never in another script (``zh-Hans`` does not serve ``zh-Hant-TW``), else None."""
    lowered = {tag.lower(): tag for tag in available}
    if wanted.lower() in lowered:
        return lowered[wanted.lower()]
    parts = wanted.lower().split("-")
    for length in range(len(parts) - 1, 0, -1):
        prefix = "-".join(parts[:length])
        if prefix in lowered:
            return lowered[prefix]
    script = next((p for p in parts[1:] if len(p) == 4 and p.isalpha()), None)

    def fits(tag: str) -> bool:  # a script the reader did not ask for is not their language
        other = next((p for p in tag.lower().split("-")[1:] if len(p) == 4 and p.isalpha()), None)
        return tag.lower().split("-")[0] == parts[0] and (script is None or other in (None, script))

    primary = [tag for tag in available if fits(tag)]
    return primary[0] if primary else None


def build(
    source: str | os.PathLike[str],
    formats: Sequence[str] | None = None,
    output: str | os.PathLike[str] = "build",
    options: Mapping[str, Mapping[str, str]] | None = None,
    *,
    theme: str | os.PathLike[str] | None = None,
    languages: Sequence[str] | None = None,
    registry: object | None = None,
) -> BuildResult:
    """Build the letter at `source` into `output`, in `formats` (default: every installed one).

    `options` are by format (``{"html": {"stylesheet": "..."}}``), `theme` a theme folder for the
    page; `languages` the languages to build (default: the original and every translation). See
    the module's docstring for what is raised and what is returned.
    """
    from .plugins import Registry, default_registry
    from .sources import load_file
    from .translations import load_translations

    reg = registry if isinstance(registry, Registry) else default_registry()
    names = list(dict.fromkeys(formats)) if formats else list(reg.formats)
    for name in names:
        reg.format(name)  # UnknownFormatError before any work
    given = {name: dict(values) for name, values in (options or {}).items()}
    for name in given:
        if name not in names:
            raise OptionError(f"options are given for format {name!r}, which is not being built")
    theme_options: dict[str, str] = {}
    if theme is not None and "html" in names:
        theme_options = read_theme(theme)
        given.setdefault("html", {}).update(theme_options)
    for name, values in given.items():  # refuse unknown options before any work
        accepted = reg.format(name).exporter.options
        for option in values:
            if option not in accepted:
                raise OptionError(
                    f"format {name!r} has no option {option!r} (its options: {', '.join(accepted) or 'none'})"
                )

    source_path = Path(source)
    loaded = load_file(source_path)
    translations, translation_problems = load_translations(source_path, loaded)
    letters: dict[str, tuple[Letter, str | None]] = {loaded.letter.language: (loaded.letter, None)}
    letters.update({tag: (t.letter, tag) for tag, t in translations.items()})
    if languages is not None:
        chosen: dict[str, tuple[Letter, str | None]] = {}
        for wanted in languages:
            found = pick_language(wanted, list(letters))
            if found is None:
                raise OptionError(
                    f"the letter has no {wanted!r} version (its languages: {', '.join(letters)}; a translation "
                    f"is a file such as {output_name(source_path.stem, wanted, source_path.suffix)} beside it)"
                )
            chosen[found] = letters[found]
        letters = chosen

    warnings: list[Problem] = []
    errors: list[Problem] = [p for p in translation_problems if p.severity == "error"]
    warnings += [p for p in translation_problems if p.severity != "error"]
    for language, (letter, _) in letters.items():
        located = translations[language].lines if language in translations else None
        findings = reg.lint(letter, names)
        if located is None:
            findings = loaded.source.locate_all(findings)
        else:
            from .sources.locate import SourceMap

            findings = SourceMap(str(translations[language].file), dict(located)).locate_all(findings)
        errors += [p for p in findings if p.severity == "error"]
        warnings += [p for p in findings if p.severity != "error"]
    if errors:
        raise LetterError(errors + warnings)

    from .output import Staged, plan_outputs, stage

    protect = [source_path, *(Path(f) for f in loaded.source.also_read), *(t.file for t in translations.values())]
    planned: dict[str, str] = {}
    for language, (_, tag) in letters.items():
        for name in names:
            planned[_key(name, language)] = output_name(source_path.stem, tag, reg.format(name).exporter.suffix)
    paths, refusals = plan_outputs(Path(output), planned, protect)
    if refusals:
        raise BuildRefused([_format_key(refusal, len(letters) == 1) for refusal in refusals])

    # Each language's page (its html output's name: what the pages and the JSON-LD link to).
    page_suffix = reg.formats["html"].exporter.suffix if "html" in reg.formats else ".html"
    pages = {lang: output_name(source_path.stem, tag, page_suffix) for lang, (_, tag) in letters.items()}
    failures: list[PluginError | OutputError] = []
    staged: dict[str, Staged] = {}  # each output on disk as soon as it is made: one in memory at a time
    folder = Path(output).absolute()
    created = [f for f in (folder, *folder.parents) if not f.exists()]  # (innermost first) removed on a refusal
    # A page links its language's JSON-LD document (html option ``jsonld``) when that is written:
    # the JSON-LD is made first, and a page whose link it cannot be is made again without it.
    linking: dict[str, tuple[Letter, dict[str, str]]] = {}
    try:
        for language, (letter, _) in letters.items():
            for name in sorted(names, key=lambda name: name != "jsonld"):
                exporter = reg.format(name).exporter
                values = dict(given.get(name, {}))
                if "alternates" in exporter.options and len(letters) > 1:
                    values["alternates"] = " ".join(f"{lang}={pages[lang]}" for lang in letters)
                key = _key(name, language)
                if name == "html" and "jsonld" in exporter.options and _key("jsonld", language) in staged:
                    values["jsonld"] = quote(paths[_key("jsonld", language)].name)  # beside the page
                    linking[language] = (letter, values)
                made = partial(reg.render_to, letter, name, values)  # (in pieces when the format writes so)
                try:
                    staged[key] = stage(paths[key], made, protect=protect)
                except (PluginError, OutputError) as error:
                    failures.append(error)
                except OptionError as error:
                    part = getattr(error, "option", None)  # the html format's ThemeError: which file of the theme
                    if name == "html" and theme is not None and part in theme_options:
                        raise OptionError(f"{Path(theme) / THEME_FILES[part]}: {error}") from None
                    raise
    except BaseException:
        for pending in staged.values():
            pending.discard()
        for new_folder in created:  # nothing written: not even the folders
            try:
                new_folder.rmdir()
            except OSError:
                break
        raise
    written: dict[str, Output] = {}
    for key, made_first in staged.items():  # in place only once every output is made (each JSON-LD before its page)
        name, language = key.split("\0")
        pending = made_first
        if name == "html" and language in linking and _key("jsonld", language) not in written:
            pending.discard()  # the JSON-LD could not be written: no link to it
            letter, values = linking[language]
            values.pop("jsonld")
            try:
                pending = stage(paths[key], partial(reg.render_to, letter, name, values), protect=protect)
            except (PluginError, OutputError) as error:
                failures.append(error)
                continue
        try:
            pending.commit()
        except OutputError as error:
            failures.append(error)
            continue
        written[key] = Output(format=name, language=language, path=paths[key])
    outputs = [written[key] for key in planned if key in written]  # in the order of the formats asked for
    return BuildResult(outputs=tuple(outputs), warnings=tuple(warnings), failures=tuple(failures))
