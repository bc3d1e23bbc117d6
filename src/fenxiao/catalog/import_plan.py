"""The checking half of the catalogue import: turn spreadsheet rows into a plan of what to create
and update, reporting every bad cell. Reads the database (a handful of bulk queries), never
writes it; ``import_apply.py`` writes the catalogue's rows and ``inventory/catalogue_import.py``
runs the whole import (it also moves stock, so it lives a layer up). The ``库存`` column is only
checked here, never read from or written to the catalogue."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import QuerySet

from fenxiao.catalog import sheet
from fenxiao.catalog.models import Product, Sku
from fenxiao.core.limits import STOCK_MAX, chunks
from fenxiao.core.money import yuan_to_fen
from fenxiao.core.rich_text import sanitize_html

MAX_PRICE_FEN = 1_000_000_000  # 1000 万元: anything above is a typo, not a price
MAX_WEIGHT_G = 1_000_000
REQUIRED_COLUMNS = ("product_code", "title", "category1", "supplier", "sku_code", "price")
REQUIRED_FOR_NEW_PRODUCT = ("title", "category1", "supplier")
TEXT_LIMITS = {
    "product_code": 64,
    "sku_code": 64,
    "title": 120,
    "subtitle": 200,
    "category1": 32,
    "category2": 32,
    "supplier": 100,
    "main_image": 500,
    "detail": 200_000,
    "barcode": 64,
}
PRODUCT_FIELDS = {"title": "title", "subtitle": "subtitle", "main_image": "main_image", "detail": "detail_html"}
SKU_FIELDS = {
    "specs": "specs",
    "price": "price_fen",
    "market_price": "market_price_fen",
    "cost": "cost_fen",
    "weight": "weight_g",
    "barcode": "barcode",
}


@dataclass(frozen=True)
class RowError:
    row: int  # as numbered in Excel: the header is row 1; 0 means the file as a whole
    column: str
    message: str


@dataclass
class ImportReport:
    filename: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    products_created: int = 0
    products_updated: int = 0
    products_unchanged: int = 0
    skus_created: int = 0
    skus_updated: int = 0
    skus_unchanged: int = 0
    stock_changed: int = 0
    categories_created: int = 0
    suppliers_created: int = 0
    shelved_on: int = 0
    shelved_off: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, row: int, column: str, message: str) -> None:
        """``column`` is a column key or a header as written in the file."""
        self.errors.append(RowError(row, sheet.COLUMN_TITLES.get(column, column), message))


@dataclass
class Row:
    number: int
    values: dict[str, object]  # parsed cells; a blank cell is absent
    bad: set[str]  # columns whose cell could not be parsed

    @property
    def product_code(self) -> str:
        return str(self.values.get("product_code", ""))

    @property
    def sku_code(self) -> str:
        return str(self.values.get("sku_code", ""))


@dataclass
class ProductPlan:
    code: str
    first_row: int
    existing: Product | None
    fields: dict[str, object]
    supplier: str | None
    category: tuple[str, str | None] | None
    on_shelf: bool | None
    bad: set[str] = field(default_factory=set)

    @property
    def was_on_shelf(self) -> bool:
        return self.existing is not None and self.existing.is_on_shelf


@dataclass
class SkuPlan:
    row: int
    code: str
    product_code: str
    existing: Sku | None
    fields: dict[str, object]
    stock: int | None
    specs_bad: bool

    @property
    def active(self) -> bool:
        return self.existing.is_active if self.existing is not None else True

    @property
    def final_specs(self) -> dict:
        default = self.existing.specs if self.existing is not None else {}
        return self.fields.get("specs", default)  # type: ignore[return-value]


@dataclass
class Plan:
    products: list[ProductPlan]
    skus: list[SkuPlan]
    supplier_names: set[str]
    category_paths: set[tuple[str, str | None]]


def build_plan(rows: list[list[str]], report: ImportReport) -> Plan | None:
    columns = _read_header(rows[0], report)
    if report.errors:
        return None
    numbered = enumerate(rows[1:], start=2)
    parsed = [_parse_row(number, cells, columns, report) for number, cells in numbered if any(cells)]
    report.rows = len(parsed)
    if not parsed:
        report.add_error(0, "", "文件中没有数据行")
        return None
    parsed = [r for r in parsed if r.product_code and r.sku_code]
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in parsed:
        groups[row.product_code].append(row)

    products = {p.code: p for p in fetch_in(Product.objects.all(), "code", groups)}
    skus = {s.pk: s for s in fetch_in(Sku.objects.all(), "product_id", [p.pk for p in products.values()])}
    skus.update((s.pk, s) for s in fetch_in(Sku.objects.all(), "code", [r.sku_code for r in parsed]))
    owners = {p.pk: p.code for p in products.values()}
    strangers = {s.product_id for s in skus.values()} - owners.keys()
    owners.update(fetch_in(Product.objects.values_list("pk", "code"), "pk", strangers))
    skus_by_code = {s.code: s for s in skus.values()}

    sku_plans = _plan_skus(parsed, products, skus_by_code, owners, report)
    plan = Plan(products=[], skus=sku_plans, supplier_names=set(), category_paths=set())
    by_product: dict[str, list[SkuPlan]] = defaultdict(list)
    for sku_plan in sku_plans:
        by_product[sku_plan.product_code].append(sku_plan)
    in_file = {s.code for s in sku_plans}
    others: dict[int, list[Sku]] = defaultdict(list)
    for sku in skus.values():
        if sku.code not in in_file:
            others[sku.product_id].append(sku)

    for code, group in groups.items():
        product = _plan_product(code, group, products.get(code), report)
        plan.products.append(product)
        if product.supplier is not None:
            plan.supplier_names.add(product.supplier)
        if product.category is not None:
            plan.category_paths.add(product.category)
        rest = others.get(product.existing.pk, []) if product.existing else []
        if len(by_product[code]) == len(group):  # a refused SKU row already explains what is wrong
            _check_product_skus(product, by_product[code], rest, report)
    return plan


def _read_header(cells: list[str], report: ImportReport) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, header in enumerate(cells):
        if not header:
            continue
        key = sheet.column_key(header)
        if key is None:
            report.add_error(1, header, "无法识别的列名，请使用导入模板中的列名")
        elif key in columns.values():
            report.add_error(1, header, "列名重复")
        else:
            columns[index] = key
    for key in REQUIRED_COLUMNS:
        if key not in columns.values():
            report.add_error(1, key, "缺少必填列")
    return columns


def _parse_row(number: int, cells: list[str], columns: dict[int, str], report: ImportReport) -> Row:
    row = Row(number=number, values={}, bad=set())
    for index, key in columns.items():
        text = cells[index] if index < len(cells) else ""
        if not text:
            continue
        try:
            row.values[key] = parse_cell(key, text)
        except ValueError as exc:
            row.bad.add(key)
            report.add_error(number, key, str(exc))
    for key in ("product_code", "sku_code"):
        if key not in row.values and key not in row.bad:
            report.add_error(number, key, "不能为空")
    if "category2" in row.values and "category1" not in row.values and "category1" not in row.bad:
        row.bad.add("category1")
        report.add_error(number, "category1", "填写二级分类时必须同时填写一级分类")
    return row


def parse_cell(key: str, text: str) -> object:
    if key in TEXT_LIMITS:
        if len(text) > TEXT_LIMITS[key]:
            raise ValueError(f"最多 {TEXT_LIMITS[key]} 个字符")
        # A sheet is someone else's HTML: it is stored clean, and compared clean with what is stored.
        return sanitize_html(text) if key == "detail" else text
    if key == "on_shelf":
        return sheet.parse_bool(text)
    if key == "specs":
        return sheet.parse_specs(text)
    if key in ("price", "market_price", "cost"):
        fen = yuan_to_fen(text)
        if key == "price" and fen <= 0:
            raise ValueError(f"售价必须大于 0：{text}")
        if fen < 0:
            raise ValueError(f"金额不能为负数：{text}")
        if fen > MAX_PRICE_FEN:
            raise ValueError(f"金额过大：{text}")
        return fen
    if key == "weight":
        return sheet.parse_int(text, low=0, high=MAX_WEIGHT_G, unit=" 克")
    if key == "stock":
        return sheet.parse_int(text, low=0, high=STOCK_MAX)
    raise ValueError(f"未知列 {key}")  # pragma: no cover - columns come from sheet.COLUMNS


def _plan_skus(
    rows: list[Row], products: dict[str, Product], skus: dict[str, Sku], owners: dict[int, str], report: ImportReport
) -> list[SkuPlan]:
    plans: list[SkuPlan] = []
    seen: dict[str, int] = {}
    for row in rows:
        code, product_code = row.sku_code, row.product_code
        if code in seen:
            report.add_error(row.number, "sku_code", f"SKU编码「{code}」与第 {seen[code]} 行重复")
            continue
        seen[code] = row.number
        existing, product = skus.get(code), products.get(product_code)
        if existing is not None and (product is None or existing.product_id != product.pk):
            owner = owners.get(existing.product_id, "")
            message = f"SKU编码「{code}」已属于商品「{owner}」，不能用于商品「{product_code}」"
            report.add_error(row.number, "sku_code", message)
            continue
        if existing is None and "price" not in row.values and "price" not in row.bad:
            report.add_error(row.number, "price", "新建 SKU 必须填写售价")
        fields = {name: row.values[key] for key, name in SKU_FIELDS.items() if key in row.values}
        stock: int | None = row.values.get("stock")  # type: ignore[assignment]
        plans.append(SkuPlan(row.number, code, product_code, existing, fields, stock, "specs" in row.bad))
    return plans


def _plan_product(code: str, rows: list[Row], existing: Product | None, report: ImportReport) -> ProductPlan:
    """Product columns repeat on every SKU row: blank repeats are fine, different values are not."""
    merged: dict[str, tuple[object, int]] = {}
    bad: set[str] = set()
    for row in rows:
        bad |= row.bad
        for key in sheet.PRODUCT_KEYS:
            if key not in row.values:
                continue
            value = row.values[key]
            if key in merged and merged[key][0] != value:
                title = sheet.COLUMN_TITLES[key]
                report.add_error(row.number, key, f"同一商品的{title}与第 {merged[key][1]} 行不一致：「{value}」")
            merged.setdefault(key, (value, row.number))
    values = {key: value for key, (value, _) in merged.items()}
    first_row = rows[0].number
    if existing is None:
        for key in REQUIRED_FOR_NEW_PRODUCT:
            if key not in values and key not in bad:
                report.add_error(first_row, key, f"新商品「{code}」必须填写{sheet.COLUMN_TITLES[key]}")
    category = None
    if "category1" in values:
        category = (str(values["category1"]), values.get("category2"))  # type: ignore[assignment]
    return ProductPlan(
        code=code,
        first_row=first_row,
        existing=existing,
        fields={name: values[key] for key, name in PRODUCT_FIELDS.items() if key in values},
        supplier=values.get("supplier"),  # type: ignore[arg-type]
        category=category,
        on_shelf=values.get("on_shelf"),  # type: ignore[arg-type]
        bad=bad,
    )


def _check_product_skus(product: ProductPlan, planned: list[SkuPlan], rest: list[Sku], report: ImportReport) -> None:
    """After the import, a product's active SKUs share one set of spec names and no two have the
    same spec values (the storefront picker depends on it); going on shelf needs an active SKU."""
    entries = [(s.code, s.row, s.final_specs) for s in planned if s.active and not s.specs_bad]
    entries += [(s.code, 0, s.specs if isinstance(s.specs, dict) else {}) for s in rest if s.is_active]
    has_active = any(s.active for s in planned) or any(s.is_active for s in rest)
    if product.on_shelf and not product.was_on_shelf and not has_active:
        report.add_error(product.first_row, "on_shelf", f"商品「{product.code}」没有启用的 SKU，不能上架")
    if len(entries) < 2:
        return
    names, _ = Counter(frozenset(specs) for _, _, specs in entries).most_common(1)[0]
    expected = "、".join(sorted(names)) or "无规格"
    seen: dict[frozenset, str] = {}
    for code, row, specs in entries:
        where = row or product.first_row
        suffix = "" if row else f"（已有 SKU「{code}」）"
        if frozenset(specs) != names:
            report.add_error(where, "specs", f"同一商品的 SKU 规格项必须相同，应为「{expected}」{suffix}")
            continue
        combo = frozenset(specs.items())
        if not specs:
            report.add_error(where, "specs", f"商品有多个 SKU 时必须填写规格以区分{suffix}")
        elif combo in seen:
            report.add_error(where, "specs", f"与 SKU「{seen[combo]}」的规格相同{suffix}")
        seen.setdefault(combo, code)


def fetch_in(queryset: QuerySet, field_name: str, values: Iterable) -> Iterator:
    """``queryset.filter(<field>__in=values)`` in chunks, under every database's parameter limit."""
    values = list(values)
    for chunk in chunks(values):
        yield from queryset.filter(**{f"{field_name}__in": chunk})
