"""Uploading shipping info to WeChat: sandbox (accepted offline) and live (faked at the HTTP
transport with respx): success, an errcode, a network failure, the token refresh, the sweep."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import httpx
import pytest
import respx
from django.utils import timezone

from fenxiao.integrations.wechat.miniprogram import factory
from fenxiao.orders.models import OrderLine, Shipment
from fenxiao.orders.services import order_payment_receive
from fenxiao.orders.shipping.shipments import order_ship, shipment_update
from fenxiao.orders.shipping.wechat_upload import (
    UPLOAD_PATH,
    Outcome,
    order_shipping_upload,
    shipment_upload_retry,
    sweep_shipping_uploads,
)
from fenxiao.payments.models import Payment, PaymentStatus
from tests.order_support import mark_paid, place_order

BASE = "https://wechat.test"
MCHID = "1900000109"
U = Shipment.UploadState


@pytest.fixture(autouse=True)
def _fresh_wechat_client(monkeypatch):
    """The factory keeps one client per process; each test builds its own from its settings."""
    monkeypatch.setattr(factory, "_client", None)
    monkeypatch.setattr(factory, "_client_key", None)


@pytest.fixture
def wechat(settings):
    """Live mode with WeChat's servers faked at the transport; an unplanned call fails the test."""
    settings.WECHAT_MODE = "live"
    settings.WECHAT_APPID = "wx-test-app"
    settings.WECHAT_SECRET = "test-secret"
    settings.WECHAT_API_BASE = BASE
    settings.WECHATPAY_MCHID = MCHID
    with respx.mock(base_url=BASE, assert_all_called=False, assert_all_mocked=True) as router:
        router.post("/cgi-bin/stable_token").respond(json={"access_token": "token-1", "expires_in": 7200})
        yield router


@pytest.fixture
def order(buyer, sku, sku2):
    return mark_paid(place_order(buyer, (sku.id, 2), (sku2.id, 1)))


def ship(order, staff, number, lines=None, carrier="SF"):
    return order_ship(order_id=order.id, by=staff, carrier_code=carrier, tracking_no=number, lines=lines)


def sent_bodies(route) -> list[dict]:
    return [json.loads(call.request.content) for call in route.calls]


