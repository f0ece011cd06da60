"""The HTML page of ``openletter diff`` in the Nu HTML Checker: valid, whatever the letter says."""

from __future__ import annotations

from pathlib import Path

import attrs

import openletter
from openletter.diff import diff_letters
from openletter.testing.samples import sample_letter

from . import vnu
from .conftest import require_tools

require_tools(vnu.missing())


def _pages(letter: openletter.Letter, folder: Path) -> list[Path]:
    section = letter.sections[0]
    hostile = attrs.evolve(
        letter,
        title='</title><script>alert("x")</script>',
        sections=(
            attrs.evolve(
                section,
                text=section.text.replace("our grave concerns", "our <b>deep</b> </p><script>x</script> concerns"),
            ),
        ),
        closing="Yours, & <i>sincerely</i>",
    )
    right_to_left = sample_letter("arabic_rtl")
    first = right_to_left.sections[0]
    words = first.text.split(" ")
    second = right_to_left.sections[1]
    edited = attrs.evolve(
        right_to_left,
        sections=(
            attrs.evolve(first, text=" ".join(words[1:])),
            attrs.evolve(second, text=second.text + " " + words[0]),
            *right_to_left.sections[2:],
        ),
    )
    pages = {
        "changed.html": diff_letters(letter, hostile).html("old <b>.md", "new.md"),
        "same.html": diff_letters(letter, letter).html(),
        "rtl.html": diff_letters(right_to_left, edited).html(),
        "hostile.html": diff_letters(sample_letter("minimal"), sample_letter("hostile")).html(),
    }
    paths = []
    for name, page in pages.items():
        path = folder / name
        path.write_text(page, encoding="utf-8")
        paths.append(path)
    return paths


def test_diff_pages_are_valid_html(example_letter: openletter.Letter, tmp_path: Path) -> None:
    paths = _pages(example_letter, tmp_path)
    found = vnu.check(paths)
    problems = {path.name: [str(m) for m in found[path.resolve()] if m.kind != "info"] for path in paths}
    assert problems == {path.name: [] for path in paths}
    rtl = paths[2].read_text(encoding="utf-8")
    assert 'dir="rtl"' in rtl and '“<bdi lang="ar">' in rtl  # the section's heading, isolated in the English line
