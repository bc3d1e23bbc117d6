"""Catalogue import and export through their public functions, on the database."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from fenxiao.catalog import sheet
from fenxiao.catalog.exporting import catalog_export_rows, export_csv, export_xlsx
from fenxiao.catalog.models import Category, Product, Sku, Supplier
from fenxiao.inventory.catalogue_import import catalog_import
from fenxiao.inventory.models import StockMovement
from fenxiao.inventory.selectors import available_by_sku
from tests.catalog.conftest import HEADER, catalogue_counts, csv_bytes, snapshot, xlsx_bytes
from tests.catalog_factories import CategoryFactory, ProductFactory, SkuFactory, TopCategoryFactory, stock_of

pytestmark = pytest.mark.django_db

SAMPLE = csv_bytes(
    "P001,玻尿酸面膜,深层补水,美妆,面部护肤,品牌自营,https://img.example.com/a.jpg,<p>好用</p>,是,"
    "P001-S,容量:5片装,99.90,129,40.5,250,6901234567890,100",
    'P001,,,,,,,,,P001-L,容量：10片装,"1,299.00",0.01,0,500,,0',
    "P002,护手霜,,美妆,手部护理,海外仓,,,否,P002-1,颜色：红色；容量：50ml,12.3,,,,,7",
)

BASE_ROW = {
    "商品编码": "P100",
    "商品标题": "测试商品",
    "一级分类": "美妆",
    "二级分类": "面部护肤",
    "供应商": "品牌自营",
    "上架": "是",
    "SKU编码": "P100-1",
    "规格": "容量:50ml",
    "售价(元)": "10.00",
    "库存": "5",
}


def line(changes: dict[str, str] | None = None) -> str:
    values = {**BASE_ROW, **(changes or {})}
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([values.get(title, "") for title in sheet.HEADERS])
    return out.getvalue()


def run(data: bytes, filename: str = "products.csv", actor=None):
    return catalog_import(file=io.BytesIO(data), filename=filename, actor=actor)


def errors_of(report) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in report.errors]


def test_csv_import_creates_products_skus_categories_and_suppliers_with_exact_fen(operator):
    report = run(SAMPLE, actor=operator)

    assert report.ok, report.errors
    assert (report.rows, report.products_created, report.skus_created) == (3, 2, 3)
    assert (report.categories_created, report.suppliers_created, report.stock_changed) == (3, 2, 2)
    mask = Product.objects.get(code="P001")
    assert (mask.title, mask.subtitle, mask.detail_html) == ("玻尿酸面膜", "深层补水", "<p>好用</p>")
    assert (str(mask.category), mask.supplier.name, mask.is_on_shelf) == ("美妆/面部护肤", "品牌自营", True)
    small = Sku.objects.get(code="P001-S")
    assert (small.price_fen, small.market_price_fen, small.cost_fen) == (9990, 12900, 4050)
    assert (small.specs, small.weight_g, small.barcode, stock_of(small)) == (
        {"容量": "5片装"},
        250,
        "6901234567890",
        100,
    )
    large = Sku.objects.get(code="P001-L")
    assert (large.price_fen, large.market_price_fen, large.specs, stock_of(large)) == (129900, 1, {"容量": "10片装"}, 0)
    cream = Sku.objects.get(code="P002-1")
    assert cream.specs == {"颜色": "红色", "容量": "50ml"}
    assert (cream.price_fen, cream.market_price_fen, cream.cost_fen, stock_of(cream)) == (1230, 0, 0, 7)
    assert cream.product.is_on_shelf is False
    # Stock arrived through the inventory service: one movement per SKU that received units.
    movements = {m.sku.code: m for m in StockMovement.objects.select_related("sku")}
    assert sorted(movements) == ["P001-S", "P002-1"]
    assert (movements["P001-S"].delta, movements["P001-S"].stock_after) == (100, 100)
    assert movements["P002-1"].reason == "import"
    assert movements["P002-1"].actor == operator
    assert "products.csv" in movements["P002-1"].note


EXCEL_SKU = (10001, "规格:100g", 19.9, 100, 12.34, 150.0, 6901234567890, 50)


def test_xlsx_import_reads_excel_numbers_as_exact_text_and_fen():
    data = xlsx_bytes(
        [
            sheet.HEADERS,
            # product columns, then SKU columns as Excel types them: numbers, not text
            [*("P-X", "洗面奶", None, "美妆", "清洁", "品牌自营", None, None, True), *EXCEL_SKU],
            [None] * 17,  # a blank row in the middle is skipped
            ["P-X", None, None, None, None, None, None, None, None, "10002", "规格:200g", "29.90", 0, 0, 300, None, 0],
        ]
    )

    report = run(data, filename="货品.xlsx")

    assert report.ok, report.errors
    first = Sku.objects.get(code="10001")
    assert (first.price_fen, first.market_price_fen, first.cost_fen) == (1990, 10000, 1234)
    assert (first.weight_g, first.barcode, stock_of(first)) == (150, "6901234567890", 50)
    assert Sku.objects.get(code="10002").price_fen == 2990
    assert Product.objects.get(code="P-X").is_on_shelf is True


def test_gbk_csv_from_excel_on_chinese_windows():
    data = csv_bytes(line({"商品标题": "蚕丝被 双人", "规格": "尺寸:200×230"}), encoding="gbk")

    report = run(data)

    assert report.ok, report.errors
    assert Product.objects.get(code="P100").title == "蚕丝被 双人"
    assert Sku.objects.get(code="P100-1").specs == {"尺寸": "200×230"}


def test_tab_separated_utf16_text_saved_by_excel():
    data = csv_bytes(line({"商品标题": "面霜"}).replace(",", "\t"), header=HEADER.replace(",", "\t"), encoding="utf-16")

    report = run(data)

    assert report.ok, report.errors
    assert Product.objects.get(code="P100").title == "面霜"


def test_utf8_bom_and_english_headers():
    header = "product_code,title,category,subcategory,supplier,sku_code,specs,price,stock"
    data = "\ufeff".encode() + csv_bytes("P7,Lip balm,美妆,唇部,品牌自营,P7-1,颜色:红,8.8,3", header=header)

    report = run(data)

    assert report.ok, report.errors
    assert Sku.objects.get(code="P7-1").price_fen == 880
    assert Product.objects.get(code="P7").title == "Lip balm"


def test_reimport_updates_changed_rows_and_moves_stock_through_the_service():
    run(SAMPLE)
    before = Product.objects.get(code="P002").updated_at
    changed = csv_bytes(
        "P001,玻尿酸面膜 升级版,,,,,,,,P001-S,,88.80,,,,,120",
        "P002,,,,,,,,,P002-1,,,,,,,",
    )

    report = run(changed)

    assert report.ok, report.errors
    assert (report.products_created, report.products_updated, report.products_unchanged) == (0, 1, 1)
    assert (report.skus_created, report.skus_updated, report.skus_unchanged, report.stock_changed) == (0, 1, 1, 1)
    mask = Product.objects.get(code="P001")
    assert mask.title == "玻尿酸面膜 升级版"
    assert mask.subtitle == "深层补水"  # blank cell: left as it was
    small = Sku.objects.get(code="P001-S")
    assert (small.price_fen, small.market_price_fen, stock_of(small)) == (8880, 12900, 120)
    assert StockMovement.objects.filter(sku=small).latest("id").delta == 20
    assert Product.objects.get(code="P002").updated_at == before  # untouched rows are not rewritten


def test_reimport_adds_a_sku_to_an_existing_product_and_takes_it_off_shelf():
    run(SAMPLE)

    report = run(csv_bytes("P001,,,,,,,,否,P001-XL,容量:20片装,199,,,,,3"))

    assert report.ok, report.errors
    assert (report.skus_created, report.shelved_off) == (1, 1)
    assert Product.objects.get(code="P001").skus.count() == 3
    assert Product.objects.get(code="P001").is_on_shelf is False


BAD_CELLS = [
    ({"售价(元)": "12.345"}, "售价(元)", "最多两位小数"),
    ({"售价(元)": "abc"}, "售价(元)", "金额格式不正确"),
    ({"售价(元)": "0"}, "售价(元)", "售价必须大于 0"),
    ({"划线价(元)": "-1"}, "划线价(元)", "不能为负数"),
    ({"库存": "-3"}, "库存", "必须在 0 到"),
    ({"库存": "2.5"}, "库存", "必须是整数"),
    ({"重量(克)": "半斤"}, "重量(克)", "必须是整数"),
    ({"规格": "颜色红色"}, "规格", "缺少冒号"),
    ({"规格": "颜色:红色,容量:50ml"}, "规格", "分号分隔"),
    ({"规格": "颜色:红色;颜色:蓝色"}, "规格", "重复"),
    ({"规格": "颜色:"}, "规格", "不能为空"),
    ({"上架": "也许"}, "上架", "请填写 是 或 否"),
    ({"SKU编码": ""}, "SKU编码", "不能为空"),
    ({"商品标题": ""}, "商品标题", "新商品「P100」必须填写商品标题"),
    ({"供应商": ""}, "供应商", "必须填写供应商"),
    ({"一级分类": ""}, "一级分类", "填写二级分类时必须同时填写一级分类"),
    ({"商品标题": "长" * 121}, "商品标题", "最多 120 个字符"),
]


@pytest.mark.parametrize(("changes", "column", "message"), BAD_CELLS, ids=[c[2] for c in BAD_CELLS])
def test_bad_cell_is_reported_with_row_and_column_and_nothing_is_written(changes, column, message):
    data = csv_bytes(line({"商品编码": "P099", "SKU编码": "P099-1"}), line(changes))

    report = run(data)

    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(3, column)], report.errors
    assert message in report.errors[0].message
    assert catalogue_counts() == {"products": 0, "skus": 0, "categories": 0, "suppliers": 0, "movements": 0}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (HEADER.replace(",售价(元)", ""), (1, "售价(元)", "缺少必填列")),
        (HEADER.replace("商品编码,", ""), (1, "商品编码", "缺少必填列")),
        (HEADER.replace("条码", "颜值"), (1, "颜值", "无法识别的列名")),
        (HEADER.replace("条码", "售价"), (1, "售价", "列名重复")),
    ],
)
def test_bad_header_is_reported_and_nothing_is_written(header, expected):
    report = run(csv_bytes("P1,标题,美妆,,品牌自营,S1,,1", header=header))

    row, column, message = expected
    assert [(e.row, e.column) for e in report.errors] == [(row, column)]
    assert message in report.errors[0].message
    assert catalogue_counts()["products"] == 0


def test_every_error_in_the_file_is_reported_at_once_in_row_order():
    data = csv_bytes(
        line({"售价(元)": "abc"}),
        line({"SKU编码": "P100-2", "规格": "容量:80ml", "库存": "-1"}),
        line({"SKU编码": "P100-1", "规格": "容量:100ml"}),
    )

    report = run(data)

    assert [(e.row, e.column) for e in report.errors] == [(2, "售价(元)"), (3, "库存"), (4, "SKU编码")]
    assert "与第 2 行重复" in report.errors[2].message
    assert catalogue_counts()["skus"] == 0


def test_sku_code_of_another_product_is_refused_and_that_product_is_untouched():
    other = SkuFactory(code="X-1", product=ProductFactory(code="P900"), price_fen=500)

    report = run(csv_bytes(line({"SKU编码": "X-1", "售价(元)": "1.00"})))

    assert errors_of(report) == [(2, "SKU编码", "SKU编码「X-1」已属于商品「P900」，不能用于商品「P100」")]
    other.refresh_from_db()
    assert (other.product.code, other.price_fen) == ("P900", 500)
    assert not Product.objects.filter(code="P100").exists()


def test_product_columns_that_disagree_between_rows_are_refused():
    data = csv_bytes(line(), line({"SKU编码": "P100-2", "规格": "容量:80ml", "商品标题": "别的标题"}))

    report = run(data)

    assert errors_of(report) == [(3, "商品标题", "同一商品的商品标题与第 2 行不一致：「别的标题」")]


def test_skus_of_one_product_must_share_spec_names_and_differ_in_values():
    data = csv_bytes(
        line(),
        line({"SKU编码": "P100-2", "规格": "容量:80ml"}),
        line({"SKU编码": "P100-3", "规格": "颜色:红"}),
        line({"SKU编码": "P100-4", "规格": "容量:50ml"}),
    )

    report = run(data)

    assert [(e.row, e.column) for e in report.errors] == [(4, "规格"), (5, "规格")]
    assert "应为「容量」" in report.errors[0].message
    assert "与 SKU「P100-1」的规格相同" in report.errors[1].message


def test_going_on_shelf_without_an_active_sku_is_refused():
    sku = SkuFactory(code="OFF-1", is_active=False, product=ProductFactory(code="P100", is_on_shelf=False))

    report = run(csv_bytes(line({"SKU编码": "OFF-1", "售价(元)": "20"})))

    assert errors_of(report) == [(2, "上架", "商品「P100」没有启用的 SKU，不能上架")]
    sku.refresh_from_db()
    assert (sku.price_fen, sku.product.is_on_shelf) == (3990, False)


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("products.xls", b"\xd0\xcf\x11\xe0", "不支持旧版 .xls"),
        ("products.xlsx", b"not a zip", "无法读取 Excel 文件"),
        ("products.txt", b"a,b", "只支持 .csv 和 .xlsx"),
        ("products.csv", HEADER.encode(), "没有数据行"),
        ("products.csv", b"", "文件是空的"),
    ],
)
def test_unreadable_files_are_reported_as_a_whole(filename, data, message):
    report = run(data, filename=filename)

    assert len(report.errors) == 1
    assert report.errors[0].row == 0
    assert message in report.errors[0].message


def test_export_then_import_leaves_the_catalogue_unchanged():
    run(SAMPLE)
    flat = ProductFactory(
        code="FLAT",
        category=TopCategoryFactory(name="家居"),
        title='带,逗号和"引号"的标题',
        detail_html="<p>第一段</p>\n<p>第二段</p>",
    )
    SkuFactory(product=flat, code="FLAT-1", specs={}, barcode="00123", is_active=False, stock=9)
    before = snapshot()

    csv_report = run(export_csv(Product.objects.all(), available_by_sku), filename="export.csv")
    xlsx_report = run(export_xlsx(Product.objects.all(), available_by_sku), filename="export.xlsx")

    for report in (csv_report, xlsx_report):
        assert report.ok, report.errors
        assert (report.products_unchanged, report.skus_unchanged) == (3, 4)
        assert report.products_updated + report.skus_updated + report.stock_changed == 0
    assert snapshot() == before


def test_export_writes_the_import_columns_in_yuan_with_a_bom_for_excel():
    run(SAMPLE)

    data = export_csv(Product.objects.filter(code="P001"), available_by_sku)
    text = data.decode("utf-8")

    assert data.startswith("\ufeff".encode())
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == HEADER
    assert lines[1].split(",")[9:13] == ["P001-S", "容量:5片装", "99.90", "129.00"]
    assert len(lines) == 3
    workbook = load_workbook(io.BytesIO(export_xlsx(Product.objects.all(), available_by_sku)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == sheet.HEADERS
    assert len(rows) == 4
    (cream,) = catalog_export_rows(Product.objects.filter(code="P002"), available_by_sku)
    assert cream[11:] == ["12.30", "0.00", "0.00", 0, "", 7]


def test_a_title_that_looks_like_a_formula_stays_text_in_excel():
    ProductFactory(code="EQ", title="=HYPERLINK(1)")
    SkuFactory(product=Product.objects.get(code="EQ"), code="EQ-1")

    workbook = load_workbook(io.BytesIO(export_xlsx(Product.objects.all(), available_by_sku)))

    cell = workbook.worksheets[0]["B2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


def test_three_thousand_sku_rows_import_in_one_go_and_reimport_as_unchanged():
    lines = []
    for p in range(1000):
        for size in ("S", "M", "L"):
            lines.append(
                f"SPU{p:04d},商品{p},,类目{p % 10},子类{p % 5},供应商{p % 4},,,是,"
                f"SPU{p:04d}-{size},尺码:{size},{p % 97 + 1}.{p % 100:02d},,,100,,{p % 50 + 1}"
            )
    data = csv_bytes(*lines)

    report = run(data)

    assert report.ok, report.errors[:5]
    assert (report.products_created, report.skus_created, report.stock_changed) == (1000, 3000, 3000)
    assert (Product.objects.filter(is_on_shelf=True).count(), Sku.objects.count()) == (1000, 3000)
    assert (Category.objects.count(), Supplier.objects.count(), StockMovement.objects.count()) == (20, 4, 3000)
    assert Sku.objects.get(code="SPU0123-M").price_fen == 2723  # 123 % 97 + 1 yuan and 23 fen

    again = run(data)

    assert (again.skus_unchanged, again.stock_changed, StockMovement.objects.count()) == (3000, 0, 3000)

    # every M size gets 100 yuan dearer: many distinct new prices at once
    repriced = run(data.replace("-M,尺码:M,".encode(), "-M,尺码:M,1".encode()))

    assert (repriced.skus_updated, repriced.skus_unchanged) == (1000, 2000)
    assert Sku.objects.get(code="SPU0123-M").price_fen == 12723
    assert Sku.objects.get(code="SPU0123-S").price_fen == 2723


def test_existing_category_is_reused_by_name():
    child = CategoryFactory(name="面部护肤", parent=TopCategoryFactory(name="美妆"))

    report = run(csv_bytes(line()))

    assert report.ok, report.errors
    assert report.categories_created == 0
    assert Product.objects.get(code="P100").category == child
