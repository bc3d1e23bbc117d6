"""The search page's price range: typed in yuan, kept across sort, category and page links, and
a bad value explained in Chinese next to the inputs (not a crash, not an empty list)."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.test import Client

from tests.catalog_factories import ProductFactory, SkuFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    SkuFactory(product=ProductFactory(title="平价洁面乳", sales_count=5), price_fen=2990)
    SkuFactory(product=ProductFactory(title="精华液", sales_count=9), price_fen=12_000)
    SkuFactory(product=ProductFactory(title="奢华面霜", sales_count=1), price_fen=58_800)


def page(**params):
    response = Client().get("/search/", params)
    return response, response.content.decode()


def hrefs(html: str) -> list[str]:
    return [htmllib.unescape(h) for h in re.findall(r'href="(/search/\?[^"]*)"', html)]


def test_the_range_in_yuan_filters_and_stays_in_the_form(shelf):
    response, html = page(min_price="100", max_price="588")
    assert response.status_code == 200
    assert "精华液" in html and "奢华面霜" in html and "平价洁面乳" not in html
    assert "共 2 件商品" in html
    assert 'name="min_price" value="100"' in html and 'name="max_price" value="588"' in html

    _, html = page(max_price="29.9")
    assert "平价洁面乳" in html and "精华液" not in html

    _, html = page(min_price="588.01")
    assert "没有找到相关商品" in html and "换个价格区间或关键词试试" in html


def test_the_range_is_kept_across_sort_category_and_page_links(shelf):
    for n in range(25):  # more than one page (20 a page)
        SkuFactory(product=ProductFactory(title=f"百元好物{n}"), price_fen=10_000 + n)
    _, html = page(min_price="100", max_price="200", sort="price")

    links = hrefs(html)
    assert "/search/?sort=price" in links  # 清除 drops the range and nothing else
    links.remove("/search/?sort=price")
    sort_links = [h for h in links if "sort=" in h]
    category_links = [h for h in links if "category" in h or h.endswith("max_price=200")]
    next_page = [h for h in links if "page=2" in h]
    assert sort_links and all("min_price=100" in h and "max_price=200" in h for h in sort_links)
    assert category_links and all("min_price=100" in h and "max_price=200" in h for h in category_links)
    assert next_page and "min_price=100" in next_page[0] and "max_price=200" in next_page[0]
    assert 'name="sort" value="price"' in html  # a new range keeps the chosen order too

    _, second = page(min_price="100", max_price="200", sort="price", page=2)
    assert "共 26 件商品" in second and "奢华面霜" not in second and "平价洁面乳" not in second


@pytest.mark.parametrize(
    ("params", "message", "field"),
    [
        ({"min_price": "abc"}, "最低价：金额格式不正确：abc", "min_price"),
        ({"max_price": "9.999"}, "最高价：金额最多两位小数：9.999", "max_price"),
        ({"min_price": "-5"}, "最低价不能为负数", "min_price"),
        ({"min_price": "200", "max_price": "100"}, "最低价不能高于最高价", "min_price"),
        ({"max_price": "99999999999"}, "价格超出范围", None),
    ],
)
def test_a_bad_price_is_explained_on_the_search_page(shelf, params, message, field):
    response, html = page(q="精华", **params)

    assert response.status_code == 400
    assert f'<p class="form-error" role="alert" id="price-error">{message}</p>' in html
    assert 'name="q" value="精华"' in html  # the shopper fixes it in place
    for key, value in params.items():
        assert f'name="{key}" value="{value}"' in html
    if field:
        assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', html)
    assert "精华液" not in html and "没有找到相关商品" not in html


def test_empty_inputs_mean_no_range(shelf):
    _, html = page(min_price="", max_price=" ")
    assert "共 3 件商品" in html and "price-error" not in html


@pytest.mark.parametrize("category", ["99999999999999999999999", "9223372036854775808", "-3", "abc"])
def test_a_hand_edited_category_beyond_any_id_shows_every_product(shelf, category):
    response, html = page(category=category)

    assert response.status_code == 200
    assert "共 3 件商品" in html
