"""A test plugin whose files can collide: a CSV, a PNG and a second ``.json`` format."""

import openletter


def table(letter, options):
    return "name\n" + "".join(f"{person.name}\n" for group in letter.signatories for person in group.people)


def badge(letter, options):
    return letter.logo.data if letter.logo else b""


@openletter.hookimpl
def openletter_exporters():
    return [
        openletter.Exporter(name="clash-csv", title="Signatories", suffix=".csv", media_type="text/csv", render=table),
        openletter.Exporter(name="clash-png", title="Badge", suffix=".png", media_type="image/png", render=badge),
        openletter.Exporter(name="clash-json", title="JSON again", suffix=".json", media_type="text/plain",
                            render=lambda letter, options: "{}"),
    ]  # fmt: skip
