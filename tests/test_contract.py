"""The built-in formats pass the same contract suite that plugin authors run on theirs."""

from __future__ import annotations

from urllib.parse import unquote

import openletter
from openletter.testing import ExporterContract


class TestJsonContract(ExporterContract):
    format = "json"


class TestJsonLdContract(ExporterContract):
    format = "jsonld"


class TestHtmlContract(ExporterContract):
    format = "html"


class TestEmlContract(ExporterContract):
    format = "eml"


class TestMarkdownContract(ExporterContract):
    format = "markdown"

    def extract_text(self, output: bytes) -> str:
        """The front matter quotes YAML strings: read the letter back and list its text."""
        letter = openletter.loads(output.decode("utf-8"), "markdown", base_dir=openletter.testing.SAMPLE_FOLDER)
        return "\n".join(_strings(openletter.unstructure(letter)))


class TestMailtoContract(ExporterContract):
    format = "mailto"

    def extract_text(self, output: bytes) -> str:
        return unquote(output.decode("utf-8"))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []
