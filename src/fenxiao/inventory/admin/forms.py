"""The stock pages' forms: the catalogue spreadsheet upload and a product's stock adjustment."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from fenxiao.catalog import sheet
from fenxiao.catalog.models import Sku
from fenxiao.core.limits import STOCK_MAX


class CatalogImportForm(forms.Form):
    file = forms.FileField(label="文件", help_text="CSV（UTF-8 或 GBK）或 Excel .xlsx，每行一个 SKU")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".xlsm")):
            raise forms.ValidationError("只支持 .csv 和 .xlsx 文件")
        if upload.size > sheet.MAX_FILE_BYTES:
            raise forms.ValidationError(f"文件超过 {sheet.MAX_FILE_BYTES // 1024 // 1024} MB，请分批导入")
        return upload


class StockAdjustForm(forms.Form):
    """One delta per SKU of a product (+3 found in a stock take, -2 damaged) and one note."""

    note = forms.CharField(label="备注", max_length=200, help_text="调整原因，会记入库存流水")

    def __init__(self, *args, skus: list[Sku], stock: Mapping[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.skus = skus
        self.stock = stock
        for sku in skus:
            self.fields[f"delta_{sku.pk}"] = forms.IntegerField(
                label=str(sku), required=False, min_value=-STOCK_MAX, max_value=STOCK_MAX
            )

    def rows(self):
        return [(sku, self.stock.get(sku.pk, 0), self[f"delta_{sku.pk}"]) for sku in self.skus]

    def clean(self):
        cleaned = super().clean()
        deltas = {sku: cleaned.get(f"delta_{sku.pk}") or 0 for sku in self.skus}
        self.deltas: dict[Sku, int] = {sku: delta for sku, delta in deltas.items() if delta}
        if not self.deltas and not self.errors:
            raise forms.ValidationError("请至少填写一个 SKU 的调整数量")
        return cleaned
