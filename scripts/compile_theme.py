"""Precompile the default theme's template into Python, so that a cold start does not parse it.

    python scripts/compile_theme.py           rewrite src/openletter/themes/default/letter_html_compiled.py
    python scripts/compile_theme.py --check   exit 1 if that file is out of date (tests do this too)

Jinja2 turns a template into Python code before it can render it; for the default template that
takes about 17 ms of every ``openletter build``. The generated file is that code, with the
template's SHA-256 and the Jinja2 version in its first line: openletter uses it only when both
match, and compiles the template as usual otherwise (a changed theme, another Jinja2).
"""

from __future__ import annotations

import sys

from openletter.exporters.html import COMPILED_TEMPLATE, compiled_header, default_template, environment


def render() -> str:
    """The generated module's text."""
    source = default_template()
    code = environment().compile(source, name="letter.html.j2", filename="letter.html.j2", raw=True)
    return compiled_header(source) + "\n" + str(code) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    current = COMPILED_TEMPLATE.read_text(encoding="utf-8") if COMPILED_TEMPLATE.exists() else ""
    if "--check" in argv:
        if current != text:
            print(f"{COMPILED_TEMPLATE} is out of date: run python scripts/compile_theme.py", file=sys.stderr)
            return 1
        return 0
    if current != text:
        COMPILED_TEMPLATE.write_text(text, encoding="utf-8")
        print(f"rewrote {COMPILED_TEMPLATE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
