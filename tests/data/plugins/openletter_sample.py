"""A test plugin providing a plain-text format, found through a real entry point."""

import openletter


def render(letter, options):
    upper = options.get("upper") == "yes"
    title = letter.title.upper() if upper else letter.title
    return title + "\n\n" + "\n\n".join(section.text for section in letter.sections) + "\n"


@openletter.hookimpl
def openletter_exporters():
    return [
        openletter.Exporter(
            name="sample-txt",
            title="Sample plain text",
            suffix=".txt",
            media_type="text/plain",
            render=render,
            options={"upper": "yes to shout the title"},
        )
    ]
