"""批量发货 in the console: upload a spreadsheet, read the preview (what each row would do), then
apply. The preview carries the parsed rows to the apply step signed (not the verdicts: apply plans
again from the database as it is then), so the operator confirms exactly the file they read and
cannot edit it in between. The apply is audit-logged with every row's outcome."""

from __future__ import annotations

from dataclasses import asdict

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fenxiao.core.errors import DomainError
from fenxiao.orders.api.operator_bulk_shipping import bulk_audit
from fenxiao.orders.shipping.bulk import bulk_apply, bulk_preview
from fenxiao.orders.shipping.spreadsheet import (
    MAX_ROWS,
    BulkRow,
    bulk_rows_read,
    bulk_template_csv,
    bulk_template_xlsx,
)

SIGNING_SALT = "orders.bulk_shipping"
ROWS_MAX_AGE = 60 * 60  # an hour between the preview and the apply


class UploadForm(forms.Form):
    file = forms.FileField(label="发货表格", help_text=f"CSV 或 Excel（.xlsx），一次最多 {MAX_ROWS} 行")


def bulk_ship_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "批量发货",
    }
    form = UploadForm()
    if request.method == "POST" and "rows" in request.POST:
        try:
            payload = signing.loads(request.POST["rows"], salt=SIGNING_SALT, max_age=ROWS_MAX_AGE)
        except signing.BadSignature:
            messages.error(request, "预览已过期或内容被修改，请重新上传")
        else:
            rows = [BulkRow(**row) for row in payload["rows"]]
            report = bulk_apply(rows=rows, by=request.user)
            bulk_audit(actor_id=request.user.pk, report=report, file_name=payload["name"])
            messages.success(request, f"已发货 {report.good} 行，未发货 {len(report.verdicts) - report.good} 行")
            context.update(report=report, file_name=payload["name"])
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = bulk_rows_read(name=upload.name, content=upload.read())
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                token = signing.dumps(
                    {"name": upload.name, "rows": [asdict(r) for r in rows]}, salt=SIGNING_SALT, compress=True
                )
                context.update(report=bulk_preview(rows=rows), file_name=upload.name, rows_token=token)
    context["form"] = form
    return render(request, "admin/orders/order/bulk_ship.html", context)


def bulk_template_view(model_admin, request: HttpRequest, kind: str) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    if kind == "xlsx":
        response = HttpResponse(
            bulk_template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        response = HttpResponse(bulk_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bulk-shipping-template.{kind}"'
    return response
