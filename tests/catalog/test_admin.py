"""The operator console for the catalogue, users and stock, driven through Django's test client."""

from __future__ import annotations

import io

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from fenxiao.accounts.models import Address, User
from fenxiao.catalog import sheet
from fenxiao.catalog.models import Product, Sku
from fenxiao.inventory.models import StockMovement
from tests.catalog.conftest import HEADER, csv_bytes
from tests.catalog_factories import CategoryFactory, ProductFactory, SkuFactory, SupplierFactory, stock_of

pytestmark = pytest.mark.django_db

PRODUCTS = reverse("admin:catalog_product_changelist")


@pytest.fixture
def cream():
    """On shelf; two active SKUs (39.90 with 100, 29.90 with 5) and a switched-off one (1.00 with 50)."""
    product = ProductFactory(code="CREAM", title="保湿面霜", is_on_shelf=True)
    SkuFactory(product=product, code="CREAM-50", specs={"容量": "50ml"}, price_fen=3990, stock=100, barcode="690111")
    SkuFactory(product=product, code="CREAM-30", specs={"容量": "30ml"}, price_fen=2990, stock=5, barcode="690112")
    SkuFactory(product=product, code="CREAM-OLD", specs={"容量": "10ml"}, price_fen=100, stock=50, is_active=False)
    return product


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_product_list_shows_min_active_price_in_yuan_and_active_stock(admin_client, cream):
    ProductFactory(code="OTHER", title="洁面乳")

    response = admin_client.get(PRODUCTS)

    assert response.status_code == 200
    row = next(p for p in response.context["cl"].result_list if p.code == "CREAM")
    assert (row.min_price_fen, row.total_stock) == (2990, 105)
    assert "29.90" in response.content.decode()
    assert reverse("admin:catalog_product_import") in response.content.decode()


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({"q": "CREAM-30"}, ["CREAM"]),  # SKU code
        ({"q": "69011"}, ["CREAM"]),  # barcode prefix shared by two SKUs: the product appears once
        ({"q": "洁面"}, ["OTHER"]),  # title
        ({"is_on_shelf__exact": "0"}, ["OTHER"]),
    ],
)
def test_product_search_and_filters(admin_client, cream, query, codes):
    ProductFactory(code="OTHER", title="洁面乳", is_on_shelf=False)

    response = admin_client.get(PRODUCTS, query)

    assert response.status_code == 200
    assert [p.code for p in response.context["cl"].result_list] == codes


def test_top_category_filter_includes_products_of_its_children(admin_client, cream):
    ProductFactory(code="OTHER", category=CategoryFactory())

    response = admin_client.get(PRODUCTS, {"top_category": cream.category.parent_id})

    assert [p.code for p in response.context["cl"].result_list] == ["CREAM"]


@pytest.mark.parametrize(
    "name",
    [
        "catalog_supplier_changelist",
        "catalog_category_changelist",
        "catalog_product_changelist",
        "catalog_product_add",
        "catalog_sku_changelist",
        "accounts_user_changelist",
        "accounts_address_changelist",
        "inventory_stockmovement_changelist",
        "catalog_product_import",
    ],
)
def test_console_pages_render(admin_client, cream, name):
    StockMovement.objects.create(sku=cream.skus.first(), delta=3, stock_after=103, reason="adjust")

    response = admin_client.get(reverse(f"admin:{name}"))

    assert response.status_code == 200


def test_change_pages_render(admin_client, cream, operator):
    sku = cream.skus.first()
    movement = StockMovement.objects.create(sku=sku, delta=3, stock_after=103, reason="adjust")
    for url in (
        reverse("admin:catalog_product_change", args=[cream.pk]),
        reverse("admin:catalog_category_change", args=[cream.category_id]),
        reverse("admin:catalog_category_change", args=[cream.category.parent_id]),
        reverse("admin:catalog_supplier_change", args=[cream.supplier_id]),
        reverse("admin:catalog_sku_change", args=[sku.pk]),
        reverse("admin:accounts_user_change", args=[operator.pk]),
        reverse("admin:inventory_stockmovement_change", args=[movement.pk]),
    ):
        assert admin_client.get(url).status_code == 200, url


