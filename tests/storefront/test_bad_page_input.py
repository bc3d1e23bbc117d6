"""Hostile numbers typed into pages (found by fuzzing): an exponent such as ``1e999999``, a digit
that is not ASCII (``²``), an amount beyond any column. Each is a 400 page or a form error in
Chinese, never a 500, and nothing is written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fenxiao.distribution.models import Tier, Withdrawal
from fenxiao.orders.models import Order, ShippingRule, ShippingTemplate
from fenxiao.promotions.models import UserCoupon, UserCouponStatus
from tests.catalog_factories import ProductFactory, SkuFactory
from tests.distribution.support import make_distributor
from tests.promotions.coupons.support import claim, make_template

pytestmark = pytest.mark.django_db

HUGE = ["1e999999", "1e500000", "-1e999999", "NaN", "Infinity", "1" + "0" * 13]


# -- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["min_price", "max_price"])
@pytest.mark.parametrize("value", HUGE)
def test_a_huge_search_price_is_a_400_page_with_the_reason(client, field, value):
    SkuFactory(product=ProductFactory(title="精华液"), price_fen=12_000)

    response = client.get("/search/", {"q": "精华", field: value})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="price-error"' in html and "金额" in html
    assert "精华液" not in html


# -- checkout --------------------------------------------------------------------------------


@pytest.mark.parametrize("coupon", ["²", "١", "１", "0", "-3", "+1", " 1", "99999999999999999999999"])
def test_a_coupon_choice_that_is_not_an_id_is_priced_as_best(browser, shopper, sku, coupon):
    """``"²".isdigit()`` is True but ``int("²")`` fails: the page must still answer."""
    owned = claim(shopper, make_template(amount_fen=2000, threshold_fen=10_000))

    response = browser.get("/checkout/", {"lines": f"{sku.id}:1", "coupon": coupon})

    assert response.status_code == 200
    assert "¥100.00" in response.content.decode()  # 120.00 less the best coupon, as for coupon=best

    submitted = browser.post(
        "/checkout/submit/",
        {"lines": f"{sku.id}:1", "coupon": coupon, "address_id": shopper.addresses.get().id},
    )
    order = Order.objects.get(buyer=shopper)
    assert submitted.status_code == 302 and submitted["Location"] == f"/orders/{order.id}/pay/"
    assert order.discount_fen == 2000
    assert UserCoupon.objects.get(pk=owned.pk).status == UserCouponStatus.USED


# -- distributor withdrawal ------------------------------------------------------------------


@pytest.mark.parametrize("amount", HUGE)
def test_a_huge_withdrawal_amount_is_a_form_error(sandbox_dir, amount):
    dina = make_distributor("dina", real_name="丁娜")
    client = Client()
    client.force_login(dina.user)

    response = client.post(reverse("storefront:centre_withdraw"), {"amount": amount, "method": "wechat"})

    assert response.status_code == 200
    assert "请输入正确的提现金额" in response.content.decode()
    assert not Withdrawal.objects.exists()


# -- admin: shipping templates and tiers -----------------------------------------------------


def template_form(**overrides) -> dict:
    data = {
        "name": "全国包邮线",
        "charge_by": "piece",
        "free_over_yuan": "99",
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
        "rules-0-provinces_text": "",
        "rules-0-first_units": "1",
        "rules-0-first_yuan": "8",
        "rules-0-extra_units": "1",
        "rules-0-extra_yuan": "2",
    }
    return {**data, **overrides}


@pytest.mark.parametrize("field", ["free_over_yuan", "rules-0-first_yuan", "rules-0-extra_yuan"])
@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1e20", "金额格式不正确"),
        ("1e999999", "金额格式不正确"),
        ("1e500000", "金额格式不正确"),
        ("NaN", "金额格式不正确"),
        ("92233720368547758.08", "金额超出范围"),
        ("10000000.01", "金额不能超过 10000000.00 元"),
    ],
)
def test_a_huge_shipping_amount_is_a_form_error_and_nothing_is_saved(admin_client, field, value, words):
    response = admin_client.post(reverse("admin:orders_shippingtemplate_add"), template_form(**{field: value}))

    assert response.status_code == 200
    assert words in response.content.decode()
    assert not ShippingTemplate.objects.exists() and not ShippingRule.objects.exists()


def test_the_price_ceiling_itself_is_accepted(admin_client):
    response = admin_client.post(reverse("admin:orders_shippingtemplate_add"), template_form(free_over_yuan="10000000"))

    assert response.status_code == 302
    assert ShippingTemplate.objects.get().free_over_fen == 1_000_000_000


def test_a_huge_amount_leaves_an_existing_template_unchanged(admin_client):
    template = ShippingTemplate.objects.create(name="全国包邮线", free_over_fen=9900)
    url = reverse("admin:orders_shippingtemplate_change", args=[template.pk])

    response = admin_client.post(url, template_form(free_over_yuan="1e20", name="改名"))

    assert response.status_code == 200 and "金额格式不正确" in response.content.decode()
    template.refresh_from_db()
    assert (template.name, template.free_over_fen) == ("全国包邮线", 9900)
    assert not template.rules.exists()


@pytest.mark.parametrize(
    "overrides", [{"min_sales_yuan": "1e999999"}, {"min_sales_yuan": "1e500000"}, {"level1_percent": "1e999999"}]
)
def test_a_huge_tier_number_is_a_form_error(admin_client, overrides):
    before = list(Tier.objects.order_by("pk").values())
    data = {"name": "钻石", "rank": "9", "level1_percent": "16", "level2_percent": "8", "level3_percent": "0",
            "min_sales_yuan": "10000", "min_customers": "30", "min_orders": "80", **overrides}  # fmt: skip

    response = admin_client.post(reverse("admin:distribution_tier_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert list(Tier.objects.order_by("pk").values()) == before
