"""Stored XSS and the Content-Security-Policy in a real browser: a script hidden in a product's
detail never runs (cleaned away, and refused by the policy should anything slip through), and the
operator's pages and the API docs work under the policy without a single violation. The shopper's
pages are covered by every other browser test: each phone fails on any violation (conftest)."""

from __future__ import annotations

import pytest

from fenxiao.catalog.models import Product
from tests.browser.support import admin_login, sandbox_shopper, shelf_sku
from tests.order_support import place_order

pytestmark = pytest.mark.django_db(transaction=True)

EXPECTED_NOISE = ("status of 404", "script-src-attr", "inline event handler")


def test_a_script_in_a_product_detail_never_runs(phone):
    # given a detail stored before cleaning existed, with a handler on a picture that fails to load
    sku = shelf_sku("旧详情商品")
    Product.objects.filter(pk=sku.product_id).update(
        detail_html='<p>详情</p><img src="/media/missing.png" onerror="window.pwned = 1"><script>pwned = 3</script>'
    )

    # when a shopper opens the product
    page = phone.open(f"/products/{sku.product_id}/")

    # then the picture failed to load, but nothing ran: the handler was cleaned away
    assert page.inner_html(".detail-html") == '<p>详情</p><img src="/media/missing.png">'
    assert page.evaluate("window.pwned ?? null") is None

    # and had the cleaning missed one, the policy refuses inline handlers anyway
    late = page.evaluate(
        """() => {
             const refused = new Promise((done) => document.addEventListener(
               "securitypolicyviolation", (e) => done(e.effectiveDirective), {once: true}));
             const box = document.querySelector(".detail-html");
             box.insertAdjacentHTML("beforeend", '<img id="late" src="/media/gone.png" onerror="window.pwned = 2">');
             const failed = new Promise((done) => document.getElementById("late").addEventListener("error", done));
             return Promise.all([refused, failed]).then(([directive]) => [directive, window.pwned ?? null]);
           }"""
    )
    assert late == ["script-src-attr", None]
    assert all("script-src-attr" in v for v in phone.csp_violations), phone.csp_violations
    phone.errors[:] = [e for e in phone.errors if not any(noise in e for noise in EXPECTED_NOISE)]


def test_the_admin_works_under_the_policy(phone, operator):
    sku = shelf_sku("山茶花修护精华")
    place_order(sandbox_shopper("alice", "小艾同学"), (sku.id, 1))
    pages = [
        "/admin/",
        "/admin/catalog/product/",
        f"/admin/catalog/product/{sku.product_id}/change/",
        "/admin/catalog/product/add/",
        "/admin/catalog/product/import/",
        "/admin/orders/order/",
        "/admin/distribution/distributorapplication/",
    ]

    page = admin_login(phone, operator, pages[0])
    assert page.locator("#dashboard").is_visible()
    for path in pages[1:]:
        page = phone.open(path)
        assert page.locator("#content").is_visible(), path
    # the change form's scripts run: "add another SKU" adds an inline row
    page = phone.open(f"/admin/catalog/product/{sku.product_id}/change/")
    rows = page.locator("#skus-group tbody tr.form-row:not(.empty-form)").count()
    page.click("#skus-group .add-row a")
    assert page.locator("#skus-group tbody tr.form-row:not(.empty-form)").count() == rows + 1

    assert phone.csp_violations == []


def test_the_api_docs_render_swagger_ui_from_our_own_files(phone):
    requested: list[str] = []
    phone.page.on("request", lambda request: requested.append(request.url))

    page = phone.open("/api/docs")

    page.wait_for_selector(".opblock-tag")
    # expand the product list and try it out: React renders the form, its selects draw data: arrows
    page.click("#operations-catalog-get_v1_products .opblock-summary")
    page.click(".opblock.is-open .try-out__btn")
    page.click(".opblock.is-open .execute")
    page.wait_for_selector(".opblock.is-open .live-responses-table .response .response-col_status")
    assert "200" in page.inner_text(".opblock.is-open .live-responses-table .response .response-col_status")
    page.locator(".models").scroll_into_view_if_needed()
    assert all(url.startswith(phone.base_url) or url.startswith("data:") for url in requested), requested
    assert phone.csp_violations == []
