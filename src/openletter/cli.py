"""The ``openletter`` command line (also ``python -m openletter``).

Exit status:

* 0: success;
* 1: the letter has problems (each printed as ``FILE:LINE: field.path: message (expected ...)``);
* 2: the command line is wrong (unknown format or option, bad arguments);
* 3: a plugin failed to load or to render; every other format was still written;
* 4: an output could not be written (or would have overwritten a file the letter is read from);
* 5: ``openletter mail --send`` did not deliver every message; a re-run sends only the rest;
* 6: another ``openletter mail --send`` run is using the same journal; this run sent nothing;
* 70: an internal error in openletter itself (please report it).

``openletter diff`` follows diff(1): 0 when the texts are the same, 1 when they differ, 2 when
a letter cannot be read. (Like other command-line programs, openletter exits 130 after Ctrl-C and
141 when its output pipe is closed early; ``openletter serve``, which Ctrl-C stops normally,
exits 0.)
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from ._version import __version__
from .errors import LetterError, OpenLetterError, OptionError, OutputError, PluginError, Problem, UnknownFormatError
from .mail import PASSWORD_ENV
from .scaffold import EXAMPLES

if TYPE_CHECKING:
    from .mail import languages
    from .plugins import Registry
    from .sources import Loaded
    from .translations import Translation

EXIT_OK = 0
EXIT_LETTER = 1
EXIT_USAGE = 2
EXIT_PLUGIN = 3
EXIT_OUTPUT = 4
EXIT_INCOMPLETE = 5
EXIT_BUSY = 6
EXIT_INTERNAL = 70


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"openletter: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="openletter", description="Turn open letters into typed data and publish them.")
    parser.add_argument("--version", action="version", version=f"openletter {__version__}")
    parser.add_argument(
        "--disable-plugin",
        metavar="NAME",
        action="append",
        default=[],
        help="block a plugin by name (repeatable; see 'openletter formats' for names)",
    )
    parser.add_argument("--no-plugin-autoload", action="store_true", help="do not load plugins from installed packages")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    build = commands.add_parser("build", help="export a letter to one or more formats")
    build.add_argument("source", metavar="SOURCE", help="the letter: letter.md, .yaml, .toml or .json")
    build.add_argument(
        "-t", "--to", metavar="FORMAT", action="append", default=[], help="format to build (repeatable; default: all)"
    )
    build.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        default="build",
        help="output folder, or - for standard output (default: build)",
    )
    build.add_argument(
        "-O",
        "--option",
        metavar="FORMAT.NAME=VALUE",
        action="append",
        default=[],
        help="an option for one format (repeatable)",
    )

    build.add_argument(
        "--language",
        metavar="LANG",
        action="append",
        default=[],
        help="build this language only: the original's or a translation's (repeatable; default: all)",
    )
    build.add_argument(
        "--theme",
        metavar="DIR",
        help="a theme folder for the html format: letter.html.j2 and/or style.css replace the default's",
    )

    check = commands.add_parser("check", help="validate letters and report every problem")
    check.add_argument("sources", metavar="SOURCE", nargs="+", help="letter files to check")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument(
        "-t",
        "--to",
        metavar="FORMAT",
        action="append",
        default=[],
        help="check for this format (repeatable; default: all)",
    )

    commands.add_parser("formats", help="list the available formats and the plugins providing them")

    deliver = commands.add_parser(
        "deliver", help="make a delivery pack: the letter and its signatures in a zip file anyone can check"
    )
    deliver.add_argument("source", metavar="SOURCE", help="the letter: letter.md, .yaml, .toml or .json")
    deliver.add_argument("-o", "--output", metavar="PACK.zip", required=True, help="the pack to write")
    deliver.add_argument(
        "--fields",
        metavar="FIELD,...",
        help="the columns of the signature rows (default: every public field; see docs/signatures.md)",
    )
    deliver.add_argument(
        "--document", choices=("pdf", "html"), help="the letter's format in the pack (default: pdf when installed)"
    )
    verify = commands.add_parser("verify", help="check a delivery pack offline, and say what was changed")
    verify.add_argument("pack", metavar="PACK.zip", help="the delivery pack")

    mail = commands.add_parser("mail", help="mail merge: one personalised message per recipient")
    mail.add_argument("source", metavar="SOURCE", help="the letter")
    mail.add_argument("--recipients", metavar="FILE.csv", required=True, help="one row per recipient (an email column)")
    where = mail.add_mutually_exclusive_group()
    where.add_argument("--mbox", metavar="FILE", help="write every message to an mbox file")
    where.add_argument("--maildir", metavar="DIR", help="deliver every message into a Maildir")
    where.add_argument("--eml-dir", metavar="DIR", help="write one .eml file per recipient")
    where.add_argument("--send", action="store_true", help="send over SMTP (see --smtp-*)")
    mail.add_argument(
        "--dry-run", action="store_true", help="print what would be sent, and to whom; send and write nothing"
    )
    mail.add_argument("--from", dest="sender", metavar="ADDRESS", help="the From address, replacing email.sender")
    mail.add_argument("--subject", metavar="TEXT", help="the subject, replacing the letter's")
    mail.add_argument(
        "--cc", metavar="ADDRESS", action="append", default=[], help="copy every message to ADDRESS (Cc; repeatable)"
    )
    mail.add_argument(
        "--bcc", metavar="ADDRESS", action="append", default=[], help="blind-copy every message to ADDRESS (repeatable)"
    )
    mail.add_argument(
        "--copy-letter-cc", action="store_true", help="copy every message to the letter's cc addressees and email.cc"
    )
    mail.add_argument("--journal", metavar="FILE", help="the send journal (default: RECIPIENTS.journal.jsonl)")
    mail.add_argument("--smtp-host", metavar="HOST", default="localhost", help="SMTP server (default: localhost)")
    mail.add_argument("--smtp-port", metavar="PORT", type=int, help="default: 587, or 465 with --smtp-security tls")
    mail.add_argument(
        "--smtp-security", choices=("starttls", "tls", "none"), default="starttls", help="default: starttls"
    )
    mail.add_argument("--smtp-user", metavar="USER", help=f"log in as USER (password from ${PASSWORD_ENV} or a prompt)")
    mail.add_argument("--smtp-cafile", metavar="FILE", help="trust this CA certificate for the server")
    mail.add_argument("--rate", metavar="N", type=float, default=0.0, help="send at most N messages a second")
    mail.add_argument("--resend-uncertain", action="store_true", help="also send messages the journal is unsure of")
    campaign = mail.add_mutually_exclusive_group()
    campaign.add_argument(
        "--resume-unsent",
        action="store_true",
        help="the letter or recipients changed: send the letter as it is now only to those not yet sent to",
    )
    campaign.add_argument(
        "--new-campaign", action="store_true", help="start a new journal and send to everyone (the old one is kept)"
    )

    new = commands.add_parser(
        "new",
        help="start a new letter folder from a worked example, or a translation of a letter",
        usage="%(prog)s [--from EXAMPLE] DIR\n       %(prog)s --translation LANG SOURCE",
    )
    new.add_argument("folder", metavar="DIR", help="the folder to create (with --translation: the letter, SOURCE)")
    new.add_argument(
        "--from", dest="example", choices=EXAMPLES, help="the example to start from (default: aphr_cambodia)"
    )
    new.add_argument(
        "--translation",
        metavar="LANG",
        help="write letter.LANG.md beside the letter SOURCE: every passage to translate, with its hash",
    )

    translations = commands.add_parser(
        "translations",
        help="the translations beside a letter: what is stale or missing; PO files for translators",
        usage="%(prog)s [--status] [--strict] [--json] SOURCE\n"
        "       %(prog)s export --language LANG [-o FILE.po] SOURCE\n"
        "       %(prog)s import FILE.po SOURCE",
    )
    translations.add_argument(
        "words",
        metavar="ARGS",
        nargs="+",
        help="SOURCE (the status), 'export SOURCE' or 'import FILE.po SOURCE'",
    )
    translations.add_argument(
        "--status", action="store_true", help="list each translation's passages: up to date, stale, missing..."
    )
    translations.add_argument("--strict", action="store_true", help="exit 1 when a passage is stale, missing or extra")
    translations.add_argument("--json", action="store_true", help="print the status as JSON")
    translations.add_argument("--language", metavar="LANG", help="export: the language to translate into")
    translations.add_argument(
        "-o", "--output", metavar="FILE.po", help="export: the PO file to write (default: letter.LANG.po; - for stdout)"
    )

    serve = commands.add_parser("serve", help="preview a letter in the web browser, built again on every save")
    serve.add_argument("source", metavar="SOURCE", help="the letter: letter.md, .yaml, .toml or .json")
    serve.add_argument(
        "-p",
        "--port",
        metavar="N",
        type=int,
        default=8000,
        help="the port (default: 8000; 0: any free one)",
    )
    serve.add_argument("--host", metavar="H", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    serve.add_argument("--open", action="store_true", help="open the preview in the web browser")
    serve.add_argument("--theme", metavar="DIR", help="a theme folder for the page, as for build (watched too)")

    version = commands.add_parser("version", help="print the version of a letter's text (what signers agree to)")
    version.add_argument("source", metavar="SOURCE", help="the letter")
    version.add_argument(
        "--reaffirm",
        metavar="RECIPIENTS.csv",
        help="write the signers of another version of the text, as recipients for openletter mail",
    )

    diff = commands.add_parser(
        "diff", help="what changed between two versions of a letter's text, word by word (exit 1 when they differ)"
    )
    diff.add_argument("old", metavar="OLD", help="the letter as it was (a copy of letter.md from before the change)")
    diff.add_argument("new", metavar="NEW", help="the letter as it is")
    diff.add_argument("-o", "--output", metavar="FILE", help="write the changes to FILE (default: standard output)")
    diff.add_argument(
        "--format",
        choices=("text", "html"),
        help="text ([-removed-]{+added+}) or an HTML page (default: html for -o FILE.html, else text)",
    )

    imports = commands.add_parser(
        "import-signatures",
        help="add the signatures of a CSV export (a form, a petition platform) to a signatory CSV file",
    )
    imports.add_argument("export", metavar="EXPORT.csv", help="the export to read (never changed)")
    imports.add_argument(
        "--into", metavar="SIGNATORIES.csv", required=True, help="the letter's signatory CSV file (created if missing)"
    )
    how = imports.add_mutually_exclusive_group(required=True)
    how.add_argument("--preset", metavar="NAME", help="a known export's columns: google-forms, action-network")
    how.add_argument("--mapping", metavar="MAP.toml", help="a mapping file: which column is which, value tables, dates")
    imports.add_argument("--withdrawals", metavar="FILE.csv", help="withdrawals to record (email or name, and a date)")
    imports.add_argument("--source", metavar="LABEL", help="the source of every imported signature (e.g. 'form 2024')")
    imports.add_argument(
        "--text-version",
        metavar="VERSION|LETTER",
        help="the text version the signers agreed to, or the letter whose current version it is (letter.md)",
    )
    imports.add_argument("--delimiter", metavar="CHAR", help="the export's delimiter (default: sniffed: , ; or tab)")
    imports.add_argument("--strict", action="store_true", help="write nothing when any row is rejected")
    imports.add_argument("--dry-run", action="store_true", help="report what would be done; write nothing")
    imports.add_argument("--report", metavar="REPORT.json", help="also write the report as JSON")

    new_plugin = commands.add_parser(
        "new-plugin", help="start a plugin package for a new format; its tests pass out of the box"
    )
    new_plugin.add_argument("name", metavar="NAME", help="the format's name, such as txt (lower-case, digits, _)")
    new_plugin.add_argument("-o", "--output", metavar="DIR", help="the folder to create (default: openletter-NAME)")
    return parser


def _err(message: str) -> None:
    print(f"openletter: {message}", file=sys.stderr)


def _registry(args: argparse.Namespace) -> Registry:
    from .plugins import NO_AUTOLOAD_ENV, Registry, blocked_from_environment

    return Registry(
        blocked=[*blocked_from_environment(), *args.disable_plugin],
        entry_points=not (args.no_plugin_autoload or os.environ.get(NO_AUTOLOAD_ENV)),
    )


def _print_problems(problems: Sequence[Problem], stream: TextIO | None = None) -> None:
    for problem in problems:
        print(problem, file=stream or sys.stdout)


def _load(source: str, registry: Registry, formats: Sequence[str] | None = None) -> tuple[Loaded, list[Problem]]:
    """Load and lint a letter for `formats` (default: all); raise LetterError for errors, return warnings."""
    from .sources import load_file

    loaded = load_file(source)
    findings = loaded.source.locate_all(registry.lint(loaded.letter, formats))
    errors = [p for p in findings if p.severity == "error"]
    if errors:
        raise LetterError(errors + [p for p in findings if p.severity != "error"])
    return loaded, findings


def _cmd_check(args: argparse.Namespace) -> int:
    registry = _registry(args)
    formats = list(dict.fromkeys(args.to)) or None
    for name in formats or ():
        registry.format(name)  # UnknownFormatError (exit 2)
    for error in registry.errors:
        _err(f"warning: {error}")
    status = EXIT_OK
    for source in args.sources:
        try:
            loaded, warnings = _load(source, registry, formats)
            warnings += _check_translations(source, loaded, registry, formats)
        except LetterError as error:
            _print_problems(error.problems)
            count = sum(p.severity == "error" for p in error.problems)
            print(f"{source}: {count} problem{'s' * (count != 1)} found")
            status = EXIT_LETTER
            continue
        _print_problems(warnings)
        note = f" ({len(warnings)} warning{'s' * (len(warnings) != 1)})" if warnings else ""
        if warnings and args.strict:
            status = EXIT_LETTER
            print(f"{source}: failed{note}; --strict fails on warnings")
        else:
            print(f"{source}: ok{note}")
    return status


def _check_translations(
    source: str, loaded: Loaded, registry: Registry, formats: Sequence[str] | None
) -> list[Problem]:
    """The problems of every translation beside `source`: raise LetterError for errors."""
    return _load_translations(source, loaded, registry, formats)[1]


def _load_translations(
    source: str, loaded: Loaded, registry: Registry, formats: Sequence[str] | None
) -> tuple[dict[str, Translation], list[Problem]]:
    """Every translation beside `source`, linted for `formats`, and their warnings; raise
    LetterError for errors."""
    from .sources.locate import SourceMap
    from .translations import load_translations

    translations, problems = load_translations(source, loaded)
    for translation in translations.values():
        located = SourceMap(str(translation.file), dict(translation.lines))
        problems += located.locate_all(registry.lint(translation.letter, formats))
    if any(p.severity == "error" for p in problems):
        raise LetterError(problems)
    return translations, problems


def _parse_options(raw: Sequence[str], formats: Sequence[str]) -> dict[str, dict[str, str]]:
    options: dict[str, dict[str, str]] = {}
    for item in raw:
        key, equals, value = item.partition("=")
        fmt, dot, name = key.partition(".")
        if not equals or not dot or not fmt or not name:
            raise OptionError(f"option {item!r} is not written FORMAT.NAME=VALUE")
        if fmt not in formats:
            raise OptionError(f"option {item!r} is for format {fmt!r}, which is not being built")
        options.setdefault(fmt, {})[name] = value
    return options


def _cmd_build(args: argparse.Namespace) -> int:
    """``build``: the argument parsing and printing around `openletter.build`."""
    from .build import BuildRefused, build

    registry = _registry(args)
    formats = list(dict.fromkeys(args.to)) or list(registry.formats)
    for name in formats:
        registry.format(name)  # UnknownFormatError (exit 2) before any work
    options = _parse_options(args.option, formats)
    status = EXIT_OK
    for load_error in registry.errors:
        _err(f"error: {load_error}")
        if not args.to:
            status = EXIT_PLUGIN  # "every format" is incomplete
    if args.output == "-":
        return max(status, _build_to_stdout(args, registry, formats, options))
    try:
        result = build(
            args.source,
            formats,
            args.output,
            options,
            theme=args.theme,
            languages=args.language or None,
            registry=registry,
        )
    except BuildRefused as refused:  # every path is checked before anything is rendered or written
        for refusal in refused.refusals:
            _err(f"error: {refusal}")
        _err("nothing was written; choose another output folder (-o)")
        return max(status, EXIT_OUTPUT)
    _print_problems(result.warnings, sys.stderr)
    for failure in result.failures:
        _err(f"error: {failure}")
    for path in result.written:
        print(f"wrote {path}")
    return max(status, result.status)


def _build_to_stdout(
    args: argparse.Namespace, registry: Registry, formats: Sequence[str], options: dict[str, dict[str, str]]
) -> int:
    """``-o -``: one format of one language, to standard output."""
    from .build import pick_language, read_theme
    from .translations import load_translations

    if len(formats) != 1 or len(args.language) > 1:
        raise OptionError("'-o -' writes one format to standard output: choose it with -t FORMAT (and one --language)")
    (name,) = formats
    if args.theme is not None and name == "html":
        options.setdefault("html", {}).update(read_theme(Path(args.theme)))
    loaded, warnings = _load(args.source, registry, formats)
    letter = loaded.letter
    if args.language:
        translations, problems = load_translations(args.source, loaded)
        versions = {letter.language: letter, **{tag: t.letter for tag, t in translations.items()}}
        found = pick_language(args.language[0], list(versions))
        if found is None:
            raise OptionError(f"the letter has no {args.language[0]!r} version (its languages: {', '.join(versions)})")
        letter = versions[found]
        warnings += problems
        if any(p.severity == "error" for p in problems):
            raise LetterError(problems)
    _print_problems(warnings, sys.stderr)
    for given in options.get(name, {}):
        if given not in registry.format(name).exporter.options:
            accepted = registry.format(name).exporter.options
            raise OptionError(f"format {name!r} has no option {given!r} (its options: {', '.join(accepted) or 'none'})")
    data = registry.render(letter, name, options.get(name))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return EXIT_OK


def _cmd_formats(args: argparse.Namespace) -> int:
    registry = _registry(args)
    rows = [("FORMAT", "SUFFIX", "MEDIA TYPE", "PLUGIN", "VERSION", "TITLE")]
    for name, info in registry.formats.items():
        plugin = info.plugin
        rows.append(
            (
                name,
                info.exporter.suffix,
                info.exporter.media_type,
                plugin.name,
                f"{plugin.distribution} {plugin.version}".strip(),
                info.exporter.title,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])
    for error in registry.errors:
        _err(f"error: {error}")
    return EXIT_PLUGIN if registry.errors else EXIT_OK


def _cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import new_letter

    if args.translation is not None:
        return _new_translation(args)
    folder = Path(args.folder)
    for path in new_letter(folder, args.example or "aphr_cambodia"):
        print(f"created {path}")
    print(f"\nNext: edit {folder / 'letter.md'}, then run:\n  openletter check {folder / 'letter.md'}")
    return EXIT_OK


def _new_translation(args: argparse.Namespace) -> int:
    import shlex

    from .translation_files import scaffold

    if args.example is not None:
        raise OptionError("--from starts a letter and --translation a translation of one: give one of them")
    path = scaffold(args.folder, args.translation)
    source = shlex.quote(args.folder)
    print(f"created {path}")
    print(
        f"\nNext: translate each passage of {path}, deleting its mark (its line under field_lang, or its"
        f" 'lang:'), then run:\n  openletter check {source}\n  openletter translations {source}"
    )
    return EXIT_OK


def _cmd_translations(args: argparse.Namespace) -> int:
    """``translations``: the status of a letter's translations, or a PO file out or in."""
    words = list(args.words)
    action = words[0] if words[0] in ("export", "import") else "status"
    given = [f"--{name}" for name in ("status", "strict", "json") if getattr(args, name)]
    given += [option for option, value in (("--language", args.language), ("-o", args.output)) if value is not None]
    allowed = {"status": {"--status", "--strict", "--json"}, "export": {"--language", "-o"}, "import": set()}[action]
    wrong = [option for option in given if option not in allowed]
    if wrong:
        raise OptionError(f"{', '.join(wrong)} cannot be used with 'openletter translations {action}'")
    if action == "status":
        if len(words) != 1:
            raise OptionError("the status is of one letter: openletter translations SOURCE")
        return _translations_status(Path(words[0]), strict=args.strict, as_json=args.json)
    if action == "export":
        if len(words) != 2 or args.language is None:
            raise OptionError("write a PO file with: openletter translations export --language LANG SOURCE")
        return _translations_export(Path(words[1]), args.language, args.output)
    if len(words) != 3:
        raise OptionError("read a PO file with: openletter translations import FILE.po SOURCE")
    return _translations_import(Path(words[1]), Path(words[2]))


