"""The distributor centre's orders, commission records, rankings and tier progress through the
API, exact to the fen, as the mini-program sees them.

The chain of the shared fixtures: A (``top``, alice) ← B (``mid``, bob) ← carol (``buyer``).
Default tier 普通 pays level 1 10% and level 2 5%; ``sku`` costs ¥100.00, ``sku2`` ¥33.33, so
carol's order of one of each earns B 1000 + 333 = 1333 fen and A 500 + 166 = 666 fen."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tests.distribution.centre_support import BASE, api_for, body, lines_of, member, refund_line, settle
from tests.distribution.support import make_distributor, paid_order, receive

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CENTRE_ENDPOINTS = ["team", "customers", "orders", "commissions", "rankings", "tier", "withdrawals"]
MEMBER_FIELDS = {"id", "name", "phone", "avatar_url", "bound_at", "is_distributor", "order_count", "sales_fen"}
BANK = {"bank_name": "招商银行", "bank_account_name": "王强", "bank_account_no": "6225880212345678"}


# -- orders and commission records -----------------------------------------------------------


def test_orders_through_me_are_one_row_per_order_masked(mid, top, two_line_order, sku):
    found = body(api_for(mid.user).get(f"{BASE}/orders"))

    assert found["count"] == 1
    row = found["items"][0]
    no = two_line_order.order_no
    assert row["order_no"] == f"{no[:6]}****{no[-4:]}" and no not in json.dumps(found)
    assert row["buyer_name"] == "c****"
    raw = json.dumps(found, ensure_ascii=False)
    assert "order_id" not in row and "深圳市" not in raw and two_line_order.receiver not in raw
    assert (row["goods_title"], row["goods_quantity"]) == (sku.product.title, 2)
    assert row["goods_summary"] == f"{sku.product.title} 等2件"
    assert (row["level"], row["sales_fen"], row["commission_fen"]) == (1, 13_333, 1333)
    assert (row["status"], row["status_label"]) == ("pending", "待结算")
    top_row = body(api_for(top.user).get(f"{BASE}/orders"))["items"][0]
    assert (top_row["level"], top_row["commission_fen"]) == (2, 666)


def test_orders_filter_by_what_happened_to_my_commission(commit, mid, buyer, sku, sku2):
    kept = paid_order(commit, buyer, (sku.id, 1))
    refunded = paid_order(commit, buyer, (sku2.id, 1))
    refund_line(lines_of(refunded)[0], 3_333)
    settle(receive(commit, kept))
    me = api_for(mid.user)

    def numbers(status):
        page = body(me.get(f"{BASE}/orders", {"status": status}))
        return [(r["commission_fen"], r["status"]) for r in page["items"]]

    assert numbers("settled") == [(1000, "settled")]
    assert numbers("cancelled") == [(0, "cancelled")]
    assert numbers("pending") == []
    assert body(me.get(f"{BASE}/orders"))["count"] == 2
    assert me.get(f"{BASE}/orders", {"status": "paid"}).status_code == 422


def test_commission_records_tell_when_they_settle(commit, mid, two_line_order):
    me = api_for(mid.user)

    before = body(me.get(f"{BASE}/commissions"))["items"]
    assert [(r["level"], r["base_fen"], r["rate_bps"], r["amount_fen"], r["net_fen"]) for r in before] == [
        (1, 3_333, 1000, 333, 333),
        (1, 10_000, 1000, 1000, 1000),
    ]
    assert {(r["status_label"], r["settle_after"], r["settle_note"]) for r in before} == {
        ("待结算", None, "确认收货后 7 天结算")
    }

    order = receive(commit, two_line_order)
    received = body(me.get(f"{BASE}/commissions"))["items"]
    expected_day = f"{timezone.localtime(order.received_at + timedelta(days=7)):%Y-%m-%d}"
    assert {r["settle_note"] for r in received} == {f"预计 {expected_day} 结算"}
    assert all(r["settle_after"] is not None for r in received)

    settle(order)
    settled = body(me.get(f"{BASE}/commissions", {"status": "settled"}))
    assert settled["count"] == 2
    assert {(r["status_label"], r["settle_note"]) for r in settled["items"]} == {("已结算", "")}
    assert all(r["settled_at"] for r in settled["items"])
    assert body(me.get(f"{BASE}/commissions", {"status": "pending"}))["count"] == 0


def test_refunds_show_as_reversed_before_settlement_and_clawback_after(commit, mid, two_line_order):
    big, small = lines_of(two_line_order)
    refund_line(big, 2_500)  # a quarter of the ¥100 line before settlement
    order = receive(commit, two_line_order)
    settle(order)
    refund_line(small, 3_333)  # the whole ¥33.33 line after settlement
    me = api_for(mid.user)

    rows = {r["base_fen"]: r for r in body(me.get(f"{BASE}/commissions"))["items"]}

    assert (rows[10_000]["reversed_fen"], rows[10_000]["clawback_fen"], rows[10_000]["net_fen"]) == (250, 0, 750)
    assert rows[10_000]["refunded_base_fen"] == 2_500
    assert (rows[3_333]["reversed_fen"], rows[3_333]["clawback_fen"], rows[3_333]["net_fen"]) == (0, 333, 0)
    assert rows[3_333]["status"] == "settled"
    order_row = body(me.get(f"{BASE}/orders"))["items"][0]
    assert (order_row["commission_fen"], order_row["sales_fen"]) == (750, 7_500)
    assert body(me.get(f"{BASE}/me"))["balances"]["available_fen"] == 750


# -- rankings and tier -----------------------------------------------------------------------


def test_rankings_name_no_one_and_place_me(commit, top, mid, buyer, sku, sku2):
    with time_machine.travel("2024-05-15 10:00 +0800", tick=False):
        paid_order(commit, buyer, (sku.id, 1))  # B 1000, A 500
        rival = make_distributor("rival", real_name="孙七")
        paid_order(commit, member("孙的客户", under=rival), (sku.id, 3))  # rival 3000
        me = api_for(mid.user)

        board = body(me.get(f"{BASE}/rankings", {"period": "week", "by": "commission"}))

    assert [(e["rank"], e["name"], e["figure_fen"], e["is_me"]) for e in board["entries"]] == [
        (1, "r****", 3000, False),
        (2, "b**", 1000, True),
        (3, "a****", 500, False),
    ]
    assert (board["my_rank"], board["my_figure_fen"]) == (2, 1000)
    assert parse_datetime(board["start"]) == datetime(2024, 5, 13, tzinfo=SHANGHAI)  # Monday, local time
    assert parse_datetime(board["end"]) == datetime(2024, 5, 20, tzinfo=SHANGHAI)
    raw = json.dumps(board, ensure_ascii=False)
    assert rival.code not in raw and mid.code not in raw and "孙七" not in raw


def test_rankings_by_sales_count_only_level_one_and_only_this_period(commit, top, mid, buyer, sku):
    with time_machine.travel("2024-04-30 23:30 +0800", tick=False):
        paid_order(commit, buyer, (sku.id, 5))  # last month
    with time_machine.travel("2024-05-01 00:10 +0800", tick=False):
        paid_order(commit, buyer, (sku.id, 1))
        top_board = body(api_for(top.user).get(f"{BASE}/rankings", {"period": "month", "by": "sales"}))
        mid_board = body(api_for(mid.user).get(f"{BASE}/rankings", {"period": "month", "by": "sales"}))

    assert [(e["name"], e["figure_fen"]) for e in mid_board["entries"]] == [("b**", 10_000)]
    assert (mid_board["my_rank"], mid_board["my_figure_fen"]) == (1, 10_000)
    assert (top_board["my_rank"], top_board["my_figure_fen"]) == (None, 0)


def test_tier_shows_what_is_left_and_that_recruiting_never_counts(commit, mid, buyer, sku):
    for name in ("甲", "乙"):
        member(name, under=mid)  # recruits: they change nothing below
    settle(receive(commit, paid_order(commit, buyer, (sku.id, 3))))

    found = body(api_for(mid.user).get(f"{BASE}/tier"))

    assert found["current"]["name"] == "普通" and found["next"]["name"] == "银牌"
    assert found["progress"] == {"sales_fen": 30_000, "customers": 1, "orders": 1}
    assert found["remaining"] == {"sales_fen": 70_000, "customers": 4, "orders": 9}
    assert [t["name"] for t in found["tiers"]] == ["普通", "银牌", "金牌"]
    assert found["next"]["rates_bps"] == [1200, 600, 0]
    assert "不计入" in found["note"] and "下级" in found["note"]