def test_categories_stay_two_levels(admin_client, cream):
    top = admin_client.get(reverse("admin:catalog_category_change", args=[cream.category.parent_id]))
    child = admin_client.get(reverse("admin:catalog_category_change", args=[cream.category_id]))

    assert len(top.context["inline_admin_formsets"]) == 1
    assert child.context["inline_admin_formsets"] == []
    parents = child.context["adminform"].form.fields["parent"].queryset
    assert all(c.parent_id is None for c in parents)


def test_user_list_masks_phones_and_the_session_key_is_never_shown(admin_client):
    user = User.objects.create(
        username="wx_a", openid="oA", phone="13812345678", nickname="小红", wechat_session_key="SECRET-KEY-123"
    )
    Address.objects.create(user=user, receiver="李四", phone="13987654321", province="广东省", city="深圳市")

    users = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    change = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    addresses = admin_client.get(reverse("admin:accounts_address_changelist")).content.decode()

    assert "138****5678" in users
    assert "13812345678" not in users
    assert "139****4321" in addresses
    assert "13987654321" not in addresses
    assert "SECRET-KEY-123" not in change
    assert "139****4321" in change and "13987654321" not in change  # the address inline masks too
    assert "oA" in change


def test_stock_movements_are_read_only(admin_client, cream):
    movement = StockMovement.objects.create(sku=cream.skus.first(), delta=3, stock_after=103, reason="adjust")
    change_url = reverse("admin:inventory_stockmovement_change", args=[movement.pk])

    assert admin_client.get(reverse("admin:inventory_stockmovement_add")).status_code == 403
    assert admin_client.post(change_url, {"delta": 999, "note": "x"}).status_code == 403
    assert admin_client.post(reverse("admin:inventory_stockmovement_delete", args=[movement.pk])).status_code == 403
    movement.refresh_from_db()
    assert (movement.delta, movement.note) == (3, "")


def test_shelf_actions_call_the_service(admin_client, cream):
    response = admin_client.post(PRODUCTS, {"action": "take_off_shelf", "_selected_action": [cream.pk]}, follow=True)

    cream.refresh_from_db()
    assert cream.is_on_shelf is False
    assert "已下架 1 个商品" in messages_of(response)
    assert LogEntry.objects.get().get_change_message() == "下架"

    admin_client.post(PRODUCTS, {"action": "put_on_shelf", "_selected_action": [cream.pk]})

    cream.refresh_from_db()
    assert cream.is_on_shelf is True


def test_putting_a_product_without_active_sku_on_shelf_shows_the_rule_and_changes_nothing(admin_client, cream):
    cream.is_on_shelf = False
    cream.save()
    empty = ProductFactory(code="EMPTY", is_on_shelf=False)
    SkuFactory(product=empty, is_active=False)

    response = admin_client.post(
        PRODUCTS, {"action": "put_on_shelf", "_selected_action": [cream.pk, empty.pk]}, follow=True
    )

    assert messages_of(response) == ["商品没有可售 SKU，不能上架：EMPTY"]
    assert list(Product.objects.filter(is_on_shelf=True)) == []


def test_export_actions_download_the_selection(admin_client, cream):
    ProductFactory(code="NOT-SELECTED")

    csv_response = admin_client.post(PRODUCTS, {"action": "export_csv", "_selected_action": [cream.pk]})
    xlsx_response = admin_client.post(PRODUCTS, {"action": "export_xlsx", "_selected_action": [cream.pk]})

    assert csv_response["Content-Type"] == "text/csv"
    assert "attachment" in csv_response["Content-Disposition"]
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER
    assert [line.split(",")[9] for line in text.splitlines()[1:]] == ["CREAM-50", "CREAM-30", "CREAM-OLD"]
    rows = list(load_workbook(io.BytesIO(xlsx_response.content)).worksheets[0].iter_rows(values_only=True))
    assert [r[9] for r in rows] == ["SKU编码", "CREAM-50", "CREAM-30", "CREAM-OLD"]


