"""Telling WeChat what we shipped (小程序发货信息管理, ``/wxa/sec/order/upload_shipping_info``).

WeChat keeps the money of a mini-program payment frozen until the shipping info of the payment is
uploaded, and accepts one correction afterwards, no more. So an order is uploaded once, when it has
fully shipped: one parcel as ``UNIFIED_DELIVERY``, several as ``SPLIT_DELIVERY`` with the whole
list; a partly shipped order's parcels wait in ``pending``. A tracking-number correction uploads
the list again (the one correction).

The HTTP call happens after the shipping transaction has committed and with no row lock held; the
result is recorded in a short transaction afterwards. A failure leaves the parcels ``failed`` with
WeChat's answer, and ``sweep_shipping_uploads`` tries again. In sandbox mode the call is a no-op
that WeChat's stand-in accepts, so the state machine runs the same offline."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fenxiao.core.masking import mask_phone
from fenxiao.integrations.wechat.miniprogram import gateway
from fenxiao.integrations.wechat.miniprogram.errors import WechatError
from fenxiao.orders.models import Order, OrderStatus, Shipment
from fenxiao.orders.shipping.selectors import shipment_not_found
from fenxiao.orders.shipping.tracking import carrier_get
from fenxiao.orders.transitions import order_event_add
from fenxiao.payments.models import Payment, PaymentStatus

logger = logging.getLogger(__name__)

UPLOAD_PATH = "/wxa/sec/order/upload_shipping_info"
LOGISTICS_EXPRESS = 1  # 实体物流配送
UNIFIED_DELIVERY = 1
SPLIT_DELIVERY = 2
MAX_PACKAGES = 15  # WeChat's limit on shipping_list
ITEM_DESC_MAX = 120
# A pending parcel younger than this is still being uploaded by the request that shipped it.
SWEEP_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 100
UPLOADABLE = (OrderStatus.SHIPPED, OrderStatus.RECEIVED, OrderStatus.COMPLETED)

Upload = Shipment.UploadState


class Outcome:
    UPLOADED = "uploaded"
    FAILED = "failed"
    DEFERRED = "deferred"  # the order has not fully shipped yet
    NOT_NEEDED = "not_needed"
    NOTHING = "nothing"  # nothing waiting


def _item_desc(shipment: Shipment) -> str:
    desc = "、".join(
        f"{sl.order_line.product_title}{' ' + sl.order_line.sku_specs if sl.order_line.sku_specs else ''}*{sl.quantity}"
        for sl in shipment.lines.all()
    )
    return desc if len(desc) <= ITEM_DESC_MAX else desc[: ITEM_DESC_MAX - 1] + "…"


def shipping_info_payload(*, order: Order, shipments: Sequence[Shipment], payment: Payment, now: datetime) -> dict:
    """The request body for upload_shipping_info. The receiver's phone goes masked with its last
    four digits clear, as WeChat requires (SF refuses a parcel without it)."""
    order_key: dict = {"order_number_type": 2, "transaction_id": payment.transaction_id}
    if settings.WECHATPAY_MCHID:
        order_key["mchid"] = settings.WECHATPAY_MCHID
    split = len(shipments) > 1
    body: dict = {
        "order_key": order_key,
        "logistics_type": LOGISTICS_EXPRESS,
        "delivery_mode": SPLIT_DELIVERY if split else UNIFIED_DELIVERY,
        "shipping_list": [
            {
                "tracking_no": s.tracking_no,
                "express_company": carrier_get(s.carrier_code).wechat_code,
                "item_desc": _item_desc(s),
                "contact": {"receiver_contact": mask_phone(order.receiver_phone)},
            }
            for s in shipments
        ],
        # RFC 3339 with milliseconds, e.g. 2022-12-15T13:29:35.120+08:00; a correction must carry
        # a later time than the upload it corrects.
        "upload_time": timezone.localtime(now).isoformat(timespec="milliseconds"),
        "payer": {"openid": payment.payer_openid},
    }
    if split:
        body["is_all_delivered"] = True
    return body


def _post(payload: dict) -> None:
    """One call through the shared access token, refreshed once on 40001/42001; the sandbox
    stand-in checks the payload's shape and accepts it."""
    gateway.upload_shipping_info(payload)


def _describe(exc: WechatError) -> str:
    if exc.errcode == -1:
        return f"网络或系统错误：{exc.errmsg}"[:200]
    return f"微信返回 {exc.errcode}：{exc.errmsg}"[:200]


