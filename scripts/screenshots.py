"""Take the README's screenshots from a running mall (``make run``) with Debian's chromium.

    .venv/bin/pip install playwright   # the Python package only: never `playwright install`
    .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000]

Logs into the admin with the demo operator and saves PNGs under ``docs/screenshots/``."""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="admin")
    parser.add_argument("--password", default="fenxiao-demo")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        phone = browser.new_page(viewport={"width": 375, "height": 812}, device_scale_factor=2)
        phone.goto(f"{args.base}/")
        phone.screenshot(path=OUT / "home.png")

        desk = browser.new_page(viewport={"width": 1280, "height": 800})
        desk.goto(f"{args.base}/admin/login/")
        desk.fill("#id_username", args.username)
        desk.fill("#id_password", args.password)
        desk.click("input[type=submit]")
        desk.wait_for_url(f"{args.base}/admin/")
        shots = {
            "admin-products.png": "/admin/catalog/product/",
            "admin-import.png": "/admin/catalog/product/import/",
            "api-docs.png": "/api/docs",
            "admin-orders.png": "/admin/orders/order/",
            "admin-aftersales.png": "/admin/orders/aftersale/",
            "admin-distributors.png": "/admin/distribution/distributor/",
            "admin-withdrawals.png": "/admin/distribution/withdrawal/?status=all",
            "admin-commissions.png": "/admin/distribution/commissionrecord/",
            "admin-datacentre.png": "/admin/analytics/datacentre/?range=30d",
            "admin-complaints.png": "/admin/risk/complaint/",
            "admin-compliance.png": "/admin/distribution/compliancereportpage/",
            "admin-tax.png": "/admin/distribution/taxplatform/report/",
        }
        for name, path in shots.items():
            desk.goto(f"{args.base}{path}")
            desk.wait_for_load_state("networkidle")
            desk.screenshot(path=OUT / name)
        product_link = desk.goto(f"{args.base}/admin/catalog/product/") and desk.locator("#result_list tbody a").first
        product_link.click()
        desk.wait_for_load_state("networkidle")
        desk.screenshot(path=OUT / "admin-product.png", full_page=False)
        # An order on its way: lines, parcels, payments and the event trail on one page.
        desk.goto(f"{args.base}/admin/orders/order/?status__exact=shipped")
        desk.locator("#result_list tbody a").first.click()
        desk.wait_for_load_state("networkidle")
        desk.screenshot(path=OUT / "admin-order.png", full_page=True)
        # The demo's escalated complaint: the case, the order it holds and the evidence.
        desk.goto(f"{args.base}/admin/risk/riskcase/")
        desk.locator("#result_list tbody a").first.click()
        desk.wait_for_load_state("networkidle")
        desk.screenshot(path=OUT / "admin-risk-case.png")
        desk.goto(f"{args.base}/admin/distribution/distributionsettings/")
        desk.wait_for_load_state("networkidle")
        desk.screenshot(path=OUT / "admin-distribution-settings.png", full_page=True)
        browser.close()
    print(f"saved to {OUT}")


if __name__ == "__main__":
    main()
