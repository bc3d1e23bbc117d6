"""Request and answer shapes of the distributor's writes and the operator API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, Field, StrictInt, StringConstraints

from fenxiao.core.masking import mask_account_no
from fenxiao.distribution.models import Withdrawal, WithdrawalMethod, WithdrawalStatus

TierName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)]  # Tier.name is 32 long


def _with_timezone(value: datetime) -> datetime:
    # A time without an offset cannot be compared with the stored one: which zone did it mean?
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("时间须带时区，例如 2026-01-01T08:00:00+08:00")
    return value


AwareTime = Annotated[datetime, AfterValidator(_with_timezone)]


class ApplyIn(Schema):
    real_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)]
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class ApplicationOut(Schema):
    id: int
    status: str
    status_label: str
    distributor_code: str | None


class BindIn(Schema):
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    source: Literal["link", "poster", "qrcode"] = "link"


class BindOut(Schema):
    status: str
    message: str
    referrer_code: str


class BankIn(Schema):
    bank_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
    bank_account_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)]
    bank_account_no: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)]


class WithdrawIn(Schema):
    amount_fen: StrictInt = Field(gt=0, le=10**12)
    method: Literal["wechat", "bank"]
    bank: BankIn | None = None


class WithdrawalOut(Schema):
    id: int
    out_bill_no: str
    amount_fen: int
    fee_fen: int
    net_fen: int
    method: str
    method_label: str
    status: str
    status_label: str
    reject_reason: str
    fail_reason: str
    bank_account_no: str
    created_at: datetime
    paid_at: datetime | None


class WithdrawalCreatedOut(WithdrawalOut):
    # What the mini-program passes to wx.requestMerchantTransfer while the payee may confirm.
    confirm_params: dict[str, str] | None = None


def withdrawal_dict(w: Withdrawal) -> dict[str, Any]:
    return {
        "id": w.id,
        "out_bill_no": w.out_bill_no,
        "amount_fen": w.amount_fen,
        "fee_fen": w.fee_fen,
        "net_fen": w.net_fen,
        "method": w.method,
        "method_label": WithdrawalMethod(w.method).label,
        "status": w.status,
        "status_label": WithdrawalStatus(w.status).label,
        "reject_reason": w.reject_reason,
        "fail_reason": w.fail_reason,
        "bank_account_no": mask_account_no(w.bank_account_no),
        "created_at": w.created_at,
        "paid_at": w.paid_at,
    }


class ShareOut(Schema):
    code: str
    share_path: str
    product_path: str | None
    code_url: str
    poster_url: str | None


# -- operator ---------------------------------------------------------------------------------


class SettingsBody(Schema):
    """Every field optional: a PUT changes what it names. ``entry_fee_fen`` and
    ``purchase_required`` exist only to be refused (no entry fee, no purchase condition)."""

    become_policy: Literal["everyone", "apply", "spend"] | None = None
    spend_threshold_fen: StrictInt | None = None
    binding_policy: Literal["first_touch", "rebind_after_days", "last_touch"] | None = None
    rebind_after_days: StrictInt | None = None
    bind_on: Literal["visit", "first_order"] | None = None
    levels: StrictInt | None = None
    level3_enabled: bool | None = None
    cap_bps: StrictInt | None = None
    self_purchase_commission: bool | None = None
    freeze_days: StrictInt | None = None
    withdraw_min_fen: StrictInt | None = None
    withdraw_fee_bps: StrictInt | None = None
    withdraw_fee_min_fen: StrictInt | None = None
    withdraw_daily_limit_fen: StrictInt | None = None
    withdraw_auto_approve_max_fen: StrictInt | None = None
    identity_required_over_fen: StrictInt | None = None
    activity_commission: dict[Literal["seckill", "group_buy", "invite"], bool] | None = None
    entry_fee_fen: StrictInt | None = None
    purchase_required: bool | None = None
    # The updated_at the editor loaded, with its zone: when given, a change made meanwhile is
    # refused (409).
    if_updated_at: AwareTime | None = None


class RuleNote(Schema):
    code: str
    message: str
    field: str | None


class SettingsOut(Schema):
    become_policy: str
    spend_threshold_fen: int
    binding_policy: str
    rebind_after_days: int
    bind_on: str
    levels: int
    level3_enabled: bool
    cap_bps: int
    self_purchase_commission: bool
    freeze_days: int
    withdraw_min_fen: int
    withdraw_fee_bps: int
    withdraw_fee_min_fen: int
    withdraw_daily_limit_fen: int
    withdraw_auto_approve_max_fen: int
    identity_required_over_fen: int
    activity_commission: dict[str, bool]
    updated_at: datetime | None
    warnings: list[RuleNote] = []


class TierBody(Schema):
    """Every field optional: a PUT changes what it names. On create, ``name`` is needed and a
    missing ``rank`` puts the new tier above the highest one (max rank + 1)."""

    name: TierName | None = None
    rank: StrictInt | None = Field(
        default=None, description="等级顺序：0 为默认等级，数字越大等级越高（0–999）；新增时不填则排在最高等级之后"
    )
    level1_bps: StrictInt | None = None
    level2_bps: StrictInt | None = None
    level3_bps: StrictInt | None = None
    min_sales_fen: StrictInt | None = None
    min_customers: StrictInt | None = None
    min_orders: StrictInt | None = None


class TierOut(Schema):
    id: int
    name: str
    rank: int
    level1_bps: int
    level2_bps: int
    level3_bps: int
    min_sales_fen: int
    min_customers: int
    min_orders: int
    distributor_count: int = 0
    warnings: list[RuleNote] = []


class ProductCommissionBody(Schema):
    mode: Literal["rate", "fixed"]
    level1_bps: StrictInt = 0
    level2_bps: StrictInt = 0
    level3_bps: StrictInt = 0
    level1_fixed_fen: StrictInt = 0
    level2_fixed_fen: StrictInt = 0
    level3_fixed_fen: StrictInt = 0


class ProductCommissionOut(ProductCommissionBody):
    product_id: int
    product_title: str


class ReasonIn(Schema):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class MarkPaidIn(Schema):
    reference: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""


class ApplicationAdminOut(Schema):
    id: int
    user_id: int
    nickname: str
    real_name: str
    phone: str
    reason: str
    status: str
    status_label: str
    reject_reason: str
    created_at: datetime
    reviewed_at: datetime | None


class DistributorAdminOut(Schema):
    id: int
    user_id: int
    code: str
    nickname: str
    real_name: str
    phone: str
    status: str
    status_label: str
    tier: str
    team_size: int
    suspend_reason: str
    joined_at: datetime


class WithdrawalAdminOut(WithdrawalOut):
    distributor_id: int
    distributor_code: str
    real_name: str
    bank_name: str
    bank_account_name: str
    transfer_state: str
    paid_reference: str
    reviewed_at: datetime | None
