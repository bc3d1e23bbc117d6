"""Bulk shipping from a spreadsheet: the preview says per row what will happen and ships nothing;
apply ships the valid parcels through the single-shipment service (so WeChat's shipping info is
uploaded for each) and reports the others; partial shipments group rows by waybill; the console,
its template download and the operator API; every apply on the audit log."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from fenxiao.core.errors import DomainError
from fenxiao.orders.models import OrderLine, OrderStatus, Shipment
from fenxiao.orders.shipping.bulk import Outcome, bulk_apply, bulk_preview
from fenxiao.orders.shipping.shipments import order_ship
from fenxiao.orders.shipping.spreadsheet import bulk_rows_read, bulk_template_csv, bulk_template_xlsx
from fenxiao.risk.models import AuditEntry
from tests.order_support import mark_paid, place_order

HEADER = "订单号,快递公司,运单号,商品SKU编码,发货数量"
BULK = reverse("admin:orders_order_bulk_ship")


@pytest.fixture
def orders(buyer, sku, sku2, staff):
    """two: 2 × sku + 1 × sku2, to ship in parts; one: 1 × sku, whole; shipped: already gone;
    unpaid: not yet paid."""
    two = mark_paid(place_order(buyer, (sku.id, 2), (sku2.id, 1)))
    one = mark_paid(place_order(buyer, (sku.id, 1)))
    shipped = mark_paid(place_order(buyer, (sku2.id, 1)))
    order_ship(order_id=shipped.id, by=staff, carrier_code="SF", tracking_no="SF4000", lines=None)
    unpaid = place_order(buyer, (sku.id, 1))
    return {"two": two, "one": one, "shipped": shipped, "unpaid": unpaid}


@pytest.fixture
def sheet(orders, sku, sku2) -> bytes:
    two, one = orders["two"].order_no, orders["one"].order_no
    lines = [
        HEADER,
        f"{one},顺丰速运,SF5001,,",  # 2: ship the whole order
        f"{two},ZTO,ZT5002,{sku.code},1",  # 3: parcel ZT5002 ...
        f"{two},zhongtong,ZT5002,{sku2.code},1",  # 4: ... holds two lines (快递100's code is fine)
        f"{two},YTO,YT5003,{sku.code},5",  # 5: only 1 left of that line
        f"{orders['shipped'].order_no},SF,SF5004,,",  # 6
        f"{orders['unpaid'].order_no},SF,SF5005,,",  # 7
        "FX-NO-SUCH-ORDER,SF,SF5006,,",  # 8
        f"{one},火星快递,MX5007,,",  # 9
        f"{one},SF,12,,",  # 10: too short a waybill
        f"{two},YD,YD5009,{sku.code},1",  # 11: a good row in a parcel ...
        f"{two},YD,YD5009,NO-SUCH-SKU,1",  # 12: ... with a bad one: the parcel waits
        f"{orders['shipped'].order_no},SF,SF4000,,",  # 13: that waybill already left
    ]
    return "\n".join(lines).encode("utf-8-sig")


EXPECTED = {
    2: Outcome.SHIP,
    3: Outcome.SHIP,
    4: Outcome.SHIP,
    5: Outcome.BAD_QUANTITY,
    6: Outcome.ALREADY_SHIPPED,
    7: Outcome.NOT_SHIPPABLE,
    8: Outcome.UNKNOWN_ORDER,
    9: Outcome.BAD_CARRIER,
    10: Outcome.BAD_TRACKING_NO,
    11: Outcome.PARCEL_HAS_ERRORS,
    12: Outcome.BAD_LINE,
    13: Outcome.ALREADY_SHIPPED,
}


def outcomes(report) -> dict[int, str]:
    return {v.row.row_no: v.outcome for v in report.verdicts}


def test_the_preview_says_what_each_row_will_do_and_ships_nothing(sheet, orders):
    rows = bulk_rows_read(name="ship.csv", content=sheet)

    report = bulk_preview(rows=rows)

    assert outcomes(report) == EXPECTED
    messages = {v.row.row_no: v.message for v in report.verdicts}
    assert "最多还能发 1 件" in messages[5]
    assert "NO-SUCH-SKU" in messages[12]
    assert not Shipment.objects.exclude(tracking_no="SF4000").exists()


def test_apply_ships_the_valid_parcels_partially_and_reports_the_rest(
    sheet, orders, staff, sku, sku2, django_capture_on_commit_callbacks
):
    rows = bulk_rows_read(name="ship.csv", content=sheet)

    with django_capture_on_commit_callbacks(execute=True):
        report = bulk_apply(rows=rows, by=staff)

    assert outcomes(report) == {**EXPECTED, 2: Outcome.SHIPPED, 3: Outcome.SHIPPED, 4: Outcome.SHIPPED}
    one, two = orders["one"], orders["two"]
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == OrderStatus.SHIPPED
    assert two.status == OrderStatus.PAID  # one unit of sku still waits
    parcel = Shipment.objects.get(tracking_no="ZT5002")
    assert parcel.carrier_code == "ZTO"
    assert sorted((sl.order_line.sku_code, sl.quantity) for sl in parcel.lines.all()) == sorted(
        [(sku.code, 1), (sku2.code, 1)]
    )
    assert list(OrderLine.objects.filter(order=two).order_by("id").values_list("shipped_quantity", flat=True)) == [1, 1]
    # as for a single shipment: the fully shipped order's info went to WeChat (sandbox accepts)
    assert Shipment.objects.get(tracking_no="SF5001").wechat_upload == Shipment.UploadState.UPLOADED
    assert parcel.wechat_upload == Shipment.UploadState.PENDING  # the order is not fully shipped yet
    assert not Shipment.objects.filter(tracking_no__in=["YD5009", "YT5003"]).exists()


def test_applying_the_same_file_twice_ships_nothing_twice(sheet, orders, staff):
    rows = bulk_rows_read(name="ship.csv", content=sheet)
    bulk_apply(rows=rows, by=staff)

    again = bulk_apply(rows=rows, by=staff)

    assert again.good == 0
    assert {2: Outcome.ALREADY_SHIPPED, 3: Outcome.ALREADY_SHIPPED}.items() <= outcomes(again).items()
    assert Shipment.objects.filter(tracking_no="SF5001").count() == 1


def test_a_parcel_that_cannot_ship_any_more_at_apply_time_is_reported_failed(sheet, orders, staff, monkeypatch):
    from fenxiao.orders.shipping import bulk

    def refuse(**kwargs):
        raise DomainError("ORDER_ON_HOLD", "订单暂不能发货")

    monkeypatch.setattr(bulk, "order_ship", refuse)
    report = bulk_apply(rows=bulk_rows_read(name="ship.csv", content=sheet), by=staff)
    assert outcomes(report)[2] == Outcome.FAILED
    assert {v.message for v in report.verdicts if v.outcome == Outcome.FAILED} == {"订单暂不能发货"}


def test_an_xlsx_with_numbers_typed_as_numbers_reads_like_the_csv(orders):
    book = Workbook()
    book.active.append(["订单号", "快递公司", "运单号"])
    book.active.append([orders["one"].order_no, "SF", 75312345678901])  # Excel's number, not text
    out = io.BytesIO()
    book.save(out)

    (row,) = bulk_rows_read(name="ship.xlsx", content=out.getvalue())

    assert (row.row_no, row.carrier, row.tracking_no, row.sku) == (2, "SF", "75312345678901", "")
    assert outcomes(bulk_preview(rows=[row])) == {2: Outcome.SHIP}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "空"),
        ("订单号,运单号\nFX1,SF1234567".encode(), "快递公司"),
        (f"{HEADER}\n".encode(), "没有数据行"),
        (b"\xff\xfe\x00garbage", "编码"),
    ],
)
def test_a_file_that_is_not_a_shipping_sheet_is_refused_with_a_reason(content, message):
    with pytest.raises(DomainError) as caught:
        bulk_rows_read(name="ship.csv", content=content)
    assert caught.value.code == "BULK_FILE_INVALID"
    assert message in caught.value.message


def test_the_templates_read_back_with_the_expected_columns():
    assert bulk_template_csv().decode("utf-8-sig").splitlines()[0] == HEADER
    sheet = load_workbook(io.BytesIO(bulk_template_xlsx())).active
    assert [c.value for c in sheet[1]] == HEADER.split(",")
    assert len(bulk_rows_read(name="t.xlsx", content=bulk_template_xlsx())) == 3


# ---- the console --------------------------------------------------------------------------------


@pytest.fixture
def console(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def test_the_console_previews_then_applies_and_audits(
    console, sheet, orders, staff, django_capture_on_commit_callbacks
):
    assert "批量发货" in console.get(reverse("admin:orders_order_changelist")).content.decode()
    upload = SimpleUploadedFile("ship.csv", sheet, content_type="text/csv")

    preview = console.post(BULK, {"file": upload})

    page = preview.content.decode()
    assert preview.status_code == 200
    assert "预览" in page and "将发货" in page and "订单不存在" in page and "快递公司无效" in page
    assert "确认发货（3 行）" in page
    assert not Shipment.objects.filter(tracking_no="SF5001").exists()

    token = preview.context["rows_token"]
    with django_capture_on_commit_callbacks(execute=True):
        applied = console.post(BULK, {"rows": token})

    assert "发货结果" in applied.content.decode()
    assert Shipment.objects.filter(tracking_no__in=["SF5001", "ZT5002"]).count() == 2
    entry = AuditEntry.objects.get(action="order_bulk_ship")
    assert entry.actor_id == staff.id
    assert entry.changes["counts"]["shipped"] == 3
    assert "ship.csv" in entry.summary


def test_a_tampered_preview_ships_nothing(console, sheet, orders):
    preview = console.post(BULK, {"file": SimpleUploadedFile("ship.csv", sheet)})
    response = console.post(BULK, {"rows": preview.context["rows_token"] + "x"}, follow=True)
    assert "预览已过期或内容被修改" in response.content.decode()
    assert not Shipment.objects.filter(tracking_no="SF5001").exists()


def test_the_console_shows_why_a_file_was_refused(console):
    response = console.post(BULK, {"file": SimpleUploadedFile("ship.csv", b"a,b\n1,2")})
    assert "表头缺少" in response.content.decode()


@pytest.mark.parametrize(("kind", "content_type"), [("csv", "text/csv"), ("xlsx", "spreadsheetml")])
def test_the_console_offers_the_template(console, kind, content_type):
    response = console.get(reverse("admin:orders_order_bulk_ship_template", args=[kind]))
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    assert console.get(reverse("admin:orders_order_bulk_ship_template", args=["pdf"])).status_code == 404


def test_staff_without_the_change_permission_cannot_bulk_ship(db):
    from fenxiao.accounts.models import User

    viewer = User.objects.create(username="viewer", is_staff=True)
    client = Client()
    client.force_login(viewer)
    assert client.get(BULK).status_code == 403


# ---- the operator API ---------------------------------------------------------------------------


def api_post(staff_api, sheet: bytes, *, dry_run: bool):
    client = Client()
    return client.post(
        f"/api/v1/admin/shipments/bulk?dry_run={'true' if dry_run else 'false'}",
        {"file": SimpleUploadedFile("ship.csv", sheet)},
        HTTP_AUTHORIZATION=f"Bearer {staff_api.token}",
    )


def test_the_api_previews_by_default_and_applies_when_asked(staff_api, sheet, orders, staff):
    preview = api_post(staff_api, sheet, dry_run=True)
    assert preview.status_code == 200
    body = preview.json()
    assert (body["applied"], body["counts"]["ship"]) == (False, 3)
    assert {r["row_no"]: r["outcome"] for r in body["rows"]} == EXPECTED
    assert not Shipment.objects.filter(tracking_no="SF5001").exists()

    applied = api_post(staff_api, sheet, dry_run=False).json()
    assert (applied["applied"], applied["counts"]["shipped"]) == (True, 3)
    assert all(r["shipment_id"] for r in applied["rows"] if r["outcome"] == "shipped")
    assert AuditEntry.objects.filter(action="order_bulk_ship", actor=staff).count() == 1


def test_the_api_refuses_a_bad_file_and_a_shopper(staff_api, buyer_api):
    bad = api_post(staff_api, b"nothing here", dry_run=True)
    assert (bad.status_code, bad.json()["code"]) == (400, "BULK_FILE_INVALID")
    assert api_post(buyer_api, f"{HEADER}\nFX1,SF,SF123456,,".encode(), dry_run=True).status_code == 403
