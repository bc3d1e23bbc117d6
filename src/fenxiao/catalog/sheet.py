"""The catalogue spreadsheet: its columns, how cells and spec text are read, and how CSV and XLSX
files become rows of text. Shared by ``inventory/catalogue_import.py``, ``exporting.py`` and the admin forms, so
what the export writes is exactly what the import reads."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
SPEC_NAME_MAX = 20
SPEC_VALUE_MAX = 40

# Product detail HTML can exceed the csv module's 128 KiB default field limit.
csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # the header the export writes and error messages name
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("product_code", "商品编码", ("SPU编码", "商品货号", "product_code", "spu_code", "spu")),
    Column("title", "商品标题", ("标题", "商品名称", "title", "product_title")),
    Column("subtitle", "副标题", ("subtitle",)),
    Column("category1", "一级分类", ("category1", "category", "top_category")),
    Column("category2", "二级分类", ("category2", "subcategory", "sub_category")),
    Column("supplier", "供应商", ("supplier",)),
    Column("main_image", "主图", ("main_image", "image")),
    Column("detail", "详情", ("详情HTML", "商品详情", "detail", "detail_html")),
    Column("on_shelf", "上架", ("上架(是/否)", "是否上架", "on_shelf")),
    Column("sku_code", "SKU编码", ("sku", "sku_code")),
    Column("specs", "规格", ("specs", "spec")),
    Column("price", "售价(元)", ("售价", "销售价", "price", "price_yuan")),
    Column("market_price", "划线价(元)", ("划线价", "市场价", "原价", "market_price")),
    Column("cost", "成本价(元)", ("成本价", "成本", "cost", "cost_price")),
    Column("weight", "重量(克)", ("重量", "重量(g)", "weight", "weight_g")),
    Column("barcode", "条码", ("条形码", "barcode")),
    Column("stock", "库存", ("可售库存", "stock")),
)
COLUMN_TITLES: dict[str, str] = {c.key: c.title for c in COLUMNS}
HEADERS: list[str] = [c.title for c in COLUMNS]
PRODUCT_KEYS = ("title", "subtitle", "category1", "category2", "supplier", "main_image", "detail", "on_shelf")

YES_WORDS = {"是", "上架", "y", "yes", "true", "1"}
NO_WORDS = {"否", "下架", "n", "no", "false", "0"}


def normalize_header(text: str) -> str:
    """``" 售价（元）*"`` and ``"售价(元)"`` are the same column; so are ``Price_Yuan`` and ``price yuan``."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "*_-")


_HEADER_INDEX: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.title, _column.key, *_column.aliases):
        _HEADER_INDEX[normalize_header(_name)] = _column.key


def column_key(header: str) -> str | None:
    return _HEADER_INDEX.get(normalize_header(header))


def cell_text(value: object) -> str:
    """A cell as the operator sees it: Excel numbers lose the ``.0`` they gain in a float
    (``6901234567890.0`` is a barcode, ``19.9`` a price), booleans read as 是/否."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueError(f"无法识别「{text}」，请填写 是 或 否")


def parse_int(text: str, *, low: int, high: int, unit: str = "") -> int:
    """A whole number in ``[low, high]``; ``"500.0"`` from a spreadsheet is accepted, ``"5.5"`` is not."""
    try:
        number = Decimal(text.replace(",", ""))
    except ArithmeticError:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"必须是整数：{text}")
    if not low <= number <= high:
        raise ValueError(f"必须在 {low} 到 {high}{unit} 之间：{text}")
    return int(number)


def parse_specs(text: str) -> dict[str, str]:
    """``颜色:红色;容量:50ml`` (full-width ``：；`` too) into ``{"颜色": "红色", "容量": "50ml"}``."""
    specs: dict[str, str] = {}
    for part in text.replace("：", ":").replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition(":")
        name, value = name.strip(), value.strip()
        if not sep:
            raise ValueError(f"规格「{part}」缺少冒号，格式如 颜色:红色;容量:50ml")
        if not name or not value:
            raise ValueError(f"规格「{part}」的规格名和规格值都不能为空")
        if ":" in value:
            raise ValueError(f"规格「{part}」格式不正确，多个规格请用分号分隔，如 颜色:红色;容量:50ml")
        if len(name) > SPEC_NAME_MAX or len(value) > SPEC_VALUE_MAX:
            raise ValueError(f"规格名最多 {SPEC_NAME_MAX} 个字，规格值最多 {SPEC_VALUE_MAX} 个字：{part}")
        if name in specs:
            raise ValueError(f"规格名「{name}」重复")
        specs[name] = value
    return specs


def format_specs(specs: object) -> str:
    if not isinstance(specs, dict):
        return ""
    return ";".join(f"{name}:{value}" for name, value in specs.items())


class SheetError(ValueError):
    """The file as a whole cannot be read; ``message`` is for the operator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read_rows(data: bytes, filename: str) -> list[list[str]]:
    """All rows of the first sheet as stripped text, header first; blank rows are kept so that
    row numbers match what the operator sees in Excel."""
    if len(data) > MAX_FILE_BYTES:
        raise SheetError(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB，请分批导入")
    name = filename.lower()
    if name.endswith(".csv"):
        rows = _read_csv(data)
    elif name.endswith((".xlsx", ".xlsm")):
        rows = _read_xlsx(data)
    elif name.endswith(".xls"):
        raise SheetError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV")
    else:
        raise SheetError("只支持 .csv 和 .xlsx 文件")
    if not rows or not any(rows[0]):
        raise SheetError("文件是空的或第一行没有表头")
    return rows


def _decode(data: bytes) -> str:
    # Excel on Chinese Windows saves "CSV" as GBK; gb18030 is its superset and decodes it exactly.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SheetError("无法识别文件编码，请另存为 UTF-8 编码的 CSV") from exc
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("无法识别文件编码，请另存为 UTF-8 编码的 CSV")


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    rows: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([cell_text(v) for v in record])
            if len(rows) > MAX_ROWS + 1:
                raise SheetError(f"一次最多导入 {MAX_ROWS} 行，请分批导入")
    except csv.Error as exc:
        raise SheetError(f"CSV 格式错误（第 {len(rows) + 1} 行）：{exc}") from exc
    return rows


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML errors… all mean "not a workbook"
        raise SheetError("无法读取 Excel 文件，请确认是 .xlsx 格式") from exc
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1 and any(rows[-1]):
                raise SheetError(f"一次最多导入 {MAX_ROWS} 行，请分批导入")
    finally:
        workbook.close()
    while rows and not any(rows[-1]):
        rows.pop()  # formatted but empty rows at the bottom of a sheet
    return rows
