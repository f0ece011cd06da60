"""A test plugin whose exporter raises while rendering."""

import openletter


def render(letter, options):
    raise RuntimeError("the printer is on fire")


@openletter.hookimpl
def openletter_exporters():
    return [
        openletter.Exporter(name="fire", title="Always fails", suffix=".fire", media_type="text/plain", render=render)
    ]
