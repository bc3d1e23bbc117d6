"""Inventory owns stock: one row per SKU, created by the first stock change, and the conditional
take that makes overselling impossible runs against it."""

from __future__ import annotations

import pytest
from django.db import transaction

from fenxiao.catalog.models import Sku
from fenxiao.core.errors import NotFound
from fenxiao.inventory.errors import StockError
from fenxiao.inventory.models import Stock, StockMovement, StockReservation
from fenxiao.inventory.reservations import Hold, StockShortage, stock_release, stock_reserve, stock_restock
from fenxiao.inventory.selectors import available, available_by_product, available_by_sku
from fenxiao.inventory.services import stock_adjust, stock_set_many
from tests.catalog_factories import SkuFactory, stock_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def bare_sku() -> Sku:
    """A SKU as the catalogue creates it: no stock row yet."""
    sku = SkuFactory(stock=0)
    Stock.objects.filter(pk=sku.pk).delete()
    return sku


def test_a_sku_without_a_row_has_nothing_to_sell_and_cannot_be_reserved(bare_sku):
    assert available(bare_sku.pk) == 0
    assert available_by_sku([bare_sku.pk, 999_999]) == {bare_sku.pk: 0, 999_999: 0}
    with pytest.raises(StockShortage) as refused, transaction.atomic():
        stock_reserve(holds=[Hold("order_line:1", bare_sku.pk, 1)])
    assert refused.value.shortages[0].available == 0
    assert not StockReservation.objects.exists()


def test_the_first_stock_change_creates_the_row_with_a_movement(bare_sku):
    stock = stock_adjust(sku_id=bare_sku.pk, delta=5, note="到货")
    assert (stock.sku_id, stock.quantity) == (bare_sku.pk, 5)
    assert StockMovement.objects.get().stock_after == 5
    with pytest.raises(StockError) as below_zero:
        stock_adjust(sku_id=bare_sku.pk, delta=-6)
    assert below_zero.value.code == "STOCK_INSUFFICIENT" and stock_of(bare_sku) == 5


def test_sync_creates_missing_rows_and_names_unknown_skus(bare_sku):
    other = SkuFactory(stock=3)
    rows = stock_set_many(quantities={bare_sku.pk: 7, other.pk: 3})
    assert [(r.sku_id, r.quantity) for r in rows] == sorted([(bare_sku.pk, 7), (other.pk, 3)])
    assert StockMovement.objects.count() == 1  # the unchanged SKU moved nothing
    with pytest.raises(NotFound) as unknown:
        stock_set_many(quantities={bare_sku.pk: 1, 999_999: 1})
    assert "999999" in unknown.value.message and stock_of(bare_sku) == 7


def test_reservations_hold_against_the_stock_row_and_come_back_once():
    sku = SkuFactory(stock=2)
    (held,) = stock_reserve(holds=[Hold("order_line:9", sku.pk, 2)])
    assert held.stock_id == sku.pk and stock_of(sku) == 0
    assert stock_release(references=["order_line:9"]) == 2
    assert stock_release(references=["order_line:9"]) == 0
    assert stock_of(sku) == 2


def test_a_return_restocks_a_sku_that_never_had_a_row(bare_sku):
    stock_restock(sku_id=bare_sku.pk, quantity=2, note="售后退货")
    assert stock_of(bare_sku) == 2


def test_product_totals_count_active_skus_only():
    active = SkuFactory(stock=4)
    SkuFactory(product=active.product, stock=6)
    SkuFactory(product=active.product, stock=50, is_active=False)
    lonely = SkuFactory(stock=0)
    assert available_by_product([active.product_id, lonely.product_id, 999_999]) == {
        active.product_id: 10,
        lonely.product_id: 0,
        999_999: 0,
    }
