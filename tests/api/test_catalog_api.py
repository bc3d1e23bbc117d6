"""Shopper catalogue through HTTP: categories, filters, search, sorts, paging, off-shelf hiding."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fenxiao.catalog.models import Product
from tests.catalog_factories import CategoryFactory, ProductFactory, SkuFactory, TopCategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    """美妆 (面部护肤, 彩妆) and 食品 (零食), with products of known prices and sales."""
    beauty = TopCategoryFactory(name="美妆", sort_order=1)
    skincare = CategoryFactory(name="面部护肤", parent=beauty, sort_order=2)
    makeup = CategoryFactory(name="彩妆", parent=beauty, sort_order=1)
    food = TopCategoryFactory(name="食品", sort_order=2)
    snacks = CategoryFactory(name="休闲零食", parent=food)
    CategoryFactory(name="隐藏分类", parent=food, is_active=False)
    now = timezone.now()
    cleanser = ProductFactory(title="山茶花氨基酸洁面乳", subtitle="温和清洁", category=skincare, sales_count=50)
    SkuFactory(product=cleanser, price_fen=5900, market_price_fen=7900, specs={"容量": "120g"})
    SkuFactory(product=cleanser, price_fen=3900, market_price_fen=4900, specs={"容量": "60g"}, stock=0)
    SkuFactory(product=cleanser, price_fen=100, specs={"容量": "试用装"}, is_active=False)
    lipstick = ProductFactory(title="丝绒哑光口红", subtitle="显白不拔干", category=makeup, sales_count=900)
    SkuFactory(product=lipstick, price_fen=12900, market_price_fen=0, specs={"颜色": "正红"}, stock=0)
    nuts = ProductFactory(title="每日坚果", subtitle="山核桃 混合装", category=snacks, sales_count=300)
    SkuFactory(product=nuts, price_fen=6990, stock=7)
    hidden = ProductFactory(title="下架洁面乳", category=skincare, is_on_shelf=False, sales_count=10_000)
    SkuFactory(product=hidden, price_fen=1)
    Product.objects.filter(pk=cleanser.pk).update(created_at=now - timedelta(days=3))
    Product.objects.filter(pk=lipstick.pk).update(created_at=now - timedelta(days=1))
    Product.objects.filter(pk=nuts.pk).update(created_at=now - timedelta(days=2))
    return {
        "beauty": beauty,
        "skincare": skincare,
        "makeup": makeup,
        "food": food,
        "cleanser": cleanser,
        "lipstick": lipstick,
        "nuts": nuts,
        "hidden": hidden,
    }


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_categories_are_a_two_level_tree_of_active_categories(anon, shelf):
    body = anon.get("/api/v1/categories").json()
    assert [c["name"] for c in body] == ["美妆", "食品"]
    assert [c["name"] for c in body[0]["children"]] == ["彩妆", "面部护肤"]
    assert [c["name"] for c in body[1]["children"]] == ["休闲零食"]


def test_off_shelf_products_are_hidden_from_lists_search_and_detail(anon, shelf):
    assert "下架洁面乳" not in titles(anon.get("/api/v1/products"))
    assert titles(anon.get("/api/v1/products", {"q": "洁面乳"})) == ["山茶花氨基酸洁面乳"]
    response = anon.get(f"/api/v1/products/{shelf['hidden'].id}")
    assert response.status_code == 404
    assert response.json() == {"code": "PRODUCT_NOT_FOUND", "message": "商品不存在或已下架"}


def test_a_top_category_includes_its_children_and_a_child_only_itself(anon, shelf):
    top = titles(anon.get("/api/v1/products", {"category": shelf["beauty"].id, "sort": "sales"}))
    assert top == ["丝绒哑光口红", "山茶花氨基酸洁面乳"]
    assert titles(anon.get("/api/v1/products", {"category": shelf["makeup"].id})) == ["丝绒哑光口红"]
    assert titles(anon.get("/api/v1/products", {"category": 999_999})) == []


def test_search_matches_title_and_subtitle(anon, shelf):
    assert titles(anon.get("/api/v1/products", {"q": "山核桃"})) == ["每日坚果"]
    assert titles(anon.get("/api/v1/products", {"q": "  口红 "})) == ["丝绒哑光口红"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("sales", ["丝绒哑光口红", "每日坚果", "山茶花氨基酸洁面乳"]),
        ("price", ["山茶花氨基酸洁面乳", "每日坚果", "丝绒哑光口红"]),
        ("price_desc", ["丝绒哑光口红", "每日坚果", "山茶花氨基酸洁面乳"]),
        ("new", ["丝绒哑光口红", "每日坚果", "山茶花氨基酸洁面乳"]),
    ],
)
def test_sorts(anon, shelf, sort, expected):
    assert titles(anon.get("/api/v1/products", {"sort": sort})) == expected


def test_list_card_shows_the_cheapest_active_sku_and_stock(anon, shelf):
    items = {i["title"]: i for i in anon.get("/api/v1/products").json()["items"]}
    cleanser = items["山茶花氨基酸洁面乳"]
    # the inactive 1-fen trial size is not for sale, so the card starts at ¥39.00
    assert cleanser["price_fen"] == 3900
    assert cleanser["market_price_fen"] == 4900
    assert cleanser["in_stock"] is True
    assert cleanser["image"].startswith("http://testserver/media/demo/products/")
    assert items["丝绒哑光口红"]["in_stock"] is False
    assert items["丝绒哑光口红"]["market_price_fen"] == 0


def test_paging_returns_count_and_stable_pages(anon, db):
    category = CategoryFactory()
    for i in range(45):
        SkuFactory(product=ProductFactory(category=category, sales_count=i), price_fen=1000 + i)
    first = anon.get("/api/v1/products", {"sort": "sales", "page": 1}).json()
    third = anon.get("/api/v1/products", {"sort": "sales", "page": 3}).json()
    beyond = anon.get("/api/v1/products", {"sort": "sales", "page": 4}).json()
    assert first["count"] == third["count"] == beyond["count"] == 45
    assert first["page_size"] == 20 and len(first["items"]) == 20 and len(third["items"]) == 5
    assert beyond["items"] == []
    sizes = anon.get("/api/v1/products", {"sort": "sales", "page_size": 100}).json()
    ids = [i["id"] for i in sizes["items"]]
    assert len(ids) == len(set(ids)) == 45
    paged = [
        i["id"] for p in (1, 2, 3) for i in anon.get("/api/v1/products", {"sort": "sales", "page": p}).json()["items"]
    ]
    assert paged == ids


def test_product_detail_lists_active_skus_specs_and_images(anon, shelf):
    body = anon.get(f"/api/v1/products/{shelf['cleanser'].id}").json()
    assert body["title"] == "山茶花氨基酸洁面乳"
    assert body["category"] == {"id": shelf["skincare"].id, "name": "面部护肤"}
    assert [s["specs"] for s in body["skus"]] == [{"容量": "120g"}, {"容量": "60g"}]
    assert body["specs"] == [{"name": "容量", "values": ["120g", "60g"]}]
    assert (body["price_fen"], body["max_price_fen"], body["market_price_fen"]) == (3900, 5900, 4900)
    assert body["stock"] == 100
    assert body["images"][0].endswith(f"/media/demo/products/{shelf['cleanser'].code}.png")
    assert "cost_fen" not in body["skus"][0], "shoppers never see cost prices"
    assert set(body["skus"][0]) >= {"id", "specs", "price_fen", "stock"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": "abc"}, "page"),
        ({"page_size": 101}, "page_size"),
        ({"sort": "random"}, "sort"),
        ({"category": "x"}, "category"),
        ({"category": 0}, "category"),
        ({"q": "长" * 51}, "q"),
    ],
)
def test_bad_list_parameters_name_the_field(anon, db, params, field):
    response = anon.get("/api/v1/products", params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert body["field"] == field
    assert field in body["message"]


def test_bad_product_id_is_a_clear_error(anon, db):
    not_a_number = anon.get("/api/v1/products/abc")
    assert not_a_number.status_code == 404
    assert not_a_number.json()["code"] == "NOT_FOUND"
    assert anon.get("/api/v1/products/123456789").json()["code"] == "PRODUCT_NOT_FOUND"
