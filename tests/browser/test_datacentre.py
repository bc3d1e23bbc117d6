"""The admin's 数据中心 in a real browser, with the Content-Security-Policy on: every chart draws
on its canvas from the embedded figures, the tables beside the charts say the same numbers, the
presets and a bad custom period behave, and the admin home uses the whole width of the screen.

With ``SCREENSHOTS=1`` the tests also save ``docs/screenshots/admin-datacentre.png`` and
``admin-dashboard.png`` (the README's), from the 70-day history."""

from __future__ import annotations

import os
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from tests.analytics.datacentre_support import build_history
from tests.browser.support import admin_login
from tests.orders.aftersales.support import fixture_aftersale_sandbox  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

BEIJING = ZoneInfo("Asia/Shanghai")
URL = "/admin/analytics/datacentre/"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESK = {"width": 1366, "height": 900}

CANVASES = """() => Array.from(document.querySelectorAll("[data-chart]")).map((el) => {
  const canvas = el.querySelector("canvas");
  if (!canvas) return null;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked += 1;
  return { chart: el.dataset.chart, width: canvas.width, height: canvas.height, inked };
})"""

# What each trend chart draws, what its table says, and the figures the page embedded.
TRENDS = """() => {
  const data = JSON.parse(document.getElementById("dc-data").textContent);
  return Array.from(document.querySelectorAll("[data-trend]")).map((panel, i) => {
    const chart = echarts.getInstanceByDom(panel.querySelector("[data-chart]"));
    const drawn = chart.getOption().series[0].data;
    const cells = Array.from(panel.querySelectorAll("tbody tr")).map((tr) => tr.lastElementChild.textContent);
    const trend = data.trends[i];
    return {
      metric: panel.dataset.trend,
      embedded: trend.points.map((p) => p.value),
      drawn,
      table: cells,
      formatted: trend.points.map((p) => fxDataCentre.format(p.value, trend.unit)),
    };
  });
}"""

COHORTS = """() => {
  const data = JSON.parse(document.getElementById("dc-data").textContent);
  const chart = echarts.getInstanceByDom(document.querySelector("[data-chart=cohorts]"));
  return {
    drawn: chart.getOption().series[0].data.map((d) => d.value),
    embedded: data.cohorts.map((r) => r.rate_bps),
    table: Array.from(document.querySelectorAll("#dc-cohorts tbody tr")).map((tr) => tr.children[3].textContent),
    formatted: data.cohorts.map((r) => fxDataCentre.format(r.rate_bps, "bps")),
  };
}"""


def desk(phones, size=DESK):
    screen = phones()
    screen.page.set_viewport_size(size)
    return screen


