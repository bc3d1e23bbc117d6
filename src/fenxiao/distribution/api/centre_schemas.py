"""What the mini-program's distributor centre receives. Amounts are integer fen, rates basis
points; other people arrive already masked from the selectors.

OpenAPI keeps one schema per class name, so a shape that shares its name with an operator or
write-side schema takes the ``My`` prefix here (``MyTierOut`` beside the operator's ``TierOut``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from fenxiao.distribution.api import schemas as write_schemas
from fenxiao.distribution.centre import earnings, selectors, standing
from fenxiao.distribution.models import Tier, Withdrawal, WithdrawalMethod

SHARE_PAGE = "pages/index/index"


class MyPageQuery(Schema):
    page: Annotated[int, Field(ge=1)] = 1
    page_size: Annotated[int, Field(ge=1, le=selectors.MAX_PAGE_SIZE)] = selectors.DEFAULT_PAGE_SIZE


class TeamQuery(MyPageQuery):
    level: Annotated[int, Field(ge=1, le=2)] = 1


class StatusQuery(MyPageQuery):
    status: Literal["pending", "settled", "cancelled"] | None = None


class RankingQuery(Schema):
    period: Literal["week", "month"] = "week"
    by: Literal["commission", "sales"] = "commission"


# -- me --------------------------------------------------------------------------------------


class MyTierOut(Schema):
    id: int
    name: str
    rank: int
    rates_bps: list[int]


class BalancesOut(Schema):
    pending_fen: int
    available_fen: int
    withdrawing_fen: int
    withdrawn_fen: int


class MyApplicationOut(Schema):
    status: str
    status_label: str
    reject_reason: str
    created_at: datetime


class WithdrawMethodOut(Schema):
    value: str
    label: str


class WithdrawRulesOut(Schema):
    """The rules a withdrawal request is held to, as the server applies them."""

    min_fen: int = Field(description="单笔最低提现金额（分），服务端按此拒绝更小的金额")
    fee_bps: int = Field(description="手续费比例（基点）")
    fee_min_fen: int = Field(
        description="最低手续费（分）。手续费 = max(金额 × fee_bps // 10000, fee_min_fen)，两者皆为 0 时免手续费"
    )
    daily_limit_fen: int = Field(description="每日提现上限（分），当日未被驳回或退回的提现合计")
    audit_above_fen: int | None = Field(
        description="超过此金额的提现需人工审核（分）；为 null 时任何提现都不会超过它（不低于每日上限）"
    )
    methods: list[WithdrawMethodOut]


class JoinPolicyOut(Schema):
    """How one becomes a distributor: never for a fee or a purchase."""

    policy: Literal["everyone", "apply", "spend"]
    policy_label: str
    threshold_fen: int | None = Field(description="累计消费门槛（分），仅 spend 方式")
    spent_fen: int | None = Field(description="本人已付款且未退款的累计消费（分），仅 spend 方式且尚未成为分销商时")
    note: str


class MeOut(Schema):
    is_distributor: bool
    status: str
    status_label: str
    can_apply: bool
    tier: MyTierOut | None
    code: str | None
    share_path: str | None
    balances: BalancesOut | None
    application: MyApplicationOut | None
    joined_at: datetime | None
    rules: WithdrawRulesOut
    join: JoinPolicyOut


def tier_dict(tier: Tier, levels: int) -> dict:
    return {"id": tier.id, "name": tier.name, "rank": tier.rank, "rates_bps": selectors.effective_rates(tier, levels)}


def share_path(code: str) -> str:
    return f"{SHARE_PAGE}?ref={code}"


def me_dict(overview: selectors.Overview) -> dict:
    distributor, application = overview.distributor, overview.application
    return {
        "is_distributor": distributor is not None,
        "status": overview.status,
        "status_label": overview.status_label,
        "can_apply": overview.can_apply,
        "tier": tier_dict(distributor.tier, overview.levels) if distributor else None,
        "code": distributor.code if distributor else None,
        "share_path": share_path(distributor.code) if distributor else None,
        "balances": vars(overview.balances) if overview.balances else None,
        "application": {
            "status": application.status,
            "status_label": application.get_status_display(),
            "reject_reason": application.reject_reason,
            "created_at": application.created_at,
        }
        if application
        else None,
        "joined_at": distributor.joined_at if distributor else None,
        "rules": {
            **vars(overview.rules),
            "methods": [{"value": value, "label": label} for value, label in overview.rules.methods],
        },
        "join": vars(overview.join),
    }


# -- lists -----------------------------------------------------------------------------------


class TeamMemberOut(Schema):
    id: int
    name: str
    phone: str
    avatar_url: str
    bound_at: datetime
    is_distributor: bool
    order_count: int
    sales_fen: int


class TeamOut(Schema):
    level1_count: int
    level2_count: int
    level: int
    items: list[TeamMemberOut]
    count: int
    page: int
    page_size: int


class CustomerOut(Schema):
    name: str
    avatar_url: str
    order_count: int
    sales_fen: int
    last_order_at: datetime


class CustomerPageOut(Schema):
    items: list[CustomerOut]
    count: int
    page: int
    page_size: int


class ReferredOrderOut(Schema):
    order_no: str
    created_at: datetime
    buyer_name: str
    goods_title: str
    goods_quantity: int
    goods_summary: str
    level: int
    sales_fen: int
    commission_fen: int
    status: str
    status_label: str
    # Held by a risk review (issue 19 §1): the label reads 审核中; nothing more is told.
    held: bool = False


class ReferredOrderPageOut(Schema):
    items: list[ReferredOrderOut]
    count: int
    page: int
    page_size: int


class CommissionOut(Schema):
    id: int
    order_no: str
    product_title: str
    level: int
    base_fen: int
    refunded_base_fen: int
    rate_bps: int | None
    fixed_unit_fen: int | None
    amount_fen: int
    reversed_fen: int
    clawback_fen: int
    net_fen: int
    status: str
    status_label: str
    held: bool = False
    created_at: datetime
    settle_after: datetime | None
    settle_note: str
    settled_at: datetime | None


class CommissionPageOut(Schema):
    items: list[CommissionOut]
    count: int
    page: int
    page_size: int


def team_dict(counts: selectors.TeamCounts, level: int, page) -> dict:
    return {"level1_count": counts.level1, "level2_count": counts.level2, "level": level, **page.shaped(vars)}


def referred_order_dict(row: earnings.ReferredOrder) -> dict:
    return {**vars(row), "goods_summary": row.goods_summary}


# -- rankings and tier -----------------------------------------------------------------------


class RankingEntryOut(Schema):
    rank: int
    name: str
    avatar_url: str
    figure_fen: int
    is_me: bool


class RankingOut(Schema):
    period: str
    by: str
    start: datetime
    end: datetime
    entries: list[RankingEntryOut]
    my_rank: int | None
    my_figure_fen: int


class TierStepOut(MyTierOut):
    min_sales_fen: int
    min_customers: int
    min_orders: int


class ProgressOut(Schema):
    sales_fen: int
    customers: int
    orders: int


class TierProgressOut(Schema):
    current: TierStepOut
    next: TierStepOut | None
    progress: ProgressOut
    remaining: ProgressOut | None
    tiers: list[TierStepOut]
    note: str


def ranking_dict(ranking: standing.Ranking) -> dict:
    return {**vars(ranking), "entries": [vars(e) for e in ranking.entries]}


def _tier_step(tier: Tier, levels: int) -> dict:
    return {
        **tier_dict(tier, levels),
        "min_sales_fen": tier.min_sales_fen,
        "min_customers": tier.min_customers,
        "min_orders": tier.min_orders,
    }


def tier_progress_dict(view: standing.TierOverview) -> dict:
    return {
        "current": _tier_step(view.current, view.levels),
        "next": _tier_step(view.next, view.levels) if view.next else None,
        "progress": vars(view.progress),
        "remaining": vars(view.remaining) if view.remaining else None,
        "tiers": [_tier_step(t, view.levels) for t in view.tiers],
        "note": view.note,
    }


# -- withdrawals -----------------------------------------------------------------------------


class MyWithdrawalOut(write_schemas.WithdrawalOut):
    bank_name: str
    reviewed_at: datetime | None
    closed_at: datetime | None


class WithdrawalDetailOut(MyWithdrawalOut):
    confirm_params: dict[str, str] | None


class MyWithdrawalPageOut(Schema):
    items: list[MyWithdrawalOut]
    count: int
    page: int
    page_size: int


def withdrawal_dict(withdrawal: Withdrawal) -> dict:
    """The same shape the withdrawal request answers with (``schemas.withdrawal_dict``), plus the
    review and return times."""
    return {
        **write_schemas.withdrawal_dict(withdrawal),
        "bank_name": withdrawal.bank_name if withdrawal.method == WithdrawalMethod.BANK else "",
        "reviewed_at": withdrawal.reviewed_at,
        "closed_at": withdrawal.closed_at,
    }


def withdrawal_detail_dict(withdrawal: Withdrawal, *, confirm_params: dict[str, str] | None) -> dict:
    """With what ``wx.requestMerchantTransfer`` needs while the payee may confirm (else null)."""
    return {**withdrawal_dict(withdrawal), "confirm_params": confirm_params}
