"""A small shop for the browser tests, built through the real services. Products carry no image
files: the live server's media URLs point at the embedded mall's folder, not the test's."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.catalog.models import Category, Sku
from fenxiao.promotions.models import CouponTemplate, GroupBuyActivity
from tests.catalog_factories import CategoryFactory, ProductFactory, SkuFactory
from tests.order_support import address_for
from tests.promotions.group_buy_support import make_activity
from tests.promotions.support import make_template


def sandbox_shopper(name: str, nickname: str, *, with_address: bool = True) -> User:
    """A shopper the sandbox picker lists (openid ``sandbox-<name>``)."""
    user = User(username=f"wx_sandbox-{name}", openid=f"sandbox-{name}", nickname=nickname)
    user.set_unusable_password()
    user.save()
    if with_address:
        address_for(user)
    return user


def shelf_sku(title: str, *, price_fen: int = 12_000, **fields) -> Sku:
    category = Category.objects.filter(name="护肤").first() or CategoryFactory(name="护肤", parent__name="美妆")
    product = ProductFactory(title=title, main_image="", category=category, sales_count=10, **fields)
    return SkuFactory(product=product, price_fen=price_fen, market_price_fen=price_fen + 3_000, stock=100, image="")


def coupon(**fields) -> CouponTemplate:
    return make_template(name="新人满减券", amount_fen=2_000, threshold_fen=10_000, **fields)


def group_buy(sku: Sku) -> GroupBuyActivity:
    return make_activity(sku, ends_at=timezone.now() + timedelta(days=3))


OPERATOR_PASSWORD = "Ops-pass-2026"


def admin_login(phone, operator: User, next_path: str):
    """Sign an operator in to the Django admin and land on ``next_path``."""
    page = phone.open(f"/admin/login/?next={next_path}")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", OPERATOR_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_path)))
    return page