def sign_in(screen, user, base_url: str) -> None:
    """The session cookie of a server-side login: the shop's clock is moved back to the history,
    and a login form's cookie would carry an expiry date the browser's real clock has passed."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    screen.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])


def test_the_data_centre_draws_its_charts_and_its_tables_agree(phones, live_server, operator):
    history = build_history()
    afternoon = datetime.combine(history.last_day, time(15), tzinfo=BEIJING)
    with time_machine.travel(afternoon, tick=True):
        screen = desk(phones)
        sign_in(screen, operator, live_server.url)
        page = screen.open(f"{URL}?range=30d")

        # every chart has a canvas with a size and something drawn on it
        canvases = page.evaluate(CANVASES)
        assert [c and c["chart"] for c in canvases] == ["trend"] * 4 + ["cohorts", "products"]
        assert all(c["width"] > 100 and c["height"] > 100 and c["inked"] > 500 for c in canvases), canvases

        # what each chart draws is what was embedded, and its table says the same, formatted alike
        trends = page.evaluate(TRENDS)
        assert [t["metric"] for t in trends] == ["gmv_fen", "paid_orders", "buyers", "commission_share_bps"]
        for trend in trends:
            assert trend["drawn"] == trend["embedded"] and len(trend["drawn"]) == 30, trend["metric"]
            assert trend["table"] == trend["formatted"], trend["metric"]
        assert any(v for v in trends[0]["drawn"]), "the history sold something in the last 30 days"
        cohorts = page.evaluate(COHORTS)
        assert cohorts["drawn"] == cohorts["embedded"] and cohorts["table"] == cohorts["formatted"]

        # a data table opens under its chart; a definition opens from the keyboard
        page.click("[data-trend=gmv_fen] details.dc-data summary")
        assert page.locator("[data-trend=gmv_fen] table").is_visible()
        page.focus("[data-metric=conversion_bps] .dc-def summary")
        page.keyboard.press("Enter")
        assert page.locator("[data-metric=conversion_bps] .dc-def p").is_visible()
        page.keyboard.press("Enter")
        if os.environ.get("SCREENSHOTS"):
            page.click("[data-trend=gmv_fen] details.dc-data summary")  # closed again for the picture
            # The whole page in one window: the admin's sticky sidebar stays at the top.
            page.set_viewport_size({**DESK, "height": page.evaluate("document.documentElement.scrollHeight")})
            page.screenshot(path=SHOTS / "admin-datacentre.png")
            page.set_viewport_size(DESK)

        # a preset is one click; the period shown is the shop's
        page.click("label.dc-preset:has-text('近7天')")
        page.wait_for_url(re.compile(r"range=7d"))
        page.wait_for_load_state("networkidle")
        first = history.last_day - timedelta(days=6)
        assert f"统计 {first:%Y-%m-%d} 至 {history.last_day:%Y-%m-%d}（7 天）" in page.inner_text("#dc-period")
        assert page.evaluate(CANVASES)[0]["inked"] > 500

        # a custom period from the date inputs; then one that ends before it starts
        page.fill("#dc-from", "2026-09-01")
        page.fill("#dc-to", "2026-11-09")
        page.click("#dc-range button[type=submit]")
        page.wait_for_url(re.compile(r"range=custom"))
        assert "按周" in page.inner_text("#dc-trends-h")
        assert page.evaluate(CANVASES)[0]["inked"] > 500
        page.fill("#dc-from", "2026-10-09")
        page.fill("#dc-to", "2026-10-01")
        page.click("#dc-range button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "开始日期不能晚于结束日期" in page.inner_text("#dc-range")
        assert page.input_value("#dc-from") == "2026-10-09" and page.input_value("#dc-to") == "2026-10-01"
        assert page.locator("[data-chart]").count() == 0

        if os.environ.get("SCREENSHOTS"):
            home = screen.open("/admin/")
            home.screenshot(path=SHOTS / "admin-dashboard.png")
    assert screen.csp_violations == []


@pytest.mark.parametrize("width", [1366, 1920])
def test_the_admin_home_uses_the_screens_width(phones, operator, width):
    screen = desk(phones, {"width": width, "height": 900})
    page = admin_login(screen, operator, "/admin/")
    tiles = page.locator("#dashboard .fx-tiles").first.bounding_box()
    apps = page.locator("#content-main").bounding_box()
    recent = page.locator("#content-related").bounding_box()
    # the figures run from the left edge to the recent-actions column, and so does the app list
    assert tiles["x"] < 60 and tiles["x"] + tiles["width"] > recent["x"] - 60, (tiles, recent)
    assert apps["width"] > width - 400, apps
    assert page.locator("#datacentre-glance a[href^='/admin/analytics/datacentre/']").is_visible()
    assert screen.overflow() == 0
    # the app list flows into columns: several modules share the first row
    tops = page.evaluate(
        "() => Array.from(document.querySelectorAll('#content-main > .module'))"
        ".map((m) => m.getBoundingClientRect().top)"
    )
    assert tops.count(tops[0]) >= (3 if width >= 1920 else 2), tops
    assert screen.csp_violations == []
