"""The ``json`` format: the letter's canonical data, which ``openletter`` loads back unchanged.

Like every format, it is given the letter's public view (`openletter.public_letter`, through the
registry): no signature record, hidden signatories counted in ``tally``. The source, records and
all, is `openletter.dumps`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..exporter import Exporter, Options
from ..hookspecs import hookimpl
from ..model import Letter


def render(letter: Letter, options: Options) -> str:
    """The letter as indented UTF-8 JSON; defaults are left out, dates are ISO strings."""
    from ..convert import unstructure
    from ..jsontext import dumps
    from ..sources.json_source import _default

    return dumps(unstructure(letter), default=_default) + "\n"  # as `json_source.dump`, faster


@hookimpl
def openletter_exporters() -> Sequence[Exporter]:
    """Provide the ``json`` format."""
    return [
        Exporter(
            name="json",
            title="JSON (canonical letter data)",
            suffix=".json",
            media_type="application/json",
            render=render,
        )
    ]