def test_import_page_applies_a_good_file_and_reports_the_summary(admin_client, operator):
    upload = io.BytesIO(csv_bytes("P1,面膜,,美妆,面部护肤,品牌自营,,,是,P1-1,片数:5,9.90,,,,,8"))
    upload.name = "goods.csv"

    response = admin_client.post(reverse("admin:catalog_product_import"), {"file": upload})

    assert response.status_code == 200
    assert response.context["report"].ok
    assert "导入成功" in response.content.decode()
    assert Sku.objects.get(code="P1-1").price_fen == 990
    assert StockMovement.objects.get().actor == operator


def test_import_page_lists_every_row_error_and_writes_nothing(admin_client):
    upload = io.BytesIO(
        csv_bytes(
            "P1,面膜,,美妆,面部护肤,品牌自营,,,是,P1-1,片数:5,9.999,,,,,8",
            "P1,,,,,,,,,P1-2,片数10,9.90,,,,,-1",
        )
    )
    upload.name = "goods.csv"

    response = admin_client.post(reverse("admin:catalog_product_import"), {"file": upload})

    page = response.content.decode()
    assert "3 处错误" in page
    assert "第 2 行" in page and "售价(元)" in page and "金额最多两位小数" in page
    assert "第 3 行" in page and "缺少冒号" in page and "库存" in page
    assert Product.objects.count() == 0


def test_import_page_refuses_other_file_types(admin_client):
    upload = io.BytesIO(b"hello")
    upload.name = "goods.pdf"

    response = admin_client.post(reverse("admin:catalog_product_import"), {"file": upload})

    assert response.context["form"].errors == {"file": ["只支持 .csv 和 .xlsx 文件"]}


def test_import_template_has_the_columns_and_a_guide(admin_client):
    response = admin_client.get(reverse("admin:catalog_product_template"))

    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == sheet.HEADERS
    assert workbook.sheetnames == ["商品", "填写说明"]


def test_import_needs_add_and_change_permission(client, cream):
    viewer = User.objects.create_user(username="viewer", password="pw-Viewer-123", is_staff=True)
    client.force_login(viewer)

    assert client.get(reverse("admin:catalog_product_import")).status_code == 403


def test_adjust_stock_moves_stock_through_the_service(admin_client, cream, operator):
    big, small = cream.skus.get(code="CREAM-50"), cream.skus.get(code="CREAM-30")
    url = reverse("admin:catalog_product_adjust_stock", args=[cream.pk])

    response = admin_client.post(url, {f"delta_{big.pk}": "-2", f"delta_{small.pk}": "3", "note": "盘点"})

    assert response.status_code == 302
    big.refresh_from_db()
    small.refresh_from_db()
    assert (stock_of(big), stock_of(small)) == (98, 8)
    movements = StockMovement.objects.order_by("sku_id")
    assert [(m.sku_id, m.delta, m.reason, m.note, m.actor) for m in movements] == [
        (big.pk, -2, "adjust", "盘点", operator),
        (small.pk, 3, "adjust", "盘点", operator),
    ]


def test_adjust_stock_below_zero_is_refused_and_nothing_changes(admin_client, cream):
    big, small = cream.skus.get(code="CREAM-50"), cream.skus.get(code="CREAM-30")
    url = reverse("admin:catalog_product_adjust_stock", args=[cream.pk])

    response = admin_client.post(url, {f"delta_{big.pk}": "10", f"delta_{small.pk}": "-6", "note": "报损"})

    assert response.status_code == 200
    assert "库存不足" in response.content.decode()
    assert "CREAM-30" in str(response.context["form"].non_field_errors())
    assert set(Sku.objects.values_list("code", "stock_level__quantity")) >= {("CREAM-50", 100), ("CREAM-30", 5)}
    assert not StockMovement.objects.exists()


def test_adjust_stock_needs_a_quantity(admin_client, cream):
    url = reverse("admin:catalog_product_adjust_stock", args=[cream.pk])

    response = admin_client.post(url, {"note": "盘点"})

    assert response.context["form"].non_field_errors() == ["请至少填写一个 SKU 的调整数量"]


