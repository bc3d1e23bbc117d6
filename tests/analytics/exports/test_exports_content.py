"""What each export holds, through ``GET /api/v1/admin/exports/{kind}``: Chinese headers, yuan
from fen plus the fen columns, Beijing time, masking, the formula guard, and the list filters."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from fenxiao.distribution.models import CommissionRecord
from fenxiao.ledger.models import Leg
from tests.analytics.exports.conftest import INJECTION, as_dicts, read_csv

pytestmark = pytest.mark.django_db

URL = "/api/v1/admin/exports/{}"


def export_rows(api, kind: str, **params) -> list[dict[str, str]]:
    response = api.get(URL.format(kind), {"format": "csv", **params})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return as_dicts(read_csv(response))


def test_orders_csv_has_yuan_fen_local_times_and_the_unmasked_receiver_phone(shop, operator_api):
    rows = {r["订单号"]: r for r in export_rows(operator_api, "orders")}
    paid = rows[shop.paid.order_no]
    assert paid["状态"] == "待发货"
    assert paid["商品金额(元)"] == "246.90"
    assert paid["实付(元)"] == f"{shop.paid.paid_fen // 100}.{shop.paid.paid_fen % 100:02d}"
    assert paid["实付(分)"] == str(shop.paid.paid_fen)
    # 00:30 Beijing, which is the previous day in UTC
    assert paid["下单时间"] == "2026-11-01 00:30:00"
    assert paid["收货电话"] == "13800138000"  # the order list shows it: staff ship with it
    assert rows[shop.unpaid.order_no]["付款时间"] == ""


def test_a_remark_that_looks_like_a_formula_is_kept_as_text(shop, operator_api):
    paid = next(r for r in export_rows(operator_api, "orders") if r["订单号"] == shop.paid.order_no)
    assert paid["买家备注"] == "'" + INJECTION


def test_the_date_filter_takes_local_days_both_ends_included(shop, operator_api):
    first = export_rows(operator_api, "orders", **{"from": "2026-11-01", "to": "2026-11-01"})
    assert [r["订单号"] for r in first] == [shop.paid.order_no]
    day_before = export_rows(operator_api, "orders", **{"from": "2026-10-31", "to": "2026-10-31"})
    assert day_before == []
    both = export_rows(operator_api, "orders", **{"from": "2026-11-01", "to": "2026-11-03"})
    assert len(both) == 2


def test_orders_filter_by_status_and_buyer(shop, operator_api):
    unpaid = export_rows(operator_api, "orders", status="pending_payment")
    assert [r["订单号"] for r in unpaid] == [shop.unpaid.order_no]
    carols = export_rows(operator_api, "orders", buyer_id=str(shop.buyer.id))
    assert [r["订单号"] for r in carols] == [shop.paid.order_no]


def test_order_lines_follow_their_orders(shop, operator_api):
    rows = export_rows(operator_api, "order_lines", status="paid")
    assert len(rows) == 1
    line = rows[0]
    assert line["订单号"] == shop.paid.order_no
    assert (line["单价(元)"], line["数量"], line["小计(元)"]) == ("123.45", "2", "246.90")


def test_commissions_one_row_per_record_with_fen_that_add_up(shop, operator_api):
    rows = export_rows(operator_api, "commissions")
    records = CommissionRecord.objects.all()
    assert len(rows) == records.count() == 2
    assert sum(int(r["佣金(分)"]) for r in rows) == sum(r.amount_fen for r in records)
    level_one = export_rows(operator_api, "commissions", level="1")
    assert [r["推广码"] for r in level_one] == [shop.mid.code]
    mine = export_rows(operator_api, "commissions", distributor_id=str(shop.top.id))
    assert [r["层级"] for r in mine] == ["2"]


def test_withdrawals_mask_the_bank_account(shop, operator_api):
    (row,) = export_rows(operator_api, "withdrawals")
    assert row["卡号"] == "**** 5678"
    assert row["户名"] == "王*"
    assert (row["提现金额(元)"], row["手续费(分)"], row["状态"]) == ("50.00", "100", "待审核")
    assert export_rows(operator_api, "withdrawals", status="paid") == []


def test_ledger_export_is_one_row_per_leg_and_each_reference_sums_to_zero(shop, operator_api):
    rows = export_rows(operator_api, "ledger_transactions")
    assert len(rows) == Leg.objects.count() > 0
    by_reference: dict[str, int] = {}
    for row in rows:
        by_reference[row["凭证号"]] = by_reference.get(row["凭证号"], 0) + int(row["金额(分)"])
    assert set(by_reference.values()) == {0}
    mid_only = export_rows(operator_api, "ledger_transactions", distributor_id=str(shop.mid.id))
    assert mid_only and all(r["账户编码"].startswith(f"distributor:{shop.mid.id}:") for r in mid_only)


def test_distributors_have_masked_phones(shop, operator_api):
    rows = {r["推广码"]: r for r in export_rows(operator_api, "distributors")}
    assert rows[shop.mid.code]["手机号"] == "138****8000"
    assert rows[shop.mid.code]["真实姓名"] == "王强"
    assert rows[shop.mid.code]["成为分销商时间"] == "2026-10-20 09:00:00"


def test_distributors_carry_the_list_figures_team_sales_commission_and_complaints(shop, operator_api):
    """The export has what the admin list shows beside each distributor, from the records."""
    rows = {r["推广码"]: r for r in export_rows(operator_api, "distributors")}

    def net(distributor) -> int:
        return sum(
            r.amount_fen - r.reversed_fen - r.clawback_fen
            for r in CommissionRecord.objects.filter(distributor=distributor)
        )

    mid, top = rows[shop.mid.code], rows[shop.top.code]
    assert (mid["一级团队(人)"], top["一级团队(人)"]) == ("1", "1")  # the buyer under bob, bob under alice
    assert mid["累计佣金净额(分)"] == str(net(shop.mid)) and net(shop.mid) > 0
    assert top["累计佣金净额(分)"] == str(net(shop.top)) and net(shop.top) > 0
    assert mid["已结算销售(元)"] == "0.00"  # the order's commission is still pending
    assert mid["投诉(件)"] == "0"


def test_xlsx_has_the_same_columns_with_numbers_and_times(shop, operator_api):
    response = operator_api.get(URL.format("orders"), {"format": "xlsx", "status": "paid"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    header, row = list(book.active.iter_rows(values_only=True))
    csv_header = read_csv(operator_api.get(URL.format("orders"), {"format": "csv"}))[0]
    assert list(header) == csv_header
    values = dict(zip(header, row))  # noqa: B905 — read-only sheets drop trailing empty cells
    assert str(values["商品金额(元)"]) in ("246.9", "246.90")
    assert values["实付(分)"] == shop.paid.paid_fen
    assert values["下单时间"].strftime("%Y-%m-%d %H:%M") == "2026-11-01 00:30"
    assert values["买家备注"] == "'" + INJECTION  # not a formula in Excel either