def _translations_status(source: Path, *, strict: bool, as_json: bool) -> int:
    import json

    from .translation_files import status_lines, status_report

    report = status_report(source)
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_problems(report.problems)
        for line in status_lines(report):
            print(line)
    if report.problems or (strict and report.behind):
        return EXIT_LETTER
    return EXIT_OK


def _translations_export(source: Path, language: str, output: str | None) -> int:
    from .translation_files import export_po, save_po
    from .translations import translation_paths

    exported = export_po(source, language)
    if output == "-":
        sys.stdout.buffer.write(exported.data)
        sys.stdout.buffer.flush()
        return EXIT_OK
    target = Path(output) if output else source.with_name(f"{source.stem}.{exported.language}.po")
    save_po(target, exported, protect=[source, *translation_paths(source).values()])
    counts = exported.counts()
    print(
        f"wrote {target}: {len(exported.entries)} passages ({counts['translated']} translated, "
        f"{counts['fuzzy']} fuzzy, {counts['empty']} to translate)"
    )
    return EXIT_OK


def _translations_import(po_file: Path, source: Path) -> int:
    from .output import write_atomic
    from .translation_files import STATUS_ORDER, import_po

    result = import_po(po_file, source)
    data = result.text.encode("utf-8")
    try:
        unchanged = result.path.read_bytes() == data
    except OSError:
        unchanged = False
    if unchanged:
        print(f"{result.path} is unchanged")
    else:
        write_atomic(result.path, data, protect=[source, po_file])
        print(f"wrote {result.path}")
    counts = {state: sum(s == state for s in result.statuses.values()) for state in STATUS_ORDER}
    print("  " + ", ".join(f"{n} {state.replace('-', ' ')}" for state, n in counts.items() if n))
    for note in result.notes:
        print(f"  {note}")
    return EXIT_OK


