"""Reads for the distributor centre (DESIGN §5 "distributor tools"): who I am and what I hold,
my team, my customers and my withdrawals; and what the other centre reads share (paging, masks,
the caller's distributor). Orders and commission through me are read in ``earnings``,
rankings and tier progress in ``standing``.

Every query starts from the caller's own distributor, so nothing of another distributor can be
read; figures are aggregated in SQL and lists are paged with a fixed number of queries, so a team
of ten thousand pages as fast as a team of ten. Other people appear only masked (name, phone,
order number): the centre shows who bought, never how to reach them or where they live, so the
rows carry masked values and never the raw ones."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Count, Exists, F, Max, OuterRef, QuerySet, Sum

from fenxiao.accounts.models import User
from fenxiao.core.errors import NotFound
from fenxiao.core.masking import mask_name, mask_phone
from fenxiao.core.money import fen_to_yuan
from fenxiao.core.paging import Page, paginate
from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.config.settings import distribution_settings, enabled_levels
from fenxiao.distribution.errors import NotADistributor
from fenxiao.distribution.models import (
    ApplicationStatus,
    BecomePolicy,
    CommissionRecord,
    CommissionStatus,
    DistributionSettings,
    Distributor,
    DistributorApplication,
    DistributorStatus,
    Referral,
    Tier,
    Withdrawal,
    WithdrawalMethod,
    WithdrawalStatus,
)
from fenxiao.distribution.network.enrolment import paid_spend_fen
from fenxiao.distribution.withdrawals.requests import withdrawal_minimum_fen
from fenxiao.ledger.selectors import account_balances

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
ANONYMOUS = "微信用户"

# What the centre's front page says about the caller, distributor or not.
CENTRE_STATUS_LABELS = {
    DistributorStatus.ACTIVE: "正常",
    DistributorStatus.SUSPENDED: "已暂停",
    "applying": "申请审核中",
    "rejected": "申请已驳回",
    "none": "未开通分销",
}

# Per commission record: what I keep (after refunds took some back), and the sale it came from
# (after refunds).
NET_FEN = F("amount_fen") - F("reversed_fen") - F("clawback_fen")
SALES_FEN = F("base_fen") - F("refunded_base_fen")


# -- shared ----------------------------------------------------------------------------------


def paged(qs: QuerySet, page: int, page_size: int) -> Page:
    return paginate(qs, page=page, page_size=page_size, default_size=DEFAULT_PAGE_SIZE, max_size=MAX_PAGE_SIZE)


def person_name(nickname: str | None) -> str:
    """Someone else's name as the centre shows it: masked, never empty."""
    return mask_name(nickname) if nickname else ANONYMOUS


def effective_rates(tier: Tier, levels: int) -> list[int]:
    """The tier's three rates, with levels the platform does not pay shown as 0."""
    return [rate if index < levels else 0 for index, rate in enumerate(tier.rates_bps)]


def distributor_get_for_user(*, user: User) -> Distributor:
    """The caller's own distributor (active or suspended: earned money stays visible)."""
    distributor = Distributor.objects.select_related("tier").filter(user_id=user.id).first()
    if distributor is None:
        raise NotADistributor()
    return distributor


# -- me --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balances:
    pending_fen: int
    available_fen: int
    withdrawing_fen: int
    withdrawn_fen: int


@dataclass(frozen=True)
class WithdrawRules:
    """The withdrawal rules as ``withdrawal_request`` applies them, for the distributor to read
    before asking: ``min_fen`` is the minimum it enforces (never below 1 fen); the fee is
    ``max(amount * fee_bps // 10000, fee_min_fen)``, nothing when both are 0; ``audit_above_fen``
    is None when no withdrawal can exceed it (it is not below the daily limit)."""

    min_fen: int
    fee_bps: int
    fee_min_fen: int
    daily_limit_fen: int
    audit_above_fen: int | None
    methods: tuple[tuple[str, str], ...]  # (value, label), in the order offered


@dataclass(frozen=True)
class JoinPolicy:
    """How one becomes a distributor, in the shopper's words. ``threshold_fen`` and ``spent_fen``
    only under the spend policy, ``spent_fen`` only while the caller is not yet a distributor."""

    policy: str
    policy_label: str
    threshold_fen: int | None
    spent_fen: int | None
    note: str


