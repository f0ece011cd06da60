"""Hook specifications: everything a plugin can do, and the reference for plugin authors.

A plugin is a module (or object) with functions decorated by ``openletter.hookimpl`` and named
after the hooks below. Third-party plugins are found through the ``openletter`` entry-point group::

    [project.entry-points.openletter]
    myformat = "openletter_myformat"

The built-in formats are plugins too (``openletter.plugins.DEFAULT_PLUGINS``) and are registered
through exactly the same hooks. Any plugin, built-in or not, can be blocked by name with
``openletter --disable-plugin NAME`` or the ``OPENLETTER_DISABLE_PLUGINS`` environment variable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .errors import Problem
    from .exporter import Exporter
    from .model import Letter

hookspec = pluggy.HookspecMarker("openletter")
"""Marks the hook specifications below (openletter's own use)."""

hookimpl = pluggy.HookimplMarker("openletter")
"""Marks a plugin's hook implementations; re-exported as ``openletter.hookimpl``."""

# -------------------------------------------------------------------------------------------------
# Formats
# -------------------------------------------------------------------------------------------------


@hookspec
def openletter_exporters() -> Sequence[Exporter]:
    """Declare the output formats this plugin provides.

    Called once when the plugins are loaded. Return a sequence of `openletter.Exporter`
    descriptors (name, title, file suffix, media type, render function, accepted options). Each
    format name may be provided by one plugin only: when two plugins declare the same name, the
    one registered first keeps it and the other is reported as an error naming both plugins
    (block one of them to choose).

    The render function must be pure: given the same letter and options it returns the same
    ``str`` or ``bytes``, reads no files and opens no connections. It may raise
    `openletter.OptionError` for an option value it cannot use (reported as a usage error); any
    other exception is reported as an error naming the plugin and the format, and the other
    formats are still written. The contract suite ``openletter.testing.ExporterContract``
    checks on openletter's sample letters that the output is the same bytes every time, that no
    connection, file write or program is made, and more (see docs/plugins.md).

    :return: the exporters this plugin provides (an empty sequence is fine).

    Example::

        @openletter.hookimpl
        def openletter_exporters():
            return [
                openletter.Exporter(
                    name="txt",
                    title="Plain text",
                    suffix=".txt",
                    media_type="text/plain",
                    render=render_txt,
                )
            ]
    """
    raise NotImplementedError


# -------------------------------------------------------------------------------------------------
# Checks
# -------------------------------------------------------------------------------------------------


@hookspec
def openletter_lint(letter: Letter, formats: Sequence[str]) -> Sequence[Problem]:
    """Look at a valid letter and report what looks wrong without making it invalid.

    Called by ``openletter check`` (and before ``openletter build`` and ``openletter mail``) for
    every plugin that implements it. Return `openletter.Problem` records with a ``path`` (the
    field they concern, such as ``("demands", 2, "deadline")``), a ``message``, optionally
    ``expected``, and ``severity="warning"`` (or ``"error"`` to make ``check`` fail). Leave
    ``file`` and ``line`` unset: openletter fills them in from where the field was written.

    `letter` is the letter's public view (`openletter.public_letter`), as exporters get it: no
    signature record, no signatory who is withdrawn or counted only (their numbers are in
    ``letter.tally``). A path into a signatory list counts the entries the view keeps.

    A check that concerns one format only runs when that format is in `formats`: a warning about
    ``mailto:`` links means nothing to someone building a PDF. An implementation may leave the
    ``formats`` argument out (pluggy passes only the arguments a function names); it then runs
    whatever is built.

    :param letter: the letter, already validated against the model.
    :param formats: the names of the formats the letter is checked for: those ``openletter
        build`` writes; for ``openletter check``, every available format, or those chosen with
        ``check -t FORMAT``; ``eml`` for ``openletter mail``, whose messages are eml messages.
    :return: the problems found (an empty sequence when all is well).
    """
    raise NotImplementedError
