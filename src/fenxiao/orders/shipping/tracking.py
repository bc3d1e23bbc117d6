"""Carriers we ship with and where a parcel is now.

``TrackingProvider`` is the seam for a tracking service. ``SandboxTrackingProvider`` invents a
plausible, deterministic timeline from the time the parcel left, so the shopper's "物流" page has
something true-looking to show offline and in tests; ``Kuaidi100TrackingProvider``
(``kuaidi100.py``) asks 快递100 and subscribes parcels to its push. ``TRACKING_PROVIDER`` picks one
(``providers.py``).

A provider maps our carrier code to its own (``Carrier.kuaidi100_code``), passes ``phone_tail``
because SF and some others refuse a query without the receiver's last four phone digits, maps its
states onto ``TrackingStatus``, returns newest first and answers ``[]`` for "no record yet".
Answers are stored per parcel (``traces.py``) so a page view does not bill a query.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.utils import timezone

from fenxiao.orders.errors import OrderError


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str
    # The express_company id WeChat's order-shipping API expects (its get_delivery_list). Kept
    # apart from our code so a mismatch found at go-live is fixed here and nowhere else.
    wechat_code: str
    # The carrier's code in 快递100's code list (lower case), for queries and its push.
    kuaidi100_code: str


CARRIERS: tuple[Carrier, ...] = (
    Carrier("SF", "顺丰速运", "SF", "shunfeng"),
    Carrier("ZTO", "中通快递", "ZTO", "zhongtong"),
    Carrier("YTO", "圆通速递", "YTO", "yuantong"),
    Carrier("YD", "韵达快递", "YD", "yunda"),
    Carrier("STO", "申通快递", "STO", "shentong"),
    Carrier("JD", "京东物流", "JD", "jd"),
    Carrier("EMS", "中国邮政EMS", "EMS", "ems"),
    Carrier("JTSDEXPRESS", "极兔速递", "JTSDEXPRESS", "jtexpress"),
)
_BY_CODE = {c.code: c for c in CARRIERS}
_BY_KUAIDI100 = {c.kuaidi100_code: c for c in CARRIERS}


def carrier_get(code: str) -> Carrier:
    carrier = _BY_CODE.get((code or "").strip().upper())
    if carrier is None:
        raise OrderError("CARRIER_UNKNOWN", "不支持的快递公司", field="carrier_code")
    return carrier


def carrier_for_kuaidi100(code: str) -> Carrier | None:
    return _BY_KUAIDI100.get((code or "").strip().lower())


def carrier_find(text: str) -> Carrier | None:
    """What an operator types in a spreadsheet: our code (SF), the name (顺丰速运, or without its
    suffix: 顺丰) or 快递100's code (shunfeng)."""
    value = (text or "").strip()
    if not value:
        return None
    found = _BY_CODE.get(value.upper()) or _BY_KUAIDI100.get(value.lower())
    if found:
        return found
    for carrier in CARRIERS:
        if value == carrier.name or (len(value) >= 2 and carrier.name.startswith(value)):
            return carrier
    return None


class TrackingStatus:
    COLLECTED = "collected"
    IN_TRANSIT = "in_transit"
    DELIVERING = "delivering"
    SIGNED = "signed"
    PROBLEM = "problem"  # 疑难: the carrier cannot deliver as things stand (needs a call)
    RETURNED = "returned"  # refused or on its way back to the sender


STATUS_LABELS = {
    TrackingStatus.COLLECTED: "已揽收",
    TrackingStatus.IN_TRANSIT: "运输中",
    TrackingStatus.DELIVERING: "派送中",
    TrackingStatus.SIGNED: "已签收",
    TrackingStatus.PROBLEM: "疑难件",
    TrackingStatus.RETURNED: "已退回",
}


@dataclass(frozen=True)
class TrackingEvent:
    time: datetime
    status: str  # a TrackingStatus value
    description: str
    location: str


class TrackingProvider(Protocol):
    def events(self, carrier_code: str, tracking_no: str, phone_tail: str) -> list[TrackingEvent]:
        """What the carrier reports for one parcel, newest first; ``[]`` when it knows nothing yet.

        ``phone_tail`` is the last four digits of the receiver's phone (SF requires it)."""
        ...

    # Whether the provider pushes changes once a parcel is subscribed (then polling is a fallback).
    pushes: bool

    def subscribe(self, carrier_code: str, tracking_no: str, phone_tail: str, destination: str) -> None:
        """Ask for pushes about one parcel; raise on failure (the sweep tries again)."""
        ...


HUBS = ("广州", "深圳", "杭州", "上海", "武汉", "成都", "郑州", "西安", "北京", "长沙")

# (hours after shipping, status, description template). The shape of a normal domestic parcel:
# collected within the hour, two hubs, out for delivery on the second day, signed that afternoon.
TIMELINE: tuple[tuple[float, str, str], ...] = (
    (1, TrackingStatus.COLLECTED, "【{origin}】{carrier} 已揽收，快件已发出"),
    (6, TrackingStatus.IN_TRANSIT, "快件已到达【{origin}转运中心】"),
    (9, TrackingStatus.IN_TRANSIT, "快件已从【{origin}转运中心】发出，下一站【{city}转运中心】"),
    (26, TrackingStatus.IN_TRANSIT, "快件已到达【{city}转运中心】"),
    (32, TrackingStatus.DELIVERING, "【{city}{district}】快递员正在派送，请保持电话畅通"),
    (36, TrackingStatus.SIGNED, "【{city}{district}】快件已签收，签收人：本人。感谢使用{carrier}"),
)


class SandboxTrackingProvider:
    """Derives the timeline from the shipment's own time and the order's address; events in the
    future are not shown, so time-machine moves the parcel along. It pushes nothing: the sweep's
    polling moves the stored trace, as it would for a provider without push."""

    pushes = False

    def subscribe(self, carrier_code: str, tracking_no: str, phone_tail: str, destination: str) -> None:
        return None

    def events(self, carrier_code: str, tracking_no: str, phone_tail: str) -> list[TrackingEvent]:
        from fenxiao.orders.models import Shipment

        shipment = (
            Shipment.objects.filter(carrier_code=carrier_code, tracking_no=tracking_no).select_related("order").first()
        )
        if shipment is None:
            return []
        carrier = _BY_CODE.get(carrier_code)
        order = shipment.order
        digest = hashlib.sha256(f"{carrier_code}:{tracking_no}".encode()).digest()
        words = {
            "origin": HUBS[digest[0] % len(HUBS)],
            "city": order.city,
            "district": order.district,
            "carrier": carrier.name if carrier else carrier_code,
        }
        # A few minutes of jitter per parcel so two parcels shipped together do not move in step.
        start = shipment.created_at + timedelta(minutes=digest[1] % 30)
        now = timezone.now()
        happened = [
            TrackingEvent(
                time=start + timedelta(hours=hours),
                status=status,
                description=text.format(**words),
                location=words["origin"] if status == TrackingStatus.COLLECTED else order.city,
            )
            for hours, status, text in TIMELINE
            if start + timedelta(hours=hours) <= now
        ]
        return sorted(happened, key=lambda e: e.time, reverse=True)
