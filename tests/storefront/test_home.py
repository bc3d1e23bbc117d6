from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from fenxiao.promotions.seckill.activities import seckill_activity_create
from tests.catalog_factories import ProductFactory, SkuFactory
from tests.promotions.group_buy.support import make_activity

pytestmark = pytest.mark.django_db


def test_home_lists_best_sellers_with_yuan_prices_and_hides_off_shelf():
    SkuFactory(product=ProductFactory(title="爆款洁面乳", sales_count=99), price_fen=5990)
    SkuFactory(product=ProductFactory(title="下架商品", is_on_shelf=False), price_fen=100)
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "爆款洁面乳" in html and "¥59.90" in html
    assert "下架商品" not in html
    assert "共 1 件" in html


def test_home_without_products_points_the_operator_to_the_admin():
    html = Client().get("/").content.decode()
    assert "还没有上架的商品" in html and 'href="/admin/"' in html


def test_home_shows_running_seckill_and_group_buy_with_banners():
    now = timezone.now()
    seckill_sku = SkuFactory(product__title="秒杀面膜", price_fen=9900, stock=20)
    seckill_activity_create(
        fields={
            "name": "整点秒杀",
            "sku_id": seckill_sku.id,
            "seckill_price_fen": 1990,
            "stock": 5,
            "starts_at": now - timedelta(minutes=5),
            "ends_at": now + timedelta(hours=1),
        }
    )
    make_activity(SkuFactory(product__title="拼团牙刷", price_fen=8800))
    html = Client().get("/").content.decode()
    assert "限时秒杀 · 秒杀面膜" in html and "¥19.90" in html
    assert "3人拼团 · 拼团牙刷" in html and "¥59.00" in html


def test_htmx_and_stylesheet_are_served_locally_not_from_a_cdn():
    html = Client().get("/").content.decode()
    assert 'src="/static/storefront/vendor/htmx.min.js"' in html
    assert "https://" not in html.split("<body")[0]


def test_an_unknown_page_is_a_chinese_404_while_the_api_keeps_its_json_shape():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在或已下架" in response.content.decode()
    assert Client().get("/api/v1/no-such-endpoint").json()["code"] == "NOT_FOUND"
