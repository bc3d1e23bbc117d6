"""数据洞察 on a phone (375x667): a visitor's arrival through the share link counts as an open, and
the distributor's insights page shows its four sections, fits the screen and switches windows,
without console errors or CSP violations (the bars are inline widths, no script)."""

from __future__ import annotations

import os
import re

import pytest

from fenxiao.distribution.network.binding import referral_bind
from fenxiao.distribution.network.enrolment import distributor_create
from tests.browser.support import sandbox_shopper, shelf_sku
from tests.distribution.support import make_user, paid_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_insights_page_on_a_phone(phones, commit):
    # given a distributor whose customer bought two scarves, and a visitor who opened their link
    user = sandbox_shopper("dina", "丁娜")
    distributor = distributor_create(user_id=user.id, source="apply", real_name="丁娜", phone="13800138000")
    buyer = make_user("欧阳娜娜", phone="13912345678")
    referral_bind(user_id=buyer.id, code=distributor.code, source="link")
    paid_order(commit, buyer, (shelf_sku("一款名字很长很长的羊绒围巾冬季保暖加厚礼盒装", price_fen=30_000).id, 2))
    phones().open(f"/?ref={distributor.code}")

    # when the distributor opens 数据洞察 from the centre
    phone = phones()
    phone.login("sandbox-dina", "/centre/")
    page = phone.page
    page.click("#centre-link-insights")
    page.wait_for_url(re.compile(r"/centre/insights/$"))

    # then the four sections show the figures, the page fits the phone
    for section in ("#insights-products", "#insights-when", "#insights-customers", "#insights-funnel"):
        assert page.locator(section).is_visible(), section
    assert "2 件 · 1 单" in page.inner_text("#insights-products")
    assert "¥30.00" in page.inner_text("#insights-products")  # 10% of ¥300 a unit
    assert page.inner_text("#insights-per-buyer") == "600.00"
    assert phone.overflow() == 0
    if os.environ.get("INSIGHTS_SCREENSHOT"):
        page.screenshot(path=os.environ["INSIGHTS_SCREENSHOT"], full_page=True)

    # and the window switches to the last 7 days
    page.click("[data-days='7']")
    page.wait_for_url(re.compile(r"days=7"))
    assert page.locator("[data-days='7'].on").count() == 1
    assert "欧阳" not in page.inner_text("main")
