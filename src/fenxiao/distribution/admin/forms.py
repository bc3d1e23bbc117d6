"""Admin forms for distribution: operators type yuan and percentages, the services take fen and
basis points. The forms only parse; every rule (levels, cap, indirect below direct, no entry fee)
is the services' own, so the console refuses exactly what the API refuses, in the same words.

A form field maps to the service field it feeds (``SERVICE_FIELDS``), so a refusal naming
``cap_bps`` lands on the 佣金比例上限 box and one naming the whole tier table on the form."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from fenxiao.core.errors import DomainError
from fenxiao.core.money import MAX_TEXT_LENGTH, DecimalTextError, fen_to_yuan, scale_decimal_text, yuan_to_fen
from fenxiao.distribution.config.rules import bps_percent
from fenxiao.distribution.config.settings import settings_values
from fenxiao.distribution.errors import SettingsInvalid
from fenxiao.distribution.models import DistributionSettings, ProductCommission, Tier

MAX_ABS_FEN = 10**13  # far above any real amount, far below a bigint
MAX_ABS_BPS = 100_000  # 1000%: anything larger is a typo, refused before the rules see it
LEVEL3_WARNING = (
    "合规提示：三级是法律允许的最高层级，超过三级属于传销（《禁止传销条例》第七条）。"
    "开启三级分销须勾选“开启三级分销”并确认：佣金只来自真实商品销售，不因发展下线给予任何奖励。"
)
ACTIVITY_LABELS = {"seckill": "秒杀订单计佣", "group_buy": "拼团订单计佣", "invite": "邀请活动订单计佣"}


class YuanField(forms.CharField):
    """Yuan typed with up to two decimals; cleans to fen. Negative amounts pass through so the
    service's rule names them ("不能为负数")."""

    def __init__(self, *, required: bool = True, **kwargs: Any):
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 12}))
        super().__init__(required=required, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return fen_to_yuan(value) if isinstance(value, int) else value

    def to_python(self, value: Any) -> int | None:
        text = super().to_python(value)
        if text in self.empty_values:
            return None if self.required else 0
        try:
            fen = yuan_to_fen(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if abs(fen) > MAX_ABS_FEN:
            raise forms.ValidationError("金额超出范围")
        return fen


def percent_to_bps(text: str) -> int:
    """``"12.5" -> 1250``; a basis point is 0.01%, so more than two decimals is refused. Plain
    decimal text only: exponents, NaN/Infinity and over-long numbers are refused unparsed."""
    raw = text.strip().rstrip("%").strip()
    try:
        return scale_decimal_text(raw, places=2)
    except DecimalTextError as exc:
        if exc.kind == "places":
            raise ValueError(f"比例最多两位小数：{text[:MAX_TEXT_LENGTH]}") from None
        if exc.kind == "range":
            raise ValueError("比例超出范围") from None
        raise ValueError(f"比例格式不正确：{text[:MAX_TEXT_LENGTH]}") from None


class PercentField(forms.CharField):
    """A percentage typed by people (``12.5``); cleans to basis points."""

    def __init__(self, *, required: bool = True, **kwargs: Any):
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 8}))
        super().__init__(required=required, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return bps_percent(value).rstrip("%") if isinstance(value, int) else value

    def to_python(self, value: Any) -> int | None:
        text = super().to_python(value)
        if text in self.empty_values:
            return None if self.required else 0
        try:
            bps = percent_to_bps(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if abs(bps) > MAX_ABS_BPS:
            raise forms.ValidationError("比例超出范围")
        return bps


class ServiceForm(forms.ModelForm):
    """A model form whose values go to a service rather than to ``save()``. ``CONVERTED`` maps a
    form field to the model field it stands for when the two differ (yuan → fen, % → bps)."""

    CONVERTED: ClassVar[dict[str, str]] = {}
    SERVICE_FIELDS: ClassVar[tuple[str, ...]] = ()

    def field_for(self, service_field: str | None) -> str | None:
        """The form field where a refusal about ``service_field`` is shown (None: the form)."""
        if not service_field:
            return None
        for form_name, model_name in self.CONVERTED.items():
            if model_name == service_field and form_name in self.fields:
                return form_name
        return service_field if service_field in self.fields else None

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data[name] for name in self.SERVICE_FIELDS if name in data}
        values.update({model: data[form] for form, model in self.CONVERTED.items() if form in data})
        return values

    def show_domain_error(self, exc: DomainError) -> None:
        """Every broken rule on the field it names; a rule about the whole table on the form."""
        problems = exc.violations if isinstance(exc, SettingsInvalid) else [exc]
        for problem in problems:
            self.add_error(self.field_for(problem.field), problem.message)


def _initial_from(instance: Any, converted: dict[str, str], initial: dict[str, Any]) -> None:
    for form_name, model_name in converted.items():
        initial.setdefault(form_name, getattr(instance, model_name))


class SettingsForm(ServiceForm):
    CONVERTED: ClassVar[dict[str, str]] = {
        "spend_threshold_yuan": "spend_threshold_fen",
        "cap_percent": "cap_bps",
        "withdraw_min_yuan": "withdraw_min_fen",
        "withdraw_fee_percent": "withdraw_fee_bps",
        "withdraw_fee_min_yuan": "withdraw_fee_min_fen",
        "withdraw_daily_limit_yuan": "withdraw_daily_limit_fen",
        "withdraw_auto_approve_max_yuan": "withdraw_auto_approve_max_fen",
        "identity_required_over_yuan": "identity_required_over_fen",
    }
    SERVICE_FIELDS: ClassVar[tuple[str, ...]] = (
        "become_policy",
        "binding_policy",
        "rebind_after_days",
        "bind_on",
        "levels",
        "level3_enabled",
        "self_purchase_commission",
        "freeze_days",
    )

    spend_threshold_yuan = YuanField(label="自动成为分销商的累计消费(元)", help_text="仅“累计消费满额”方式使用")
    cap_percent = PercentField(
        label="佣金比例上限(%)", help_text="每个等级各级佣金比例之和不得超过此上限（默认 30%，超过 20% 会提示）"
    )
    activity_seckill = forms.BooleanField(label=ACTIVITY_LABELS["seckill"], required=False)
    activity_group_buy = forms.BooleanField(label=ACTIVITY_LABELS["group_buy"], required=False)
    activity_invite = forms.BooleanField(label=ACTIVITY_LABELS["invite"], required=False)
    withdraw_min_yuan = YuanField(label="最低提现(元)")
    withdraw_fee_percent = PercentField(label="提现手续费(%)", help_text="按提现金额计算，向下取整到分；0 表示不收")
    withdraw_fee_min_yuan = YuanField(label="最低手续费(元)", help_text="收手续费时每笔至少收取的金额")
    withdraw_daily_limit_yuan = YuanField(label="每日提现上限(元)")
    withdraw_auto_approve_max_yuan = YuanField(
        label="免审核提现上限(元)", help_text="不超过此金额的提现自动通过，超过需人工审核"
    )
    identity_required_over_yuan = YuanField(
        label="实名认证门槛(元)", help_text="累计提现超过此金额前须完成实名认证（0 表示每次提现都需实名）"
    )
    # When the page was loaded: a save based on an older copy is refused, not overwriting a
    # colleague's change made meanwhile.
    loaded_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DistributionSettings
        fields = (
            "become_policy",
            "binding_policy",
            "rebind_after_days",
            "bind_on",
            "levels",
            "level3_enabled",
            "self_purchase_commission",
            "freeze_days",
        )
        help_texts = {
            "levels": "1 至 3 级，默认 2 级",
            "level3_enabled": "须与“分销层级 3”同时设置；勾选即表示已阅读并确认本组上方的合规提示",
            "self_purchase_commission": "开启后分销商自己购买可获得一级佣金；关闭时佣金从其推荐人开始计算",
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.before = settings_values(self.instance)
        if self.instance.updated_at:
            self.initial.setdefault("loaded_at", self.instance.updated_at.isoformat())
        _initial_from(self.instance, self.CONVERTED, self.initial)
        activity = dict(self.before["activity_commission"] or {})
        for kind in ACTIVITY_LABELS:
            self.initial.setdefault(f"activity_{kind}", bool(activity.get(kind, False)))

    def clean_loaded_at(self) -> str:
        # Hidden and written by the page itself: anything unreadable or without a zone means the
        # page was not ours (or is broken), and comparing it would fail rather than refuse.
        text = self.cleaned_data.get("loaded_at") or ""
        try:
            loaded = parse_datetime(text) if text else None
        except ValueError:
            loaded = None
        if text and (loaded is None or timezone.is_naive(loaded)):
            raise forms.ValidationError("页面数据已失效，请刷新后再提交")
        return text

    def loaded_updated_at(self) -> datetime | None:
        return parse_datetime(self.cleaned_data.get("loaded_at") or "")

    def field_for(self, service_field: str | None) -> str | None:
        if service_field == "activity_commission":
            return None
        return super().field_for(service_field)

    def service_values(self) -> dict[str, Any]:
        values = super().service_values()
        activity = dict(self.before["activity_commission"] or {})
        activity.update({kind: bool(self.cleaned_data.get(f"activity_{kind}")) for kind in ACTIVITY_LABELS})
        values["activity_commission"] = activity
        return values

    def changes(self) -> dict[str, Any]:
        """Only what differs from the stored settings: the service validates the merged result and
        the audit entry lists exactly these."""
        return {name: value for name, value in self.service_values().items() if value != self.before[name]}


class TierForm(ServiceForm):
    CONVERTED: ClassVar[dict[str, str]] = {
        "level1_percent": "level1_bps",
        "level2_percent": "level2_bps",
        "level3_percent": "level3_bps",
        "min_sales_yuan": "min_sales_fen",
    }
    SERVICE_FIELDS: ClassVar[tuple[str, ...]] = ("name", "rank", "min_customers", "min_orders")

    level1_percent = PercentField(label="一级佣金(%)", help_text="直接推荐人的佣金比例")
    level2_percent = PercentField(label="二级佣金(%)", required=False, help_text="须低于一级；未开启二级时填 0")
    level3_percent = PercentField(label="三级佣金(%)", required=False, help_text="须低于二级；未开启三级时填 0")
    min_sales_yuan = YuanField(
        label="升级所需结算销售额(元)", required=False, help_text="分销商本人客户已结算的实付金额，不含发展下线"
    )

    class Meta:
        model = Tier
        fields = ("name", "rank", "min_customers", "min_orders")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            _initial_from(self.instance, self.CONVERTED, self.initial)


class ProductCommissionForm(ServiceForm):
    CONVERTED: ClassVar[dict[str, str]] = {
        **{f"level{n}_percent": f"level{n}_bps" for n in (1, 2, 3)},
        **{f"level{n}_fixed_yuan": f"level{n}_fixed_fen" for n in (1, 2, 3)},
    }
    SERVICE_FIELDS: ClassVar[tuple[str, ...]] = ("mode",)

    level1_percent = PercentField(label="一级比例(%)", required=False)
    level2_percent = PercentField(label="二级比例(%)", required=False)
    level3_percent = PercentField(label="三级比例(%)", required=False)
    level1_fixed_yuan = YuanField(label="一级每件(元)", required=False)
    level2_fixed_yuan = YuanField(label="二级每件(元)", required=False)
    level3_fixed_yuan = YuanField(label="三级每件(元)", required=False)

    class Meta:
        model = ProductCommission
        fields = ("product", "mode")
        help_texts = {"mode": "按比例：按商品实付金额计算；每件固定金额：按购买件数计算"}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            _initial_from(self.instance, self.CONVERTED, self.initial)

    def product_id(self) -> int:
        product = self.cleaned_data.get("product")
        return product.pk if product is not None else self.instance.product_id


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


def reason_form(label: str, help_text: str) -> type[forms.Form]:
    """A one-box form asking why (驳回原因, 暂停原因): the services refuse an empty reason."""

    class Form(ReasonForm):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self.fields["reason"].label = label
            self.fields["reason"].help_text = help_text

    Form.__name__ = "ReasonForm"
    return Form


class ConfirmForm(forms.Form):
    """A step that needs nothing but the operator's confirmation."""


class BankPaidForm(forms.Form):
    reference = forms.CharField(
        label="打款凭证号", max_length=64, help_text="网银转账流水号或回单号，分销商可据此查询到账"
    )
