"""Filtering the shopper's product list by price: a product is in when one of its active SKUs is
priced inside the range (bounds included), through the selector and ``GET /api/v1/products``."""

from __future__ import annotations

import pytest
from django.test import Client

from fenxiao.catalog.selectors import PRICE_FILTER_MAX_FEN, product_list_for_shopper
from fenxiao.core.errors import DomainError
from tests.catalog_factories import ProductFactory, SkuFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/products"


@pytest.fixture
def shelf():
    """A cleanser at ¥39/¥59 (and an inactive ¥1 trial size), nuts at ¥69.90, a lipstick at ¥129."""
    cleanser = ProductFactory(title="洁面乳", sales_count=50)
    SkuFactory(product=cleanser, price_fen=5900)
    SkuFactory(product=cleanser, price_fen=3900)
    SkuFactory(product=cleanser, price_fen=100, is_active=False)
    nuts = ProductFactory(title="每日坚果", sales_count=300)
    SkuFactory(product=nuts, price_fen=6990)
    lipstick = ProductFactory(title="口红", sales_count=900)
    SkuFactory(product=lipstick, price_fen=12900)
    ProductFactory(title="无规格商品")  # no SKU at all: never inside a price range
    return {"cleanser": cleanser, "nuts": nuts, "lipstick": lipstick}


def titles(page) -> list[str]:
    return [p.title for p in page.items]


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (None, None, ["口红", "每日坚果", "洁面乳", "无规格商品"]),
        (5000, None, ["口红", "每日坚果", "洁面乳"]),  # the ¥59 size is in, though the card says ¥39
        (None, 5000, ["洁面乳"]),
        (6990, 6990, ["每日坚果"]),  # both bounds included
        (6000, 6989, []),
        (None, 99, []),  # the ¥1 trial size is not on sale
        (0, PRICE_FILTER_MAX_FEN, ["口红", "每日坚果", "洁面乳"]),
    ],
)
def test_a_product_is_in_when_an_active_sku_is_priced_inside_the_range(shelf, low, high, expected):
    page = product_list_for_shopper(sort="sales", min_price_fen=low, max_price_fen=high)
    assert titles(page) == expected and page.count == len(expected)


def test_the_card_keeps_the_products_own_lowest_price_with_any_sort(shelf):
    by_price = product_list_for_shopper(sort="price", min_price_fen=5000)
    assert titles(by_price) == ["洁面乳", "每日坚果", "口红"]
    assert [p.min_price_fen for p in by_price.items] == [3900, 6990, 12900]
    default = product_list_for_shopper(min_price_fen=5000, max_price_fen=7000)
    assert sorted(titles(default)) == ["每日坚果", "洁面乳"]
    assert {p.title: p.min_price_fen for p in default.items} == {"洁面乳": 3900, "每日坚果": 6990}


def test_a_filtered_list_pages_over_what_matches(shelf):
    first = product_list_for_shopper(sort="price_desc", min_price_fen=3000, page=1, page_size=2)
    second = product_list_for_shopper(sort="price_desc", min_price_fen=3000, page=2, page_size=2)
    assert titles(first) == ["口红", "每日坚果"] and titles(second) == ["洁面乳"]
    assert first.count == second.count == 3


@pytest.mark.parametrize(
    ("low", "high", "field", "message"),
    [
        (-1, None, "min_price_fen", "价格不能为负数"),
        (None, -100, "max_price_fen", "价格不能为负数"),
        (5000, 4999, "min_price_fen", "最低价不能高于最高价"),
        (None, PRICE_FILTER_MAX_FEN + 1, "max_price_fen", "价格超出范围"),
    ],
)
def test_a_range_nobody_means_is_refused_with_a_stable_code(low, high, field, message):
    with pytest.raises(DomainError) as caught:
        product_list_for_shopper(min_price_fen=low, max_price_fen=high)
    assert (caught.value.code, caught.value.field, caught.value.message) == ("PRICE_RANGE_INVALID", field, message)


def test_the_api_filters_by_price_in_fen(shelf):
    body = Client().get(API, {"min_price_fen": 5000, "max_price_fen": 7000, "sort": "price"}).json()
    assert [i["title"] for i in body["items"]] == ["洁面乳", "每日坚果"] and body["count"] == 2
    # a cached unfiltered page never answers a filtered request, nor the other way round
    assert Client().get(API).json()["count"] == 4
    assert Client().get(API, {"max_price_fen": 5000}).json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min_price_fen": 8000, "max_price_fen": 7000}, "最低价不能高于最高价"),
        ({"min_price_fen": -1}, "价格不能为负数"),
        ({"max_price_fen": -5}, "价格不能为负数"),
    ],
)
def test_the_api_refuses_a_bad_range_with_price_range_invalid(shelf, params, message):
    response = Client().get(API, params)
    assert response.status_code == 400
    assert response.json()["code"] == "PRICE_RANGE_INVALID" and response.json()["message"] == message


def test_the_api_refuses_a_price_that_is_not_a_whole_number_of_fen(shelf):
    response = Client().get(API, {"min_price_fen": "12.5"})
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR" and response.json()["field"] == "min_price_fen"
