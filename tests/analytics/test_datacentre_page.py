"""The admin's 数据中心 page: who may open it, the period its presets and custom dates mean in the
shop's time zone, a bad period answered with a Chinese error that keeps what was typed, and the
figures it shows (cards, trends, cohorts, rankings) equal to what the metric selectors say."""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from fenxiao.analytics.datacentre.display import Change, band_text, change, format_value
from fenxiao.analytics.datacentre.ranges import DEFAULT_TRENDS, cohort_months, granularity_for
from fenxiao.analytics.metrics.cohorts import cohorts_get
from fenxiao.analytics.metrics.definitions import METRICS
from fenxiao.analytics.metrics.overview import overview_get
from fenxiao.analytics.metrics.rankings import rankings_get
from fenxiao.analytics.metrics.trend import trend_get
from fenxiao.analytics.periods import DayRange
from tests.analytics.datacentre_support import build_history
from tests.factories import StaffUserFactory, UserFactory
from tests.orders.aftersales.support import fixture_aftersale_sandbox  # noqa: F401

BEIJING = ZoneInfo("Asia/Shanghai")
URL = "/admin/analytics/datacentre/"
# 00:30 on 2 November in Beijing is still 1 November in UTC: "today" is the shop's day.
EARLY = datetime(2026, 11, 2, 0, 30, tzinfo=BEIJING)


def console(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def viewer():
    clerk = StaffUserFactory()
    clerk.user_permissions.add(Permission.objects.get(codename="view_datacentre"))
    return clerk


def embedded(response) -> dict:
    found = re.search(r'<script id="dc-data" type="application/json">(.*?)</script>', response.content.decode(), re.S)
    assert found, "the chart data is embedded"
    return json.loads(found.group(1))


def as_json(value) -> object:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@pytest.mark.django_db
class TestWhoMayOpenIt:
    def test_staff_with_the_permission_and_superusers_see_the_page_and_its_menu_entry(self):
        for user in (viewer(), StaffUserFactory(is_superuser=True)):
            page = console(user).get(URL)
            assert page.status_code == 200
            assert "核心指标" in page.content.decode()
            home = console(user).get("/admin/").content.decode()
            assert f'href="{URL}"' in home

    def test_staff_without_the_permission_are_refused_and_not_shown_the_entry(self):
        clerk = StaffUserFactory()
        assert console(clerk).get(URL).status_code == 403
        assert f'href="{URL}"' not in console(clerk).get("/admin/").content.decode()

    def test_shoppers_and_visitors_are_sent_to_the_admin_login(self):
        for client in (console(UserFactory()), Client()):
            answer = client.get(URL)
            assert answer.status_code == 302 and answer["Location"].startswith("/admin/login/")

    def test_the_page_has_no_records_to_add_change_or_delete(self):
        client = console(StaffUserFactory(is_superuser=True))
        assert client.get(f"{URL}add/").status_code == 404
        assert client.get(f"{URL}1/change/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "first", "last"),
    [
        ("", date(2026, 10, 4), date(2026, 11, 2)),  # 近30天 by default
        ("?range=today", date(2026, 11, 2), date(2026, 11, 2)),
        ("?range=7d", date(2026, 10, 27), date(2026, 11, 2)),
        ("?range=30d", date(2026, 10, 4), date(2026, 11, 2)),
        ("?range=month", date(2026, 11, 1), date(2026, 11, 2)),
        ("?range=custom&from=2025-02-01&to=2025-03-31", date(2025, 2, 1), date(2025, 3, 31)),
    ],
)
def test_presets_count_back_from_the_shops_today(query, first, last):
    with time_machine.travel(EARLY, tick=False):
        answer = console(viewer()).get(URL + query)
    page = answer.context["page"]
    span = DayRange(first, last)
    assert (page.span, page.previous_span) == (span, span.previous())
    body = answer.content.decode()
    assert f'name="from" value="{first.isoformat()}"' in body and f'name="to" value="{last.isoformat()}"' in body
    assert embedded(answer)["overview"]["from"] == first.isoformat()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("from=2026-10-09&to=2026-10-01", "开始日期不能晚于结束日期"),
        ("from=2020-01-01&to=2026-10-01", "统计区间最长 732 天"),
        ("from=2026-13-01&to=2026-10-01", "输入一个有效的日期。"),
        ("from=&to=2026-10-01", "自定义区间请选择开始日期和结束日期"),
        ("from=1999-12-31&to=2000-01-02", "日期应在 2000-01-01 至 9998-12-31 之间"),
    ],
)
def test_a_bad_custom_period_shows_the_error_and_keeps_what_was_typed(query, error):
    answer = console(viewer()).get(f"{URL}?range=custom&{query}&metric=refund_fen&metric=k_factor_milli")
    body = answer.content.decode()
    assert answer.status_code == 200 and answer.context["page"] is None
    assert error in body and 'id="dc-data"' not in body
    typed = dict(part.split("=") for part in query.split("&"))
    assert f'name="from" value="{typed["from"]}"' in body and f'name="to" value="{typed["to"]}"' in body
    assert 'value="custom" checked' in body
    checked = re.findall(r'name="metric" value="(\w+)" checked', body)
    assert checked == ["refund_fen", "k_factor_milli"]


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (123456789, "fen", "¥1,234,567.89"),
        (5, "fen", "¥0.05"),
        (-1250, "fen", "¥-12.50"),
        (2534, "bps", "25.34%"),
        (10000, "bps", "100.00%"),
        (245, "milli", "0.25"),  # thousandths to two places, half up
        (1234, "milli", "1.23"),
        (12345, "count", "12,345"),
        (None, "bps", "—"),
    ],
)
def test_figures_are_formatted_for_reading(value, unit, shown):
    assert format_value(value, unit) == shown


