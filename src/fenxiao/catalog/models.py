from __future__ import annotations

from django.db import models
from django.db.models import Q


class Supplier(models.Model):
    """Who makes or ships the goods; the platform itself is a supplier too (S2B2C)."""

    name = models.CharField("名称", max_length=100, unique=True)
    contact_name = models.CharField("联系人", max_length=32, blank=True, default="")
    contact_phone = models.CharField("联系电话", max_length=20, blank=True, default="")
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "供应商"
        verbose_name_plural = "供应商"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """Two levels: a top category (美妆) and its children (面部护肤). Products hang on a child."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级分类"
    )
    name = models.CharField("名称", max_length=32)
    icon = models.CharField("图标", max_length=300, blank=True, default="")
    sort_order = models.IntegerField("排序", default=0, help_text="数字越小越靠前")
    is_active = models.BooleanField("显示", default=True)

    class Meta:
        verbose_name = "商品分类"
        verbose_name_plural = "商品分类"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name_in_parent"),
            models.UniqueConstraint(fields=["name"], condition=Q(parent__isnull=True), name="category_unique_top_name"),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent_id and self.parent else self.name


class Product(models.Model):
    """The SPU shoppers see: what is sold; the SKUs say in which variants and at what price."""

    code = models.CharField("商品编码", max_length=64, unique=True, help_text="SPU 编码，导入导出以此匹配")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="products", verbose_name="供应商")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products", verbose_name="分类")
    title = models.CharField("标题", max_length=120)
    subtitle = models.CharField("副标题", max_length=200, blank=True, default="")
    main_image = models.CharField("主图", max_length=500, blank=True, default="")
    detail_html = models.TextField("详情", blank=True, default="")
    is_on_shelf = models.BooleanField("上架", default=False, db_index=True)
    sales_count = models.PositiveIntegerField("销量", default=0)
    sort_order = models.IntegerField("排序", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # What the list cards show and what price filters and sorts read, copied from the active SKUs
    # by ``catalog.prices`` whenever a SKU changes: a cold list page must not aggregate the SKUs of
    # every product it considers. Null while the product has no active SKU.
    min_price_fen = models.BigIntegerField("最低售价(分)", null=True, blank=True, editable=False)
    max_price_fen = models.BigIntegerField("最高售价(分)", null=True, blank=True, editable=False)
    min_market_price_fen = models.BigIntegerField("最低划线价(分)", default=0, editable=False)

    class Meta:
        verbose_name = "商品"
        verbose_name_plural = "商品"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["is_on_shelf", "category", "-sales_count"], name="product_shelf_cat_sales"),
            models.Index(fields=["is_on_shelf", "-sales_count"], name="product_shelf_sales"),
            # The two price sorts (ties newest first), and the range filters' lower and upper bounds.
            models.Index(fields=["is_on_shelf", "min_price_fen", "-id"], name="product_shelf_price"),
            models.Index(fields=["is_on_shelf", "-min_price_fen", "-id"], name="product_shelf_price_desc"),
            models.Index(fields=["is_on_shelf", "max_price_fen"], name="product_shelf_max_price"),
        ]

    def __str__(self) -> str:
        return self.title


class ProductImage(models.Model):
    """Gallery images after the main one; ``image`` is a storage name or an absolute URL."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images", verbose_name="商品")
    image = models.CharField("图片", max_length=500)
    sort_order = models.IntegerField("排序", default=0)

    class Meta:
        verbose_name = "商品图片"
        verbose_name_plural = "商品图片"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.image


class Sku(models.Model):
    """One sellable variant: what it is and what it costs. How many can be sold is inventory's
    (``inventory.Stock``), which the catalogue never reads."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus", verbose_name="商品")
    code = models.CharField("SKU 编码", max_length=64, unique=True)
    specs = models.JSONField("规格", default=dict, blank=True, help_text='例如 {"颜色": "红色", "容量": "50ml"}')
    price_fen = models.BigIntegerField("售价(分)")
    market_price_fen = models.BigIntegerField("划线价(分)", default=0)
    cost_fen = models.BigIntegerField("成本价(分)", default=0)
    weight_g = models.PositiveIntegerField("重量(克)", default=0)
    barcode = models.CharField("条码", max_length=64, blank=True, default="", db_index=True)
    image = models.CharField("规格图", max_length=500, blank=True, default="")
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "SKU"
        verbose_name_plural = "SKU"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(price_fen__gt=0), name="sku_price_positive"),
            models.CheckConstraint(condition=Q(market_price_fen__gte=0), name="sku_market_price_not_negative"),
            models.CheckConstraint(condition=Q(cost_fen__gte=0), name="sku_cost_not_negative"),
        ]

    def __str__(self) -> str:
        spec_text = " ".join(str(v) for v in self.specs.values()) if isinstance(self.specs, dict) else ""
        return f"{self.code} {spec_text}".strip()

    @property
    def spec_text(self) -> str:
        if not isinstance(self.specs, dict):
            return ""
        return "；".join(f"{k}:{v}" for k, v in self.specs.items())


class CatalogVersion(models.Model):
    """One row: a random value replaced after every catalogue change commits (``catalog.cache``).

    Product pages are kept rendered in each app process and checked against it in the same
    statement that reads their live stock (``catalog/api/product_page.py``), so a warm page costs
    one database round trip and no cache call. Random rather than a counter: a rolled-back test
    transaction or a restored backup never brings back a value that labelled other rows."""

    value = models.BigIntegerField("版本")

    class Meta:
        verbose_name = "商品目录版本"
        verbose_name_plural = "商品目录版本"

    def __str__(self) -> str:
        return str(self.value)
