"""The rendered product list is cached, and every way the catalogue changes shows at once.

These tests run in real transactions (``transaction=True``): invalidation happens on commit."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache

from fenxiao.catalog.models import Product
from fenxiao.inventory.catalogue_import import catalog_import
from tests.catalog_factories import ProductFactory, SkuFactory
from tests.redis_server import redis_cache, redis_server

__all__ = ["redis_cache", "redis_server"]  # fixtures
pytestmark = pytest.mark.django_db(transaction=True)
LIST = "/api/v1/products"


def titles(api) -> list[str]:
    return [i["title"] for i in api.get(LIST, {"sort": "sales"}).json()["items"]]


@pytest.fixture
def cleanser():
    sku = SkuFactory(product=ProductFactory(title="洁面乳", sales_count=10), stock=5)
    return sku


def test_a_repeated_list_request_is_answered_without_touching_the_database(anon, cleanser, django_assert_num_queries):
    first = anon.get(LIST, {"sort": "sales"})
    with django_assert_num_queries(0):
        second = anon.get(LIST, {"sort": "sales"})
    assert second.content == first.content
    assert second["Content-Type"].startswith("application/json")


def test_different_parameters_are_different_pages(anon, cleanser):
    SkuFactory(product=ProductFactory(title="口红", sales_count=1), price_fen=100)
    assert titles(anon) == ["洁面乳", "口红"]
    assert [i["title"] for i in anon.get(LIST, {"sort": "price"}).json()["items"]] == ["口红", "洁面乳"]


def test_off_shelf_through_the_operator_api_shows_at_once(anon, staff_api, cleanser):
    assert titles(anon) == ["洁面乳"]
    staff_api.post(f"/api/v1/admin/products/{cleanser.product_id}/off-shelf")
    assert titles(anon) == []


def test_stock_sync_to_zero_shows_out_of_stock_at_once(anon, staff_api, cleanser):
    assert anon.get(LIST).json()["items"][0]["in_stock"] is True
    staff_api.post("/api/v1/admin/stock/sync", {"items": [{"sku_code": cleanser.code, "stock": 0}]})
    assert anon.get(LIST).json()["items"][0]["in_stock"] is False


def test_an_admin_save_shows_at_once(anon, cleanser):
    assert titles(anon) == ["洁面乳"]
    product = Product.objects.get(pk=cleanser.product_id)
    product.title = "氨基酸洁面乳"
    product.save()
    assert titles(anon) == ["氨基酸洁面乳"]


def test_a_spreadsheet_import_shows_at_once(anon, cleanser):
    assert titles(anon) == ["洁面乳"]
    csv = (
        "商品编码,商品标题,一级分类,二级分类,供应商,上架,SKU编码,规格,售价(元),库存\n"
        "NEW-1,新品面霜,美妆,面部护肤,品牌自营,是,NEW-1-A,规格:50g,99.00,10\n"
    )
    report = catalog_import(file=io.BytesIO(csv.encode()), filename="new.csv")
    assert report.ok, report.errors
    assert set(titles(anon)) == {"洁面乳", "新品面霜"}


def test_a_cache_outage_still_serves_the_list(anon, cleanser, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    response = anon.get(LIST)
    assert response.status_code == 200
    assert [i["title"] for i in response.json()["items"]] == ["洁面乳"]


def test_a_catalogue_change_while_redis_is_down_commits_and_shows(anon, staff_api, cleanser, redis_cache):
    assert titles(anon) == ["洁面乳"]
    redis_cache.kill()

    # The version bump after commit cannot reach Redis: the change still stands, answered 200.
    response = staff_api.post(f"/api/v1/admin/products/{cleanser.product_id}/off-shelf")

    assert response.status_code == 200, response.content
    assert Product.objects.get(pk=cleanser.product_id).is_on_shelf is False
    assert titles(anon) == []


def test_the_cache_can_be_turned_off(anon, cleanser, settings, django_assert_max_num_queries):
    settings.CATALOG_LIST_CACHE_SECONDS = 0
    anon.get(LIST)
    Product.objects.filter(pk=cleanser.product_id).update(title="改名")  # no hook: only a disabled cache sees it
    assert titles(anon) == ["改名"]
