"""The distributor's insights through the API: every figure equals a recomputation from the raw
orders, bindings and opens of a built week; only my own attributed orders count; who may ask.

The week: now is Monday 2024-05-20 12:00 (Shanghai), so ``days=7`` reads 05-14 .. 05-20. B (bob,
``mid``) brought carol (bound before the window, bought before it too), dave (bound in the window,
first order in it, one unit refunded, a later order refunded in full), gina (bought the evening
before the window and again just after midnight) and frank (bound in the window, never paid).
erin belongs to another distributor. ``sku`` is ¥100.00, ``sku2`` ¥33.33; tier 普通 pays level 1
10%."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import F

from fenxiao.accounts.models import Address
from fenxiao.distribution.models import CommissionRecord, OrderReferral, Referral, ShareOpen
from fenxiao.distribution.network.enrolment import distributor_suspend
from fenxiao.orders.models import Order, OrderLine, OrderStatus
from tests.distribution.centre_support import BASE, api_for, body, member
from tests.distribution.support import make_distributor, make_user, paid_order
from tests.factories import StaffUserFactory
from tests.order_support import place_order
from tests.support import HOME_ADDRESS, Api, assert_error

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 5, 20, 12, 0, tzinfo=SHANGHAI)
WINDOW_START = datetime(2024, 5, 14, tzinfo=SHANGHAI)


def at(text: str):
    return time_machine.travel(datetime.fromisoformat(text).replace(tzinfo=SHANGHAI), tick=False)


def refund_units(order: Order, line: OrderLine, units: int) -> None:
    """What an approved after-sale leaves on the rows: units and money back on line and order."""
    fen = line.unit_price_fen * units
    OrderLine.objects.filter(pk=line.pk).update(
        refunded_quantity=F("refunded_quantity") + units, refunded_fen=F("refunded_fen") + fen
    )
    Order.objects.filter(pk=order.pk).update(refunded_fen=F("refunded_fen") + fen)


def refund_in_full(order: Order) -> None:
    OrderLine.objects.filter(order=order).update(refunded_quantity=F("quantity"), refunded_fen=F("paid_fen"))
    Order.objects.filter(pk=order.pk).update(refunded_fen=F("paid_fen"), status=OrderStatus.CLOSED)


@pytest.fixture
def week(commit, top, mid, sku, sku2):
    other = make_distributor("olga")
    with at("2024-04-30 09:00"):
        carol = member("carol", under=mid)
    with at("2024-05-01 09:00"):
        paid_order(commit, carol, (sku.id, 1))
    with at("2024-05-13 08:00"):
        gina = member("gina", under=mid)
        erin = member("erin", under=other)
    with at("2024-05-13 23:30"):
        paid_order(commit, gina, (sku2.id, 1))
    with at("2024-05-14 00:10"):
        paid_order(commit, gina, (sku2.id, 1))
    with at("2024-05-15 10:30"):
        paid_order(commit, carol, (sku.id, 2))
    with at("2024-05-16 21:00"):
        dave = member("dave", under=mid)
    with at("2024-05-16 21:45"):
        zhejiang = Address.objects.create(user=dave, **{**HOME_ADDRESS, "province": "浙江省"})
        first = paid_order(commit, dave, (sku.id, 1), (sku2.id, 4), address=zhejiang)
        refund_units(first, OrderLine.objects.get(order=first, sku=sku2), 1)
    with at("2024-05-17 10:00"):
        paid_order(commit, erin, (sku.id, 5))
    with at("2024-05-18 21:10"):
        paid_order(commit, carol, (sku2.id, 1))
    with at("2024-05-19 08:05"):
        refund_in_full(paid_order(commit, dave, (sku.id, 1)))
        frank = member("frank", under=mid)
        with commit():
            place_order(frank, (sku.id, 1))  # never paid
    opens = Api()
    for when, code, channel in [
        ("2024-05-10 10:00", mid.code, "share"),  # before the window
        ("2024-05-15 10:05", mid.code, "share"),
        ("2024-05-15 10:20", mid.code, "share"),
        ("2024-05-15 20:59", mid.code, "scene"),
        ("2024-05-16 21:00", mid.code, "poster"),
        ("2024-05-16 21:00", other.code, "share"),
    ]:
        with at(when):
            body(opens.post(f"{BASE}/opens", {"code": code, "channel": channel}))
    return {"other": other, "carol": carol, "dave": dave, "gina": gina, "erin": erin, "frank": frank}


# -- an independent recomputation, straight from the docstrings' definitions ------------------


def recompute(distributor_id: int) -> dict:
    end = WINDOW_START + timedelta(days=7)
    chains = dict(OrderReferral.objects.values_list("order_id", "chain"))
    paid = [o for o in Order.objects.all() if o.paid_at is not None]
    counted = [
        o
        for o in paid
        if WINDOW_START <= o.paid_at < end
        and o.status not in (OrderStatus.CLOSED, OrderStatus.CANCELLED)
        and (chains.get(o.id) or [None])[0] == distributor_id
    ]
    per_buyer = Counter(o.buyer_id for o in counted)
    buyers = len(per_buyer)
    returning = sum(1 for b in per_buyer if any(o.buyer_id == b and o.paid_at < WINDOW_START for o in paid))
    gmv = sum(o.paid_fen - o.refunded_fen for o in counted)
    repeat = sum(1 for n in per_buyer.values() if n >= 2)
    first = sum(1 for o in counted if not any(p.buyer_id == o.buyer_id and p.paid_at < o.paid_at for p in paid))
    hours, weekdays = [0] * 24, [0] * 7
    for o in counted:
        local = o.paid_at.astimezone(SHANGHAI)
        hours[local.hour] += 1
        weekdays[local.weekday()] += 1
    units: dict[int, int] = defaultdict(int)
    for line in OrderLine.objects.filter(order__in=counted):
        units[line.product_id] += line.quantity - line.refunded_quantity
    opens = ShareOpen.objects.filter(distributor_id=distributor_id, day__gte=WINDOW_START.date())
    bindings = Referral.objects.filter(distributor_id=distributor_id, bound_at__gte=WINDOW_START, bound_at__lt=end)
    return {
        "buyers": buyers,
        "returning": returning,
        "gmv": gmv,
        "per_buyer": (2 * gmv + buyers) // (2 * buyers) if buyers else 0,
        "repeat": repeat,
        "orders": len(counted),
        "first": first,
        "hours": hours,
        "weekdays": weekdays,
        "units": dict(units),
        "opens": sum(o.opens for o in opens),
        "bindings": bindings.count(),
    }


def insights(user, days=7) -> dict:
    with time_machine.travel(NOW, tick=False):
        return body(api_for(user).get(f"{BASE}/insights", {"days": days}))


# -- the figures ---------------------------------------------------------------------------------


def test_customers_and_times_equal_the_recomputation(week, mid):
    found = insights(mid.user)
    expected = recompute(mid.id)

    assert found["window"] == {"days": 7, "first_day": "2024-05-14", "last_day": "2024-05-20"}
    customers = found["customers"]
    # carol (B, C), dave (D; E was refunded in full) and gina (just after midnight): 4 orders.
    assert (customers["buyers"], customers["orders"]) == (3, 4) == (expected["buyers"], expected["orders"])
    assert (customers["new_buyers"], customers["returning_buyers"]) == (1, 2)
    assert customers["returning_buyers"] == expected["returning"]
    assert customers["gmv_fen"] == expected["gmv"]
    assert customers["per_buyer_fen"] == expected["per_buyer"]
    assert (customers["repeat_buyers"], customers["repurchase_bps"]) == (1, 3333)
    assert customers["provinces"] == [{"province": "广东省", "orders": 3}, {"province": "浙江省", "orders": 1}]
    when = found["when"]
    assert when["orders_by_hour"] == expected["hours"]
    assert [h for h, n in enumerate(when["orders_by_hour"]) if n] == [0, 10, 21]
    assert when["orders_by_weekday"] == expected["weekdays"] == [0, 1, 1, 1, 0, 1, 0]


def test_products_rank_net_units_with_my_commission_per_unit(week, mid, sku, sku2):
    found = insights(mid.user)["products"]
    expected = recompute(mid.id)["units"]

    mine = [(p["product_id"], p["units"], p["orders"], p["commission_per_unit_fen"]) for p in found["mine"]]
    # sku2: gina 1 + carol 1 + dave 4 less 1 refunded; sku: carol 2 + dave 1.
    assert mine == [(sku2.product_id, 5, 3, 333), (sku.product_id, 3, 2, 1000)]
    assert {pid: units for pid, units, _, _ in mine} == expected
    shop = [(p["product_id"], p["units"]) for p in found["shop"]]
    # The whole shop in the window adds erin's 5 units of sku (another distributor's customer).
    assert shop == [(sku.product_id, 8), (sku2.product_id, 5)]
    assert found["shop"][0]["title"] == sku.product.title


def test_my_commission_per_unit_is_what_one_unit_really_earns(commit, mid, sku2):
    buyer = member("hugo", under=mid)
    paid_order(commit, buyer, (sku2.id, 1))
    earned = CommissionRecord.objects.get(distributor=mid, level=1).amount_fen

    shown = body(api_for(mid.user).get(f"{BASE}/insights"))["products"]["mine"][0]

    assert shown["commission_per_unit_fen"] == earned == 333


def test_funnel_from_opens_to_repeat_orders(week, mid):
    found = insights(mid.user)["funnel"]
    expected = recompute(mid.id)

    steps = [(s["key"], s["label"], s["count"], s["rate_bps"]) for s in found]
    assert steps == [
        ("opens", "打开", 4, None),
        ("bindings", "绑定", 2, 5000),
        ("first_orders", "首单", 1, 5000),
        ("repeat_orders", "复购", 3, None),
    ]
    assert (expected["opens"], expected["bindings"], expected["first"]) == (4, 2, 1)
    assert expected["orders"] - expected["first"] == 3


def test_opens_by_hour_weekday_and_channel(week, mid):
    when = insights(mid.user)["when"]

    assert when["opens_by_hour"][10] == 2 and when["opens_by_hour"][20] == 1 and when["opens_by_hour"][21] == 1
    assert sum(when["opens_by_hour"]) == 4
    assert when["opens_by_weekday"] == [0, 0, 3, 1, 0, 0, 0]  # Wednesday, Thursday
    assert when["opens_by_channel"] == {"link": 0, "share": 2, "scene": 1, "poster": 1}


# -- whose figures ---------------------------------------------------------------------------


def test_another_distributors_orders_are_never_counted(week, top, mid):
    other = insights(week["other"].user)
    assert (other["customers"]["buyers"], other["customers"]["orders"]) == (1, 1)  # erin only
    assert other["funnel"][0]["count"] == 1
    assert [(p["units"]) for p in other["products"]["mine"]] == [5]
    # A earns level 2 on B's customers: none of them is A's own.
    upline = insights(top.user)
    assert upline["customers"]["orders"] == 0 and upline["products"]["mine"] == []
    assert upline["when"]["orders_by_hour"] == [0] * 24
    assert upline["customers"]["per_buyer_fen"] == 0 and upline["customers"]["repurchase_bps"] == 0


def test_only_an_active_distributor_has_insights(mid):
    assert_error(api_for(make_user("路人")).get(f"{BASE}/insights"), 403, "NOT_A_DISTRIBUTOR")
    assert_error(Api().get(f"{BASE}/insights"), 401, "UNAUTHORIZED")
    distributor_suspend(distributor_id=mid.id, actor_id=StaffUserFactory().id, reason="测试")
    assert_error(api_for(mid.user).get(f"{BASE}/insights"), 403, "DIST_SUSPENDED")


@pytest.mark.parametrize("days", ["14", "0", "abc", "-7", "", "9" * 30])
def test_a_window_other_than_7_30_or_90_days_is_refused(mid, days):
    found = assert_error(api_for(mid.user).get(f"{BASE}/insights", {"days": days}), 422, "VALIDATION_ERROR")
    assert found["field"] == "days"


@pytest.mark.parametrize("days", [7, 30, 90])
def test_each_window_reads_its_own_days(mid, days):
    with time_machine.travel(NOW, tick=False):
        found = body(api_for(mid.user).get(f"{BASE}/insights", {"days": days}))
    first = (NOW - timedelta(days=days - 1)).date().isoformat()
    assert found["window"] == {"days": days, "first_day": first, "last_day": "2024-05-20"}


# -- recording opens ---------------------------------------------------------------------------


def test_an_open_is_counted_per_local_hour_and_channel(mid):
    anonymous = Api()
    with at("2024-05-15 23:59"):
        for _ in range(3):
            assert body(anonymous.post(f"{BASE}/opens", {"code": mid.code.lower(), "channel": "poster"})) == {
                "counted": True
            }
    with at("2024-05-16 00:00"):
        body(api_for(make_user("ivy")).post(f"{BASE}/opens", {"code": mid.code}))

    rows = sorted(ShareOpen.objects.values_list("day", "hour", "channel", "opens"))
    assert [(d.isoformat(), h, c, n) for d, h, c, n in rows] == [
        ("2024-05-15", 23, "poster", 3),
        ("2024-05-16", 0, "share", 1),
    ]


def test_an_unknown_or_suspended_code_counts_nothing(mid):
    assert_error(Api().post(f"{BASE}/opens", {"code": "NOSUCH", "channel": "link"}), 404, "DIST_CODE_NOT_FOUND")
    distributor_suspend(distributor_id=mid.id, actor_id=StaffUserFactory().id, reason="测试")
    assert_error(Api().post(f"{BASE}/opens", {"code": mid.code}), 404, "DIST_CODE_NOT_FOUND")
    assert not ShareOpen.objects.exists()


@pytest.mark.parametrize(
    "payload", [{"code": "A B"}, {"code": ""}, {"code": "X" * 17}, {"code": "ABC", "channel": "email"}, {}]
)
def test_a_malformed_open_is_refused(mid, payload):
    assert_error(Api().post(f"{BASE}/opens", payload), 422, "VALIDATION_ERROR")
    assert not ShareOpen.objects.exists()


def test_opens_from_one_address_are_throttled(mid):
    anonymous = Api()
    answers = [anonymous.post(f"{BASE}/opens", {"code": mid.code}).status_code for _ in range(31)]

    assert answers[:30] == [200] * 30
    assert_error(anonymous.post(f"{BASE}/opens", {"code": mid.code}), 429, "THROTTLED")
    assert ShareOpen.objects.get().opens == 30
