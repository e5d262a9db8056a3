"""RFC 8785 canonicalization: the RFC's own examples and properties that must always hold."""

from __future__ import annotations

import json
import math
import struct

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from signing.canonical import CanonicalizationError, canonicalize

# RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical serialization.
APPENDIX_B = [
    (0x0000000000000000, "0"),
    (0x8000000000000000, "0"),
    (0x0000000000000001, "5e-324"),
    (0x8000000000000001, "-5e-324"),
    (0x7FEFFFFFFFFFFFFF, "1.7976931348623157e+308"),
    (0xFFEFFFFFFFFFFFFF, "-1.7976931348623157e+308"),
    (0x4340000000000000, "9007199254740992"),
    (0xC340000000000000, "-9007199254740992"),
    (0x4430000000000000, "295147905179352830000"),
    (0x44B52D02C7E14AF5, "9.999999999999997e+22"),
    (0x44B52D02C7E14AF6, "1e+23"),
    (0x44B52D02C7E14AF7, "1.0000000000000001e+23"),
    (0x444B1AE4D6E2EF4E, "999999999999999700000"),
    (0x444B1AE4D6E2EF4F, "999999999999999900000"),
    (0x444B1AE4D6E2EF50, "1e+21"),
    (0x3EB0C6F7A0B5ED8C, "9.999999999999997e-7"),
    (0x3EB0C6F7A0B5ED8D, "0.000001"),
    (0x41B3DE4355555553, "333333333.3333332"),
    (0x41B3DE4355555554, "333333333.33333325"),
    (0x41B3DE4355555555, "333333333.3333333"),
    (0x41B3DE4355555556, "333333333.3333334"),
    (0x41B3DE4355555557, "333333333.33333343"),
    (0xBECBF647612F3696, "-0.0000033333333333333333"),
    (0x43143FF3C1CB0959, "1424953923781206.2"),
]


def _float(bits: int) -> float:
    return struct.unpack(">d", bits.to_bytes(8, "big"))[0]


@pytest.mark.parametrize(("bits", "expected"), APPENDIX_B, ids=[f"{b:016x}" for b, _ in APPENDIX_B])
def test_numbers_serialize_as_rfc_8785_appendix_b(bits, expected):
    assert canonicalize(_float(bits)) == expected.encode()


def test_rfc_8785_section_3_2_2_example_serializes_exactly():
    source = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonicalize(json.loads(source)) == expected.encode("utf-8")


def test_rfc_8785_sorting_example_orders_keys_by_utf16_code_units():
    source = json.loads(
        '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh",'
        ' "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control",'
        ' "\\u00f6": "Latin Small Letter O With Diaeresis"}'
    )
    values = list(json.loads(canonicalize(source)).values())
    assert values == [
        "Carriage Return",
        "One",
        "Control",
        "Latin Small Letter O With Diaeresis",
        "Euro Sign",
        "Emoji: Grinning Face",
        "Hebrew Letter Dalet With Dagesh",
    ]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_rejected(value):
    with pytest.raises(CanonicalizationError, match="NaN and Infinity"):
        canonicalize({"weight": value})


@pytest.mark.parametrize("value", [{"text": "\ud800"}, {"\udfff": 1}, ["a\udc00b"]])
def test_lone_surrogates_are_rejected_in_values_and_keys(value):
    with pytest.raises(CanonicalizationError):
        canonicalize(value)


def test_non_json_types_are_rejected():
    with pytest.raises(CanonicalizationError):
        canonicalize({"when": object()})


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=25,
)


def _reverse_keys(value):
    if isinstance(value, dict):
        return {k: _reverse_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reverse_keys(v) for v in value]
    return value


@given(json_values)
def test_key_order_never_changes_the_bytes(value):
    assert canonicalize(_reverse_keys(value)) == canonicalize(value)


@given(json_values)
def test_whitespace_in_the_source_never_changes_the_bytes(value):
    pretty = json.loads(json.dumps(value, indent=3))
    compact = json.loads(json.dumps(value, separators=(",", ":")))
    assert canonicalize(pretty) == canonicalize(compact) == canonicalize(value)


@given(json_values)
def test_output_is_valid_json_that_round_trips(value):
    canonical = canonicalize(value)
    # JSON has one number type: read every number back as a double, as RFC 8785 does.
    parsed = json.loads(canonical.decode("utf-8"), parse_int=float)
    assert parsed == value
    assert canonicalize(parsed) == canonical


@given(json_values)
def test_the_fast_form_is_the_rfc_8785_library_form(value):
    # Every value: plain ones take json.dumps, the others (floats, non-ASCII keys) the rfc8785 library.
    assert canonicalize(value) == rfc8785.dumps(value)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_control_characters_and_any_text_serialize_as_rfc_8785_in_the_fast_form(text):
    assert canonicalize({"a": text, "b": [text, 1, True, None]}) == rfc8785.dumps(
        {"a": text, "b": [text, 1, True, None]}
    )
