"""The rules seckill and group-buy activities share (``promotions.activities.rules``): pure
pieces, tested without a database on worked examples. The kinds' own lists of problems (with
the SKU looked up) are tested through the operator API and the admin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from fenxiao.promotions.activities import rules

START = datetime(2027, 1, 1, tzinfo=UTC)
END = START + timedelta(hours=2)


def draft(**overrides: object) -> SimpleNamespace:
    fields = {
        "pk": None,
        "name": "限时秒杀",
        "sku_id": 1,
        "starts_at": START,
        "ends_at": END,
        "payment_minutes": 15,
        "commission_allowed": False,
        "status": "active",
    }
    return SimpleNamespace(**(fields | overrides))


@pytest.mark.parametrize(
    ("price_fen", "sale_price_fen", "expected"),
    [
        (900, 1000, []),
        (1000, 1000, []),  # at the sale price: no discount, still allowed
        (0, 1000, []),
        (1001, 1000, ["秒杀价不能高于售价"]),
        (-1, 1000, ["秒杀价不能为负"]),
        (None, 1000, ["秒杀价不能为负"]),
        (5000, None, []),  # the SKU is unknown: only its own problem is reported
        (-1, None, ["秒杀价不能为负"]),
    ],
)
def test_a_promotional_price_is_never_negative_nor_above_the_sale_price(price_fen, sale_price_fen, expected):
    assert rules.price_problems(label="秒杀价", price_fen=price_fen, sale_price_fen=sale_price_fen) == expected


def test_the_price_label_names_the_kind_in_the_message():
    assert rules.price_problems(label="拼团价", price_fen=2, sale_price_fen=1) == ["拼团价不能高于售价"]


@pytest.mark.parametrize(("sale_price_fen", "expected"), [(None, ["SKU 不存在"]), (0, []), (1000, [])])
def test_an_unknown_sku_is_a_problem(sale_price_fen, expected):
    assert rules.sku_problems(sale_price_fen) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("秒杀", []), ("", ["请填写活动名称"]), ("   ", ["请填写活动名称"]), (None, ["请填写活动名称"])],
)
def test_an_activity_needs_a_name(name, expected):
    assert rules.name_problems(draft(name=name)) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"), [(1, []), (1440, []), (0, ["支付时限至少为 1 分钟"]), (None, ["支付时限至少为 1 分钟"])]
)
def test_the_payment_window_is_at_least_a_minute(minutes, expected):
    assert rules.payment_minutes_problems(draft(payment_minutes=minutes)) == expected


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, []),
        ({"ends_at": START}, ["结束时间必须晚于开始时间"]),
        ({"ends_at": START - timedelta(minutes=1)}, ["结束时间必须晚于开始时间"]),
        ({"starts_at": None}, ["结束时间必须晚于开始时间"]),
        ({"ends_at": datetime(2027, 1, 2)}, ["开始和结束时间须带时区"]),  # naive: its zone is unknown
        ({"commission_allowed": None}, ["请选择是否参与分销佣金"]),
        ({"commission_allowed": True}, []),
        ({"ends_at": None, "commission_allowed": None}, ["结束时间必须晚于开始时间", "请选择是否参与分销佣金"]),
    ],
)
def test_the_window_and_the_commission_choice_come_last(overrides, expected):
    assert rules.window_and_commission_problems(draft(**overrides)) == expected


@pytest.mark.parametrize(
    ("paused", "now", "exhausted", "expected"),
    [
        (False, START - timedelta(seconds=1), None, "upcoming"),
        (False, START, None, "on_sale"),
        (False, END - timedelta(seconds=1), None, "on_sale"),
        (False, END, None, "ended"),
        (False, START, "sold_out", "sold_out"),
        (False, START, "full", "full"),
        # Paused wins over everything; a window not open yet or closed wins over exhaustion.
        (True, START, "sold_out", "paused"),
        (True, END, None, "paused"),
        (False, START - timedelta(seconds=1), "sold_out", "upcoming"),
        (False, END, "full", "ended"),
    ],
)
def test_what_the_shopper_is_shown(paused, now, exhausted, expected):
    state = rules.window_state(paused=paused, starts_at=START, ends_at=END, now=now, exhausted=exhausted)
    assert state == expected
