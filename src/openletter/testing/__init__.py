"""Testing tools for plugin authors: sample letters and the exporter contract suite.

``openletter.testing`` is also a pytest plugin (registered through the ``pytest11`` entry point,
so it is active wherever openletter is installed). It adds the ``openletter_sample`` fixture
(each sample letter in turn) and the ``openletter_samples`` fixture (all of them by name); the
contract itself is the `ExporterContract` class::

    from openletter.testing import ExporterContract

    class TestTxtContract(ExporterContract):
        format = "txt"

See docs/plugins.md, "Testing a plugin".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .samples import SAMPLE_FOLDER, SAMPLE_NAMES, nested_markdown, sample_letter, sample_letters, sample_phrases

if TYPE_CHECKING:
    from .contract import ExporterContract, ImpureRender, guard_purity, textual_media_type

_CONTRACT = ("ExporterContract", "ImpureRender", "guard_purity", "textual_media_type")


def __getattr__(name: str) -> Any:
    """The contract is imported on first use: pytest loads this package in every session."""
    if name in _CONTRACT:
        from . import contract

        return getattr(contract, name)
    raise AttributeError(f"module 'openletter.testing' has no attribute {name!r}")


__all__ = [
    "SAMPLE_FOLDER",
    "SAMPLE_NAMES",
    "ExporterContract",
    "ImpureRender",
    "guard_purity",
    "nested_markdown",
    "sample_letter",
    "sample_letters",
    "sample_phrases",
    "textual_media_type",
]
