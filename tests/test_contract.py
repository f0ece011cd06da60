"""The built-in formats pass the same contract suite that plugin authors run on theirs."""

from __future__ import annotations

import email
import email.policy
from urllib.parse import parse_qs, urlsplit

import openletter
from openletter.testing import ExporterContract
from openletter.testing.faithful import NAVIGATION, html_visible_text


class TestJsonContract(ExporterContract):
    format = "json"


class TestJsonLdContract(ExporterContract):
    format = "jsonld"


class TestHtmlContract(ExporterContract):
    format = "html"
    prints = True
    navigation = NAVIGATION["html"]

    def extract_text(self, output: bytes) -> str:
        """What a reader sees: the page's visible text."""
        return html_visible_text(output.decode("utf-8"))


class TestEmlContract(ExporterContract):
    format = "eml"
    prints = True
    navigation = NAVIGATION["eml"]

    def extract_text(self, output: bytes) -> str:
        """The plain-text part (the HTML part is the html format's page: tests/test_faithful.py)."""
        message = email.message_from_bytes(output, policy=email.policy.default)
        plain = message.get_body(("plain",))
        assert plain is not None
        text: str = plain.get_content()  # type: ignore[attr-defined]
        return text


class TestMarkdownContract(ExporterContract):
    format = "markdown"

    def extract_text(self, output: bytes) -> str:
        """The front matter quotes YAML strings: read the letter back and list its text."""
        letter = openletter.loads(output.decode("utf-8"), "markdown", base_dir=openletter.testing.SAMPLE_FOLDER)
        return "\n".join(_strings(openletter.unstructure(letter)))


class TestMailtoContract(ExporterContract):
    format = "mailto"
    prints = True
    navigation = NAVIGATION["mailto"]

    def extract_text(self, output: bytes) -> str:
        """The letter the first link (to every recipient) writes: its body."""
        first = output.decode("utf-8").split("\n")[1]
        return parse_qs(urlsplit(first).query)["body"][0]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []
