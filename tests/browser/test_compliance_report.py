"""The 合规报告 admin page in a real browser with the Content-Security-Policy on: its stylesheet and
print script load (no violation, no console error), and on paper the admin's chrome is gone while
every rule stays; the browser's own print makes the PDF."""

from __future__ import annotations

import pytest

from tests.browser.support import admin_login

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/admin/distribution/compliancereportpage/"


def test_the_report_prints_without_the_admin_chrome(phones, operator):
    screen = phones()
    screen.page.set_viewport_size({"width": 1366, "height": 900})
    page = admin_login(screen, operator, URL)
    page.wait_for_load_state("networkidle")

    assert page.locator("#cr-checks tbody tr").count() == 7
    assert page.locator("#header").is_visible()
    assert page.locator("#cr-print").is_visible()

    page.emulate_media(media="print")
    assert not page.locator("#header").is_visible()
    assert not page.locator("#cr-period").is_visible()
    assert page.locator("#cr-checks").is_visible()
    assert page.pdf(format="A4")[:5] == b"%PDF-"
