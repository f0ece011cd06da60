"""The ``markdown`` format: a CommonMark ``letter.md`` in the authoring format.

Loading the output gives back an equal letter: the front matter holds every field except the
sections (written as the body, split by ``##`` headings) and the references (written as footnote
definitions at the end). Signatories that came from a CSV file are written inline.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..exporter import Exporter, Options
from ..hookspecs import hookimpl
from ..model import Letter


def render(letter: Letter, options: Options) -> str:
    """The letter as ``letter.md`` text."""
    from ..convert import unstructure
    from ..sources import yaml_source
    from ..sources.markdown_source import dump
    from ..yamltext import front_matter

    front = unstructure(letter)
    del front["sections"]
    front.pop("references", None)
    if any(section.lang is not None or section.id is not None for section in letter.sections):
        front["sections"] = [
            {k: v for k, v in (("id", s.id), ("lang", s.lang)) if v is not None} for s in letter.sections
        ]
    if any(reference.lang is not None for reference in letter.references):
        front["references"] = [{"id": r.id, "lang": r.lang} for r in letter.references if r.lang is not None]
    sections = [(section.heading, section.text) for section in letter.sections]
    references = [(reference.id, reference.text) for reference in letter.references]
    return front_matter(front, lambda data: dump(data, sections, references), yaml_source.dump)


@hookimpl
def openletter_exporters() -> Sequence[Exporter]:
    """Provide the ``markdown`` format."""
    return [
        Exporter(
            name="markdown",
            title="Markdown (letter.md authoring format, CommonMark)",
            suffix=".md",
            media_type="text/markdown; charset=utf-8",
            render=render,
        )
    ]
