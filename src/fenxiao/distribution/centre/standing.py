"""How I stand (DESIGN §5 "rankings" and tiers): this week's or month's board and what is left to
reach the next tier. Both count only real sales and the commission they earned; recruiting never
appears in either (禁止传销条例 Art. 7). The board names no one in full and shows no code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.db.models import Sum
from django.utils import timezone

from fenxiao.core.replica import lag_tolerant_reads
from fenxiao.distribution.centre.selectors import NET_FEN, SALES_FEN, person_name
from fenxiao.distribution.commission.settlement import TierProgress, tier_progress
from fenxiao.distribution.config.settings import enabled_levels
from fenxiao.distribution.models import CommissionRecord, CommissionStatus, Distributor, DistributorStatus, Tier

RANKING_SIZE = 20
RankingPeriod = Literal["week", "month"]
RankingBy = Literal["commission", "sales"]
TIER_NOTE = (
    "等级只看您本人推广带来的真实销售：已结算的一级销售额（扣除退款）、付款客户数和订单数。"
    "邀请他人成为分销商、发展下级不计入升级条件，也不会带来任何奖励。达到条件后，在下一次佣金结算时自动升级。"
)


@dataclass(frozen=True)
class RankingEntry:
    rank: int
    name: str
    avatar_url: str
    figure_fen: int
    is_me: bool


@dataclass(frozen=True)
class Ranking:
    period: str
    by: str
    start: datetime
    end: datetime
    entries: list[RankingEntry]
    my_rank: int | None
    my_figure_fen: int


def period_bounds(period: RankingPeriod, now: datetime) -> tuple[datetime, datetime]:
    """This week (from Monday) or this month, in the platform's local time (Asia/Shanghai)."""
    local = timezone.localtime(now, timezone.get_default_timezone())
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    start = day.replace(day=1)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


@lag_tolerant_reads()
def ranking_list(
    *, distributor: Distributor, period: RankingPeriod, by: RankingBy, now: datetime | None = None
) -> Ranking:
    """Top distributors of the period by commission earned (net of what refunds took back) or by
    level-1 sales (net of refunds), counting records booked in the period. Ties share a rank.
    Only active distributors are ranked; no code or real name is shown. A board a few seconds
    old is fine: read from the replica when there is one."""
    start, end = period_bounds(period, now or timezone.now())
    records = CommissionRecord.objects.filter(created_at__gte=start, created_at__lt=end).exclude(
        status=CommissionStatus.CANCELLED
    )
    if by == "sales":
        records, figure = records.filter(level=1), Sum(SALES_FEN)
    else:
        figure = Sum(NET_FEN)
    board = (
        records.filter(distributor__status=DistributorStatus.ACTIVE)
        .values("distributor_id")
        .annotate(figure=figure)
        .filter(figure__gt=0)
    )
    top = list(board.order_by("-figure", "distributor_id")[:RANKING_SIZE])
    people = {
        d["id"]: d
        for d in Distributor.objects.filter(pk__in=[r["distributor_id"] for r in top]).values(
            "id", "user__nickname", "user__avatar_url"
        )
    }
    entries: list[RankingEntry] = []
    for index, row in enumerate(top):
        tied = bool(entries) and entries[-1].figure_fen == row["figure"]
        person = people[row["distributor_id"]]
        entries.append(
            RankingEntry(
                rank=entries[-1].rank if tied else index + 1,
                name=person_name(person["user__nickname"]),
                avatar_url=person["user__avatar_url"],
                figure_fen=int(row["figure"]),
                is_me=row["distributor_id"] == distributor.id,
            )
        )
    mine = int(records.filter(distributor_id=distributor.id).aggregate(total=figure)["total"] or 0)
    my_rank = None
    if mine > 0 and distributor.status == DistributorStatus.ACTIVE:
        my_rank = board.filter(figure__gt=mine).count() + 1
    return Ranking(period, by, start, end, entries, my_rank, mine)


@dataclass(frozen=True)
class TierOverview:
    current: Tier
    next: Tier | None
    progress: TierProgress
    remaining: TierProgress | None
    tiers: list[Tier]
    levels: int
    note: str = TIER_NOTE


def tier_overview(*, distributor: Distributor) -> TierOverview:
    """Where I stand against the next tier; only my own settled sales count (settlement.tier_progress)."""
    tiers = list(Tier.objects.order_by("rank"))
    current = distributor.tier
    following = next((t for t in tiers if t.rank > current.rank), None)
    progress = tier_progress([distributor.id]).get(distributor.id) or TierProgress(0, 0, 0)
    remaining = None
    if following is not None:
        remaining = TierProgress(
            sales_fen=max(following.min_sales_fen - progress.sales_fen, 0),
            customers=max(following.min_customers - progress.customers, 0),
            orders=max(following.min_orders - progress.orders, 0),
        )
    return TierOverview(current, following, progress, remaining, tiers, enabled_levels())
