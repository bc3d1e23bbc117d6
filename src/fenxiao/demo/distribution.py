"""A demo referral network with money in every state, so the distributor centre, the admin queues
and the ledger have something to show on a first ``make run``.

博 (bob) is a distributor; 卡萝 (carol) joined under him; 大卫 (dave) shops through carol's
share. Dave's orders earn carol level 1 and bob level 2: one paid (frozen), one received and
settled, one refunded in part after settlement (a clawback). Carol has withdrawn once through the
WeChat transfer sandbox, has a bank withdrawal waiting for review and has given her real name;
alice has applied to join.
Everything goes through the real services; only the freeze of the two delivered orders is cut
short, so their commission settles at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.distribution.commission.booking import commission_book, commission_schedule_settlement
from fenxiao.distribution.commission.refunds import commission_refund_sync
from fenxiao.distribution.commission.settlement import commission_settle_batch
from fenxiao.distribution.identity.services import identity_submit
from fenxiao.distribution.models import CommissionRecord, Distributor, DistributorApplication
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.distribution.network.enrolment import application_submit, distributor_create
from fenxiao.distribution.tax.platform import tax_platform_update
from fenxiao.distribution.withdrawals.payouts import withdrawal_payout_submit
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.integrations.wechat.transfer.sandbox_controls import sandbox_transfer_confirm
from fenxiao.orders.checkout import LineRequest
from fenxiao.orders.models import Order, OrderLine
from fenxiao.orders.services import order_confirm_receipt, order_create
from fenxiao.orders.shipping.shipments import order_ship
from fenxiao.payments.sandbox import sandbox_payment_succeed

from .commerce import _first_sku_per_product


@dataclass
class DistributionResult:
    distributors: int = 0
    orders: int = 0
    withdrawals: int = 0


def seed_demo_distribution() -> DistributionResult:
    result = DistributionResult()
    people = {
        u.openid: u for u in User.objects.filter(openid__in=[f"sandbox-{n}" for n in ("alice", "bob", "carol", "dave")])
    }
    if len(people) < 4 or Distributor.objects.exists():
        return result
    alice, bob, carol, dave = (people[f"sandbox-{n}"] for n in ("alice", "bob", "carol", "dave"))
    admin = User.objects.filter(is_superuser=True).order_by("id").first()
    skus = _first_sku_per_product(12)[8:]
    address = dave.addresses.filter(is_default=True).first()
    if admin is None or address is None or len(skus) < 4:
        return result

    top = distributor_create(user_id=bob.id, source="apply", real_name="王博", phone=bob.phone)
    referral_bind(user_id=carol.id, code=top.code, source="poster")
    mid = distributor_create(user_id=carol.id, source="apply", real_name="陈萝", phone=carol.phone)
    referral_bind(user_id=dave.id, code=mid.code, source="qrcode")
    result.distributors = 2

    # The event handlers would do the distribution steps after each commit; they are called here
    # too (each is idempotent) so the demo does not depend on when the caller's transaction ends.
    def buy(*lines) -> Order:
        order = order_create(user=dave, lines=[LineRequest(s.id, q) for s, q in lines], address_id=address.id)
        sandbox_payment_succeed(order_id=order.pk)
        commission_book(order_id=order.id)
        return order

    def deliver(order: Order, tracking: str) -> Order:
        order_ship(order_id=order.id, by=admin, carrier_code="SF", tracking_no=tracking)
        order_confirm_receipt(order_id=order.id, by=dave)
        commission_schedule_settlement(order_id=order.id)
        order.refresh_from_db()
        return order

    buy((skus[0], 1))  # paid: commission frozen
    settled = deliver(buy((skus[1], 2), (skus[2], 1)), "SF1400000000101")
    clawed = deliver(buy((skus[3], 3)), "SF1400000000102")
    # The demo lets the freeze of these two orders end now (a real mall waits freeze_days).
    now = timezone.now()
    CommissionRecord.objects.filter(order__in=[settled, clawed]).update(settle_after=now)
    commission_settle_batch(now=now)
    # One unit of three comes back after settlement: its commission is clawed back.
    line = OrderLine.objects.filter(order=clawed).first()
    OrderLine.objects.filter(pk=line.pk).update(refunded_fen=F("refunded_fen") + line.paid_fen // line.quantity)
    commission_refund_sync(order_line_id=line.pk)
    result.orders = 3

    first = withdrawal_request(user_id=carol.id, amount_fen=100, method="wechat", now=timezone.now())
    first = withdrawal_payout_submit(withdrawal_id=first.id)
    if first.package_info:
        sandbox_transfer_confirm(first.out_bill_no)
    withdrawal_request(
        user_id=carol.id,
        amount_fen=100,
        method="bank",
        bank={"bank_name": "招商银行", "bank_account_name": "陈萝", "bank_account_no": "6225880212345678"},
    )
    result.withdrawals = 2
    # Carol gave her real name (a made-up number with a valid GB 11643 check digit), and the
    # platform's details are filled in, so the identity admin and the tax report show data.
    identity_submit(user_id=carol.id, real_name="陈萝", id_number="110101199003071233")
    tax_platform_update(
        actor_id=admin.id,
        changes={"domain": "分销商城（沙箱演示）", "operator_name": "示例科技有限公司", "uscc": "91350100M000100Y43"},
    )
    if not DistributorApplication.objects.filter(user=alice).exists():
        application_submit(user_id=alice.id, real_name="林艾", phone=alice.phone, reason="想把好物分享给宝妈群")
    return result
