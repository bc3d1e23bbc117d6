"""A shop seen from 2026-11-02 10:00 Beijing time (02:00 UTC), with orders, sign-ups and queues
placed on both sides of the day and month boundaries in Beijing time — which are not UTC's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fenxiao.accounts.models import User
from fenxiao.distribution.models import (
    ApplicationStatus,
    DistributorApplication,
    Withdrawal,
    WithdrawalMethod,
    WithdrawalStatus,
)
from fenxiao.distribution.network.enrolment import distributor_create
from fenxiao.orders.aftersales.buyer_steps import AfterSaleLineRequest, aftersale_request
from fenxiao.orders.models import Order
from tests.catalog_factories import SkuFactory
from tests.factories import StaffUserFactory, UserFactory
from tests.order_support import address_for, mark_paid, place_order

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=BEIJING)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BEIJING)


@dataclass
class Shop:
    paid: dict[str, Order]
    unpaid: Order


def _paid_at(moment: datetime, buyer: User, sku_id: int, quantity: int) -> Order:
    with time_machine.travel(moment, tick=False):
        return mark_paid(place_order(buyer, (sku_id, quantity)))


@pytest.fixture
def shop(db) -> Shop:
    with time_machine.travel(at(10, 15, 12), tick=False):  # everyone below signed up last month
        buyer = UserFactory(nickname="老顾客")
        address_for(buyer)
        old_hand = UserFactory()
        distributor_create(user_id=old_hand.id, source="apply")
        sku = SkuFactory(price_fen=10_000, stock=100)
        cheap = SkuFactory(price_fen=3_333, stock=100)
    paid = {
        # Last month in Beijing (2026-10-31 15:30 UTC): in no figure.
        "last_month": _paid_at(at(10, 31, 23, 30), buyer, sku.id, 1),
        # 00:30 on the 1st in Beijing, still 31 October in UTC: this month.
        "month_start": _paid_at(at(11, 1, 0, 30), buyer, cheap.id, 2),
        # The last minute of yesterday: this month, not today.
        "yesterday": _paid_at(at(11, 1, 23, 59), buyer, sku.id, 2),
        # 00:10 today in Beijing, 1 November 16:10 in UTC: today.
        "today": _paid_at(at(11, 2, 0, 10), buyer, cheap.id, 1),
    }
    with time_machine.travel(at(11, 2, 9), tick=False):
        unpaid = place_order(buyer, (sku.id, 3))  # placed today, never paid: no GMV
        # One of today's orders asks for its money back: GMV stays gross.
        line = paid["today"].lines.get()
        aftersale_request(
            order_id=paid["today"].id,
            buyer=buyer,
            kind="refund_only",
            reason="不想要了",
            lines=[AfterSaleLineRequest(line.id, 1)],
        )
    for moment in (at(10, 31, 23, 59), at(11, 1, 0, 1), at(11, 2, 0, 0), at(11, 2, 9, 59)):
        with time_machine.travel(moment, tick=False):
            newcomer = UserFactory()
            if moment.day == 2:
                distributor_create(user_id=newcomer.id, source="apply")
    with time_machine.travel(at(11, 2, 8), tick=False):
        StaffUserFactory()  # an operator account is not a customer
        applicant = UserFactory()
        DistributorApplication.objects.create(user=applicant, real_name="李四", phone="13800000001")
        DistributorApplication.objects.create(
            user=UserFactory(), real_name="王五", phone="13800000002", status=ApplicationStatus.REJECTED
        )
        distributor = distributor_create(user_id=UserFactory().id, source="apply")
        for n, status in enumerate((WithdrawalStatus.REVIEWING, WithdrawalStatus.REVIEWING, WithdrawalStatus.PAID)):
            Withdrawal.objects.create(
                distributor=distributor,
                amount_fen=5_000,
                method=WithdrawalMethod.BANK,
                status=status,
                out_bill_no=f"W2026110200{n}",
            )
    for order in paid.values():
        order.refresh_from_db()
    return Shop(paid=paid, unpaid=unpaid)
