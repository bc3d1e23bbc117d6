"""A product's detail HTML is someone else's markup (an operator's paste, a supplier's sheet): it is
cleaned at every door it comes in by, and again on every way out, so that a row stored before the
rule can never run script in a shopper's browser or the mini-program."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from fenxiao.catalog import sheet
from fenxiao.catalog.models import Product
from fenxiao.inventory.catalogue_import import catalog_import
from tests.catalog.conftest import csv_bytes, xlsx_bytes
from tests.catalog.test_admin import _product_form
from tests.catalog.test_import_export import BASE_ROW, line
from tests.catalog_factories import ProductFactory, SkuFactory
from tests.support import Api

pytestmark = pytest.mark.django_db

ATTACK = '<p>好用</p><img src="x" onerror="alert(document.cookie)"><script>alert(1)</script>'
CLEAN = "<p>好用</p><img>"


@pytest.fixture
def legacy():
    """On shelf, with a detail written straight to the table before any cleaning existed."""
    sku = SkuFactory(product__title="旧商品", product__is_on_shelf=True, stock=5)
    Product.objects.filter(pk=sku.product_id).update(
        detail_html=ATTACK + '<img src="/media/products/a.png" alt="实拍"><a href="/search/">更多</a>'
    )
    return sku.product


def test_the_admin_stores_detail_html_clean(admin_client):
    product = ProductFactory(code="LIP")
    SkuFactory(product=product, code="LIP-RED", price_fen=3000)
    form = _product_form(product, []) | {"detail_html": ATTACK}

    response = admin_client.post(reverse("admin:catalog_product_change", args=[product.pk]), form)

    assert response.status_code == 302, response.context and response.context["errors"]
    product.refresh_from_db()
    assert product.detail_html == CLEAN


def test_the_admin_product_form_tells_the_operator_what_is_kept(admin_client):
    product = ProductFactory(code="LIP")

    html = admin_client.get(reverse("admin:catalog_product_change", args=[product.pk])).content.decode()

    assert "脚本、事件属性（如 onerror）" in html


def _sheet(kind: str, detail: str) -> tuple[bytes, str]:
    if kind == "csv":
        return csv_bytes(line({"详情": detail})), "products.csv"
    row = {**BASE_ROW, "详情": detail}
    return xlsx_bytes([sheet.HEADERS, [row.get(title, "") for title in sheet.HEADERS]]), "products.xlsx"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_spreadsheet_import_stores_detail_html_clean(kind):
    data, filename = _sheet(kind, ATTACK)

    report = catalog_import(file=io.BytesIO(data), filename=filename, actor=None)

    assert report.ok, report.errors
    assert Product.objects.get(code="P100").detail_html == CLEAN


def test_an_import_of_the_same_sheet_cleans_a_dirty_row_then_leaves_it_alone():
    product = ProductFactory(code="P100", title="测试商品")
    SkuFactory(product=product, code="P100-1", specs={"容量": "50ml"}, price_fen=1000, stock=5)
    Product.objects.filter(pk=product.pk).update(detail_html=ATTACK)
    data = csv_bytes(line({"详情": ATTACK}))

    first = catalog_import(file=io.BytesIO(data), filename="a.csv", actor=None)
    second = catalog_import(file=io.BytesIO(data), filename="a.csv", actor=None)

    assert (first.products_updated, second.products_updated, second.products_unchanged) == (1, 0, 1)
    assert Product.objects.get(pk=product.pk).detail_html == CLEAN


def test_the_product_page_shows_a_legacy_detail_clean(client, legacy):
    html = client.get(f"/products/{legacy.pk}/").content.decode()

    assert "onerror" not in html and "alert(" not in html
    assert '<div class="detail-html"><p>好用</p><img><img src="/media/products/a.png" alt="实拍">' in html
    assert '<a href="/search/" rel="noopener noreferrer nofollow">更多</a>' in html


def test_the_api_serves_a_legacy_detail_clean_with_absolute_urls(legacy):
    body = Api().get(f"/api/v1/products/{legacy.pk}").json()

    assert body["detail_html"] == (
        CLEAN + '<img src="http://testserver/media/products/a.png" alt="实拍">'
        '<a href="http://testserver/search/" rel="noopener noreferrer nofollow">更多</a>'
    )