# Said whatever the policy: an entry fee or a purchase condition is illegal (禁止传销条例 第七条).
NO_FEE_NOTE = "成为分销商不收取任何费用，也无需购买商品或会员。"
JOIN_NOTES = {
    BecomePolicy.EVERYONE: "所有用户均可立即成为分销商：填写资料提交后即刻开通。",
    BecomePolicy.APPLY: "填写资料提交申请，平台审核通过后即可成为分销商。",
    # Buying is never the only way in: under the spend policy one may still apply.
    BecomePolicy.SPEND: "累计消费满 {threshold} 元自动成为分销商；也可直接提交申请，平台审核通过后即可成为分销商。",
}


def withdraw_rules(row: DistributionSettings) -> WithdrawRules:
    return WithdrawRules(
        min_fen=withdrawal_minimum_fen(row),
        fee_bps=row.withdraw_fee_bps,
        fee_min_fen=row.withdraw_fee_min_fen,
        daily_limit_fen=row.withdraw_daily_limit_fen,
        audit_above_fen=(
            row.withdraw_auto_approve_max_fen
            if row.withdraw_auto_approve_max_fen < row.withdraw_daily_limit_fen
            else None
        ),
        methods=tuple(WithdrawalMethod.choices),
    )


def join_policy(row: DistributionSettings, *, user: User, is_distributor: bool) -> JoinPolicy:
    """The caller's own paid spend is read (one aggregate, the one ``distributor_qualify_by_spend``
    compares) only under the spend policy and only for someone not yet a distributor."""
    policy = BecomePolicy(row.become_policy)
    by_spend = policy == BecomePolicy.SPEND
    note = JOIN_NOTES[policy].format(threshold=fen_to_yuan(row.spend_threshold_fen))
    return JoinPolicy(
        policy=policy.value,
        policy_label=policy.label,
        threshold_fen=row.spend_threshold_fen if by_spend else None,
        spent_fen=paid_spend_fen(user.id) if by_spend and not is_distributor else None,
        note=note + NO_FEE_NOTE,
    )


@dataclass(frozen=True)
class Overview:
    distributor: Distributor | None
    application: DistributorApplication | None
    status: str
    status_label: str
    balances: Balances | None
    levels: int
    rules: WithdrawRules
    join: JoinPolicy

    @property
    def can_apply(self) -> bool:
        return self.distributor is None and self.status != "applying"


def distributor_balances(*, distributor: Distributor) -> Balances:
    """Ledger balances, plus what was paid out: together, every fen ever earned and kept
    (``withdrawn`` counts the gross amount, fee included, as it left ``withdrawing``)."""
    d = distributor.id
    found = account_balances([ledger_accounts.pending(d), ledger_accounts.available(d), ledger_accounts.withdrawing(d)])
    withdrawn = Withdrawal.objects.filter(distributor_id=d, status=WithdrawalStatus.PAID).aggregate(
        total=Sum("amount_fen")
    )["total"]
    return Balances(
        pending_fen=found[ledger_accounts.pending(d)],
        available_fen=found[ledger_accounts.available(d)],
        withdrawing_fen=found[ledger_accounts.withdrawing(d)],
        withdrawn_fen=int(withdrawn or 0),
    )


def centre_overview(*, user: User) -> Overview:
    """The centre's front page for anyone: a distributor sees balances and code; anyone else sees
    where their application stands (审核中 / 已驳回), never an error. Everyone sees the platform's
    withdrawal rules and how one becomes a distributor, from one (cached) settings read."""
    distributor = Distributor.objects.select_related("tier").filter(user_id=user.id).first()
    application = DistributorApplication.objects.filter(user_id=user.id).order_by("-id").first()
    row = distribution_settings()
    levels = enabled_levels(row)
    rules = withdraw_rules(row)
    join = join_policy(row, user=user, is_distributor=distributor is not None)
    if distributor is not None:
        status = distributor.status
        return Overview(
            distributor,
            application,
            status,
            CENTRE_STATUS_LABELS[status],
            distributor_balances(distributor=distributor),
            levels,
            rules,
            join,
        )
    if application is not None and application.status == ApplicationStatus.PENDING:
        status = "applying"
    elif application is not None and application.status == ApplicationStatus.REJECTED:
        status = "rejected"
    else:
        status = "none"
    return Overview(None, application, status, CENTRE_STATUS_LABELS[status], None, levels, rules, join)


# -- team and customers ----------------------------------------------------------------------


@dataclass(frozen=True)
class TeamCounts:
    level1: int
    level2: int


@dataclass(frozen=True)
class TeamMember:
    id: int  # the binding's id: a list key, not a person's
    name: str
    phone: str
    avatar_url: str
    bound_at: datetime
    is_distributor: bool
    order_count: int
    sales_fen: int


def _level1(distributor: Distributor) -> QuerySet[Referral]:
    return Referral.objects.filter(distributor_id=distributor.id)


