"""The after-sales console: the queue, one after-sale with its lines, photos and trail, and the
steps as buttons and list actions, all through the same services (refusals shown as messages)."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from fenxiao.orders.aftersales.review import aftersale_approve
from fenxiao.orders.models import AfterSale, AfterSaleStatus
from tests.catalog_factories import stock_of
from tests.order_support import place_order
from tests.orders.aftersales.support import (
    ask,
    fixture_aftersale_sandbox,  # noqa: F401  (fixtures)
    lines_of,
    pay,
    ship,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHOTO = "https://img.example.com/as/evidence.jpg"


@pytest.fixture
def console(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def after_sale(buyer, sku) -> AfterSale:
    order = pay(place_order(buyer, (sku.id, 2)))
    requested = ask(order, (lines_of(order)[0], 1))
    AfterSale.objects.filter(pk=requested.pk).update(photos=[PHOTO], description="包装破损")
    requested.refresh_from_db()
    return requested


def _step_url(after_sale: AfterSale, step: str) -> str:
    return reverse("admin:orders_aftersale_step", args=[after_sale.pk, step])


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_queue_filters_and_searches(console, after_sale):
    url = reverse("admin:orders_aftersale_changelist")

    page = console.get(url, {"status__exact": "requested"})
    assert page.status_code == 200
    assert after_sale.after_sale_no in page.content.decode()
    assert after_sale.after_sale_no not in console.get(url, {"status__exact": "refunded"}).content.decode()
    assert after_sale.after_sale_no in console.get(url, {"q": after_sale.order.order_no}).content.decode()
    assert after_sale.after_sale_no in console.get(url, {"q": "爱丽丝"}).content.decode()


def test_detail_shows_lines_photos_trail_and_the_allowed_steps(console, after_sale):
    page = console.get(reverse("admin:orders_aftersale_change", args=[after_sale.pk])).content.decode()

    line = after_sale.lines.get()
    assert line.order_line.product_title in page
    assert f'<img src="{PHOTO}"' in page
    assert "包装破损" in page
    assert "提交售后申请" in page
    assert _step_url(after_sale, "approve") in page
    assert _step_url(after_sale, "reject") in page
    assert _step_url(after_sale, "retry-refund") not in page
    assert 'name="_save"' not in page  # nothing is edited here


def test_approve_button_runs_the_service_and_logs_it(console, after_sale, staff):
    assert console.get(_step_url(after_sale, "approve")).status_code == 200

    r = console.post(_step_url(after_sale, "approve"), follow=True)

    after_sale.refresh_from_db()
    assert after_sale.status == AfterSaleStatus.REFUNDED
    assert after_sale.handled_by == staff
    assert any("审核通过" in m for m in _messages(r))
    assert LogEntry.objects.filter(object_id=str(after_sale.pk), user=staff).exists()


def test_a_refused_step_is_shown_on_the_page(console, after_sale, staff):
    aftersale_approve(after_sale_id=after_sale.pk, by=staff)

    r = console.post(_step_url(after_sale, "approve"))

    assert r.status_code == 200
    assert "只有待审核的售后单可以审核通过" in r.content.decode()


def test_reject_asks_for_a_reason(console, after_sale):
    r = console.post(_step_url(after_sale, "reject"), {"reason": ""})
    assert r.status_code == 200
    assert AfterSale.objects.get(pk=after_sale.pk).status == AfterSaleStatus.REQUESTED

    console.post(_step_url(after_sale, "reject"), {"reason": "凭证不清晰"})
    after_sale.refresh_from_db()
    assert (after_sale.status, after_sale.reject_reason) == (AfterSaleStatus.REJECTED, "凭证不清晰")


def test_receive_return_button_restocks_on_request(console, buyer, staff, sku):
    from fenxiao.orders.aftersales.buyer_steps import aftersale_ship_return

    order = ship(pay(place_order(buyer, (sku.id, 1))), staff)
    returned = aftersale_approve(after_sale_id=ask(order, (lines_of(order)[0], 1), kind="return_refund").id, by=staff)
    aftersale_ship_return(after_sale_id=returned.pk, buyer=buyer, carrier_code="SF", tracking_no="SF5550001")
    sku.refresh_from_db()
    before = stock_of(sku)

    console.post(_step_url(returned, "receive-return"), {"restock": "on"})

    returned.refresh_from_db()
    sku.refresh_from_db()
    assert (returned.status, returned.restocked, stock_of(sku)) == (AfterSaleStatus.REFUNDED, True, before + 1)


def test_list_actions_approve_and_reject_with_a_reason(console, buyer, sku, sku2):
    order = pay(place_order(buyer, (sku.id, 1), (sku2.id, 1)))
    first, second = lines_of(order)
    a, b = ask(order, (first, 1)), ask(order, (second, 1))
    url = reverse("admin:orders_aftersale_changelist")

    r = console.post(url, {"action": "approve_selected", "_selected_action": [a.pk]}, follow=True)
    assert any(a.after_sale_no in m for m in _messages(r))

    r = console.post(url, {"action": "reject_selected", "_selected_action": [a.pk, b.pk]})
    assert r.status_code == 200  # asks for the reason first
    assert "驳回原因" in r.content.decode()

    r = console.post(
        url, {"action": "reject_selected", "_selected_action": [a.pk, b.pk], "apply": "1", "reason": "不符合售后政策"},
        follow=True,
    )  # fmt: skip
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (AfterSaleStatus.REFUNDED, AfterSaleStatus.REJECTED)
    assert any("只有待审核或待商家收货的售后单可以驳回" in m for m in _messages(r))  # a was already refunded
