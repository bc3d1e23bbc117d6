"""数据洞察 in H5: an arrival through ``?ref=`` counts one open per visitor per code per local day,
and the distributor's insights page shows its four sections with the figures of the API."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from fenxiao.distribution.models import ShareOpen
from fenxiao.distribution.network.enrolment import distributor_suspend
from tests.catalog_factories import SkuFactory
from tests.distribution.centre_support import member
from tests.distribution.support import make_distributor, make_user, paid_order

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str):
    return time_machine.travel(datetime.fromisoformat(text).replace(tzinfo=SHANGHAI), tick=False)


def opens_of(distributor) -> list[tuple[str, int, str, int]]:
    rows = ShareOpen.objects.filter(distributor=distributor).order_by("day", "hour")
    return [(r.day.isoformat(), r.hour, r.channel, r.opens) for r in rows]


@pytest.fixture
def dina(db):
    return make_distributor("dina", real_name="丁娜")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- opens from ?ref= ------------------------------------------------------------------------


def test_a_visitor_arriving_through_a_link_counts_once_a_day(dina):
    visitor = Client()
    with at("2024-05-15 09:30"):
        assert visitor.get(f"/?ref={dina.code}").status_code == 200
        visitor.get(f"/?ref={dina.code}")  # a refresh
        visitor.get(f"/search/?ref={dina.code.lower()}")  # another page, same share
    with at("2024-05-15 22:00"):
        Client().get(f"/?ref={dina.code}")  # another visitor
        visitor.get(f"/?ref={dina.code}")
    with at("2024-05-16 08:00"):
        visitor.get(f"/?ref={dina.code}")  # a new day

    assert opens_of(dina) == [("2024-05-15", 9, "link", 1), ("2024-05-15", 22, "link", 1), ("2024-05-16", 8, "link", 1)]


def test_a_signed_in_shopper_counts_too_and_each_code_once(dina):
    other = make_distributor("olga")
    shopper = client_for(make_user("ivy"))
    with at("2024-05-15 09:30"):
        shopper.get(f"/?ref={dina.code}")
        shopper.get(f"/?ref={other.code}")
        shopper.get(f"/?ref={dina.code}")

    assert opens_of(dina) == [("2024-05-15", 9, "link", 1)]
    assert opens_of(other) == [("2024-05-15", 9, "link", 1)]


def test_an_unknown_code_counts_nothing_and_never_breaks_the_page(dina):
    assert Client().get("/?ref=NOSUCHCODE").status_code == 200
    assert Client().get("/api/v1/health?ref=" + dina.code).status_code in (200, 503)
    assert not ShareOpen.objects.exists()


# -- the page ----------------------------------------------------------------------------------


@pytest.fixture
def sold(commit, dina):
    """One customer bought two units of a ¥120 product through dina at 20:15; her link was opened."""
    sku = SkuFactory(price_fen=12_000, stock=10, product__title="山茶花精华")
    with at("2024-05-15 20:00"):
        Client().get(f"/?ref={dina.code}")
        buyer = member("欧阳娜娜", under=dina, phone="13912345678")
    with at("2024-05-15 20:15"):
        paid_order(commit, buyer, (sku.id, 2))
    return buyer


def test_the_insights_page_shows_its_four_sections(dina, sold):
    with at("2024-05-20 12:00"):
        page = client_for(dina.user).get(reverse("storefront:centre_insights"), {"days": 7})
    body = page.content.decode()

    assert page.status_code == 200
    for section in ("insights-products", "insights-when", "insights-customers", "insights-funnel"):
        assert f'id="{section}"' in body
    assert "山茶花精华" in body and "2 件 · 1 单" in body and "¥12.00" in body  # 10% of ¥120 a unit
    assert 'class="on" data-days="7"' in body
    assert "<b>20:00</b>" in body  # the busiest hour to share
    assert 'id="insights-buyers">1<' in body and 'id="insights-per-buyer">240.00<' in body
    assert "欧阳" not in body and "13912345678" not in body  # aggregates only
    assert 'style="width: 100%"' in body


def test_an_unknown_window_falls_back_to_thirty_days(dina):
    body = client_for(dina.user).get(reverse("storefront:centre_insights"), {"days": "14"}).content.decode()
    assert 'class="on" data-days="30"' in body
    assert "这段时间还没有客户通过您下单" in body


def test_the_centre_links_to_insights(dina):
    body = client_for(dina.user).get(reverse("storefront:centre")).content.decode()
    assert 'id="centre-link-insights"' in body and reverse("storefront:centre_insights") in body


def test_a_suspended_distributor_has_no_insights(dina):
    staff = make_user("ops", is_staff=True)
    distributor_suspend(distributor_id=dina.id, actor_id=staff.id, reason="投诉核查")
    page = client_for(dina.user).get(reverse("storefront:centre_insights"))
    assert page.status_code == 403 and "您的分销资格已暂停" in page.content.decode()