def _cmd_version(args: argparse.Namespace) -> int:
    """``version``: the text version of a letter (`openletter.versions`)."""
    from .sources import load_file
    from .versions import text_version

    loaded = load_file(args.source)
    print(text_version(loaded.letter))
    if args.reaffirm:
        from .output import write_atomic
        from .versions import reaffirm_recipients

        data, count, unreachable, unknown = reaffirm_recipients(loaded.letter)
        protect = [Path(args.source), *(Path(f) for f in loaded.source.also_read)]
        write_atomic(Path(args.reaffirm), data, protect=protect)
        print(f"wrote {args.reaffirm}: {count:,} signer{'s' * (count != 1)} of another version of the text", end="")
        print(f"; {unreachable:,} more without a contact email" if unreachable else "", end="")
        print(
            f"; {unknown:,} signature{'s' * (unknown != 1)} {'do' if unknown != 1 else 'does'} not say which "
            "version (not in the file: "
            "record it with import-signatures --text-version, or a version column)"
            if unknown
            else ""
        )
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace) -> int:
    """``diff``: the changes between two versions of a letter's text. As diff(1) does, exit 0 when
    the texts are the same, 1 when they differ and 2 when a letter cannot be read."""
    from .diff import diff_letters
    from .output import write_atomic
    from .sources import load_file

    letters = []
    problems: list[Problem] = []
    for source in (args.old, args.new):
        try:
            letters.append(load_file(source).letter)
        except LetterError as error:
            problems += error.problems
    if problems:
        _print_problems(problems, sys.stderr)
        return EXIT_USAGE
    changes = diff_letters(*letters)
    html = args.format == "html" or (args.format is None and Path(args.output or "").suffix in (".html", ".htm"))
    shown = changes.html(args.old, args.new) if html else changes.text(args.old, args.new)
    if args.output is None or args.output == "-":
        sys.stdout.buffer.write(shown.encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        write_atomic(Path(args.output), shown.encode("utf-8"), protect=[Path(args.old), Path(args.new)])
        print(f"wrote {args.output}")
    return EXIT_OK if changes.identical else EXIT_LETTER


def _cmd_new_plugin(args: argparse.Namespace) -> int:
    import shlex

    from .plugin_scaffold import install_openletter, new_plugin

    written = new_plugin(args.name, None if args.output is None else Path(args.output))
    for path in written:
        print(f"created {path}")
    folder = shlex.quote(str(written[0].parent))
    print(
        f'\nNext:\n  cd {folder}\n  python -m pip install -e ".[test]"\n'
        f"  openletter formats            # lists {args.name}\n  python -m pytest              # passes as it is"
        "\n\nopenletter is not on a package index: in a new virtual environment, install it first with\n"
        f"  {install_openletter()}"
    )
    return EXIT_OK


def _cmd_mail(args: argparse.Namespace) -> int:
    from .mail import languages, merge, outputs, recipients, send

    registry = _registry(args)
    loaded, warnings = _load(args.source, registry, ["eml"])  # the messages are eml messages
    translations, problems = _load_translations(args.source, loaded, registry, ["eml"])
    _print_problems(warnings + problems, sys.stderr)
    path = Path(args.recipients)
    letter = loaded.letter
    options = {k: v for k, v in (("sender", args.sender), ("subject", args.subject)) if v is not None}
    if not (args.dry_run or args.mbox or args.maildir or args.eml_dir or args.send):
        raise OptionError("say where the messages go: --mbox FILE, --maildir DIR, --eml-dir DIR or --send")
    letter_cc = merge.letter_cc(letter)
    cc = merge.checked_copies("--cc", args.cc) + (tuple(letter_cc) if args.copy_letter_cc else ())
    bcc = merge.checked_copies("--bcc", args.bcc)
    if bcc and (args.mbox or args.maildir or args.eml_dir):
        raise OptionError(
            "--bcc works with --send only: a message written to a file has no envelope for blind copies"
            " (a Bcc header would show the address to whoever reads or sends the file); use --cc"
        )
    factory = languages.Merge(
        letter,
        {tag: translation.letter for tag, translation in translations.items()},
        options,
        columns=recipients.columns(path),
        file=str(path),
        cc=cc,
        bcc=bcc,
        files={tag: str(translation.file) for tag, translation in translations.items()},
    )
    total = factory.check(factory.read(path), str(path))  # every row, in its language, before anything is written
    for note in factory.notes:
        _err(note)
    if (summary := factory.summary()) is not None:
        _err(f"note: {summary}")
    if not factory.personalised and total > 1:
        apart = "their headers and language" if len(factory.factories) > 1 else "their headers"
        _err(f"warning: all {total} messages are identical apart from {apart} (no [[field]] placeholders)")
    _note_copies(letter_cc if not args.copy_letter_cc else [], list(letter.email.bcc if letter.email else ()))
    if (factory.cc or factory.bcc) and total > 1:
        copies = ", ".join((*factory.cc, *factory.bcc))
        _err(f"note: every message is copied to {copies}: each of them receives {total} messages")
    stream = factory.messages(factory.read(path))
    if args.dry_run:
        copies = "; ".join(f"{n}: {', '.join(v)}" for n, v in (("cc", factory.cc), ("bcc", factory.bcc)) if v)
        for recipient, message in stream:
            to = recipient.email + (f" [{factory.choice(recipient)}]" if factory.multilingual else "")
            to += f" ({copies})" if copies else ""
            print(f"would send to {to}: {factory.subject_for(recipient)} ({len(message):,} bytes)")
        return EXIT_OK
    if args.mbox:
        stream = factory.messages(factory.read(path), mbox=True)  # as the mbox stores them
        count = outputs.write_mbox(Path(args.mbox), stream, factory.sender, stored=True)
        print(f"wrote {count} message{'' if count == 1 else 's'} to {args.mbox}")
        return EXIT_OK
    if args.maildir:
        count = outputs.write_maildir(Path(args.maildir), stream)
        print(f"delivered {count} message{'' if count == 1 else 's'} into {args.maildir}")
        return EXIT_OK
    if args.eml_dir:
        count = outputs.write_eml_folder(Path(args.eml_dir), stream)
        print(f"wrote {count} message{'' if count == 1 else 's'} to {args.eml_dir}")
        return EXIT_OK
    journal = Path(args.journal) if args.journal else path.with_name(path.name + ".journal.jsonl")
    try:
        with send.locked(journal):
            return _send_campaign(args, factory, journal, total)
    except send.JournalBusy as error:
        _err(f"error: {error}")
        return EXIT_BUSY


def _note_copies(cc: Sequence[str], bcc: Sequence[str]) -> None:
    """Say that the letter's own copies are not made for each merged message."""
    left = [f"{name} ({', '.join(values)})" for name, values in (("cc", cc), ("bcc", bcc)) if values]
    if left:
        _err(
            f"note: each message goes to its recipient only, not to the letter's {' and '.join(left)};"
            " --copy-letter-cc, --cc ADDRESS and --bcc ADDRESS add copies to every message"
        )


def _send_campaign(args: argparse.Namespace, factory: languages.Merge, path: Path, total: int) -> int:
    """Send, the journal locked: check the campaign, then send what is not yet accepted."""
    from .mail import campaign, recipients, send

    journal = send.Journal(path)
    current = campaign.Campaign.of(factory, factory.read(Path(args.recipients)))
    if args.new_campaign and path.exists():
        kept = journal.set_aside()
        print(f"new campaign: the previous journal is kept as {kept}")
        journal = send.Journal(path)
    if journal.campaign is not None:
        changed = campaign.changes(journal.campaign, current)
    else:
        decided = journal.accepted | journal.sending
        changed = campaign.legacy_changes(
            journal.legacy, decided, lambda address: factory.factory.message_id(recipients.Recipient(0, address, {}))
        )
    if changed and not args.resume_unsent:
        began = journal.campaign.began if journal.campaign else "by an older openletter"
        raise campaign.CampaignChanged(
            campaign.refusal(path, began, changed, len(journal.accepted), len(journal.sending))
        )
    if changed or journal.campaign is None:
        journal.begin(current)
    password = os.environ.get(PASSWORD_ENV)
    if args.smtp_user and password is None:
        if not sys.stdin.isatty():
            raise OptionError(f"--smtp-user needs a password: set ${PASSWORD_ENV}")
        import getpass

        password = getpass.getpass(f"SMTP password for {args.smtp_user}: ")
    port = args.smtp_port or (465 if args.smtp_security == "tls" else 587)
    server = send.Server(args.smtp_host, port, args.smtp_security, args.smtp_user, password, args.smtp_cafile)
    show = sys.stderr.isatty()

    def progress(number: int) -> None:
        if show:
            print(f"\rsending {number}/{total}", end="", file=sys.stderr, flush=True)

    report = send.send(
        factory.messages(factory.read(Path(args.recipients))),
        sender=factory.sender,
        message_id=factory.message_id,
        server=server,
        journal=journal,
        envelope=factory.envelope,
        rate=args.rate,
        resend_uncertain=args.resend_uncertain,
        progress=progress,
    )
    if show:
        print(file=sys.stderr)
    for line in send.describe(report):
        print(line)
    return EXIT_OK if report.complete else EXIT_INCOMPLETE


def _text_version_option(value: str) -> str:
    """``--text-version``: a text version as `openletter version` prints it, or a letter file
    whose current version it is."""
    from .versions import is_text_version

    if is_text_version(value):
        return value
    path = Path(value)
    if path.is_file():
        from .sources import load_file
        from .versions import text_version

        return text_version(load_file(path).letter)
    raise OptionError(
        f"--text-version {value!r} is neither a text version nor a letter file "
        "(expected v1- and 16 hexadecimal digits, as openletter version prints it, or letter.md)"
    )


def _cmd_import_signatures(args: argparse.Namespace) -> int:
    import json

    from . import imports
    from .output import write_atomic

    if args.preset is not None and args.preset not in imports.presets():
        raise OptionError(f"unknown preset {args.preset!r} (presets: {', '.join(imports.presets())})")
    mapping = imports.preset(args.preset) if args.preset else imports.load_mapping(Path(args.mapping))
    delimiter = args.delimiter.replace("\\t", "\t") if args.delimiter else None
    if delimiter is not None and len(delimiter) != 1:
        raise OptionError(f"--delimiter {args.delimiter!r} is not one character")
    version = _text_version_option(args.text_version) if args.text_version else None
    report = imports.import_signatures(
        Path(args.export),
        Path(args.into),
        mapping,
        withdrawals=Path(args.withdrawals) if args.withdrawals else None,
        source=args.source,
        strict=args.strict,
        dry_run=args.dry_run,
        delimiter=delimiter,
        version=version,
    )
    sys.stdout.write(report.text())
    if args.report:
        data = json.dumps(report.as_json(), ensure_ascii=False, indent=2).encode() + b"\n"
        write_atomic(Path(args.report), data, protect=[Path(args.export), Path(args.into)])
    return EXIT_LETTER if report.rejected else EXIT_OK


def _cmd_deliver(args: argparse.Namespace) -> int:
    """``deliver``: make the delivery pack of a letter (see `openletter.delivery`)."""
    from .delivery import build_pack
    from .delivery.records import DEFAULT_FIELDS, FIELDS
    from .output import write_atomic

    registry = _registry(args)
    fields = tuple(f.strip() for f in args.fields.split(",")) if args.fields else DEFAULT_FIELDS
    unknown = [field for field in fields if field not in FIELDS]
    if unknown or len(set(fields)) != len(fields):
        what = f"unknown field {unknown[0]!r}" if unknown else "a field given twice"
        raise OptionError(f"--fields: {what} (expected some of: {', '.join(FIELDS)})")
    document = args.document or ("pdf" if "pdf" in registry.formats else "html")
    loaded, warnings = _load(args.source, registry, [document, "json"])
    _print_problems(warnings, sys.stderr)
    pack = build_pack(loaded.letter, fields=fields, document=document, registry=registry)
    protect = [Path(args.source), *(Path(f) for f in loaded.source.also_read)]
    write_atomic(Path(args.output), pack.data, protect=protect)
    counts = pack.manifest["counts"]
    assert isinstance(counts, dict)
    signatures = counts["signatures"]
    print(f"wrote {args.output}: {signatures:,} signature{'s' * (signatures != 1)}, {counts['withdrawn']:,} withdrawn")
    print(f"fingerprint (SHA-256 of manifest.json): {pack.fingerprint}")
    print("publish the fingerprint, or send it apart from the pack: the recipient checks the pack against it")
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    """``verify``: check a delivery pack; exit 0 only when everything holds."""
    from .delivery import verify_pack

    result = verify_pack(args.pack)
    print(f"{args.pack}: fingerprint {result.fingerprint} (the SHA-256 of manifest.json)")
    for sentence in result.held:
        print(f"ok: {sentence}")
    for finding in result.findings:
        print(f"CHANGED: {finding.kind}: {finding.message}")
    if result.intact:
        print(f"{args.pack}: intact; compare the fingerprint with the one the organisation published")
        return EXIT_OK
    count = len(result.findings)
    print(f"{args.pack}: {count} difference{'s' * (count != 1)} from what its manifest says: not as it was made")
    return EXIT_LETTER


def _cmd_serve(args: argparse.Namespace) -> int:
    """``serve``: the arguments of `openletter.serve.run`."""
    from .serve import run

    if not 0 <= args.port <= 65535:
        raise OptionError(f"--port {args.port}: a port is a number from 0 to 65535 (0: any free port)")
    return run(
        args.source, host=args.host, port=args.port, open_browser=args.open, theme=args.theme, registry=_registry(args)
    )


_COMMANDS = {
    "build": _cmd_build,
    "check": _cmd_check,
    "deliver": _cmd_deliver,
    "verify": _cmd_verify,
    "diff": _cmd_diff,
    "formats": _cmd_formats,
    "import-signatures": _cmd_import_signatures,
    "new": _cmd_new,
    "new-plugin": _cmd_new_plugin,
    "mail": _cmd_mail,
    "serve": _cmd_serve,
    "translations": _cmd_translations,
    "version": _cmd_version,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command == "translations" and not any(word.startswith("-") for word in extra):
        args.words += extra  # 'translations export --language km SOURCE': argparse leaves SOURCE over
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return _COMMANDS[args.command](args)
    except LetterError as error:
        _print_problems(error.problems, sys.stderr)
        return EXIT_LETTER
    except (UnknownFormatError, OptionError) as error:
        _err(f"error: {error}")
        return EXIT_USAGE
    except PluginError as error:
        _err(f"error: {error}")
        return EXIT_PLUGIN
    except OutputError as error:
        _err(f"error: {error}")
        return EXIT_OUTPUT
    except OpenLetterError as error:
        _err(f"error: {error}")
        return EXIT_USAGE
    except BrokenPipeError:  # the reader went away (| head): say so with the shell's SIGPIPE status
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if os.environ.get("OPENLETTER_DEBUG"):
            raise
        _err(f"internal error: {type(error).__name__}: {error} (set OPENLETTER_DEBUG=1 for details; please report it)")
        return EXIT_INTERNAL


def run() -> NoReturn:
    """Console-script entry point."""
    sys.exit(main())
