"""The six exports, each a declaration: Chinese headers, ``values_list`` fields, the filters of
its admin list, the permission that guards it and its natural date.

Money: every amount as yuan (two decimals, from integer fen); the amounts finance sums also come
as raw fen columns, so a spreadsheet total is exact.

Phones and accounts: the receiver's phone on orders is exported unmasked, as the order list and
the operator API show it (staff need it to ship); a distributor's phone is masked, as the
distributor list masks it; a withdrawal's bank card keeps only its last four digits and the
account name is masked, as the withdrawal list shows neither."""

from __future__ import annotations

from fenxiao.analytics.exports.columns import CellType, Column, ExportKind, Filter, choice_label
from fenxiao.core.masking import mask_account_no, mask_name, mask_phone
from fenxiao.distribution.models import (
    BecomePolicy,
    CommissionRecord,
    CommissionStatus,
    Distributor,
    DistributorStatus,
    Withdrawal,
    WithdrawalMethod,
    WithdrawalStatus,
)
from fenxiao.distribution.network.figures import distributor_figures
from fenxiao.ledger.models import LedgerTransaction, Leg
from fenxiao.orders.models import Order, OrderLine, OrderStatus

T, INT, YUAN, TIME = CellType.TEXT, CellType.INT, CellType.YUAN, CellType.TIME


def _values(choices) -> tuple[str, ...]:
    return tuple(value for value, _ in choices.choices)


# Orders are bounded by when they were placed (下单时间): the order list's date hierarchy and
# the operator API's date filter use it too, and an unpaid or cancelled order has no paid_at.
ORDERS = ExportKind(
    name="orders",
    title="订单",
    model=Order,
    permission="orders.view_order",
    date_field="created_at",
    admin_model=Order,
    columns=(
        Column("订单号", "order_no"),
        Column("状态", "status", convert=choice_label(OrderStatus)),
        Column("买家ID", "buyer_id", INT),
        Column("买家昵称", "buyer__nickname"),
        Column("商品金额(元)", "goods_fen", YUAN),
        Column("运费(元)", "shipping_fen", YUAN),
        Column("优惠(元)", "discount_fen", YUAN),
        Column("应付(元)", "payable_fen", YUAN),
        Column("实付(元)", "paid_fen", YUAN),
        Column("已退款(元)", "refunded_fen", YUAN),
        Column("实付(分)", "paid_fen", INT),
        Column("已退款(分)", "refunded_fen", INT),
        Column("收货人", "receiver"),
        Column("收货电话", "receiver_phone"),
        Column("省", "province"),
        Column("市", "city"),
        Column("区/县", "district"),
        Column("详细地址", "address_detail"),
        Column("买家备注", "remark"),
        Column("下单时间", "created_at", TIME),
        Column("付款时间", "paid_at", TIME),
        Column("发货时间", "shipped_at", TIME),
        Column("收货时间", "received_at", TIME),
        Column("完成时间", "completed_at", TIME),
    ),
    filters=(
        Filter("status", "status", choices=_values(OrderStatus)),
        Filter("buyer_id", "buyer_id"),
    ),
)

# Lines follow their order: the same date (the order's 下单时间) and the same filters.
ORDER_LINES = ExportKind(
    name="order_lines",
    title="订单商品明细",
    model=OrderLine,
    permission="orders.view_order",
    date_field="order__created_at",
    admin_model=Order,
    admin_scope="order__in",
    columns=(
        Column("订单号", "order__order_no"),
        Column("订单状态", "order__status", convert=choice_label(OrderStatus)),
        Column("下单时间", "order__created_at", TIME),
        Column("付款时间", "order__paid_at", TIME),
        Column("商品ID", "product_id", INT),
        Column("商品名称", "product_title"),
        Column("SKU 编码", "sku_code"),
        Column("规格", "sku_specs"),
        Column("单价(元)", "unit_price_fen", YUAN),
        Column("数量", "quantity", INT),
        Column("小计(元)", "goods_fen", YUAN),
        Column("优惠分摊(元)", "discount_fen", YUAN),
        Column("实付(元)", "paid_fen", YUAN),
        Column("实付(分)", "paid_fen", INT),
        Column("已发货数量", "shipped_quantity", INT),
        Column("已退款数量", "refunded_quantity", INT),
        Column("已退款(元)", "refunded_fen", YUAN),
        Column("已退款(分)", "refunded_fen", INT),
    ),
    filters=(
        Filter("status", "order__status", choices=_values(OrderStatus)),
        Filter("buyer_id", "order__buyer_id"),
        Filter("product_id", "product_id"),
    ),
)

