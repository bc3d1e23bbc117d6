from __future__ import annotations

import io

import pytest
from django.test import Client

from fenxiao.accounts.models import User
from fenxiao.catalog import sheet
from fenxiao.catalog.models import Category, Product, Sku, Supplier
from fenxiao.inventory.models import StockMovement
from tests.catalog_factories import stock_of

HEADER = ",".join(sheet.HEADERS)


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join([header, *lines]).encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def catalogue_counts() -> dict[str, int]:
    return {
        "products": Product.objects.count(),
        "skus": Sku.objects.count(),
        "categories": Category.objects.count(),
        "suppliers": Supplier.objects.count(),
        "movements": StockMovement.objects.count(),
    }


def snapshot() -> dict:
    """Every imported field of every product and SKU, to compare before and after."""
    products = {
        p.code: (
            p.title,
            p.subtitle,
            p.category_id,
            p.supplier_id,
            p.main_image,
            p.detail_html,
            p.is_on_shelf,
            p.updated_at,
        )
        for p in Product.objects.all()
    }
    skus = {
        s.code: (
            s.product_id,
            s.specs,
            s.price_fen,
            s.market_price_fen,
            s.cost_fen,
            s.weight_g,
            s.barcode,
            stock_of(s),
            s.is_active,
            s.updated_at,
        )
        for s in Sku.objects.all()
    }
    return {"products": products, "skus": skus, "counts": catalogue_counts()}


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_superuser(username="admin", password="pw-Admin-123", email="admin@example.com")


@pytest.fixture
def admin_client(operator) -> Client:
    client = Client()
    client.force_login(operator)
    return client
