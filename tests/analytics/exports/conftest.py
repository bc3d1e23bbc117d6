"""A small shop for the export tests: a chain A ← B ← carol, carol's paid order (through B and
A, so commission records and ledger legs exist) placed at a known Beijing time, an unpaid order
of another buyer, and a withdrawal; plus operators with and without the view permissions."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.distribution.models import Distributor, Withdrawal, WithdrawalMethod, WithdrawalStatus
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.orders.models import Order
from tests.catalog_factories import SkuFactory
from tests.distribution.support import make_distributor, make_user, paid_order
from tests.factories import StaffUserFactory
from tests.order_support import place_order
from tests.support import Api

BEIJING = ZoneInfo("Asia/Shanghai")
# 00:30 on 1 November in Beijing is still 31 October in UTC: a day filter must use local days.
PAID_AT = datetime(2026, 11, 1, 0, 30, tzinfo=BEIJING)
UNPAID_AT = datetime(2026, 11, 3, 15, 0, tzinfo=BEIJING)
INJECTION = '=HYPERLINK("http://evil.example","点我")'

VIEW_PERMISSIONS = (
    "orders.view_order",
    "distribution.view_commissionrecord",
    "distribution.view_withdrawal",
    "ledger.view_ledgertransaction",
    "distribution.view_distributor",
)


@dataclass
class Shop:
    top: Distributor
    mid: Distributor
    buyer: User
    paid: Order
    unpaid: Order
    withdrawal: Withdrawal


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def shop(db, commit) -> Shop:
    with time_machine.travel(datetime(2026, 10, 20, 9, 0, tzinfo=BEIJING), tick=False):
        top = make_distributor("alice", real_name="李娜")
        mid = make_distributor("bob", under=top, real_name="王强")
        buyer = make_user("carol")
        referral_bind(user_id=buyer.id, code=mid.code, source="link")
        sku = SkuFactory(price_fen=12_345, stock=100)
        other = make_user("dave")
    with time_machine.travel(PAID_AT, tick=False):
        paid = paid_order(commit, buyer, (sku.id, 2), remark=INJECTION)
    with time_machine.travel(UNPAID_AT, tick=False):
        unpaid = place_order(other, (sku.id, 1))
        withdrawal = Withdrawal.objects.create(
            distributor=mid,
            amount_fen=5_000,
            fee_fen=100,
            method=WithdrawalMethod.BANK,
            status=WithdrawalStatus.REVIEWING,
            out_bill_no="W202611030001",
            bank_name="招商银行",
            bank_account_name="王强",
            bank_account_no="6225880112345678",
        )
    return Shop(top=top, mid=mid, buyer=buyer, paid=paid, unpaid=unpaid, withdrawal=withdrawal)


def staff_with(*perms: str, **fields) -> User:
    user = StaffUserFactory(**fields)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return User.objects.get(pk=user.pk)  # a fresh instance: permissions are cached per instance


@pytest.fixture
def operator(db) -> User:
    return staff_with(*VIEW_PERMISSIONS, username="finance")


@pytest.fixture
def operator_api(operator) -> Api:
    return Api(token_pair_issue(user_id=operator.id, scope="staff").access)


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]
