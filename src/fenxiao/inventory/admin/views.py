"""The product pages that move stock, added to the catalogue's product admin by ``products.py``:
import a spreadsheet (it carries stock), download its template, adjust a product's stock. Each
page parses the request and calls one service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from fenxiao.catalog import exporting
from fenxiao.core.errors import DomainError
from fenxiao.inventory.admin.forms import CatalogImportForm, StockAdjustForm
from fenxiao.inventory.catalogue_import import catalog_import
from fenxiao.inventory.models import StockMovementReason
from fenxiao.inventory.selectors import available_by_sku
from fenxiao.inventory.services import stock_adjust

MAX_ERRORS_SHOWN = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _context(model_admin: admin.ModelAdmin, request: HttpRequest, title: str, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        **extra,
    }


def attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_filename(ext: str) -> str:
    return f"products-{timezone.localtime():%Y%m%d-%H%M%S}.{ext}"


def import_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not model_admin.can_import(request):
        raise PermissionDenied
    report = None
    if request.method == "POST":
        form = CatalogImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = catalog_import(file=upload, filename=upload.name, actor=request.user)
            if report.ok:
                messages.success(
                    request,
                    f"导入成功：新建商品 {report.products_created} 个，更新 {report.products_updated} 个；"
                    f"新建 SKU {report.skus_created} 个，更新 {report.skus_updated} 个。",
                )
    else:
        form = CatalogImportForm()
    context = _context(
        model_admin,
        request,
        "导入商品",
        form=form,
        report=report,
        errors_shown=report.errors[:MAX_ERRORS_SHOWN] if report else [],
        max_errors_shown=MAX_ERRORS_SHOWN,
        columns=exporting.GUIDE,
    )
    return render(request, "admin/catalog/product/import.html", context)


def import_template_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    return attachment(exporting.import_template_xlsx(), filename="product-import-template.xlsx", content_type=XLSX_TYPE)


def adjust_stock_view(model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    """Stock changes by hand are deltas with a reason, each leaving a ``StockMovement``; all SKUs
    of the form change together or not at all."""
    product = model_admin.get_object(request, object_id)
    if product is None:
        raise Http404("商品不存在")
    if not request.user.has_perm("catalog.change_sku"):
        raise PermissionDenied
    skus = list(product.skus.order_by("id"))
    form = StockAdjustForm(request.POST or None, skus=skus, stock=available_by_sku(s.pk for s in skus))
    if request.method == "POST" and form.is_valid():
        current = None
        try:
            with transaction.atomic():
                for current in sorted(form.deltas, key=lambda s: s.pk):  # ascending id: the project lock order
                    stock_adjust(
                        sku_id=current.pk,
                        delta=form.deltas[current],
                        reason=StockMovementReason.ADJUST,
                        note=form.cleaned_data["note"],
                        actor=request.user,
                    )
        except DomainError as exc:
            form.add_error(None, f"SKU {current.code if current else ''}：{exc.message}。未做任何修改。")
        else:
            messages.success(request, f"已调整 {len(form.deltas)} 个 SKU 的库存")
            return HttpResponseRedirect(reverse("admin:catalog_product_change", args=[product.pk]))
    context = _context(model_admin, request, f"调整库存：{product.title}", product=product, form=form)
    return render(request, "admin/catalog/product/adjust_stock.html", context)
