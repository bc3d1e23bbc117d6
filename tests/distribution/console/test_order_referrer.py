"""The orders list shows each order's referring distributor, and the commission list the
distributor's name: both from what distribution recorded, on one query per page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fenxiao.distribution.models import Referral
from fenxiao.distribution.network.binding import referral_bind
from tests.catalog_factories import SkuFactory
from tests.distribution.console.support import listed, make_distributor
from tests.distribution.support import paid_order
from tests.factories import UserFactory
from tests.order_support import address_for, place_order

pytestmark = pytest.mark.django_db

ORDERS = reverse("admin:orders_order_changelist")
COMMISSIONS = reverse("admin:distribution_commissionrecord_changelist")


def shopper(nickname: str, *, under=None):
    user = UserFactory(nickname=nickname)
    address_for(user)
    if under is not None:
        referral_bind(user_id=user.id, code=under.code, source="link")
    return user


def referrer_cell(html: str, order) -> str:
    """The 推荐分销商 cell of ``order``'s row."""
    row = html[html.index(order.order_no) :]
    start = row.index('<td class="field-referrer">') + len('<td class="field-referrer">')
    return row[start : row.index("</td>", start)]


def test_the_order_list_names_the_level1_referrer_the_order_snapshotted(console, commit):
    # given 王芳 (real name) over 李雷 (no real name, nickname 雷雷), and a shopper bound to 李雷
    boss = make_distributor(real_name="王芳", phone="13800000001")
    lei = make_distributor(real_name="", phone="13800000002", nickname="雷雷")
    referral_bind(user_id=lei.user_id, code=boss.code, source="link")
    sku = SkuFactory(price_fen=5_000, stock=100)
    buyer = shopper("顾客乙", under=lei)
    through_lei = paid_order(commit, buyer, (sku.id, 1))
    direct = paid_order(commit, shopper("路人丙"), (sku.id, 1))
    # and a later order placed directly by 王芳's own customer
    via_boss = paid_order(commit, shopper("顾客丁", under=boss), (sku.id, 1))

    # when the operator opens the orders list
    html = console.get(ORDERS).content.decode()

    # then each order shows its level-1 distributor by name (real name, else nickname), linked
    lei_link = reverse("admin:distribution_distributor_change", args=[lei.pk])
    assert f'<a href="{lei_link}">雷雷</a>' in referrer_cell(html, through_lei)
    assert ">王芳</a>" in referrer_cell(html, via_boss)
    assert referrer_cell(html, direct) == "-"
    assert "推荐分销商" in html


def test_the_referrer_is_the_snapshot_not_todays_binding(console, commit):
    # given an order placed through 甲, whose customer later moved to 乙 (an operator rebinding)
    first = make_distributor(real_name="甲某", phone="13800000003")
    second = make_distributor(real_name="乙某", phone="13800000004")
    buyer = shopper("顾客戊", under=first)
    order = paid_order(commit, buyer, (SkuFactory(price_fen=5_000, stock=10).id, 1))
    Referral.objects.filter(user_id=buyer.id).update(distributor=second)

    # then the list still names who the order was placed through
    assert ">甲某</a>" in referrer_cell(console.get(ORDERS).content.decode(), order)


def test_the_order_list_is_one_query_per_page_however_many_referred_orders(console, commit):
    seller = make_distributor(real_name="赵敏", phone="13800000005")
    sku = SkuFactory(price_fen=5_000, stock=100)
    paid_order(commit, shopper("顾客1", under=seller), (sku.id, 1))
    with CaptureQueriesContext(connection) as one:
        assert len(listed(console.get(ORDERS))) == 1

    for n in range(4):
        other = make_distributor(real_name=f"分销{n}", phone=f"1390000001{n}")
        paid_order(commit, shopper(f"顾客{n + 2}", under=other), (sku.id, 1))
    place_order(shopper("未付款"), (sku.id, 1))
    with CaptureQueriesContext(connection) as six:
        assert len(listed(console.get(ORDERS))) == 6

    assert len(six) == len(one)


def test_ordering_by_referrer_sorts_by_name(console, commit):
    sku = SkuFactory(price_fen=5_000, stock=100)
    for n, name in enumerate(["a分销", "b分销"]):  # the newest first by default: b, a
        seller = make_distributor(real_name=name, phone=f"1370000000{n}")
        paid_order(commit, shopper(f"买家{n}", under=seller), (sku.id, 1))
    column = list(console.get(ORDERS).context["cl"].list_display).index("referrer")

    assert [r.referrer_name for r in console.get(ORDERS).context["cl"].result_list] == ["b分销", "a分销"]

    rows = console.get(ORDERS, {"o": str(column)}).context["cl"].result_list

    assert [r.referrer_name for r in rows] == ["a分销", "b分销"]


def test_the_commission_list_names_the_distributor(console, commit):
    # given commission for 王芳 (real name) and for a distributor known only by nickname
    boss = make_distributor(real_name="王芳", phone="13800000006")
    lei = make_distributor(real_name="", phone="13800000007", nickname="雷雷")
    referral_bind(user_id=lei.user_id, code=boss.code, source="link")
    paid_order(commit, shopper("顾客己", under=lei), (SkuFactory(price_fen=10_000, stock=10).id, 1))

    with CaptureQueriesContext(connection) as queries:
        response = console.get(COMMISSIONS)

    html = response.content.decode()
    assert len(listed(response)) == 2
    assert ">王芳</a>" in html and ">雷雷</a>" in html and boss.code in html and lei.code in html
    assert len(queries) < 15  # one page, not one query per row
    assert len(listed(console.get(COMMISSIONS, {"q": "王芳"}))) == 1
