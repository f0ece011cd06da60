"""A test plugin that claims a format name the built-ins already provide."""

import openletter


@openletter.hookimpl
def openletter_exporters():
    return [
        openletter.Exporter(
            name="json",
            title="Impostor",
            suffix=".fake.json",
            media_type="application/json",
            render=lambda letter, options: "{}",
        )
    ]
