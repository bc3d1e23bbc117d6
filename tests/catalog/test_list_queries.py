"""The shopper list's prebuilt statements (``catalog.listing``) answer exactly what the ORM queries
they replaced answered: the keyword search (``title`` or ``subtitle`` icontains, narrowed by the
gram index on PostgreSQL), the price ranges read from the stored prices, and every sort. And the
page's JSON, written without pydantic, is byte for byte what ``ProductPageOut`` writes."""

from __future__ import annotations

import itertools

import pytest
from django.db.models import Exists, Min, OuterRef, Q
from django.test import RequestFactory

from fenxiao.catalog.api.schemas import ProductPageOut, page_json, product_card
from fenxiao.catalog.models import Product, Sku
from fenxiao.catalog.selectors import product_list_for_shopper
from tests.catalog_factories import CategoryFactory, ProductFactory, SkuFactory

pytestmark = pytest.mark.django_db

TITLES = [
    ("山野有机红枣 500g", "产地直发，新鲜到家"),
    ("红枣核桃糕", "买二送一"),
    ("OLAY 玉兰油 Pro 精华液", "官方正品"),
    ("olay 面霜 mini", "温和不刺激"),
    ("Apple 数据线", "100% 原装_正品"),
    ("小熊电饭煲", "家用 3L"),
    ("坚果礼盒", "含 红枣、核桃"),
    ("路径\\反斜杠", "back\\slash"),
]

QUERIES = [
    "红",  # one Chinese character
    "红枣",  # two
    "有机红枣",  # four
    "枣核",  # a pair that spans two words of one title
    "olay",  # Latin, lower case for an upper-case title
    "OLAY",  # and upper case for a lower-case one
    "Pro 精",  # mixed, with a space
    "pRo",  # mixed case
    "mini",
    "1",  # a digit
    "100%",  # LIKE's wildcards are literal
    "%",
    "_",
    "原装_正品",
    "\\",
    "家到",  # both characters present, never next to each other: no match
    "火星土豆",  # no match at all
    "正品 ",
]


@pytest.fixture
def catalogue():
    for n, (title, subtitle) in enumerate(TITLES):
        product = ProductFactory(title=title, subtitle=subtitle, sales_count=n * 7 % 5)
        SkuFactory(product=product, price_fen=1000 + n * 100)
    ProductFactory(title="下架的红枣", is_on_shelf=False)


def orm_search(q: str) -> list[int]:
    """The search as the ORM wrote it before the prebuilt statements."""
    qs = Product.objects.filter(is_on_shelf=True).filter(Q(title__icontains=q) | Q(subtitle__icontains=q))
    return list(qs.order_by("-sales_count", "-id").values_list("id", flat=True))


@pytest.mark.parametrize("q", QUERIES)
def test_the_search_finds_what_icontains_finds(catalogue, q):
    page = product_list_for_shopper(q=q, sort="sales", page_size=100)
    assert [p.id for p in page.items] == orm_search(q)
    assert page.count == len(orm_search(q))


def test_the_search_cases_find_something_and_nothing():
    """The cases above are worth comparing: most match, some match nothing."""
    for n, (title, subtitle) in enumerate(TITLES):
        SkuFactory(product=ProductFactory(title=title, subtitle=subtitle), price_fen=1000 + n)
    found = {q: len(orm_search(q)) for q in QUERIES}
    assert found["红"] >= 3 and found["olay"] == found["OLAY"] == 2 and found["100%"] == 1
    assert found["火星土豆"] == found["家到"] == 0


@pytest.fixture
def priced():
    """Products whose SKUs spread (and leave gaps), with inactive SKUs and one with none."""
    spreads = [[3900, 5900], [6990], [12900, 100], [1000, 2000, 3000], [5000, 9000], [4500]]
    for n, prices in enumerate(spreads):
        product = ProductFactory(sales_count=n)
        for k, price in enumerate(prices):
            SkuFactory(product=product, price_fen=price, specs={"k": str(k)}, is_active=price != 100)
    gone = ProductFactory(sales_count=99)
    SkuFactory(product=gone, price_fen=4000, is_active=False)
    ProductFactory(sales_count=98)  # no SKU at all


def orm_in_range(low: int | None, high: int | None) -> list[int]:
    """The range as the ORM wrote it: an active SKU priced inside it, a subquery on the SKUs."""
    qs = Product.objects.filter(is_on_shelf=True)
    if low is not None or high is not None:
        priced = Sku.objects.filter(product=OuterRef("pk"), is_active=True)
        if low is not None:
            priced = priced.filter(price_fen__gte=low)
        if high is not None:
            priced = priced.filter(price_fen__lte=high)
        qs = qs.filter(Exists(priced))
    return list(qs.order_by("-sales_count", "-id").values_list("id", flat=True))


BOUNDS = [None, 0, 99, 100, 1000, 1500, 2000, 3900, 4000, 4500, 4999, 5000, 5900, 6000, 7000, 9000, 12900, 20000]


def test_every_price_range_keeps_what_the_sku_subquery_kept(priced):
    for low, high in itertools.product(BOUNDS, BOUNDS):
        if low is not None and high is not None and low > high:
            continue
        page = product_list_for_shopper(sort="sales", min_price_fen=low, max_price_fen=high, page_size=100)
        assert [p.id for p in page.items] == orm_in_range(low, high), (low, high)


@pytest.mark.parametrize("sort", ["default", "sales", "price", "price_desc", "new"])
def test_every_sort_orders_as_the_orm_did(priced, sort):
    orders = {
        "default": ("sort_order", "-sales_count", "-id"),
        "sales": ("-sales_count", "-id"),
        "price": ("low", "-id"),
        "price_desc": ("-low", "-id"),
        "new": ("-created_at", "-id"),
    }
    Product.objects.filter(sales_count__in=[1, 3]).update(sort_order=-1)
    rows = Product.objects.filter(is_on_shelf=True).annotate(low=Min("skus__price_fen", filter=Q(skus__is_active=True)))
    expected = list(rows.order_by(*orders[sort]).values_list("id", "low"))
    pages = [product_list_for_shopper(sort=sort, page=n, page_size=3) for n in (1, 2, 3)]
    assert [(p.id, p.min_price_fen) for page in pages for p in page.items] == expected


def test_a_category_means_itself_and_its_children():
    child = CategoryFactory()
    sibling = CategoryFactory(parent=child.parent)
    inside = [ProductFactory(category=child), ProductFactory(category=sibling)]
    ProductFactory()
    top = product_list_for_shopper(category_id=child.parent_id, sort="sales")
    assert {p.id for p in top.items} == {p.id for p in inside}
    assert [p.id for p in product_list_for_shopper(category_id=child.id).items] == [inside[0].id]


def test_the_page_json_is_what_the_schema_writes():
    tricky = ['引号"和\\反斜杠', "换行\n制表\t", "emoji 🍎 </script>", "\u2028\x01", "普通标题"]
    for n, title in enumerate(tricky):
        product = ProductFactory(title=title, subtitle=title[::-1], main_image="" if n % 2 else "a b/图.png")
        SkuFactory(product=product, price_fen=990 + n, market_price_fen=(990 + n) * (n % 3))
    page = product_list_for_shopper(sort="price")
    request = RequestFactory().get("/api/v1/products")
    shaped = page.shaped(lambda p: product_card(p, request, stock=p.id % 2))
    assert page_json(shaped) == ProductPageOut(**shaped).model_dump_json().encode()
