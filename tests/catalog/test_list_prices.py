"""The list prices stored on each product (``catalog.prices``) stay what its active SKUs say,
whichever path changed a SKU: an ORM save or delete, a SKU moved to another product, switched
off or on, the spreadsheet import, the demo seed, and the migration that filled existing rows."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Max, Min, Q
from django.db.models.functions import Coalesce

from fenxiao.catalog.models import Product, Sku
from fenxiao.inventory.catalogue_import import catalog_import
from tests.catalog.conftest import csv_bytes
from tests.catalog_factories import ProductFactory, SkuFactory

pytestmark = pytest.mark.django_db


def stored() -> dict[str, tuple]:
    return {p.code: (p.min_price_fen, p.max_price_fen, p.min_market_price_fen) for p in Product.objects.all()}


def from_skus() -> dict[str, tuple]:
    """The same three figures aggregated from the SKUs, as the list used to on every page."""
    active = Q(skus__is_active=True)
    rows = Product.objects.annotate(
        low=Min("skus__price_fen", filter=active),
        high=Max("skus__price_fen", filter=active),
        market=Coalesce(Min("skus__market_price_fen", filter=active), 0),
    )
    return {p.code: (p.low, p.high, p.market) for p in rows}


@pytest.fixture
def two_products():
    cream = ProductFactory(code="CREAM")
    SkuFactory(product=cream, code="CREAM-S", specs={"规格": "小"}, price_fen=3900, market_price_fen=5900)
    SkuFactory(product=cream, code="CREAM-L", specs={"规格": "大"}, price_fen=5900, market_price_fen=0)
    nuts = ProductFactory(code="NUTS")
    SkuFactory(product=nuts, code="NUTS-1", price_fen=6990, market_price_fen=8990)
    return cream, nuts


def test_a_saved_sku_sets_its_products_prices(two_products):
    assert stored() == from_skus() == {"CREAM": (3900, 5900, 0), "NUTS": (6990, 6990, 8990)}


def test_a_price_change_through_save_moves_the_stored_prices(two_products):
    sku = Sku.objects.get(code="CREAM-L")
    sku.price_fen = 2900
    sku.save()
    assert stored()["CREAM"] == (2900, 3900, 0)
    assert stored() == from_skus()


def test_a_deleted_sku_leaves_the_rest_and_the_last_one_leaves_none(two_products):
    Sku.objects.get(code="CREAM-S").delete()
    assert stored()["CREAM"] == (5900, 5900, 0)
    Sku.objects.get(code="NUTS-1").delete()
    assert stored()["NUTS"] == (None, None, 0)
    assert stored() == from_skus()


def test_a_sku_moved_to_another_product_reprices_both(two_products):
    cream, nuts = two_products
    stale = Sku.objects.get(code="CREAM-S")  # loaded before the move: the old owner is read from the row
    sku = Sku.objects.get(code="CREAM-S")
    sku.product = nuts
    sku.save()
    assert stored() == from_skus() == {"CREAM": (5900, 5900, 0), "NUTS": (3900, 6990, 5900)}
    stale.product = cream
    stale.save()
    assert stored() == from_skus()


def test_a_sku_switched_off_and_on_leaves_and_rejoins_the_prices(two_products):
    sku = Sku.objects.get(code="CREAM-S")
    sku.is_active = False
    sku.save(update_fields=["is_active"])
    assert stored()["CREAM"] == (5900, 5900, 0)
    sku.is_active = True
    sku.save(update_fields=["is_active"])
    assert stored()["CREAM"] == (3900, 5900, 0)
    assert stored() == from_skus()


def test_a_product_saved_from_an_instance_read_before_a_sku_changed_keeps_the_new_prices(two_products):
    cream = Product.objects.get(code="CREAM")  # read with the old prices
    sku = Sku.objects.get(code="CREAM-S")
    sku.price_fen = 1900
    sku.save()
    cream.title = "面霜 新版"
    cream.save()
    assert stored()["CREAM"] == (1900, 5900, 0)
    cream.sales_count = 5
    cream.save(update_fields=["sales_count"])  # writes no price: nothing to recompute
    assert stored() == from_skus()


def test_the_import_reprices_the_products_whose_skus_it_writes(two_products):
    data = csv_bytes(
        "CREAM,,,,,,,,,CREAM-S,,19.90,,,,,",  # an existing SKU repriced by the bulk UPDATE
        "CREAM,,,,,,,,,CREAM-XL,规格:特大,99.00,120,,,,5",  # a new SKU by bulk_create
        "NEW1,新品,,美妆,面部护肤,品牌自营,,,是,NEW1-1,,12.30,15,,,,3",  # a new product
    )
    report = catalog_import(file=io.BytesIO(data), filename="p.csv", actor=None)
    assert report.ok, report.errors
    assert stored() == from_skus()
    assert stored()["CREAM"] == (1990, 9900, 0)
    assert stored()["NEW1"] == (1230, 1230, 1500)


def test_the_demo_seed_fills_the_prices_of_everything_it_creates():
    call_command("seed_demo", "--skus", "40", "--history-days", "0", stdout=io.StringIO())
    assert stored() == from_skus()
    assert all(low is not None for low, _, _ in stored().values())


def test_the_migration_fills_the_prices_of_existing_rows(two_products):
    Product.objects.update(min_price_fen=None, max_price_fen=None, min_market_price_fen=123)
    migration = importlib.import_module("fenxiao.catalog.migrations.0004_product_list_prices")
    migration.fill_list_prices(apps, None)
    assert stored() == from_skus()
