"""Makes the planned history happen: each action of ``plan.py`` at its own moment, through the
same services a shopper, the payment notification and the operator use.

The clock: every service reads ``django.utils.timezone.now()`` (and the sandbox's signatures
read ``time.time()``), and the rows they write carry those times. ``time_machine`` moves the
process clock to each planned moment (``tick=True``, so the clock keeps running from there and
two rows written in one step still get distinct times), which is why it is a runtime
dependency rather than a test-only one. Nothing is back-dated by hand: an order paid "on day 37"
was paid while the clock read day 37, and the events it fired ran then too.

Events run after commit (``core.extensions``): the replay must run in autocommit, never inside
an outer transaction, or commission, refunds and rollups would all happen at the end with the
real clock. It refuses to start inside one."""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from fenxiao.accounts.models import Address, User
from fenxiao.catalog.models import Sku
from fenxiao.core.errors import DomainError
from fenxiao.core.extensions import run_sweeps
from fenxiao.distribution.config.settings import settings_update, tier_save
from fenxiao.distribution.insights.opens import share_open_record
from fenxiao.distribution.models import Distributor, Tier
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.distribution.network.enrolment import (
    application_approve,
    application_reject,
    application_submit,
    distributor_suspend,
)
from fenxiao.orders.aftersales.buyer_steps import AfterSaleLineRequest, aftersale_request
from fenxiao.orders.aftersales.review import aftersale_approve
from fenxiao.orders.checkout import LineRequest
from fenxiao.orders.models import Order, OrderStatus
from fenxiao.orders.services import order_cancel, order_confirm_receipt, order_create
from fenxiao.orders.shipping.shipments import order_ship
from fenxiao.payments.sandbox import sandbox_payment_succeed
from fenxiao.promotions.invites.acceptance import invite_accept, invite_code_ensure
from fenxiao.promotions.invites.campaigns import invite_campaign_create
from fenxiao.promotions.invites.models import CampaignStatus, InviteCampaign

from ..invites import reward_template
from .plan import FREEZE_DAYS, Action, HistoryPlan, SkuOffer, plan_history

# How a share that bound a newcomer was opened (a link shared in WeChat is a mini-program card).
OPEN_CHANNEL = {"link": "share", "poster": "poster", "qrcode": "scene"}

logger = logging.getLogger(__name__)

OPENID_PREFIX = "demo-h"
# The demo shop pays 12% / 6% to 普通 (the mall's defaults are 10% / 5%), a little more at each
# tier, every tier within the 20% line that needs no compliance warning.
TIER_RATES = {0: (1200, 600), 1: (1300, 600), 2: (1400, 600)}
APPLY_REASONS = (
    "自己一直在用，想推荐给身边的朋友",
    "宝妈群里经常有人问，想顺便做点副业",
    "朋友推荐的商城，东西不错，想一起分享",
    "有自己的社群，想试试分销",
)
REJECT_REASON = "资料与实名信息不符，请核对后重新申请"
SUSPEND_REASON = "推广文案夸大功效，经投诉核实，暂停推广资格"
REFUND_REASONS = {"whole": ("拍错了/不想要了", "地址填错了"), "unit": ("商品破损", "与描述不符", "质量问题")}


@dataclass
class HistoryResult:
    days: int = 0
    people: int = 0
    orders: int = 0
    paid: int = 0
    refunds: int = 0
    distributors: int = 0
    suspended: int = 0
    skipped: Counter = field(default_factory=Counter)  # action kind → steps a service refused
    seconds: float = 0.0


def history_exists() -> bool:
    return User.objects.filter(openid__startswith=OPENID_PREFIX).exists()


def sku_offers(limit: int = 240) -> list[SkuOffer]:
    """One SKU per product, everyday prices (¥15–¥250) with stock to spare, the demo's own goods."""
    offers: dict[int, SkuOffer] = {}
    found = (
        Sku.objects.filter(
            is_active=True,
            product__is_on_shelf=True,
            product__code__startswith="DEMO-",
            price_fen__gte=1_500,
            price_fen__lte=25_000,
            stock_level__quantity__gte=60,
        )
        .order_by("product_id", "id")
        .values_list("product_id", "id", "price_fen", "stock_level__quantity")
    )
    for product_id, sku_id, price, stock in found.iterator():
        if product_id not in offers:
            offers[product_id] = SkuOffer(sku_id, price, stock - 20)
            if len(offers) == limit:
                break
    return list(offers.values())


