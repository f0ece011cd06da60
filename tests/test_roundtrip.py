"""Round trips are properties: converting a letter and back gives an equal letter, in every format."""

from __future__ import annotations

import json

import pytest
from hypothesis import given

import openletter
from openletter import Letter
from openletter.convert import structure, unstructure

from .strategies import LOGO_FOLDER, letters

FORMATS = ["json", "yaml", "toml", "markdown"]


@given(letters(with_logo=False))
def test_structure_of_unstructure_is_identity(letter: Letter) -> None:
    assert structure(unstructure(letter)) == letter


@given(letters())
def test_unstructure_leaves_the_logo_image_in_its_file(letter: Letter) -> None:
    data = unstructure(letter)
    if letter.logo is None:
        assert "logo" not in data
    else:
        assert data["logo"] == {"file": letter.logo.file, "alt": letter.logo.alt}
        data["logo"]["data"] = (LOGO_FOLDER / letter.logo.file).read_bytes()
    assert structure(data) == letter


@pytest.mark.parametrize("fmt", FORMATS)
@given(letter=letters())
def test_loads_of_dumps_is_identity(fmt: openletter._api.DataFormat, letter: Letter) -> None:
    assert openletter.loads(openletter.dumps(letter, fmt), fmt, base_dir=LOGO_FOLDER) == letter


@pytest.mark.parametrize("fmt", FORMATS)
@given(letter=letters(with_logo=False))
def test_dumps_is_deterministic(fmt: openletter._api.DataFormat, letter: Letter) -> None:
    assert openletter.dumps(letter, fmt) == openletter.dumps(structure(unstructure(letter)), fmt)


@given(letters())
def test_json_export_loads_back_as_the_same_letter(letter: Letter) -> None:
    data = openletter.export(letter, "json")
    assert openletter.loads(data.decode("utf-8"), "json", base_dir=LOGO_FOLDER) == letter
    assert json.loads(data)["title"] == letter.title


@given(letters())
def test_markdown_export_loads_back_as_the_same_letter(letter: Letter) -> None:
    text = openletter.export(letter, "markdown").decode("utf-8")
    assert openletter.loads(text, "markdown", base_dir=LOGO_FOLDER) == letter


@pytest.mark.parametrize("fmt", FORMATS)
def test_example_round_trips_in_every_format(example_letter: Letter, fmt: openletter._api.DataFormat) -> None:
    assert openletter.loads(openletter.dumps(example_letter, fmt), fmt) == example_letter


def test_unstructure_leaves_out_defaults_and_keeps_field_order(example_letter: Letter) -> None:
    data = unstructure(example_letter)
    assert list(data)[:3] == ["title", "language", "date"]
    assert "subtitle" not in data
    assert "kind" not in data["addressees"][0]  # "to" is the default
    assert list(data["demands"][0]) == ["id", "targets", "quote", "text"]
