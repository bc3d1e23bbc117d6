"""The shopper follows a parcel in a real browser (375x667): the order page shows each parcel's
timeline, newest first, and its delivery; a 快递100 push moves it on without waiting."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from fenxiao.integrations.kuaidi100.signing import push_sign
from fenxiao.orders.models import Shipment
from fenxiao.orders.shipping.shipments import order_ship
from tests.browser.support import sandbox_shopper, shelf_sku
from tests.order_support import mark_paid, place_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_order_page_shows_each_parcels_timeline(phone, settings):
    # given an order shipped in two parcels: one left two days ago, one a few hours ago
    alice = sandbox_shopper("alice", "小艾同学")
    first, second = shelf_sku("山茶花修护精华"), shelf_sku("竹纤维洗脸巾", price_fen=2_990)
    order = mark_paid(place_order(alice, (first.id, 1), (second.id, 1)))
    line_a, line_b = order.lines.order_by("id")
    old = order_ship(order_id=order.id, by=None, carrier_code="SF", tracking_no="SF3001", lines=[(line_a.id, 1)])
    Shipment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    new = order_ship(order_id=order.id, by=None, carrier_code="YTO", tracking_no="YT3002", lines=[(line_b.id, 1)])
    Shipment.objects.filter(pk=new.pk).update(created_at=timezone.now() - timedelta(hours=3))

    # when the shopper opens the order
    phone.login("sandbox-alice", f"/orders/{order.id}/")
    page = phone.open(f"/orders/{order.id}/")

    # then the first parcel is signed, with its whole timeline newest first
    parcel = page.locator("#parcel-1")
    assert "包裹1 · 已签收" in parcel.inner_text()
    assert "签收时间" in parcel.inner_text()
    steps = parcel.locator(".parcel-timeline li").all_inner_texts()
    assert len(steps) == 6
    assert "已签收" in steps[0] and "已揽收" in steps[-1]
    # ... and the second has only been collected
    assert "包裹2 · 已揽收" in page.inner_text("#parcel-2")

    # when 快递100 pushes news of the second parcel, the page shows it on the next visit
    settings.KUAIDI100_SALT = "salt"
    now = timezone.localtime()
    news = {
        "status": "polling",
        "lastResult": {
            "state": "5",
            "ischeck": "0",
            "com": "yuantong",
            "nu": "YT3002",
            "data": [
                {
                    "ftime": now.strftime("%Y-%m-%d %H:%M:%S"),
                    "context": "【深圳南山】快递员小王正在派送",
                    "status": "派件",
                },
                {
                    "ftime": (now - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S"),
                    "context": "圆通速递 已揽收",
                    "status": "揽收",
                },
            ],
        },
    }
    param = json.dumps(news, ensure_ascii=False)
    assert (
        Client()
        .post("/api/v1/tracking/kuaidi100/notify", {"param": param, "sign": push_sign(param=param, salt="salt")})
        .status_code
        == 200
    )
    page = phone.open(f"/orders/{order.id}/")
    assert "包裹2 · 派送中" in page.inner_text("#parcel-2")
    assert "快递员小王正在派送" in page.inner_text("#parcel-2")
    assert phone.overflow() == 0