def test_sandbox_accepts_the_upload_after_commit(order, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(order, staff, "SF0000001")

    shipment.refresh_from_db()
    assert shipment.wechat_upload == U.UPLOADED
    assert order.events.last().type == "wechat_shipping_uploaded"


def test_a_partly_shipped_order_waits_and_then_uploads_every_parcel(order, staff, django_capture_on_commit_callbacks):
    first = order.lines.order_by("id").first()
    with django_capture_on_commit_callbacks(execute=True):
        parcel = ship(order, staff, "SF0000001", lines=[(first.id, 1)])
    parcel.refresh_from_db()
    assert parcel.wechat_upload == U.PENDING  # WeChat takes one correction only: wait for the last parcel
    assert order_shipping_upload(order_id=order.id) == Outcome.DEFERRED

    with django_capture_on_commit_callbacks(execute=True):
        ship(order, staff, "SF0000002")

    assert set(order.shipments.values_list("wechat_upload", flat=True)) == {U.UPLOADED}


def test_an_order_not_paid_through_wechat_needs_no_upload(buyer, sku, staff, django_capture_on_commit_callbacks):
    order = place_order(buyer, (sku.id, 1))
    payment = Payment.objects.create(
        order=order, out_trade_no="T-offline", amount_fen=order.payable_fen, description="线下", payer_openid="",
        status=PaymentStatus.SUCCEEDED,
    )  # fmt: skip
    assert order_payment_receive(order_id=order.id, payment=payment) is None

    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(order, staff, "SF0000001")

    shipment.refresh_from_db()
    assert shipment.wechat_upload == U.NOT_NEEDED


def test_live_upload_sends_what_wechat_expects(wechat, order, staff, django_capture_on_commit_callbacks):
    upload = wechat.post(UPLOAD_PATH).respond(json={"errcode": 0, "errmsg": "ok"})

    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(order, staff, "SF1234567890")

    shipment.refresh_from_db()
    assert shipment.wechat_upload == U.UPLOADED
    assert upload.call_count == 1
    request = upload.calls.last.request
    assert request.url.params["access_token"] == "token-1"
    body = json.loads(request.content)
    payment = Payment.objects.get(order=order)
    assert body["order_key"] == {
        "order_number_type": 2,
        "transaction_id": payment.transaction_id,
        "mchid": "1900000109",
    }
    assert (body["logistics_type"], body["delivery_mode"]) == (1, 1)
    assert "is_all_delivered" not in body
    [parcel] = body["shipping_list"]
    assert (parcel["tracking_no"], parcel["express_company"]) == ("SF1234567890", "SF")
    assert parcel["contact"] == {"receiver_contact": "138****8000"}
    first, second = order.lines.order_by("id")
    assert (
        parcel["item_desc"] == f"{first.product_title} {first.sku_specs}*2、{second.product_title} {second.sku_specs}*1"
    )
    assert body["payer"] == {"openid": "sandbox-alice"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00", body["upload_time"])


def test_live_split_delivery_sends_all_parcels_once(wechat, order, staff, django_capture_on_commit_callbacks):
    upload = wechat.post(UPLOAD_PATH).respond(json={"errcode": 0, "errmsg": "ok"})
    first = order.lines.order_by("id").first()

    with django_capture_on_commit_callbacks(execute=True):
        ship(order, staff, "SF0000001", lines=[(first.id, 2)])
    assert upload.call_count == 0
    with django_capture_on_commit_callbacks(execute=True):
        ship(order, staff, "7700000002", carrier="ZTO")

    [body] = sent_bodies(upload)
    assert (body["delivery_mode"], body["is_all_delivered"]) == (2, True)
    assert [(p["tracking_no"], p["express_company"]) for p in body["shipping_list"]] == [
        ("SF0000001", "SF"),
        ("7700000002", "ZTO"),
    ]
    assert body["shipping_list"][1]["item_desc"].endswith("*1")
    assert set(order.shipments.values_list("wechat_upload", flat=True)) == {U.UPLOADED}


def test_live_errcode_marks_the_parcel_failed_and_retry_fixes_it(
    wechat, order, staff, django_capture_on_commit_callbacks
):
    upload = wechat.post(UPLOAD_PATH)
    upload.respond(json={"errcode": 10060001, "errmsg": "支付单不存在"})

    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(order, staff, "SF0000001")  # the request itself succeeds: the parcel is shipped

    shipment.refresh_from_db()
    assert shipment.wechat_upload == U.FAILED
    assert shipment.wechat_upload_error == "微信返回 10060001：支付单不存在"
    assert order.events.last().type == "wechat_shipping_upload_failed"

    upload.respond(json={"errcode": 0, "errmsg": "ok"})
    retried = shipment_upload_retry(shipment_id=shipment.id)

    assert (retried.wechat_upload, retried.wechat_upload_error) == (U.UPLOADED, "")
    assert upload.call_count == 2


def test_live_network_failure_is_retried_by_the_sweep(wechat, order, staff, django_capture_on_commit_callbacks):
    upload = wechat.post(UPLOAD_PATH)
    upload.side_effect = httpx.ConnectTimeout("timed out")

    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(order, staff, "SF0000001")

    shipment.refresh_from_db()
    assert shipment.wechat_upload == U.FAILED
    assert shipment.wechat_upload_error.startswith("网络或系统错误")

    upload.side_effect = None
    upload.respond(json={"errcode": 0, "errmsg": "ok"})
    assert sweep_shipping_uploads(now=timezone.now()) == 1
    assert sweep_shipping_uploads(now=timezone.now()) == 0  # nothing left

    shipment.refresh_from_db()
    assert shipment.wechat_upload == U.UPLOADED
    assert order.events.filter(type="wechat_shipping_upload_failed").count() == 1


def test_live_expired_token_is_refreshed_once(wechat, order, staff, django_capture_on_commit_callbacks):
    upload = wechat.post(UPLOAD_PATH)
    upload.side_effect = [
        httpx.Response(200, json={"errcode": 42001, "errmsg": "access_token expired"}),
        httpx.Response(200, json={"errcode": 0, "errmsg": "ok"}),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(order, staff, "SF0000001")

    shipment.refresh_from_db()
    assert shipment.wechat_upload == U.UPLOADED
    assert wechat.routes[0].call_count == 2  # the stable token, then a forced refresh


def test_sweep_leaves_fresh_pending_parcels_to_their_request(wechat, order, staff):
    upload = wechat.post(UPLOAD_PATH).respond(json={"errcode": 0, "errmsg": "ok"})
    shipment = ship(order, staff, "SF0000001")  # on_commit never ran: the process died

    assert sweep_shipping_uploads(now=shipment.created_at + timedelta(seconds=30)) == 0
    assert upload.call_count == 0
    assert sweep_shipping_uploads(now=shipment.created_at + timedelta(minutes=3)) == 1

    shipment.refresh_from_db()
    assert shipment.wechat_upload == U.UPLOADED


def test_a_correction_is_uploaded_again_with_a_later_time(wechat, order, staff, django_capture_on_commit_callbacks):
    upload = wechat.post(UPLOAD_PATH).respond(json={"errcode": 0, "errmsg": "ok"})
    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(order, staff, "SF0000001")

    with django_capture_on_commit_callbacks(execute=True):
        shipment_update(shipment_id=shipment.id, by=staff, tracking_no="SF0000009")

    first, second = sent_bodies(upload)
    assert second["shipping_list"][0]["tracking_no"] == "SF0000009"
    assert second["upload_time"] >= first["upload_time"]
    shipment.refresh_from_db()
    assert shipment.wechat_upload == U.UPLOADED


def test_a_parcel_corrected_during_the_upload_stays_pending(wechat, order, staff):
    """The result is written for the numbers that were sent, not for a number typed meanwhile."""
    shipment = ship(order, staff, "SF0000001")

    def correct_meanwhile(request):
        Shipment.objects.filter(pk=shipment.pk).update(tracking_no="SF0000009")
        return httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})

    wechat.post(UPLOAD_PATH).mock(side_effect=correct_meanwhile)

    assert order_shipping_upload(order_id=order.id) == Outcome.UPLOADED
    shipment.refresh_from_db()
    assert shipment.wechat_upload == U.PENDING


def test_refunded_lines_do_not_stop_the_upload(wechat, order, staff, django_capture_on_commit_callbacks):
    upload = wechat.post(UPLOAD_PATH).respond(json={"errcode": 0, "errmsg": "ok"})
    second = order.lines.order_by("id").last()
    OrderLine.objects.filter(pk=second.pk).update(refunded_quantity=1)

    with django_capture_on_commit_callbacks(execute=True):
        ship(order, staff, "SF0000001")

    assert upload.call_count == 1
