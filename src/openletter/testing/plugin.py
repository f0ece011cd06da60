"""The pytest plugin openletter installs (entry point ``pytest11``): sample-letter fixtures.

Kept small, because pytest loads it in every session wherever openletter is installed: the
sample letters are read, and the contract suite imported, only by the tests that use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .samples import SAMPLE_NAMES

if TYPE_CHECKING:
    from ..model import Letter


@pytest.fixture(params=SAMPLE_NAMES)
def openletter_sample(request: pytest.FixtureRequest) -> Letter:
    """Each of openletter's sample letters in turn (see `openletter.testing.SAMPLE_NAMES`)."""
    from .samples import sample_letter

    return sample_letter(request.param)


@pytest.fixture
def openletter_samples() -> dict[str, Letter]:
    """Every sample letter by name."""
    from .samples import sample_letters

    return dict(sample_letters())