def _level2(distributor: Distributor) -> QuerySet[Referral]:
    """Users bound to a distributor who is one of my level-1 members (one semi-join)."""
    level1_users = Referral.objects.filter(distributor_id=distributor.id).values("user_id")
    return Referral.objects.filter(distributor__user_id__in=level1_users).exclude(user_id=distributor.user_id)


def team_counts(*, distributor: Distributor) -> TeamCounts:
    return TeamCounts(level1=_level1(distributor).count(), level2=_level2(distributor).count())


def _through_me(distributor: Distributor, buyer_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per buyer: orders that earned me commission (not fully refunded) and their sales, net of refunds."""
    rows = (
        CommissionRecord.objects.filter(distributor_id=distributor.id, buyer_id__in=buyer_ids)
        .exclude(status=CommissionStatus.CANCELLED)
        .values("buyer_id")
        .annotate(orders=Count("order_id", distinct=True), sales=Sum(SALES_FEN))
        .order_by()
    )
    return {r["buyer_id"]: (r["orders"], int(r["sales"] or 0)) for r in rows}


def team_member_list(*, distributor: Distributor, level: int, page: int = 1, page_size: int = 0) -> Page:
    """One page of level-1 or level-2 members, newest binding first, in four queries whatever the
    team's size: the bindings are sorted and cut before any person is read."""
    qs = (_level1(distributor) if level == 1 else _level2(distributor)).order_by("-bound_at", "-id")
    found = paged(qs.values("id", "user_id", "bound_at"), page, page_size)
    rows = found.items
    user_ids = [r["user_id"] for r in rows]
    people = {
        u["id"]: u
        for u in User.objects.filter(pk__in=user_ids)
        .annotate(is_distributor=Exists(Distributor.objects.filter(user_id=OuterRef("pk"))))
        .values("id", "nickname", "phone", "avatar_url", "is_distributor")
    }
    stats = _through_me(distributor, user_ids)
    items = []
    for r in rows:
        person = people[r["user_id"]]
        order_count, sales_fen = stats.get(r["user_id"], (0, 0))
        items.append(
            TeamMember(
                id=r["id"],
                name=person_name(person["nickname"]),
                phone=mask_phone(person["phone"]),
                avatar_url=person["avatar_url"],
                bound_at=r["bound_at"],
                is_distributor=person["is_distributor"],
                order_count=order_count,
                sales_fen=sales_fen,
            )
        )
    return replace(found, items=items)


@dataclass(frozen=True)
class Customer:
    name: str
    avatar_url: str
    order_count: int
    sales_fen: int
    last_order_at: datetime


def customer_list(*, distributor: Distributor, page: int = 1, page_size: int = 0) -> Page:
    """Buyers of orders that earned me level-1 commission, latest buyer first. A buyer whose
    every such order was refunded in full is not a customer (their records are cancelled)."""
    qs = (
        CommissionRecord.objects.filter(distributor_id=distributor.id, level=1)
        .exclude(status=CommissionStatus.CANCELLED)
        .values("buyer_id")
        .annotate(
            order_count=Count("order_id", distinct=True), sales=Sum(SALES_FEN), last_order_at=Max("order__created_at")
        )
        .order_by("-last_order_at", "-buyer_id")
    )
    found = paged(qs, page, page_size)
    rows = found.items
    users = {
        u["id"]: u
        for u in User.objects.filter(pk__in=[r["buyer_id"] for r in rows]).values("id", "nickname", "avatar_url")
    }
    items = [
        Customer(
            name=person_name(users[r["buyer_id"]]["nickname"]),
            avatar_url=users[r["buyer_id"]]["avatar_url"],
            order_count=r["order_count"],
            sales_fen=int(r["sales"] or 0),
            last_order_at=r["last_order_at"],
        )
        for r in rows
    ]
    return replace(found, items=items)


# -- withdrawals -----------------------------------------------------------------------------


def withdrawal_list(*, distributor: Distributor, page: int = 1, page_size: int = 0) -> Page:
    qs = Withdrawal.objects.filter(distributor_id=distributor.id).order_by("-id")
    return paged(qs, page, page_size)


def withdrawal_get(*, distributor: Distributor, withdrawal_id: int) -> Withdrawal:
    """Another distributor's withdrawal is "not found": never confirm it exists."""
    withdrawal = Withdrawal.objects.filter(pk=withdrawal_id, distributor_id=distributor.id).first()
    if withdrawal is None:
        raise NotFound("WITHDRAWAL_NOT_FOUND", "提现记录不存在")
    return withdrawal
