"""The demo 素材库: six published materials on three shelves, pictures drawn into storage, and a
second run changing nothing."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from fenxiao.content.models import Material, MaterialCategory, MaterialImage
from fenxiao.demo.content import material_png, seed_demo_materials

pytestmark = pytest.mark.django_db


def test_the_demo_library_is_published_with_pictures():
    result = seed_demo_materials()

    assert (result.categories, result.materials, result.images) == (3, 6, 4)
    assert set(MaterialCategory.objects.values_list("name", flat=True)) == {"新手培训", "产品卖点", "朋友圈文案"}
    assert Material.objects.filter(is_published=True).count() == 6
    assert {m.kind for m in Material.objects.all()} == {"article", "images", "copy"}
    for picture in MaterialImage.objects.all():
        with default_storage.open(picture.image.name) as f:
            assert Image.open(f).size == (640, 640)

    again = seed_demo_materials()
    assert (again.categories, again.materials, again.images) == (0, 0, 0)
    assert Material.objects.count() == 6


def test_demo_pictures_depend_only_on_their_arguments():
    assert material_png(caption="SERUM 01", theme=2) == material_png(caption="SERUM 01", theme=2)
    assert material_png(caption="SERUM 01", theme=2) != material_png(caption="SERUM 02", theme=2)