@pytest.mark.parametrize(
    ("current", "previous", "unit", "text", "direction"),
    [
        (15_000, 10_000, "fen", "↑ 50.00%", "up"),
        (2, 3, "count", "↓ 33.33%", "down"),  # rounded once, half up
        (7, 7, "count", "持平", "flat"),
        (5, 0, "count", "↑ 上期为 0", "up"),
        (1_500, 1_380, "bps", "↑ 1.20 个百分点", "up"),  # rates move by percentage points
        (180, 250, "milli", "↓ 0.07", "down"),
        (None, 1_000, "bps", "—", None),
        (1_000, None, "bps", "—", None),
    ],
)
def test_changes_against_the_previous_period_read_as_operators_expect(current, previous, unit, text, direction):
    assert change(current, previous, unit) == Change(text, direction)


def test_bands_are_shown_in_the_metrics_own_unit():
    assert band_text(METRICS["commission_share_bps"]) == "参考区间 10.00%–20.00%"
    assert band_text(METRICS["k_factor_milli"]) == "参考值 ≥ 0.20"
    assert band_text(METRICS["gmv_fen"]) == ""


@pytest.mark.parametrize(
    ("first", "last", "granularity", "months"),
    [
        (date(2026, 11, 1), date(2026, 11, 30), "day", (date(2026, 6, 1), date(2026, 11, 1))),
        (date(2026, 9, 1), date(2026, 11, 1), "day", (date(2026, 6, 1), date(2026, 11, 1))),  # 62 days
        (date(2026, 9, 1), date(2026, 11, 2), "week", (date(2026, 6, 1), date(2026, 11, 1))),
        (date(2025, 11, 1), date(2026, 11, 6), "week", (date(2025, 11, 1), date(2026, 11, 1))),  # 371 days
        (date(2025, 1, 1), date(2026, 11, 6), "month", (date(2025, 1, 1), date(2026, 11, 1))),
        (date(2026, 1, 10), date(2026, 2, 3), "day", (date(2025, 9, 1), date(2026, 2, 1))),  # across a year
    ],
)
def test_longer_periods_are_drawn_by_week_or_month_with_at_least_six_cohorts(first, last, granularity, months):
    span = DayRange(first, last)
    assert granularity_for(span) == granularity
    assert cohort_months(span) == months


