"""A small shop for the browser tests, built through the real services. Each product has a real
picture in the test's own media folder, which the live server serves."""

from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from fenxiao.accounts.models import User
from fenxiao.catalog.models import Category, Sku
from fenxiao.promotions.models import CouponTemplate, GroupBuyActivity
from tests.catalog_factories import CategoryFactory, ProductFactory, SkuFactory
from tests.order_support import address_for
from tests.promotions.coupons.support import make_template
from tests.promotions.group_buy.support import make_activity


def sandbox_shopper(name: str, nickname: str, *, with_address: bool = True) -> User:
    """A shopper the sandbox picker lists (openid ``sandbox-<name>``)."""
    user = User(username=f"wx_sandbox-{name}", openid=f"sandbox-{name}", nickname=nickname)
    user.set_unusable_password()
    user.save()
    if with_address:
        address_for(user)
    return user


def picture(folder: str, colour: str = "#f3c6c6", size: tuple[int, int] = (200, 200)) -> str:
    """A PNG saved to the media storage under a fresh name (so no earlier test's file of the same
    name can stand in for it); its stored name."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return default_storage.save(f"{folder}/{uuid.uuid4().hex}.png", ContentFile(buffer.getvalue()))


def shelf_sku(title: str, *, price_fen: int = 12_000, **fields) -> Sku:
    category = Category.objects.filter(name="护肤").first() or CategoryFactory(name="护肤", parent__name="美妆")
    image = picture("products")
    product = ProductFactory(title=title, main_image=image, category=category, sales_count=10, **fields)
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
