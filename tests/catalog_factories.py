"""factory_boy factories for the catalogue, shared by API and service tests."""

from __future__ import annotations

import factory

from fenxiao.catalog.models import Category, Product, Sku, Supplier
from fenxiao.inventory.models import Stock


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier
        django_get_or_create = ("name",)

    name = "品牌自营"


class TopCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"一级分类{n}")
    parent = None


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"二级分类{n}")
    parent = factory.SubFactory(TopCategoryFactory)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P{n:05d}")
    supplier = factory.SubFactory(SupplierFactory)
    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"测试商品{n}")
    subtitle = "温和不刺激"
    main_image = factory.LazyAttribute(lambda o: f"demo/products/{o.code}.png")
    is_on_shelf = True


class SkuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sku
        skip_postgeneration_save = True  # the stock hook writes inventory's row, not the SKU

    product = factory.SubFactory(ProductFactory)
    code = factory.Sequence(lambda n: f"S{n:06d}")
    specs = factory.LazyFunction(lambda: {"规格": "标准装"})
    price_fen = 3990
    market_price_fen = 5990
    cost_fen = 1500
    weight_g = 250

    @factory.post_generation
    def stock(obj: Sku, create: bool, extracted: int | None, **kwargs) -> None:
        """``SkuFactory(stock=5)``: the units go to the SKU's inventory row (100 when not given)."""
        if create:
            Stock.objects.update_or_create(sku=obj, defaults={"quantity": 100 if extracted is None else extracted})


def stock_of(sku: Sku | int) -> int:
    """Units left of a SKU (or SKU id), read from inventory now."""
    sku_id = sku if isinstance(sku, int) else sku.pk
    return Stock.objects.filter(pk=sku_id).values_list("quantity", flat=True).first() or 0


def stock_set(sku: Sku | int, quantity: int) -> None:
    """Put a SKU's units at ``quantity`` behind the services' back (a test's starting point)."""
    sku_id = sku if isinstance(sku, int) else sku.pk
    Stock.objects.update_or_create(sku_id=sku_id, defaults={"quantity": quantity})