@transaction.atomic
def _record(*, order_id: int, sent: Sequence[Shipment], state: str, error: str = "") -> int:
    """Write the outcome for the parcels as they were sent. A parcel corrected meanwhile (other
    number) or already settled by a racing upload keeps its own state. Locks the order first."""
    from fenxiao.orders.locks import lock_order

    order = lock_order(order_id)
    changed = 0
    for s in sent:
        changed += Shipment.objects.filter(
            pk=s.pk,
            carrier_code=s.carrier_code,
            tracking_no=s.tracking_no,
            wechat_upload__in=(Upload.PENDING, Upload.FAILED),
        ).update(wechat_upload=state, wechat_upload_error=error[:200])
    if changed and state == Upload.UPLOADED:
        order_event_add(order, type="wechat_shipping_uploaded", data={"shipment_ids": [s.pk for s in sent]})
    elif changed and state == Upload.FAILED and not any(s.wechat_upload == Upload.FAILED for s in sent):
        # Only the first failure goes in the trail; the sweep's retries would flood it.
        order_event_add(order, type="wechat_shipping_upload_failed", note=error)
    return changed


def order_shipping_upload(*, order_id: int, now: datetime | None = None) -> str:
    """Upload the order's parcels if any wait for it. Call with no transaction open: it makes an
    HTTP call. Returns an ``Outcome``."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return Outcome.NOTHING
    shipments = list(order.shipments.prefetch_related("lines__order_line").order_by("id"))
    waiting = [s for s in shipments if s.wechat_upload in (Upload.PENDING, Upload.FAILED)]
    if not waiting:
        return Outcome.NOTHING
    if order.status == OrderStatus.PAID:
        return Outcome.DEFERRED
    payment = (
        Payment.objects.filter(order_id=order.id, status=PaymentStatus.SUCCEEDED).exclude(transaction_id=None).first()
    )
    if order.status not in UPLOADABLE or payment is None:
        _record(order_id=order.id, sent=waiting, state=Upload.NOT_NEEDED)
        return Outcome.NOT_NEEDED
    sent = [s for s in shipments if s.wechat_upload != Upload.NOT_NEEDED]
    if len(sent) > MAX_PACKAGES:
        too_many = f"包裹超过 {MAX_PACKAGES} 个，请在小程序后台手动录入发货信息"
        _record(order_id=order.id, sent=waiting, state=Upload.FAILED, error=too_many)
        return Outcome.FAILED
    payload = shipping_info_payload(order=order, shipments=sent, payment=payment, now=now or timezone.now())
    try:
        _post(payload)
    except WechatError as exc:
        logger.warning("wechat shipping upload failed for order %s: %s", order.id, exc)
        _record(order_id=order.id, sent=waiting, state=Upload.FAILED, error=_describe(exc))
        return Outcome.FAILED
    _record(order_id=order.id, sent=waiting, state=Upload.UPLOADED)
    return Outcome.UPLOADED


def upload_after_commit(order_id: int) -> None:
    """The ``on_commit`` hook of shipping: the shipment is already committed, so nothing here may
    raise into the request; whatever went wrong stays ``pending``/``failed`` for the sweep."""
    try:
        order_shipping_upload(order_id=order_id)
    except Exception:
        logger.exception("wechat shipping upload crashed for order %s", order_id)


def shipment_upload_retry(*, shipment_id: int) -> Shipment:
    """An operator's "retry now" for one parcel (the whole order's list is sent)."""
    shipment = Shipment.objects.filter(pk=shipment_id).first()
    if shipment is None:
        raise shipment_not_found()
    if shipment.wechat_upload in (Upload.PENDING, Upload.FAILED):
        order_shipping_upload(order_id=shipment.order_id)
        shipment.refresh_from_db()
    return shipment


def sweep_shipping_uploads(*, now: datetime) -> int:
    """Retry failed uploads and pick up pending ones whose request died before uploading.
    Returns how many orders reached WeChat."""
    order_ids = list(
        Shipment.objects.filter(
            Q(wechat_upload=Upload.FAILED) | Q(wechat_upload=Upload.PENDING, created_at__lte=now - SWEEP_GRACE)
        )
        .exclude(order__status=OrderStatus.PAID)
        .order_by("order_id")
        .values_list("order_id", flat=True)
        .distinct()[:SWEEP_BATCH]
    )
    uploaded = 0
    for order_id in order_ids:
        try:
            uploaded += order_shipping_upload(order_id=order_id, now=now) == Outcome.UPLOADED
        except Exception:
            logger.exception("wechat shipping sweep failed for order %s", order_id)
    return uploaded
