"""Operator console for the catalogue. Shelving goes through ``product_set_shelf``, so the admin
obeys the same rules as the API; money is shown and typed in yuan, stored in fen. Stock, and the
spreadsheet import and export that carry it, are added by inventory (``inventory/admin``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from fenxiao.catalog.admin.forms import CategoryForm, ProductForm, ProductImageForm, SkuInlineForm, SkuInlineFormSet
from fenxiao.catalog.models import Category, Product, ProductImage, Sku, Supplier
from fenxiao.catalog.services import product_set_shelf
from fenxiao.core.errors import DomainError
from fenxiao.core.limits import is_row_id_text
from fenxiao.core.media import media_url
from fenxiao.core.money import fen_to_yuan


def image_thumbnail(name: str) -> str:
    if not name:
        return "-"
    return format_html('<img src="{}" alt="" style="height:64px;border-radius:4px">', media_url(name))


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ("name", "contact_name", "contact_phone", "product_count", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "contact_name", "contact_phone")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_count=Count("products"))

    @admin.display(description="商品数", ordering="product_count")
    def product_count(self, obj: Supplier) -> int:
        return obj.product_count


class ChildCategoryInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    fields = ("name", "icon", "sort_order", "is_active")
    extra = 0
    verbose_name = "二级分类"
    verbose_name_plural = "二级分类"


def category_id(value: str) -> int:
    """A category id from a list filter's query value; anything else is a bad lookup (``?e=1``)."""
    if not is_row_id_text(value):
        raise IncorrectLookupParameters(f"不是分类 ID：{value!r}")
    return int(value)


class CategoryLevelFilter(admin.SimpleListFilter):
    title = "上级分类"
    parameter_name = "parent"

    def lookups(self, request, model_admin):
        tops = Category.objects.filter(parent__isnull=True).order_by("sort_order", "id")
        return [("top", "（一级分类）"), *((str(c.pk), c.name) for c in tops)]

    def queryset(self, request, queryset):
        if self.value() == "top":
            return queryset.filter(parent__isnull=True)
        if self.value():
            return queryset.filter(parent_id=category_id(self.value()))
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "sort_order", "is_active", "product_count")
    list_editable = ("sort_order", "is_active")
    list_filter = (CategoryLevelFilter, "is_active")
    list_select_related = ("parent",)
    search_fields = ("name",)
    form = CategoryForm

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_count=Count("products"))

    def get_inlines(self, request, obj):
        # Two levels only: children hang under an existing top category, never under a child.
        return [ChildCategoryInline] if obj is not None and obj.parent_id is None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="商品数", ordering="product_count")
    def product_count(self, obj: Category) -> int:
        return obj.product_count


class SkuInline(admin.TabularInline):
    model = Sku
    form = SkuInlineForm
    formset = SkuInlineFormSet
    fields = (
        "code",
        "spec_text",
        "price_yuan",
        "market_price_yuan",
        "cost_yuan",
        "weight_g",
        "barcode",
        "image",
        "is_active",
    )
    extra = 0
    # SKUs carry stock history and, later, orders: switch them off instead of deleting.
    can_delete = False


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    form = ProductImageForm
    fields = ("preview", "image", "upload", "sort_order")
    readonly_fields = ("preview",)
    extra = 0

    @admin.display(description="预览")
    def preview(self, obj: ProductImage) -> str:
        return image_thumbnail(obj.image)


class TopCategoryFilter(admin.SimpleListFilter):
    title = "一级分类"
    parameter_name = "top_category"

    def lookups(self, request, model_admin):
        return [(str(c.pk), c.name) for c in Category.objects.filter(parent__isnull=True).order_by("sort_order", "id")]

    def queryset(self, request, queryset):
        if self.value():
            top = category_id(self.value())
            return queryset.filter(Q(category_id=top) | Q(category__parent_id=top))
        return queryset


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "category", "min_price", "is_on_shelf", "sales_count")
    list_display_links = ("title", "code")
    list_filter = ("is_on_shelf", TopCategoryFilter, "category", "supplier")
    list_select_related = ("category__parent", "supplier")
    search_fields = ("title", "code", "skus__code", "skus__barcode")
    list_per_page = 50
    inlines = (SkuInline, ProductImageInline)
    fields = (
        "code",
        "title",
        "subtitle",
        ("supplier", "category"),
        ("main_image_preview", "main_image", "main_image_upload"),
        "detail_html",
        "sort_order",
        "is_on_shelf",
        "sales_count",
    )
    # Shelving has a rule (an active SKU) that lives in product_set_shelf: use the list actions.
    readonly_fields = ("main_image_preview", "is_on_shelf", "sales_count")
    form = ProductForm
    actions = ("put_on_shelf", "take_off_shelf")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            kwargs["queryset"] = Category.objects.select_related("parent")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="主图预览")
    def main_image_preview(self, obj: Product) -> str:
        return image_thumbnail(obj.main_image)

    @admin.display(description="最低售价(元)", ordering="min_price_fen")
    def min_price(self, obj: Product) -> str:
        return fen_to_yuan(obj.min_price_fen) if obj.min_price_fen is not None else "-"

    @admin.action(description="上架所选商品", permissions=["change"])
    def put_on_shelf(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        self._set_shelf(request, queryset, on_shelf=True)

    @admin.action(description="下架所选商品", permissions=["change"])
    def take_off_shelf(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        self._set_shelf(request, queryset, on_shelf=False)

    def _set_shelf(self, request: HttpRequest, queryset: QuerySet[Product], *, on_shelf: bool) -> None:
        word = "上架" if on_shelf else "下架"
        try:
            changed = product_set_shelf(product_ids=list(queryset.values_list("pk", flat=True)), on_shelf=on_shelf)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        LogEntry.objects.log_actions(
            user_id=request.user.pk, queryset=queryset, action_flag=CHANGE, change_message=word
        )
        self.message_user(request, f"已{word} {changed} 个商品", messages.SUCCESS)


@admin.register(Sku)
class SkuAdmin(admin.ModelAdmin):
    """Read-mostly: SKUs are edited with their product."""

    list_display = ("code", "product", "spec_text", "price", "barcode", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("product",)
    search_fields = ("code", "barcode", "product__title", "product__code")
    fields = (
        "product",
        "code",
        "specs",
        "price",
        "market_price",
        "cost",
        "weight_g",
        "barcode",
        "image",
        "is_active",
    )
    readonly_fields = tuple(f for f in fields if f != "is_active")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="售价(元)", ordering="price_fen")
    def price(self, obj: Sku) -> str:
        return fen_to_yuan(obj.price_fen)

    @admin.display(description="划线价(元)")
    def market_price(self, obj: Sku) -> str:
        return fen_to_yuan(obj.market_price_fen)

    @admin.display(description="成本价(元)")
    def cost(self, obj: Sku) -> str:
        return fen_to_yuan(obj.cost_fen)