COMMISSIONS = ExportKind(
    name="commissions",
    title="佣金记录",
    model=CommissionRecord,
    permission="distribution.view_commissionrecord",
    date_field="created_at",
    admin_model=CommissionRecord,
    columns=(
        Column("记录ID", "id", INT),
        Column("分销商ID", "distributor_id", INT),
        Column("推广码", "distributor__code"),
        Column("订单号", "order__order_no"),
        Column("订单行ID", "order_line_id", INT),
        Column("买家ID", "buyer_id", INT),
        Column("层级", "level", INT),
        Column("计佣金额(元)", "base_fen", YUAN),
        Column("佣金比例(基点)", "rate_bps", INT),
        Column("每件固定佣金(元)", "fixed_unit_fen", YUAN),
        Column("佣金(元)", "amount_fen", YUAN),
        Column("结算前冲减(元)", "reversed_fen", YUAN),
        Column("结算后追回(元)", "clawback_fen", YUAN),
        Column("佣金(分)", "amount_fen", INT),
        Column("结算前冲减(分)", "reversed_fen", INT),
        Column("结算后追回(分)", "clawback_fen", INT),
        Column("状态", "status", convert=choice_label(CommissionStatus)),
        Column("预计结算时间", "settle_after", TIME),
        Column("结算时间", "settled_at", TIME),
        Column("创建时间", "created_at", TIME),
    ),
    filters=(
        Filter("status", "status", choices=_values(CommissionStatus)),
        Filter("level", "level", choices=("1", "2", "3"), to_value=int),
        Filter("distributor_id", "distributor_id"),
    ),
)

WITHDRAWALS = ExportKind(
    name="withdrawals",
    title="提现记录",
    model=Withdrawal,
    permission="distribution.view_withdrawal",
    date_field="created_at",
    admin_model=Withdrawal,
    columns=(
        Column("商户转账单号", "out_bill_no"),
        Column("分销商ID", "distributor_id", INT),
        Column("推广码", "distributor__code"),
        Column("提现金额(元)", "amount_fen", YUAN),
        Column("手续费(元)", "fee_fen", YUAN),
        Column("提现金额(分)", "amount_fen", INT),
        Column("手续费(分)", "fee_fen", INT),
        Column("方式", "method", convert=choice_label(WithdrawalMethod)),
        Column("状态", "status", convert=choice_label(WithdrawalStatus)),
        Column("开户行", "bank_name"),
        Column("户名", "bank_account_name", convert=mask_name),
        Column("卡号", "bank_account_no", convert=mask_account_no),
        Column("微信转账单号", "transfer_bill_no"),
        Column("打款凭证号", "paid_reference"),
        Column("驳回原因", "reject_reason"),
        Column("失败原因", "fail_reason"),
        Column("申请时间", "created_at", TIME),
        Column("审核时间", "reviewed_at", TIME),
        Column("到账时间", "paid_at", TIME),
        Column("退回时间", "closed_at", TIME),
    ),
    filters=(
        Filter("status", "status", choices=_values(WithdrawalStatus)),
        Filter("method", "method", choices=_values(WithdrawalMethod)),
        Filter("distributor_id", "distributor_id"),
    ),
)

# One row per leg, not per transaction: a transaction may move money between any number of
# accounts, and finance reconciles per account (a pivot of the amount by account code over all
# rows gives each balance; over one reference, zero). Bounded by the posting time (记账时间).
LEDGER_TRANSACTIONS = ExportKind(
    name="ledger_transactions",
    title="记账分录",
    model=Leg,
    permission="ledger.view_ledgertransaction",
    date_field="transaction__created_at",
    admin_model=LedgerTransaction,
    admin_scope="transaction__in",
    columns=(
        Column("分录ID", "id", INT),
        Column("凭证号", "transaction__reference"),
        Column("类型", "transaction__kind"),
        Column("摘要", "transaction__memo"),
        Column("冲正的凭证号", "transaction__reversal_of__reference"),
        Column("账户编码", "account__code"),
        Column("账户名称", "account__name"),
        Column("金额(元)", "amount_fen", YUAN),
        Column("金额(分)", "amount_fen", INT),
        Column("记账时间", "transaction__created_at", TIME),
    ),
    filters=(
        Filter("tx_kind", "transaction__kind", text=True),
        Filter("account", "account__code", text=True),
        Filter("distributor_id", "account__code__startswith", to_value=lambda d: f"distributor:{d}:"),
    ),
)

DISTRIBUTORS = ExportKind(
    name="distributors",
    title="分销商",
    model=Distributor,
    permission="distribution.view_distributor",
    date_field="joined_at",
    admin_model=Distributor,
    columns=(
        Column("分销商ID", "id", INT),
        Column("推广码", "code"),
        Column("用户ID", "user_id", INT),
        Column("昵称", "user__nickname"),
        Column("真实姓名", "real_name"),
        Column("手机号", "phone", convert=mask_phone),
        Column("等级", "tier__name"),
        Column("状态", "status", convert=choice_label(DistributorStatus)),
        Column("成为方式", "source", convert=choice_label(BecomePolicy)),
        Column("成为分销商时间", "joined_at", TIME),
        Column("暂停时间", "suspended_at", TIME),
        Column("暂停原因", "suspend_reason"),
        Column("一级团队(人)", "team_size", INT),
        Column("已结算销售(元)", "settled_sales_fen", YUAN),
        Column("累计佣金净额(元)", "commission_fen", YUAN),
        Column("累计佣金净额(分)", "commission_fen", INT),
        Column("投诉(件)", "complaint_count", INT),
    ),
    annotate=distributor_figures,
    filters=(
        Filter("status", "status", choices=_values(DistributorStatus)),
        Filter("tier_id", "tier_id"),
    ),
)

KINDS: dict[str, ExportKind] = {
    k.name: k for k in (ORDERS, ORDER_LINES, COMMISSIONS, WITHDRAWALS, LEDGER_TRANSACTIONS, DISTRIBUTORS)
}
FORMATS = ("csv", "xlsx")
