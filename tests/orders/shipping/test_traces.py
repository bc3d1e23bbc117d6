"""Parcel traces stored per shipment: the sweep polls until delivered, 快递100's push is trusted
only with the right salted sign, pages read the stored trace, and a delivered parcel may start the
automatic receipt sooner when the operator turns it on. Time moves with time-machine; 快递100 is
faked at the transport with respx."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs

import httpx
import pytest
import respx
import time_machine
from django.test import Client
from django.utils import timezone

from fenxiao.integrations.kuaidi100.signing import push_sign
from fenxiao.orders.models import OrderStatus, ReceiptSettings, Shipment
from fenxiao.orders.shipping.shipments import order_ship, shipment_update
from fenxiao.orders.shipping.traces import sweep_parcel_traces
from fenxiao.orders.sweeps import sweep_auto_receive
from tests.order_support import mark_paid, place_order

SHIPPED_AT = timezone.datetime(2026, 11, 25, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
NOTIFY = "/api/v1/tracking/kuaidi100/notify"
K100 = "https://kuaidi100.test"
SALT = "push-salt"


@pytest.fixture
def shipped(buyer, sku, staff):
    with time_machine.travel(SHIPPED_AT, tick=False):
        order = mark_paid(place_order(buyer, (sku.id, 1)))
        order_ship(order_id=order.id, by=staff, carrier_code="YTO", tracking_no="YT9001", lines=None)
    return order


def at(moment):
    return time_machine.travel(moment, tick=False)


def parcel(order) -> Shipment:
    return order.shipments.get()


# ---- the sweep ----------------------------------------------------------------------------------


def test_the_sweep_refreshes_on_its_interval_until_delivered_then_stops(shipped, settings):
    settings.TRACKING_POLL_EVERY = timedelta(hours=2)

    with at(SHIPPED_AT + timedelta(hours=3)):
        assert sweep_parcel_traces(now=timezone.now()) == 1
    shipment = parcel(shipped)
    assert [e["status"] for e in shipment.trace] == ["collected"]
    assert shipment.trace_status == "collected" and shipment.delivered_at is None

    with at(SHIPPED_AT + timedelta(hours=4)):
        assert sweep_parcel_traces(now=timezone.now()) == 0  # checked an hour ago: not due

    with at(SHIPPED_AT + timedelta(hours=30)):
        assert sweep_parcel_traces(now=timezone.now()) == 1
    assert parcel(shipped).trace_status == "in_transit"

    with at(SHIPPED_AT + timedelta(hours=40)):
        assert sweep_parcel_traces(now=timezone.now()) == 1
    shipment = parcel(shipped)
    assert shipment.trace_status == "signed"
    assert shipment.delivered_at is not None
    assert SHIPPED_AT + timedelta(hours=36) <= shipment.delivered_at <= SHIPPED_AT + timedelta(hours=37)
    assert shipped.events.filter(type="parcel_delivered").count() == 1

    with at(SHIPPED_AT + timedelta(days=3)):
        assert sweep_parcel_traces(now=timezone.now()) == 0  # delivered: never asked again
    assert shipped.events.filter(type="parcel_delivered").count() == 1


def test_a_corrected_tracking_number_starts_its_trace_over(shipped, staff):
    with at(SHIPPED_AT + timedelta(hours=40)):
        sweep_parcel_traces(now=timezone.now())
        shipment = shipment_update(shipment_id=parcel(shipped).id, by=staff, tracking_no="YT9002")
    assert (shipment.trace, shipment.trace_status, shipment.delivered_at) == ([], "", None)


# ---- the push -----------------------------------------------------------------------------------


def push_body(*, number="YT9001", company="yuantong", state="3", ischeck="1", events=None, status="polling"):
    events = events or [
        {
            "ftime": "2026-11-26 14:00:00",
            "context": "快件已签收，签收人：前台",
            "status": "签收",
            "areaName": "广东,深圳市",
        },
        {"ftime": "2026-11-26 08:00:00", "context": "快递员正在派送", "status": "派件", "areaName": "广东,深圳市"},
        {"ftime": "2026-11-25 12:00:00", "context": "圆通速递 已揽收", "status": "揽收", "areaName": "浙江,杭州市"},
    ]
    last = {"message": "ok", "state": state, "status": "200", "ischeck": ischeck, "com": company, "nu": number}
    return json.dumps({"status": status, "message": "", "lastResult": {**last, "data": events}}, ensure_ascii=False)


def post_push(param: str, sign: str):
    return Client().post(NOTIFY, {"param": param, "sign": sign})


def test_a_signed_push_updates_the_trace_and_marks_the_parcel_delivered(shipped, settings):
    settings.KUAIDI100_SALT = SALT
    param = push_body()

    with at(SHIPPED_AT + timedelta(days=1, hours=6)):
        response = post_push(param, push_sign(param=param, salt=SALT))

    assert response.status_code == 200
    assert response.json() == {"result": True, "returnCode": "200", "message": "成功"}
    shipment = parcel(shipped)
    assert [e["status"] for e in shipment.trace] == ["signed", "delivering", "collected"]
    assert shipment.trace[0]["location"] == "广东,深圳市"
    assert shipment.delivered_at == timezone.datetime(2026, 11, 26, 14, 0, tzinfo=timezone.get_fixed_timezone(480))
    assert shipped.events.filter(type="parcel_delivered").exists()


@pytest.mark.parametrize("sign", ["", "0" * 32, "NOT-A-SIGN"])
def test_a_push_with_a_bad_sign_is_refused_and_changes_nothing(shipped, settings, sign):
    settings.KUAIDI100_SALT = SALT
    response = post_push(push_body(), sign)

    assert response.status_code == 400
    assert response.json()["result"] is False
    shipment = parcel(shipped)
    assert (shipment.trace, shipment.delivered_at) == ([], None)


def test_a_push_signed_with_another_salt_is_refused(shipped, settings):
    settings.KUAIDI100_SALT = SALT
    param = push_body()
    assert post_push(param, push_sign(param=param, salt="guessed")).status_code == 400
    assert parcel(shipped).trace == []


def test_a_push_for_a_parcel_we_do_not_know_is_accepted_and_ignored(shipped, settings):
    settings.KUAIDI100_SALT = SALT
    param = push_body(number="YT0000000")
    assert post_push(param, push_sign(param=param, salt=SALT)).json()["result"] is True
    assert parcel(shipped).trace == []


def test_an_older_push_never_replaces_a_newer_trace(shipped, settings):
    settings.KUAIDI100_SALT = SALT
    newer, older = (
        push_body(),
        push_body(
            state="0",
            ischeck="0",
            events=[{"ftime": "2026-11-25 12:00:00", "context": "已揽收", "status": "揽收", "areaName": ""}],
        ),
    )
    with at(SHIPPED_AT + timedelta(days=2)):
        post_push(newer, push_sign(param=newer, salt=SALT))
        post_push(older, push_sign(param=older, salt=SALT))
    assert parcel(shipped).trace_status == "signed"


# ---- 快递100 as the provider: subscribe and poll --------------------------------------------------


@pytest.fixture
def kuaidi100(settings):
    settings.TRACKING_PROVIDER = "kuaidi100"
    settings.KUAIDI100_CUSTOMER, settings.KUAIDI100_KEY = "CUST", "KEY"
    settings.KUAIDI100_SALT, settings.KUAIDI100_CALLBACK_URL = (
        SALT,
        "https://shop.test/api/v1/tracking/kuaidi100/notify",
    )
    settings.KUAIDI100_API_BASE = K100
    with respx.mock(base_url=K100, assert_all_mocked=True) as router:
        yield router


def test_the_sweep_subscribes_new_parcels_once_and_polls_them_through_kuaidi100(shipped, kuaidi100):
    subscribe = kuaidi100.post("/poll").respond(json={"result": True, "returnCode": "200", "message": "提交成功"})
    answer = json.loads(push_body())["lastResult"]
    query = kuaidi100.post("/poll/query.do").respond(json=answer)

    with at(SHIPPED_AT + timedelta(days=1)):
        assert sweep_parcel_traces(now=timezone.now()) == 1
    with at(SHIPPED_AT + timedelta(days=1, minutes=5)):
        assert sweep_parcel_traces(now=timezone.now()) == 0

    assert subscribe.call_count == 1 and query.call_count == 1
    param = json.loads(parse_qs(subscribe.calls.last.request.content.decode())["param"][0])
    assert (param["company"], param["number"]) == ("yuantong", "YT9001")
    assert param["parameters"]["callbackurl"] == "https://shop.test/api/v1/tracking/kuaidi100/notify"
    assert param["parameters"]["salt"] == SALT
    shipment = parcel(shipped)
    assert shipment.trace_subscribed_at is not None
    assert shipment.trace_status == "signed" and shipment.delivered_at is not None


def test_a_kuaidi100_outage_keeps_the_stored_trace(shipped, kuaidi100):
    kuaidi100.post("/poll").respond(json={"result": True, "returnCode": "200", "message": "ok"})
    kuaidi100.post("/poll/query.do").mock(side_effect=httpx.ConnectError("down"))
    with at(SHIPPED_AT + timedelta(days=1)):
        assert sweep_parcel_traces(now=timezone.now()) == 0
    shipment = parcel(shipped)
    assert shipment.trace == [] and shipment.trace_checked_at is not None


# ---- early automatic receipt --------------------------------------------------------------------


def deliver(order, when):
    with at(when):
        sweep_parcel_traces(now=timezone.now())
    assert parcel(order).delivered_at is not None


def test_delivery_starts_the_receipt_timer_early_only_when_the_operator_turns_it_on(shipped):
    deliver(shipped, SHIPPED_AT + timedelta(hours=40))
    delivered = parcel(shipped).delivered_at

    # off (the default): ten days after shipping, as before
    assert sweep_auto_receive(now=delivered + timedelta(days=4)) == 0

    ReceiptSettings.objects.update_or_create(
        pk=1, defaults={"receive_after_delivery": True, "receive_after_delivery_days": 3}
    )
    assert sweep_auto_receive(now=delivered + timedelta(days=2, hours=23)) == 0
    assert sweep_auto_receive(now=delivered + timedelta(days=3)) == 1
    shipped.refresh_from_db()
    assert shipped.status == OrderStatus.RECEIVED
    assert shipped.events.filter(type="auto_received").exists()


def test_an_order_waits_for_every_parcel_to_be_delivered(buyer, sku, sku2, staff):
    ReceiptSettings.objects.update_or_create(pk=1, defaults={"receive_after_delivery": True})
    with at(SHIPPED_AT):
        order = mark_paid(place_order(buyer, (sku.id, 1), (sku2.id, 1)))
        first, second = order.lines.order_by("id")
        order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF7001", lines=[(first.id, 1)])
    with at(SHIPPED_AT + timedelta(days=2)):
        order_ship(order_id=order.id, by=staff, carrier_code="ZTO", tracking_no="ZT7002", lines=[(second.id, 1)])
    with at(SHIPPED_AT + timedelta(days=2, hours=1)):
        sweep_parcel_traces(now=timezone.now())  # the first parcel is signed, the second just left

    # the first parcel was signed ~day 1.5, more than 3 days ago, but the second is not delivered
    assert sweep_auto_receive(now=SHIPPED_AT + timedelta(days=6)) == 0
    with at(SHIPPED_AT + timedelta(days=4)):
        sweep_parcel_traces(now=timezone.now())  # the second is signed ~day 3.5
    assert sweep_auto_receive(now=SHIPPED_AT + timedelta(days=6)) == 0
    assert sweep_auto_receive(now=SHIPPED_AT + timedelta(days=7)) == 1


# ---- what the shopper sees ----------------------------------------------------------------------


def test_the_api_shows_the_stored_timeline_and_the_delivery_time(buyer, shipped):
    from fenxiao.accounts.tokens import token_pair_issue
    from tests.support import Api

    with at(SHIPPED_AT + timedelta(days=2)):
        api = Api(token_pair_issue(user_id=buyer.id, scope="user").access)
        first = api.get(f"/api/v1/orders/{shipped.id}/shipments").json()[0]
        # read again within the cache window: the stored trace, no second provider call needed
        again = api.get(f"/api/v1/orders/{shipped.id}/shipments").json()[0]

    assert first["events"][0]["status"] == "signed"
    assert first["status_label"] == "已签收"
    assert first["delivered_at"] is not None
    assert again == first


def test_the_h5_order_page_shows_the_timeline(buyer, shipped):
    client = Client()
    client.force_login(buyer)
    with at(SHIPPED_AT + timedelta(hours=30)):
        page = client.get(f"/orders/{shipped.id}/").content.decode()
    assert "包裹1 · 运输中" in page
    assert "已揽收" in page and "转运中心" in page
    assert page.index("快件已到达【深圳市转运中心】") < page.index("已揽收，快件已发出")  # newest first


def test_the_operator_sees_each_parcels_state_on_the_order_page(shipped, staff):
    from django.urls import reverse

    with at(SHIPPED_AT + timedelta(hours=40)):
        sweep_parcel_traces(now=timezone.now())
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("admin:orders_order_change", args=[shipped.pk])).content.decode()
    assert "已签收：【" in page and "签收时间" in page


def test_the_operator_turns_early_receipt_on_in_the_console_and_it_is_audited(staff):
    from django.urls import reverse

    from fenxiao.risk.models import AuditEntry

    client = Client()
    client.force_login(staff)
    assert client.get(reverse("admin:orders_receiptsettings_changelist")).status_code == 200
    response = client.post(
        reverse("admin:orders_receiptsettings_change", args=[1]),
        {"receive_after_delivery": "on", "receive_after_delivery_days": "2"},
    )
    assert response.status_code == 302
    rule = ReceiptSettings.current()
    assert (rule.receive_after_delivery, rule.receive_after_delivery_days) == (True, 2)
    assert AuditEntry.objects.get(action="receipt_settings_update").actor_id == staff.id
