"""Yuan and percentages typed by people are plain decimal text: exponents, NaN/Infinity, non-ASCII
digits other than full-width ones, and over-long numbers are refused with the ``ValueError`` every
caller already turns into a form error or a 400 page, and refused before anything is expanded
("1e500000" once cost 6.5 s)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from fenxiao.core import money
from fenxiao.core.money import DecimalTextError, scale_decimal_text, yuan_to_fen
from fenxiao.distribution.admin.forms import PercentField, YuanField, percent_to_bps

HOSTILE = [
    "1e999999",
    "1e500000",
    "-1e999999",
    "1E2",
    "1e-3",
    "NaN",
    "nan",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1_000",
    "²",
    "١٢",
    "1.2.3",
    "-",
    ".",
    "+-1",
    "0x10",
    "1 2",
    "9" * 13,  # thirteen digits of yuan
    "1" + "0" * 12 + ".00",
    "0." + "0" * 100,  # over-long even though it is zero
    "9" * 1_000_000,
]


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("12.5", 1250),
        ("12.50", 1250),
        ("12.500", 1250),  # trailing zeros are not sub-fen digits
        (".5", 50),
        ("3.", 300),
        ("+3", 300),
        ("-3.01", -301),  # the sign passes through: callers name the rule ("不能为负数")
        ("0012", 1200),
        ("¥1,299.00", 129_900),
        ("１２．５", 1250),  # full-width, as a Chinese keyboard types it
        ("￥１，２９９", 129_900),
        ("9" * 12 + ".99", 10**14 - 1),  # twelve digits of yuan is the most
        ("000" + "9" * 12, (10**12 - 1) * 100),  # leading zeros do not count
        (Decimal("12.5"), 1250),
        (Decimal("1E+3"), 100_000),
        (7, 700),
    ],
)
def test_plain_amounts_are_read_exactly(text, fen):
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("text", HOSTILE)
def test_yuan_to_fen_refuses_what_is_not_plain_decimal_text(text):
    with pytest.raises(ValueError, match=r"^金额(格式不正确|超出范围|最多两位小数)") as caught:
        yuan_to_fen(text)
    assert len(str(caught.value)) < 80  # a megabyte of input is not echoed back into the page


@pytest.mark.parametrize("text", ["12.345", "0.001", "1.0000001"])
def test_sub_fen_digits_are_named(text):
    with pytest.raises(ValueError, match="金额最多两位小数"):
        yuan_to_fen(text)


def test_too_many_digits_of_yuan_is_out_of_range():
    with pytest.raises(ValueError, match="金额超出范围"):
        yuan_to_fen("1" + "0" * 12)


@pytest.mark.parametrize("value", [Decimal("1E+500000"), Decimal("NaN"), Decimal("-Infinity"), Decimal("1E+12")])
def test_decimal_values_are_bounded_before_any_arithmetic(value):
    with pytest.raises(ValueError, match="金额格式不正确"):
        yuan_to_fen(value)


class _NoDecimal(Decimal):
    def __new__(cls, *args, **kwargs):
        raise AssertionError("text must be refused before a Decimal is built")


@pytest.mark.parametrize("text", ["1e500000", "1e999999", "9" * 1_000_000, "NaN"])
def test_hostile_text_is_refused_without_building_a_number(monkeypatch, text):
    """By construction, not by timing: text is matched against a short plain-decimal pattern
    (after a length check) and no Decimal or huge int is ever built from it."""
    monkeypatch.setattr(money, "Decimal", _NoDecimal)
    with pytest.raises(ValueError):
        yuan_to_fen(text)
    with pytest.raises(DecimalTextError) as caught:
        scale_decimal_text(text, places=2)
    assert caught.value.kind == "format"


@given(st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1))
def test_every_twelve_digit_amount_round_trips(fen):
    assert yuan_to_fen(money.fen_to_yuan(fen)) == fen


@pytest.mark.parametrize(
    ("text", "bps"), [("12.5", 1250), ("12.5%", 1250), (" 3 % ", 300), ("0.01", 1), ("-1", -100), ("10.50", 1050)]
)
def test_percent_to_bps_reads_plain_percentages(text, bps):
    assert percent_to_bps(text) == bps


@pytest.mark.parametrize("text", [*HOSTILE, "12.345", "", "%"])
def test_percent_to_bps_refuses_what_is_not_plain_decimal_text(text):
    with pytest.raises(ValueError, match=r"^比例(格式不正确|超出范围|最多两位小数)"):
        percent_to_bps(text)


@pytest.mark.parametrize("text", ["1e999999", "1e500000", "NaN", "Infinity", "²"])
def test_admin_yuan_and_percent_fields_show_a_form_error(text):
    for field in (YuanField(), PercentField()):
        with pytest.raises(forms.ValidationError):
            field.clean(text)
