"""The pytest plugin openletter installs (entry point ``pytest11``): sample-letter fixtures.

Kept tiny and import-light, because pytest loads it in every session wherever openletter is
installed; the contract suite is imported only by the test modules that use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ..model import Letter

_NAMES = ("aphr_cambodia", "khmer", "thai_with_logo", "chinese", "arabic_rtl", "coalition", "hostile", "minimal")


@pytest.fixture(params=_NAMES)
def openletter_sample(request: pytest.FixtureRequest) -> Letter:
    """Each of openletter's sample letters in turn (see `openletter.testing.SAMPLE_NAMES`)."""
    from .samples import sample_letter

    return sample_letter(request.param)


@pytest.fixture
def openletter_samples() -> dict[str, Letter]:
    """Every sample letter by name."""
    from .samples import sample_letters

    return dict(sample_letters())