def _invite_until(end: datetime) -> datetime:
    """Active campaigns may not overlap: the history's campaign ends where a current one starts."""
    later = (
        InviteCampaign.objects.filter(status=CampaignStatus.ACTIVE, ends_at__gt=end)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return min(end, later) if later else end


class _Replay:
    def __init__(self, plan: HistoryPlan, admin: User, result: HistoryResult) -> None:
        self.plan = plan
        self.admin = admin
        self.result = result
        self.users: dict[int, User] = {}
        self.addresses: dict[int, int] = {}
        self.applications: dict[int, int] = {}
        self.orders: dict[int, int] = {}
        self.after_sales: dict[int, int] = {}

    def run(self) -> None:
        with time_machine.travel(self.plan.start, tick=True) as traveller:
            for action in self.plan.actions:
                traveller.move_to(action.at)
                try:
                    getattr(self, f"_{action.kind}")(action)
                except DomainError as exc:
                    # The plan asked for something the mall's rules refuse (rare: a SKU sold
                    # out by the live demo, say). The rule wins; the history goes on.
                    logger.info("demo history: %s %s refused: %s", action.kind, action.ref, exc.code)
                    self.result.skipped[action.kind] += 1

    def _configure(self, _action: Action) -> None:
        settings_update(actor_id=self.admin.id, changes={"freeze_days": FREEZE_DAYS})
        for tier in Tier.objects.filter(rank__in=TIER_RATES).order_by("rank"):
            level1, level2 = TIER_RATES[tier.rank]
            tier_save(actor_id=self.admin.id, tier_id=tier.id, values={"level1_bps": level1, "level2_bps": level2})
        invite_until = _invite_until(self.plan.end)
        if invite_until > self.plan.start:
            invite_campaign_create(
                fields={
                    "name": "老带新 邀请好友得券",
                    "starts_at": self.plan.start,
                    "ends_at": invite_until,
                    "inviter_template_id": reward_template("邀请奖励 满100减15", 1_500, 10_000, 30),
                    "invitee_template_id": reward_template("新人首单奖励 无门槛8元", 800, 0, 30),
                    "max_rewards_per_inviter": 20,
                    "accept_within_hours": 72,
                    "order_within_days": 30,
                    "min_order_fen": 5_000,
                }
            )

    def _arrive(self, action: Action) -> None:
        person = self.plan.people[action.ref]
        p = person.profile
        openid = f"{OPENID_PREFIX}{person.idx:04d}"
        # Same shape as a first WeChat login (accounts.services), like the other demo shoppers.
        user = User(username=f"wx_{openid}", openid=openid, nickname=p.nickname, phone=p.phone)
        user.set_unusable_password()
        user.save()
        self.users[person.idx] = user
        self.result.people += 1
        address = Address.objects.create(
            user=user,
            receiver=p.real_name,
            phone=p.phone,
            province=p.province,
            city=p.city,
            district=p.district,
            detail=p.detail,
            tag="家",
            is_default=True,
        )
        self.addresses[person.idx] = address.id
        if person.inviter is not None:
            code = invite_code_ensure(user_id=self.users[person.inviter].id).code
            invite_accept(user=user, code=code)
        if person.referrer is not None:
            code = Distributor.objects.values_list("code", flat=True).get(user=self.users[person.referrer])
            # The share was opened before it bound anyone: by this newcomer, and earlier that day
            # by a few people who only looked (the distributor's insights show both).
            channel = OPEN_CHANNEL[person.source]
            now = timezone.now()
            for hours_before in range(person.idx % 3, -1, -1):
                share_open_record(code=code, channel=channel, at=now - timedelta(hours=hours_before * 3))
            referral_bind(user_id=user.id, code=code, source=person.source)

    def _apply(self, action: Action) -> None:
        p = self.plan.people[action.ref].profile
        reason = APPLY_REASONS[action.ref % len(APPLY_REASONS)]
        user = self.users[action.ref]
        application = application_submit(user_id=user.id, real_name=p.real_name, phone=p.phone, reason=reason)
        self.applications[action.ref] = application.id

    def _approve(self, action: Action) -> None:
        application_approve(application_id=self.applications[action.ref], actor_id=self.admin.id)
        self.result.distributors += 1

    def _reject(self, action: Action) -> None:
        application_reject(application_id=self.applications[action.ref], actor_id=self.admin.id, reason=REJECT_REASON)

    def _suspend(self, action: Action) -> None:
        distributor_id = Distributor.objects.values_list("id", flat=True).get(user=self.users[action.ref])
        distributor_suspend(distributor_id=distributor_id, actor_id=self.admin.id, reason=SUSPEND_REASON)
        self.result.suspended += 1

    def _order(self, action: Action) -> None:
        planned = self.plan.orders[action.ref]
        order = order_create(
            user=self.users[planned.buyer],
            lines=[LineRequest(sku_id, qty) for sku_id, qty in planned.lines],
            address_id=self.addresses[planned.buyer],
        )
        self.orders[planned.idx] = order.id
        self.result.orders += 1
        if planned.paid:
            sandbox_payment_succeed(order_id=order.id)
            self.result.paid += 1

    def _order_in(self, action: Action, *statuses: str) -> int | None:
        order_id = self.orders.get(action.ref)
        if order_id is None or not Order.objects.filter(pk=order_id, status__in=statuses).exists():
            self.result.skipped[action.kind] += 1
            return None
        return order_id

    def _cancel(self, action: Action) -> None:
        if order_id := self._order_in(action, OrderStatus.PENDING_PAYMENT):
            buyer = self.users[self.plan.orders[action.ref].buyer]
            order_cancel(order_id=order_id, by=buyer, reason="不想要了")

    def _ship(self, action: Action) -> None:
        if order_id := self._order_in(action, OrderStatus.PAID):
            carrier, prefix = ("SF", "SF15") if order_id % 3 else ("ZTO", "7815")
            order_ship(order_id=order_id, by=self.admin, carrier_code=carrier, tracking_no=f"{prefix}{order_id:010d}")

    def _receive(self, action: Action) -> None:
        if order_id := self._order_in(action, OrderStatus.SHIPPED):
            order_confirm_receipt(order_id=order_id, by=self.users[self.plan.orders[action.ref].buyer])

    def _refund(self, action: Action) -> None:
        planned = self.plan.orders[action.ref]
        order_id = self._order_in(action, OrderStatus.PAID, OrderStatus.RECEIVED)
        if order_id is None:
            return
        lines = list(Order.objects.get(pk=order_id).lines.order_by("id").values_list("id", "quantity"))
        if planned.refund == "unit":
            lines = lines[:1]
            wanted = [AfterSaleLineRequest(order_line_id=lines[0][0], quantity=1)]
        else:
            wanted = [AfterSaleLineRequest(order_line_id=line_id, quantity=qty) for line_id, qty in lines]
        reasons = REFUND_REASONS[planned.refund]
        after_sale = aftersale_request(
            order_id=order_id,
            buyer=self.users[planned.buyer],
            kind="refund_only",
            reason=reasons[action.ref % len(reasons)],
            lines=wanted,
        )
        self.after_sales[action.ref] = after_sale.id

    def _approve_refund(self, action: Action) -> None:
        after_sale_id = self.after_sales.get(action.ref)
        if after_sale_id is None:
            self.result.skipped[action.kind] += 1
            return
        aftersale_approve(after_sale_id=after_sale_id, by=self.admin)
        self.result.refunds += 1

    def _sweep(self, _action: Action) -> None:
        run_sweeps(now=timezone.now())


def seed_demo_history(*, seed: int, days: int, end: datetime | None = None) -> HistoryResult:
    """Replay ``days`` days of shop life ending now. Skipped (an empty result) when the history
    is already there, when there is no operator to act as the platform, or with no goods."""
    result = HistoryResult()
    if days < 1 or history_exists():
        return result
    if connection.in_atomic_block:
        raise RuntimeError("the demo history runs in autocommit: its after-commit events must run on its clock")
    admin = User.objects.filter(is_superuser=True).order_by("id").first()
    offers = sku_offers()
    if admin is None or not offers:
        return result
    started = time.perf_counter()
    end = end or timezone.now()
    zone = ZoneInfo(settings.TIME_ZONE)
    plan = plan_history(seed=seed, days=days, end=end, zone=zone, skus=offers, invite_until=_invite_until(end))
    result.days = days
    _Replay(plan, admin, result).run()
    result.seconds = time.perf_counter() - started
    return result
