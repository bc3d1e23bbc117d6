"""Existing databases: every SKU's ``stock`` becomes its inventory row, and held reservations
point at that row; going back puts the counts back on the SKUs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("catalog", "0002_clean_detail_html"), ("inventory", "0002_stock_reservations")]
AFTER = [("catalog", "0003_sku_stock_moves_to_inventory"), ("inventory", "0003_stock")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_schema():
    """The tests after this one need every migration applied, not only ``AFTER``'s (later
    migrations, such as catalog 0004's list prices, came since)."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_stock_moves_to_inventory_rows_and_back(back_to_the_latest_schema):
    old = _migrate(BEFORE)
    category = old.get_model("catalog", "Category").objects.create(name="美妆")
    supplier = old.get_model("catalog", "Supplier").objects.create(name="品牌自营")
    product = old.get_model("catalog", "Product").objects.create(
        code="P1", title="面霜", category_id=category.pk, supplier_id=supplier.pk
    )
    Sku = old.get_model("catalog", "Sku")
    full = Sku.objects.create(product_id=product.pk, code="P1-1", price_fen=100, stock=7)
    empty = Sku.objects.create(product_id=product.pk, code="P1-2", price_fen=100, stock=0)
    old.get_model("inventory", "StockReservation").objects.create(reference="order_line:1", sku_id=full.pk, quantity=2)

    new = _migrate(AFTER)
    Stock = new.get_model("inventory", "Stock")
    assert dict(Stock.objects.values_list("sku_id", "quantity")) == {full.pk: 7, empty.pk: 0}
    held = new.get_model("inventory", "StockReservation").objects.get()
    assert (held.stock_id, held.quantity) == (full.pk, 2)

    back = _migrate(BEFORE)
    assert dict(back.get_model("catalog", "Sku").objects.values_list("code", "stock")) == {"P1-1": 7, "P1-2": 0}
    _migrate(AFTER)
