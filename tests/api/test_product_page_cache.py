"""The product page is kept rendered per catalogue version (``catalog/api/product_page.py``), and
nothing a shopper must see goes stale: prices, stock, sales and the shelf show at once.

These tests run in real transactions (``transaction=True``): the version changes on commit."""

from __future__ import annotations

import io
import json

import pytest

from fenxiao.catalog.api.schemas import ProductDetailOut
from fenxiao.catalog.models import CatalogVersion, Category, Product, ProductImage, Sku
from fenxiao.catalog.prices import product_prices_refresh
from fenxiao.inventory.catalogue_import import catalog_import
from fenxiao.inventory.models import Stock
from tests.catalog_factories import ProductFactory, SkuFactory
from tests.order_support import mark_paid, place_order

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cleanser():
    product = ProductFactory(title="洁面乳", subtitle="温和", sales_count=10)
    SkuFactory(product=product, code="CL-120", price_fen=5900, market_price_fen=7900, specs={"容量": "120g"}, stock=5)
    SkuFactory(product=product, code="CL-60", price_fen=3900, market_price_fen=4900, specs={"容量": "60g"}, stock=2)
    ProductImage.objects.create(product=product, image="demo/gallery-1.png", sort_order=1)
    return product


def page(api, product: Product) -> dict:
    response = api.get(f"/api/v1/products/{product.id}")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_warm_page_runs_one_statement_and_answers_the_same(anon, cleanser, django_assert_num_queries):
    first = anon.get(f"/api/v1/products/{cleanser.id}")
    with django_assert_num_queries(1):
        second = anon.get(f"/api/v1/products/{cleanser.id}")
    assert second.content == first.content
    assert second["Content-Type"] == "application/json; charset=utf-8"


def test_the_body_is_what_the_schema_writes(anon, cleanser):
    """Same fields, same order, same values as ``ProductDetailOut`` validated: the template's
    hand-cut segments cannot drift from the schema the OpenAPI document shows."""
    anon.get(f"/api/v1/products/{cleanser.id}")  # rendered
    body = anon.get(f"/api/v1/products/{cleanser.id}").content  # from the kept template
    validated = ProductDetailOut.model_validate(json.loads(body)).model_dump(mode="json")
    assert body == json.dumps(validated, ensure_ascii=False, separators=(",", ":")).encode()
    assert json.loads(body)["stock"] == 7
    assert [s["stock"] for s in json.loads(body)["skus"]] == [5, 2]


def test_a_product_without_active_skus_still_has_a_page(anon, cleanser):
    Sku.objects.filter(product=cleanser).update(is_active=False)
    product_prices_refresh(product_ids=[cleanser.id])
    body = page(anon, cleanser)
    assert (body["skus"], body["specs"], body["stock"], body["price_fen"]) == ([], [], 0, 0)
    assert page(anon, cleanser) == body


def test_a_price_change_shows_at_once(anon, cleanser):
    assert page(anon, cleanser)["price_fen"] == 3900
    sku = Sku.objects.get(code="CL-60")
    sku.price_fen = 2900
    sku.save()
    body = page(anon, cleanser)
    assert body["price_fen"] == 2900
    assert [s["price_fen"] for s in body["skus"]] == [5900, 2900]


def test_a_price_change_shows_at_once_even_if_the_version_was_not_bumped(anon, cleanser):
    """A bulk write that forgot ``catalog_changed`` (or a bump lost to an outage): the live
    statement's prices differ from the template's, so the page is rendered again."""
    page(anon, cleanser)
    Sku.objects.filter(code="CL-120").update(price_fen=4900)
    assert [s["price_fen"] for s in page(anon, cleanser)["skus"]] == [4900, 3900]
    Sku.objects.filter(code="CL-120").update(is_active=False)
    assert [s["price_fen"] for s in page(anon, cleanser)["skus"]] == [3900]


def test_an_order_and_its_payment_show_at_once(anon, cleanser, shopper):
    assert (page(anon, cleanser)["stock"], page(anon, cleanser)["sales_count"]) == (7, 10)
    sku = Sku.objects.get(code="CL-120")
    order = place_order(shopper, (sku.id, 2))
    body = page(anon, cleanser)
    assert body["stock"] == 5
    assert [s["stock"] for s in body["skus"]] == [3, 2]
    mark_paid(order)
    assert page(anon, cleanser)["sales_count"] == 12


