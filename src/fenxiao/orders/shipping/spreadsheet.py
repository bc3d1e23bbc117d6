"""The bulk-shipping spreadsheet (CSV or XLSX): reading its rows under a header that names the
columns, and the template operators download. What the rows do is ``bulk.py``'s business."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from fenxiao.orders.errors import OrderError

MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
TEMPLATE_HEADERS = ("订单号", "快递公司", "运单号", "商品SKU编码", "发货数量")
TEMPLATE_EXAMPLES = (
    ("FX202401010001", "顺丰速运", "SF1234567890", "", ""),
    ("FX202401010002", "ZTO", "75312345678901", "TEE-RED-M", "1"),
    ("FX202401010002", "ZTO", "75312345678901", "MUG-WHITE", "2"),
)
# Header words operators use, to our fields.
HEADER_WORDS = {
    "order_no": ("订单号", "订单编号", "order_no", "order"),
    "carrier": ("快递公司", "物流公司", "快递", "carrier", "carrier_code"),
    "tracking_no": ("运单号", "快递单号", "物流单号", "tracking_no", "waybill"),
    "sku": ("商品SKU编码", "SKU编码", "sku", "sku_code", "商品行", "line"),
    "quantity": ("发货数量", "数量", "quantity", "qty"),
}


@dataclass(frozen=True)
class BulkRow:
    row_no: int  # the spreadsheet's own row number, so the operator finds it
    order_no: str
    carrier: str
    tracking_no: str
    sku: str = ""
    quantity: str = ""


# ---- reading the file ------------------------------------------------------------------------


def _bad_file(message: str) -> OrderError:
    return OrderError("BULK_FILE_INVALID", message, field="file")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores a long waybill typed as a number as a float
    return str(value).strip()


def _table(name: str, content: bytes) -> list[list[str]]:
    if name.lower().endswith(".xlsx") or content[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception:
            raise _bad_file("无法读取 Excel 文件，请使用模板（.xlsx）") from None
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _bad_file("无法识别文件编码，请保存为 UTF-8 的 CSV 或 Excel")
    return [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text))]


def _columns(header: Sequence[str]) -> dict[str, int]:
    words = {w.lower(): key for key, options in HEADER_WORDS.items() for w in options}
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = words.get(title.replace(" ", "").lower())
        if key and key not in columns:
            columns[key] = index
    missing = [HEADER_WORDS[k][0] for k in ("order_no", "carrier", "tracking_no") if k not in columns]
    if missing:
        raise _bad_file(f"表头缺少：{'、'.join(missing)}（请使用模板）")
    return columns


def bulk_rows_read(*, name: str, content: bytes) -> list[BulkRow]:
    """The rows of the first sheet (or the CSV) under a header row naming the columns."""
    if len(content) > MAX_BYTES:
        raise _bad_file("文件过大（最大 5MB）")
    table = _table(name, content)
    start = next((i for i, row in enumerate(table) if any(row)), None)
    if start is None:
        raise _bad_file("文件是空的")
    columns = _columns(table[start])
    rows = []
    for offset, raw in enumerate(table[start + 1 :], start=start + 2):
        if not any(raw):
            continue

        def get(key: str, raw: list[str] = raw) -> str:
            index = columns.get(key)
            return raw[index] if index is not None and index < len(raw) else ""

        rows.append(BulkRow(offset, get("order_no"), get("carrier"), get("tracking_no"), get("sku"), get("quantity")))
    if not rows:
        raise _bad_file("文件中没有数据行")
    if len(rows) > MAX_ROWS:
        raise _bad_file(f"一次最多 {MAX_ROWS} 行，请分批上传")
    return rows


def bulk_template_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerows(TEMPLATE_EXAMPLES)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read it as UTF-8


def bulk_template_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "批量发货"
    sheet.append(TEMPLATE_HEADERS)
    for example in TEMPLATE_EXAMPLES:
        sheet.append(list(example))
    for column in ("A", "B", "C", "D"):
        sheet.column_dimensions[column].width = 20
        for cell in sheet[column]:
            cell.number_format = "@"  # text: a long waybill must not turn into 7.5E+13
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
