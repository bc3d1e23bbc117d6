"""Catalogue export in the import's own format (``sheet.COLUMNS``), so an exported file imports
back unchanged: edit prices or stock in Excel, import, done. Products without SKUs have no row."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from fenxiao.catalog import sheet
from fenxiao.catalog.models import Product, Sku
from fenxiao.core.limits import chunks
from fenxiao.core.money import fen_to_yuan

# The stock column is inventory's: whoever exports passes its reader (SKU ids → units left).
StockLookup = Callable[[Sequence[int]], Mapping[int, int]]
EXPORT_CHUNK = 500

MONEY_COLUMNS = {"售价(元)", "划线价(元)", "成本价(元)"}
COLUMN_WIDTHS = (14, 30, 20, 10, 12, 14, 24, 20, 6, 16, 24, 10, 10, 10, 9, 16, 8)  # one per sheet.HEADERS


def catalog_export_rows(queryset: QuerySet[Product], stock_by_sku: StockLookup) -> Iterator[list[str | int]]:
    """One list per SKU in ``sheet.HEADERS`` order: text for text and money (yuan, two decimals,
    exact), ints for weight and stock. Streams products in chunks with their SKUs prefetched;
    ``stock_by_sku`` (inventory's, passed in by the face) answers each chunk's stock at once."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for chunk in chunks(ids, EXPORT_CHUNK):
        products = list(
            Product.objects.filter(pk__in=chunk)
            .select_related("supplier", "category__parent")
            .prefetch_related(Prefetch("skus", queryset=Sku.objects.order_by("id")))
            .order_by("id")
        )
        stock = stock_by_sku([sku.pk for product in products for sku in product.skus.all()])
        for product in products:
            yield from _product_rows(product, stock)


def _product_rows(product: Product, stock: Mapping[int, int]) -> Iterator[list[str | int]]:
    category = product.category
    top, child = (category.parent.name, category.name) if category.parent_id else (category.name, "")
    head = [
        product.code,
        product.title,
        product.subtitle,
        top,
        child,
        product.supplier.name,
        product.main_image,
        product.detail_html,
        "是" if product.is_on_shelf else "否",
    ]
    for sku in product.skus.all():
        yield [
            *head,
            sku.code,
            sheet.format_specs(sku.specs),
            fen_to_yuan(sku.price_fen),
            fen_to_yuan(sku.market_price_fen),
            fen_to_yuan(sku.cost_fen),
            sku.weight_g,
            sku.barcode,
            stock.get(sku.pk, 0),
        ]


def write_csv(rows: Iterable[list], out: io.TextIOBase) -> None:
    """UTF-8 with a BOM: without it Excel on Windows reads the file as GBK and garbles it."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(sheet.HEADERS)
    writer.writerows(rows)


def export_csv(queryset: QuerySet[Product], stock_by_sku: StockLookup) -> bytes:
    out = io.StringIO(newline="")
    write_csv(catalog_export_rows(queryset, stock_by_sku), out)
    return out.getvalue().encode("utf-8")


def export_xlsx(queryset: QuerySet[Product], stock_by_sku: StockLookup) -> bytes:
    return write_xlsx(catalog_export_rows(queryset, stock_by_sku))


def write_xlsx(rows: Iterable[list], *, with_guide: bool = False) -> bytes:
    """Codes and barcodes stay text (Excel would print 6.9E+12 and drop leading zeros); money is
    a number formatted ``0.00`` so operators can sort and sum it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("商品")
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    header = []
    for title in sheet.HEADERS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    money_at = {i for i, title in enumerate(sheet.HEADERS) if title in MONEY_COLUMNS}
    for row in rows:
        ws.append([_xlsx_cell(ws, value, money=i in money_at) for i, value in enumerate(row)])
    if with_guide:
        _write_guide(workbook.create_sheet("填写说明"))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(ws, value: object, *, money: bool):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if money:
        cell = WriteOnlyCell(ws, value=Decimal(str(value)))
        cell.number_format = "0.00"
        return cell
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # a title starting with "=" is text, never a formula
    return cell


GUIDE = (
    ("商品编码", "必填", "同一商品的多个 SKU 填相同编码；已存在则更新，否则新建", "P10001"),
    ("商品标题", "新商品必填", "最多 120 字", "玻尿酸补水面膜"),
    ("副标题", "", "最多 200 字", "深层补水 温和不刺激"),
    ("一级分类", "新商品必填", "不存在时自动创建", "美妆"),
    ("二级分类", "", "不存在时自动创建；留空表示直接挂在一级分类下", "面部护肤"),
    ("供应商", "新商品必填", "不存在时自动创建", "品牌自营"),
    ("主图", "", "图片地址", "https://example.com/a.jpg"),
    ("详情", "", "商品详情 HTML", "<p>详情</p>"),
    ("上架", "", "是 / 否；上架需要至少一个启用的 SKU", "是"),
    ("SKU编码", "必填", "全局唯一；已存在则更新", "P10001-01"),
    ("规格", "", "规格名:规格值，多个用分号分隔；同一商品的 SKU 规格项须相同", "颜色:红色;容量:50ml"),
    ("售价(元)", "新 SKU 必填", "最多两位小数，大于 0", "99.90"),
    ("划线价(元)", "", "最多两位小数", "129.00"),
    ("成本价(元)", "", "最多两位小数", "40.00"),
    ("重量(克)", "", "整数", "250"),
    ("条码", "", "商品条形码", "6901234567890"),
    ("库存", "", "可售库存（绝对值），变动会记入库存流水", "100"),
)


def _write_guide(ws) -> None:
    ws.append(["列名", "是否必填", "说明", "示例"])
    for line in GUIDE:
        ws.append(list(line))
    ws.append([])
    ws.append(["提示", "", "每行一个 SKU；已有商品或 SKU 的空白单元格表示不修改；任何一行有错时整个文件都不会导入"])


def import_template_xlsx() -> bytes:
    """An empty sheet with the headers, and a second sheet explaining each column."""
    return write_xlsx([], with_guide=True)
