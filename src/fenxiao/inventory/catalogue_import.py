"""Catalogue import from a spreadsheet: one row per SKU, product columns repeated on each row.

Everything is checked before anything is written: every bad cell in the file is reported with its
row and column, and one error means nothing changes. A clean file is applied in one transaction
with bulk queries (a brand loads thousands of SKUs at once). The import runs here, a layer above
the catalogue, because a row carries both: the catalogue checks the rows and writes its own
(``catalog/import_plan.py``, ``catalog/import_apply.py``), stock goes through ``stock_set_many``
(reason ``import``, so every unit has a movement).

Blank cells mean "leave as it is" (a new row gets the default); ``二级分类`` left blank puts the
product directly under its ``一级分类``. ``库存`` is the absolute sellable stock."""

from __future__ import annotations

from typing import IO

from django.db import IntegrityError, transaction

from fenxiao.catalog import sheet
from fenxiao.catalog.import_apply import catalogue_apply
from fenxiao.catalog.import_plan import ImportReport, Plan, build_plan
from fenxiao.core.errors import DomainError
from fenxiao.core.limits import chunks
from fenxiao.inventory.models import StockMovementReason
from fenxiao.inventory.selectors import available_by_sku
from fenxiao.inventory.services import MAX_BULK_SKUS, stock_set_many


def catalog_import(*, file: IO[bytes] | bytes, filename: str, actor=None) -> ImportReport:
    """Validate the whole file, then create or update products and SKUs by their codes."""
    report = ImportReport(filename=filename)
    try:
        data = file if isinstance(file, bytes) else file.read(sheet.MAX_FILE_BYTES + 1)
        rows = sheet.read_rows(data, filename)
    except sheet.SheetError as exc:
        report.add_error(0, "", exc.message)
        return report
    plan = build_plan(rows, report)
    if report.errors:
        report.errors.sort(key=lambda e: e.row)
        return report
    try:
        with transaction.atomic():
            counts = _apply(plan, actor=actor, filename=filename)
    except DomainError as exc:
        report.add_error(0, "", f"导入失败，未做任何修改：{exc.message}")
        return report
    except IntegrityError:
        report.add_error(0, "", "导入失败，未做任何修改：导入期间商品或 SKU 被其他人修改，请重新导入")
        return report
    for name, value in counts.items():
        setattr(report, name, value)
    return report


def _apply(plan: Plan, *, actor, filename: str) -> dict[str, int]:
    before = available_by_sku(s.existing.pk for s in plan.skus if s.existing is not None)
    applied = catalogue_apply(plan)
    counts = dict(applied.counts)
    # New SKUs are born without stock and receive it here, so the first units have a movement too.
    quantities = {
        applied.sku_ids[s.code]: s.stock
        for s in plan.skus
        if s.stock is not None and (s.stock or s.existing is not None)
    }
    counts["stock_changed"] = sum(
        1
        for s in plan.skus
        if s.stock is not None and s.stock != (before[s.existing.pk] if s.existing is not None else 0)
    )
    note = f"导入 {filename}"[:200]
    for chunk in chunks(sorted(quantities), MAX_BULK_SKUS):
        stock_set_many(
            quantities={k: quantities[k] for k in chunk}, reason=StockMovementReason.IMPORT, note=note, actor=actor
        )
    return counts