@pytest.mark.django_db(transaction=True)
def test_the_page_shows_what_the_selectors_say_for_the_period():
    """Given 70 days of real orders, refunds and referrals; when the operator opens the last 30
    days and the whole history; then the embedded chart data equals the selectors' answers, and
    every card, trend table, cohort row and ranking row shows those numbers formatted."""
    history = build_history()
    operator = StaffUserFactory(is_superuser=True)
    client = console(operator)
    with time_machine.travel(datetime.combine(history.last_day, time(12), tzinfo=BEIJING), tick=False):
        month = client.get(f"{URL}?range=30d")
        whole = client.get(
            f"{URL}?range=custom&from={history.first_day}&to={history.last_day}&metric=gmv_fen&metric=k_factor_milli"
        )
        span = DayRange(history.last_day - timedelta(days=29), history.last_day)
        overview = overview_get(span=span)
        trends = [trend_get(metric=m, span=span, granularity="day") for m in DEFAULT_TRENDS]
        cohorts = cohorts_get(from_month=date(2026, 6, 1), to_month=date(2026, 11, 1))
        products = rankings_get(kind="products", span=span, limit=10)
        long_span = DayRange(history.first_day, history.last_day)
        weekly = [trend_get(metric=m, span=long_span, granularity="week") for m in ("gmv_fen", "k_factor_milli")]
        distributors = rankings_get(kind="distributors", span=long_span, limit=10)

    data = embedded(month)
    assert data["overview"] == as_json(
        {
            "from": span.first,
            "to": span.last,
            "previous_from": overview.previous_span.first,
            "previous_to": overview.previous_span.last,
            "metrics": overview.metrics.as_dict(),
            "previous": overview.previous.as_dict(),
            "health": overview.health,
        }
    )
    assert overview.metrics.gmv_fen > 0 and overview.metrics.paid_orders > 0
    assert [t["metric"] for t in data["trends"]] == list(DEFAULT_TRENDS)
    for shown, trend in zip(data["trends"], trends, strict=True):
        assert shown["granularity"] == "day" and len(shown["points"]) == 30
        assert shown["points"] == as_json(
            [{"label": p.label, "from": p.span.first, "to": p.span.last, "value": p.value} for p in trend.points]
        )
    assert data["cohorts"] == as_json([{**asdict(r), "month": r.month.strftime("%Y-%m")} for r in cohorts])
    assert data["products_by_gmv"] == as_json([asdict(r) for r in products.by_gmv])

    body = html.unescape(month.content.decode())
    for key, definition in METRICS.items():
        card = re.search(rf'<article class="dc-card[^"]*" data-metric="{key}"(.*?)</article>', body, re.S).group(1)
        value = getattr(overview.metrics, key)
        if definition.unit == "sources":
            assert f"分销 {value['distribution']} · 邀请 {value['invite']} · 自然 {value['organic']}" in card
            continue
        assert f'<p class="dc-value" data-value>{format_value(value, definition.unit)}</p>' in card
        assert f"<span data-previous>{format_value(getattr(overview.previous, key), definition.unit)}</span>" in card
        assert f'title="{definition.definition}"' in card and f"<p>{definition.definition}</p>" in card
        if key in overview.health:
            assert f'data-health="{overview.health[key]}"' in card
    gmv_table = re.search(r'data-trend="gmv_fen"(.*?)</figure>', body, re.S).group(1)
    for point in trends[0].points:
        row = f'<th scope="row">{point.label}</th><td>{point.label}</td>'
        assert f'{row}<td class="num">{format_value(point.value, "fen")}</td>' in gmv_table
    for row in cohorts:
        label = row.month.strftime("%Y-%m")
        shown = re.search(rf'data-month="{label}">(.*?)</tr>', body, re.S).group(1)
        assert f'<td class="num">{row.buyers}</td><td class="num">{row.repeat_buyers}</td>' in shown
        assert format_value(row.rate_bps, "bps") in shown
        assert ("未完结" in shown) == (not row.complete)
    top = products.by_gmv[0]
    cells = f'<td class="num">{top.orders}</td><td class="num">{top.units}</td>'
    assert f'<th scope="row">{top.name}</th>{cells}<td class="num">{format_value(top.gmv_fen, "fen")}</td>' in body

    data = embedded(whole)
    assert whole.context["page"].granularity == "week"
    assert [t["points"] for t in data["trends"]] == [
        as_json([{"label": p.label, "from": p.span.first, "to": p.span.last, "value": p.value} for p in t.points])
        for t in weekly
    ]
    body = html.unescape(whole.content.decode())
    ranked = re.search(r'id="dc-table-distributors-gmv"(.*?)</table>', body, re.S).group(1)
    assert [html.unescape(n) for n in re.findall(r'<th scope="row">(.*?)</th>', ranked)] == [
        r.name for r in distributors.by_gmv
    ]
