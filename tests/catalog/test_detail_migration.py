"""The data migration that cleans product details stored before the allow-list existed."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from fenxiao.catalog.models import Product
from tests.catalog_factories import ProductFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("fenxiao.catalog.migrations.0002_clean_detail_html")


def test_existing_details_are_cleaned_and_clean_ones_are_left_as_they_are(monkeypatch):
    monkeypatch.setattr(migration, "BATCH", 2)  # several batches, so the paging is exercised
    dirty = [ProductFactory(code=f"D{i}") for i in range(3)]
    Product.objects.filter(pk__in=[p.pk for p in dirty]).update(
        detail_html='<p>详情</p><img src="x" onerror="alert(1)"><script>alert(2)</script>'
    )
    fine = ProductFactory(code="FINE", detail_html="<p>已经干净</p>")
    empty = ProductFactory(code="EMPTY", detail_html="")

    migration.clean_detail_html(apps, None)

    assert {p.code: p.detail_html for p in Product.objects.all()} == {
        "D0": "<p>详情</p><img>",
        "D1": "<p>详情</p><img>",
        "D2": "<p>详情</p><img>",
        fine.code: "<p>已经干净</p>",
        empty.code: "",
    }