def _product_form(product: Product, skus: list[dict]) -> dict:
    data = {
        "code": product.code,
        "title": product.title,
        "subtitle": product.subtitle,
        "supplier": product.supplier_id,
        "category": product.category_id,
        "main_image": product.main_image,
        "detail_html": product.detail_html,
        "sort_order": product.sort_order,
        "skus-TOTAL_FORMS": len(skus),
        "skus-INITIAL_FORMS": sum(1 for s in skus if "id" in s),
        "skus-MIN_NUM_FORMS": 0,
        "skus-MAX_NUM_FORMS": 1000,
        "images-TOTAL_FORMS": 0,
        "images-INITIAL_FORMS": 0,
        "images-MIN_NUM_FORMS": 0,
        "images-MAX_NUM_FORMS": 1000,
    }
    for i, sku in enumerate(skus):
        data.update({f"skus-{i}-{k}": v for k, v in {"product": product.pk, "is_active": "on", **sku}.items()})
    return data


def test_sku_inline_takes_yuan_and_spec_text_and_ignores_posted_stock(admin_client):
    product = ProductFactory(code="LIP", is_on_shelf=False, supplier=SupplierFactory())
    sku = SkuFactory(product=product, code="LIP-RED", stock=7)
    url = reverse("admin:catalog_product_change", args=[product.pk])
    edited = {"id": sku.pk, "code": "LIP-RED", "spec_text": "颜色：红色", "price_yuan": "45.6", "weight_g": 20}
    added = {
        "code": "LIP-PINK",
        "spec_text": "颜色:粉色",
        "price_yuan": "¥1,299.00",
        "cost_yuan": "0.01",
        "weight_g": 0,
    }

    response = admin_client.post(url, _product_form(product, [{**edited, "stock": 999}, added]) | {"is_on_shelf": "on"})

    assert response.status_code == 302, response.context["errors"]
    red, pink = Sku.objects.get(code="LIP-RED"), Sku.objects.get(code="LIP-PINK")
    assert (red.price_fen, red.market_price_fen, red.specs, stock_of(red)) == (4560, 0, {"颜色": "红色"}, 7)
    assert (pink.price_fen, pink.cost_fen, stock_of(pink)) == (129900, 1, 0)
    product.refresh_from_db()
    assert product.is_on_shelf is False  # shelving goes through the list actions and their rule


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"price_yuan": "1.234"}, "price_yuan", "金额最多两位小数"),
        ({"price_yuan": "0"}, "price_yuan", "售价必须大于 0"),
        ({"spec_text": "颜色红色"}, "spec_text", "缺少冒号"),
    ],
)
def test_sku_inline_refuses_bad_money_and_specs(admin_client, change, field, message):
    product = ProductFactory(code="LIP")
    sku = SkuFactory(product=product, code="LIP-RED", price_fen=3000)
    row = {"id": sku.pk, "code": "LIP-RED", "spec_text": "颜色:红色", "price_yuan": "30", "weight_g": 0, **change}

    response = admin_client.post(
        reverse("admin:catalog_product_change", args=[product.pk]), _product_form(product, [row])
    )

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert message in errors[field][0]
    sku.refresh_from_db()
    assert sku.price_fen == 3000


def test_two_skus_of_a_product_with_the_same_specs_are_refused(admin_client):
    product = ProductFactory(code="LIP")
    rows = [
        {"code": "A", "spec_text": "颜色:红色", "price_yuan": "1", "weight_g": 0},
        {"code": "B", "spec_text": "颜色:红色", "price_yuan": "2", "weight_g": 0},
    ]

    response = admin_client.post(
        reverse("admin:catalog_product_change", args=[product.pk]), _product_form(product, rows)
    )

    assert response.status_code == 200
    assert not Sku.objects.filter(product=product).exists()


def test_a_top_category_with_children_cannot_become_a_child(admin_client, cream):
    top = cream.category.parent
    other_top = CategoryFactory().parent
    url = reverse("admin:catalog_category_change", args=[top.pk])
    data = {"parent": other_top.pk, "name": top.name, "icon": "", "sort_order": 0, "is_active": "on"}
    data |= {"children-TOTAL_FORMS": 0, "children-INITIAL_FORMS": 0}

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "分类最多两级" in str(response.context["adminform"].form.errors["parent"])
    top.refresh_from_db()
    assert top.parent_id is None
