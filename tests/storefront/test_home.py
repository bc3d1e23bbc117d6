from __future__ import annotations

import pytest
from django.test import Client

from tests.catalog_factories import ProductFactory, SkuFactory

pytestmark = pytest.mark.django_db


def test_home_lists_best_sellers_with_yuan_prices_and_hides_off_shelf():
    SkuFactory(product=ProductFactory(title="爆款洁面乳", sales_count=99), price_fen=5990)
    SkuFactory(product=ProductFactory(title="下架商品", is_on_shelf=False), price_fen=100)
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "爆款洁面乳" in html and "¥59.90" in html
    assert "下架商品" not in html
    assert "共 1 件在售商品" in html


def test_home_without_products_points_the_operator_to_the_admin():
    html = Client().get("/").content.decode()
    assert "还没有上架的商品" in html and 'href="/admin/"' in html
