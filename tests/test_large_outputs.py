"""The fast writers behind the outputs of letters with very many signatories write exactly what
the slow, obvious ones write: the same bytes, for any data."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openletter.jsontext import dumps

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["</script>", "\u2028", '"\\', "\x00\x1f", "é漢字", "\ud800"])
)
_KEYS = st.text(max_size=6) | st.sampled_from(["@id", "name", "@type"])
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.tuples(inner, inner) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_indented_json_is_the_standard_librarys_text(data: object) -> None:
    assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2)


@pytest.mark.parametrize(
    "data",
    [
        {1: "a", "b": [True, None]},  # keys that are not strings: the standard library writes them
        {"x": {None: 1.5, 2.5: "y"}},
        [math.inf, -math.inf, math.nan, 10**30, -0.0],
        {"when": dt.date(2024, 6, 8), "list": (dt.date(2020, 1, 2),)},
    ],
)
def test_indented_json_of_unusual_values_is_the_standard_librarys_text(data: object) -> None:
    def iso(value: object) -> str:
        assert isinstance(value, dt.date)
        return value.isoformat()

    assert dumps(data, default=iso) == json.dumps(data, ensure_ascii=False, indent=2, default=iso)


def test_indented_json_refuses_what_the_standard_library_refuses() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps({"a": {1, 2}})


def test_indented_json_of_a_long_list_is_the_standard_librarys_text() -> None:
    data = {"people": [{"@id": f"_:p{n}", "name": f"Person {n}", "roles": [n, {"x": None}]} for n in range(20000)]}
    assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2)
