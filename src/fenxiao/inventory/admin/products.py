"""Stock in the catalogue's product pages. The catalogue's admin knows nothing of stock; this one
registers its product and SKU admins again with what inventory adds: the stock columns, the
stock-adjust page, and the spreadsheet import and export (a row carries the stock)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html

from fenxiao.catalog import exporting
from fenxiao.catalog.admin.products import ProductAdmin, SkuAdmin, SkuInline
from fenxiao.catalog.models import Product, Sku
from fenxiao.inventory.admin.views import (
    XLSX_TYPE,
    adjust_stock_view,
    attachment,
    export_filename,
    import_template_view,
    import_view,
)
from fenxiao.inventory.models import Stock
from fenxiao.inventory.selectors import available_by_sku


def _sku_stock(sku_ref: str) -> Coalesce:
    """Units left of the SKU ``sku_ref`` points at, as a subquery (0 for a SKU without a row)."""
    units = Stock.objects.filter(sku_id=OuterRef(sku_ref)).values("quantity")[:1]
    return Coalesce(Subquery(units, output_field=IntegerField()), 0)


class SkuStockInline(SkuInline):
    fields = (*SkuInline.fields, "stock")
    readonly_fields = ("stock",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(units_left=_sku_stock("pk"))

    @admin.display(description="可售库存")
    def stock(self, obj: Sku) -> int:
        return getattr(obj, "units_left", 0)


class ProductStockAdmin(ProductAdmin):
    change_list_template = "admin/catalog/product/change_list.html"
    change_form_template = "admin/catalog/product/change_form.html"
    list_display = ("title", "code", "category", "min_price", "total_stock", "is_on_shelf", "sales_count")
    inlines = (SkuStockInline, *(i for i in ProductAdmin.inlines if i is not SkuInline))
    actions = (*ProductAdmin.actions, "export_csv", "export_xlsx")

    def get_queryset(self, request):
        units = Stock.objects.filter(sku__product_id=OuterRef("pk"), sku__is_active=True).order_by()
        total = units.values("sku__product_id").annotate(total=Sum("quantity")).values("total")[:1]
        return super().get_queryset(request).annotate(total_stock=Coalesce(Subquery(total), 0))

    def can_import(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"can_import": self.can_import(request), **(extra_context or {})})

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(lambda r: import_view(self, r)), name="catalog_product_import"),
            path("import/template/", wrap(lambda r: import_template_view(self, r)), name="catalog_product_template"),
            path(
                "<path:object_id>/adjust-stock/",
                wrap(lambda r, object_id: adjust_stock_view(self, r, object_id)),
                name="catalog_product_adjust_stock",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="总库存", ordering="total_stock")
    def total_stock(self, obj: Product) -> int:
        return obj.total_stock

    @admin.action(description="导出所选商品 (CSV)", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Product]):
        data = exporting.export_csv(queryset, available_by_sku)
        return attachment(data, filename=export_filename("csv"), content_type="text/csv")

    @admin.action(description="导出所选商品 (Excel)", permissions=["view"])
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Product]):
        data = exporting.export_xlsx(queryset, available_by_sku)
        return attachment(data, filename=export_filename("xlsx"), content_type=XLSX_TYPE)


class SkuStockAdmin(SkuAdmin):
    """Read-mostly: SKUs are edited with their product, stock through 调整库存."""

    list_display = ("code", "product", "spec_text", "price", "stock", "barcode", "is_active", "adjust_stock")
    fields = (*SkuAdmin.fields, "stock")
    readonly_fields = (*SkuAdmin.readonly_fields, "stock")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(units_left=_sku_stock("pk"))

    @admin.display(description="可售库存", ordering="units_left")
    def stock(self, obj: Sku) -> int:
        return getattr(obj, "units_left", 0)

    @admin.display(description="库存操作")
    def adjust_stock(self, obj: Sku) -> str:
        url = reverse("admin:catalog_product_adjust_stock", args=[obj.product_id])
        return format_html('<a href="{}">调整库存</a>', url)


for model, model_admin in ((Product, ProductStockAdmin), (Sku, SkuStockAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
