"""Take the H5 storefront's screenshots (375x667, as on a phone) from a running mall
(``make run``) with Debian's chromium, signed in through the sandbox picker as a demo shopper.

    .venv/bin/python scripts/screenshots_h5.py [--base http://127.0.0.1:8000] [--shopper sandbox-alice]

Saves ``docs/screenshots/h5-*.png``. Pages that need an id (a product, an order, a group) take
the first one the page before links to, so the demo data from ``seed_demo`` is enough. The cart
shot adds one item to the shopper's cart first; the poster is shot as a demo distributor (``--sharer``).
The distributor centre (``h5-centre*.png``, ``h5-materials.png``) is shot as the demo distributor
with a team, earnings and withdrawals (``--distributor``), and the admin home dashboard
(``admin-dashboard.png``) at a desktop viewport, signed in as the demo operator (``--admin``)."""

from __future__ import annotations

import argparse

from playwright.sync_api import Page, sync_playwright

from screenshots import CHROMIUM_ARGS, OUT  # the admin shots' script, beside this one

CENTRE = [
    ("h5-centre", "/centre/"),
    ("h5-centre-earnings", "/centre/earnings/"),
    ("h5-centre-team", "/centre/team/"),
    ("h5-centre-share", "/centre/share/"),
    ("h5-centre-shop", "/centre/shop/"),
    ("h5-materials", "/centre/materials/"),
]


def first_link(page: Page, selector: str) -> str | None:
    found = page.locator(selector).first
    return found.get_attribute("href") if found.count() else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--shopper", default="sandbox-alice")
    parser.add_argument("--sharer", default="sandbox-bob", help="a demo distributor, for the share poster")
    parser.add_argument("--distributor", default="sandbox-carol", help="a demo distributor with data, for the centre")
    parser.add_argument("--admin", default="admin:fenxiao-demo", help="the operator's username:password")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    saved: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 375, "height": 667}, device_scale_factor=2)

        def shot(name: str, path: str | None, *, full: bool = False) -> None:
            if path is None:
                print(f"skipped h5-{name}.png: nothing to show")
                return
            page.goto(f"{args.base}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=OUT / f"h5-{name}.png", full_page=full)
            saved.append(f"h5-{name}.png")

        shot("login", "/login/")
        page.click(f"[data-login='{args.shopper}']")
        page.wait_for_load_state("networkidle")
        shot("home", "/")
        product = first_link(page, "#recommended .pcard")
        shot("category", "/category/")
        shot("search", "/search/?sort=sales")
        shot("product", product)
        if product:
            page.click("#share-button")
            page.wait_for_selector("#share-link")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=OUT / "h5-share.png")
            saved.append("h5-share.png")
            page.goto(f"{args.base}{product}")
            page.click("button[value=cart]")
            page.wait_for_load_state("networkidle")
        shot("cart", "/cart/")
        shot("checkout", "/checkout/?from_cart=1")
        shot("orders", "/orders/")
        page.goto(f"{args.base}/orders/?tab=to_receive")
        shot("order-detail", first_link(page, "[data-order-no]"), full=True)
        page.goto(f"{args.base}/orders/?tab=pending_payment")
        pending = first_link(page, "[data-order-no]")
        shot("pay", f"{pending}pay/" if pending else None)
        shot("coupons", "/coupons/")
        shot("seckill", "/seckill/")
        page.goto(f"{args.base}/group-buy/")
        activity = first_link(page, "main a.card")
        shot("group-buy", activity)
        if activity:
            page.goto(f"{args.base}{activity}")
        shot("group", first_link(page, "main a[href*='/group-buy/groups/']") if activity else None)
        shot("after-sales", "/after-sales/")
        shot("me", "/me/")
        if product:
            # A distributor's share dialog: the poster with their mini-program code and their link.
            sharer = browser.new_page(viewport={"width": 375, "height": 667}, device_scale_factor=2)
            sharer.goto(f"{args.base}/login/?next={product}")
            sharer.click(f"[data-login='{args.sharer}']")
            sharer.wait_for_load_state("networkidle")
            sharer.click("#share-button")
            sharer.wait_for_selector("#share-link")
            sharer.wait_for_load_state("networkidle")
            sharer.screenshot(path=OUT / "h5-share-poster.png")
            saved.append("h5-share-poster.png")
        # The distributor centre, as a distributor with a team, settled money and withdrawals.
        centre = browser.new_page(viewport={"width": 375, "height": 667}, device_scale_factor=2)
        centre.goto(f"{args.base}/login/?next=/centre/")
        centre.click(f"[data-login='{args.distributor}']")
        centre.wait_for_load_state("networkidle")
        for name, path in CENTRE:
            centre.goto(f"{args.base}{path}")
            centre.wait_for_load_state("networkidle")
            centre.screenshot(path=OUT / f"{name}.png", full_page=True)
            saved.append(f"{name}.png")
        # The admin home dashboard, on a desktop.
        username, _, password = args.admin.partition(":")
        desk = browser.new_page(viewport={"width": 1280, "height": 800})
        desk.goto(f"{args.base}/admin/login/?next=/admin/")
        desk.fill("#id_username", username)
        desk.fill("#id_password", password)
        desk.click("input[type=submit]")
        desk.wait_for_url(f"{args.base}/admin/")
        desk.wait_for_load_state("networkidle")
        desk.screenshot(path=OUT / "admin-dashboard.png")
        saved.append("admin-dashboard.png")
        browser.close()
    print(f"saved to {OUT}: {', '.join(saved)}")


if __name__ == "__main__":
    main()
