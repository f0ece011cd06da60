"""A test plugin whose exporter tries to write outside the output folder."""

import openletter


@openletter.hookimpl
def openletter_exporters():
    return [
        openletter.Exporter(
            name="escape",
            title="Escapes",
            suffix="./../../escaped",
            media_type="text/plain",
            render=lambda letter, options: "x",
        )
    ]
