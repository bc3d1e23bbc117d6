"""The home page's tiles: each figure from ``selectors`` with the admin list that holds exactly
the records behind it (the same period bounds, the same status), shown only to operators who may
view that list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from fenxiao.analytics.datacentre.cards import Card, cards_for
from fenxiao.analytics.metrics.figures import figures_get
from fenxiao.analytics.models import DATACENTRE_PERMISSION
from fenxiao.analytics.periods import DayRange
from fenxiao.analytics.selectors import Dashboard, Period, PeriodFigures, dashboard_get
from fenxiao.core.money import fen_to_yuan
from fenxiao.core.replica import lag_tolerant_reads
from fenxiao.distribution.models import ApplicationStatus, WithdrawalStatus
from fenxiao.orders.models import AfterSaleStatus, OrderStatus


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    url: str
    perm: str  # the view permission of the list it links to
    urgent: bool = False  # a queue with work in it


def changelist(model: str, **params: str) -> str:
    """``model`` is ``app_label.model_name``."""
    app_label, model_name = model.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _period_params(field: str, period: Period) -> dict[str, str]:
    return {f"{field}__gte": period.start.isoformat(), f"{field}__lt": period.end.isoformat()}


def period_tiles(figures: PeriodFigures, period: Period) -> list[Tile]:
    paid = changelist("orders.order", **_period_params("paid_at", period))
    return [
        Tile("GMV（元）", fen_to_yuan(figures.gmv_fen), paid, "orders.view_order"),
        Tile("付款订单", str(figures.orders), paid, "orders.view_order"),
        Tile(
            "新增用户",
            str(figures.new_users),
            changelist("accounts.user", is_staff__exact="0", **_period_params("created_at", period)),
            "accounts.view_user",
        ),
        Tile(
            "新增分销商",
            str(figures.new_distributors),
            changelist("distribution.distributor", **_period_params("joined_at", period)),
            "distribution.view_distributor",
        ),
    ]


def queue_tiles(d: Dashboard) -> list[Tile]:
    q = d.queues
    rows = [
        ("待审核分销申请", q.pending_applications,
         changelist("distribution.distributorapplication", status=ApplicationStatus.PENDING),
         "distribution.view_distributorapplication"),
        ("待审核提现", q.withdrawals_to_review,
         changelist("distribution.withdrawal", status=WithdrawalStatus.REVIEWING), "distribution.view_withdrawal"),
        ("待审核售后", q.after_sales_to_review,
         changelist("orders.aftersale", status__exact=AfterSaleStatus.REQUESTED), "orders.view_aftersale"),
        ("退货待收货", q.after_sales_returns_to_receive,
         changelist("orders.aftersale", status__exact=AfterSaleStatus.RETURN_SHIPPED), "orders.view_aftersale"),
        ("待发货订单", q.orders_to_ship,
         changelist("orders.order", status__exact=OrderStatus.PAID, fulfilment_hold__exact=""), "orders.view_order"),
    ]  # fmt: skip
    return [Tile(label, str(n), url, perm, urgent=n > 0) for label, n, url, perm in rows]


GLANCE_METRICS = ("gmv_fen", "paid_orders", "buyers", "aov_fen", "new_buyers", "commission_fen")


@dataclass(frozen=True)
class Glance:
    """The data centre in brief: today so far against the whole of yesterday, from the same
    rollups and definitions as the data centre page it links to."""

    cards: list[Card]
    url: str


def glance_get(day: date) -> Glance:
    today = DayRange(day, day)
    cards = cards_for(GLANCE_METRICS, figures_get(today), figures_get(today.previous()))
    return Glance(cards=cards, url=reverse("admin:analytics_datacentre_changelist") + "?range=7d")


@dataclass(frozen=True)
class DashboardView:
    dashboard: Dashboard
    today: list[Tile]
    month: list[Tile]
    queues: list[Tile]
    shows_gmv: bool
    time_zone: str
    glance: Glance | None = None


@lag_tolerant_reads()
def dashboard_for(user) -> DashboardView:
    """The admin index's figures and queues: counts a few seconds old are fine (the replica)."""
    d = dashboard_get()

    def visible(tiles: list[Tile]) -> list[Tile]:
        return [t for t in tiles if user.has_perm(t.perm)]

    return DashboardView(
        dashboard=d,
        today=visible(period_tiles(d.today_figures, d.today)),
        month=visible(period_tiles(d.month_figures, d.month)),
        queues=visible(queue_tiles(d)),
        shows_gmv=user.has_perm("orders.view_order"),
        time_zone=settings.TIME_ZONE,
        glance=glance_get(d.today.first_day) if user.has_perm(DATACENTRE_PERMISSION) else None,
    )
