from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenxiao.core.masking import mask_name, mask_phone
from fenxiao.core.money import fen_to_yuan, yuan_to_fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [("12.5", 1250), ("12.50", 1250), ("0.01", 1), ("¥1,299.00", 129900), ("￥3", 300), (" 7 ", 700), (5, 500)],
)
def test_yuan_to_fen_is_exact(text, fen):
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("text", ["12.345", "abc", "", "NaN", "Infinity", "1e-3"])
def test_yuan_to_fen_refuses_what_is_not_a_fen_amount(text):
    with pytest.raises(ValueError):
        yuan_to_fen(text)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_fen_round_trips_through_yuan_text(fen):
    assert yuan_to_fen(fen_to_yuan(fen)) == fen


@pytest.mark.parametrize(("phone", "masked"), [("13812345678", "138****5678"), ("", ""), ("12345", "*****")])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "李*"), ("", "")])
def test_mask_name(name, masked):
    assert mask_name(name) == masked
