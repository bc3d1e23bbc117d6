"""Operators upload product images in the admin; they land in storage under fresh names."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fenxiao.catalog.admin.forms import ProductForm, ProductImageForm
from fenxiao.catalog.models import Product
from tests.catalog_factories import ProductFactory

pytestmark = pytest.mark.django_db


def png(name: str = "a.png", size: tuple[int, int] = (32, 32)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 80)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def product_data(product: Product) -> dict:
    return {
        "code": product.code,
        "title": product.title,
        "subtitle": product.subtitle,
        "supplier": product.supplier_id,
        "category": product.category_id,
        "main_image": product.main_image,
        "detail_html": "",
        "sort_order": 0,
    }


def test_uploading_a_main_image_stores_it_and_points_the_product_at_it():
    product = ProductFactory(main_image="demo/old.png")
    form = ProductForm(product_data(product), {"main_image_upload": png()}, instance=product)
    assert form.is_valid(), form.errors
    form.save()
    product.refresh_from_db()
    assert product.main_image.startswith("products/") and product.main_image.endswith(".png")
    assert default_storage.exists(product.main_image)
    with default_storage.open(product.main_image) as stored:
        assert Image.open(stored).size == (32, 32)


def test_two_uploads_with_the_same_file_name_never_overwrite_each_other():
    first, second = ProductFactory(), ProductFactory()
    for product in (first, second):
        form = ProductForm(product_data(product), {"main_image_upload": png("same.png")}, instance=product)
        assert form.is_valid(), form.errors
        form.save()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.main_image != second.main_image


def test_a_file_that_is_not_an_image_is_refused_and_nothing_changes():
    product = ProductFactory(main_image="demo/old.png")
    fake = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")
    form = ProductForm(product_data(product), {"main_image_upload": fake}, instance=product)
    assert not form.is_valid()
    assert "main_image_upload" in form.errors
    product.refresh_from_db()
    assert product.main_image == "demo/old.png"


def test_an_oversized_image_is_refused(monkeypatch):
    monkeypatch.setattr("fenxiao.catalog.uploads.MAX_IMAGE_BYTES", 10)
    product = ProductFactory()
    form = ProductForm(product_data(product), {"main_image_upload": png()}, instance=product)
    assert not form.is_valid()
    assert form.errors["main_image_upload"] == ["图片不能超过 5MB"]


def test_a_gallery_row_needs_an_address_or_an_upload():
    product = ProductFactory()
    empty = ProductImageForm({"product": product.pk, "image": "", "sort_order": 0})
    assert not empty.is_valid()
    uploaded = ProductImageForm({"image": "", "sort_order": 1}, {"upload": png()})
    uploaded.instance.product = product
    assert uploaded.is_valid(), uploaded.errors
    image = uploaded.save()
    assert image.image.startswith("products/") and default_storage.exists(image.image)