def test_a_stock_adjustment_shows_at_once(anon, staff_api, cleanser):
    sku = Sku.objects.get(code="CL-60")
    assert page(anon, cleanser)["stock"] == 7
    response = staff_api.post(f"/api/v1/admin/skus/{sku.id}/stock", {"delta": 8, "note": "到货"})
    assert response.status_code == 200, response.content
    assert [s["stock"] for s in page(anon, cleanser)["skus"]] == [5, 10]
    staff_api.post("/api/v1/admin/stock/sync", {"items": [{"sku_code": "CL-120", "stock": 0}]})
    assert page(anon, cleanser)["stock"] == 10
    Stock.objects.filter(pk=sku.id).update(quantity=1)  # a change no hook sees: read live all the same
    assert page(anon, cleanser)["stock"] == 1


def test_off_shelf_is_the_same_404_at_once(anon, staff_api, cleanser):
    page(anon, cleanser)
    staff_api.post(f"/api/v1/admin/products/{cleanser.id}/off-shelf")
    response = anon.get(f"/api/v1/products/{cleanser.id}")
    assert response.status_code == 404
    assert response.json()["code"] == "PRODUCT_NOT_FOUND"
    assert response.json()["message"] == "商品不存在或已下架"


def test_off_shelf_without_a_version_bump_is_404_too(anon, cleanser):
    page(anon, cleanser)
    Product.objects.filter(pk=cleanser.id).update(is_on_shelf=False)
    assert anon.get(f"/api/v1/products/{cleanser.id}").json()["code"] == "PRODUCT_NOT_FOUND"
    Product.objects.filter(pk=cleanser.id).update(is_on_shelf=True)
    assert page(anon, cleanser)["title"] == "洁面乳"


def test_texts_images_and_category_show_at_once(anon, cleanser):
    page(anon, cleanser)
    product = Product.objects.get(pk=cleanser.id)
    product.title = "氨基酸洁面乳"
    product.detail_html = "<p>新的详情</p>"
    product.save()
    ProductImage.objects.create(product=product, image="demo/gallery-2.png", sort_order=2)
    category = Category.objects.get(pk=product.category_id)
    category.name = "洁面"
    category.save()
    sku = Sku.objects.get(code="CL-60")
    sku.specs = {"容量": "70g"}
    sku.save()
    body = page(anon, cleanser)
    assert body["title"] == "氨基酸洁面乳"
    assert body["detail_html"] == "<p>新的详情</p>"
    assert body["images"][-1].endswith("/media/demo/gallery-2.png")
    assert body["category"]["name"] == "洁面"
    assert body["specs"] == [{"name": "容量", "values": ["120g", "70g"]}]


def test_a_spreadsheet_import_shows_at_once(anon, cleanser):
    page(anon, cleanser)
    csv = (
        "商品编码,商品标题,一级分类,二级分类,供应商,上架,SKU编码,规格,售价(元),库存\n"
        f"{cleanser.code},导入后的标题,美妆,面部护肤,品牌自营,是,CL-120,容量:120g,49.00,9\n"
    )
    report = catalog_import(file=io.BytesIO(csv.encode()), filename="update.csv")
    assert report.ok, report.errors
    body = page(anon, cleanser)
    assert body["title"] == "导入后的标题"
    assert body["skus"][0]["price_fen"] == 4900


def test_pages_are_per_host(anon, cleanser):
    """Image URLs are absolute: a page rendered for one host is not answered to another."""
    first = anon.get(f"/api/v1/products/{cleanser.id}").json()
    other = anon.client.get(f"/api/v1/products/{cleanser.id}", headers={"host": "localhost"}).json()
    assert first["images"][0].startswith("http://testserver/")
    assert other["images"][0].startswith("http://localhost/")


def test_a_missing_version_row_is_made_again(anon, cleanser, django_assert_num_queries):
    """A flushed database (transactional tests) has no version row: the first page makes it."""
    CatalogVersion.objects.all().delete()
    assert page(anon, cleanser)["title"] == "洁面乳"
    assert CatalogVersion.objects.filter(pk=1).exists()
    with django_assert_num_queries(1):
        page(anon, cleanser)


def test_the_kept_pages_can_be_turned_off(anon, cleanser, settings):
    settings.CATALOG_DETAIL_CACHE_SECONDS = 0
    page(anon, cleanser)
    Product.objects.filter(pk=cleanser.id).update(title="改名")  # no hook: only an unkept page sees it
    assert page(anon, cleanser)["title"] == "改名"


def test_kept_pages_are_bounded_by_count_and_bytes(anon, cleanser, monkeypatch):
    from fenxiao.catalog.api import product_page

    other = ProductFactory(title="面霜")
    SkuFactory(product=other)
    monkeypatch.setattr(product_page, "KEPT_PAGES", 1)
    page(anon, cleanser)
    page(anon, other)
    assert [key[0] for key in product_page._kept] == [other.id]
    monkeypatch.setattr(product_page, "KEPT_BYTES", 10)  # smaller than any page: none is kept
    product_page.product_pages_forget()
    page(anon, cleanser)
    assert not product_page._kept
