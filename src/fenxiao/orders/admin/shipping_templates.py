"""Operator console for shipping templates: fees typed in yuan and stored in fen, provinces typed
as a list separated by commas or 顿号 and stored as full names (what addresses carry)."""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin
from django.db.models import Count

from fenxiao.catalog.import_plan import MAX_PRICE_FEN
from fenxiao.core.money import fen_to_yuan, yuan, yuan_to_fen
from fenxiao.orders.models import ShippingRule, ShippingTemplate

PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省",
    "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省",
    "云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区", "西藏自治区",
    "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区",
)  # fmt: skip
_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
PROVINCE_BY_NAME = {**{_SUFFIX.sub("", p): p for p in PROVINCES}, **{p: p for p in PROVINCES}}
_SEPARATORS = re.compile(r"[,，、;；\s]+")


def parse_provinces(text: str) -> list[str]:
    """``"广东、广西,北京市"`` → ``["广东省", "广西壮族自治区", "北京市"]``; unknown names refused."""
    names, unknown = [], []
    for raw in filter(None, _SEPARATORS.split(text or "")):
        full = PROVINCE_BY_NAME.get(raw)
        if full is None:
            unknown.append(raw)
        elif full not in names:
            names.append(full)
    if unknown:
        raise forms.ValidationError(f"无法识别的省份：{'、'.join(unknown)}")
    return names


def parse_fen(text: str, *, required: bool = False) -> int | None:
    if not (text or "").strip():
        if required:
            raise forms.ValidationError("请填写金额")
        return None
    try:
        fen = yuan_to_fen(text)
    except ValueError as exc:
        raise forms.ValidationError(str(exc)) from None
    if fen < 0:
        raise forms.ValidationError("金额不能为负数")
    if fen > MAX_PRICE_FEN:  # the price ceiling: anything above is a typo and may not fit the column
        raise forms.ValidationError(f"金额不能超过 {fen_to_yuan(MAX_PRICE_FEN)} 元")
    return fen


class ShippingRuleForm(forms.ModelForm):
    provinces_text = forms.CharField(
        label="适用省份",
        required=False,
        help_text="用逗号或顿号分隔，如：广东、广西；留空表示其余地区",
        widget=forms.TextInput(attrs={"size": 40}),
    )
    first_yuan = forms.CharField(label="首费(元)", required=False, widget=forms.TextInput(attrs={"size": 8}))
    extra_yuan = forms.CharField(label="续费(元)", required=False, widget=forms.TextInput(attrs={"size": 8}))

    class Meta:
        model = ShippingRule
        fields = ("first_units", "extra_units", "is_unreachable")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.update(
                provinces_text="、".join(self.instance.provinces or []),
                first_yuan=fen_to_yuan(self.instance.first_fen),
                extra_yuan=fen_to_yuan(self.instance.extra_fen),
            )

    def clean_provinces_text(self) -> list[str]:
        return parse_provinces(self.cleaned_data["provinces_text"])

    def clean_first_yuan(self) -> int:
        return parse_fen(self.cleaned_data["first_yuan"]) or 0

    def clean_extra_yuan(self) -> int:
        return parse_fen(self.cleaned_data["extra_yuan"]) or 0

    def clean(self):
        data = super().clean()
        # Set before the model validation runs, so the table's constraints see the fen values.
        self.instance.provinces = data.get("provinces_text", self.instance.provinces)
        self.instance.first_fen = data.get("first_yuan", self.instance.first_fen)
        self.instance.extra_fen = data.get("extra_yuan", self.instance.extra_fen)
        return data


class ShippingRuleFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen: dict[str, int] = {}
        catch_all = 0
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            provinces = form.cleaned_data.get("provinces_text") or []
            catch_all += not provinces
            for name in provinces:
                seen[name] = seen.get(name, 0) + 1
        twice = [name for name, n in seen.items() if n > 1]
        if twice:
            raise forms.ValidationError(f"省份出现在多条规则中：{'、'.join(twice)}")
        if catch_all > 1:
            raise forms.ValidationError("只能有一条“其余地区”规则（适用省份留空）")


class ShippingRuleInline(admin.TabularInline):
    model = ShippingRule
    form = ShippingRuleForm
    formset = ShippingRuleFormSet
    fields = ("provinces_text", "first_units", "first_yuan", "extra_units", "extra_yuan", "is_unreachable")
    extra = 0


class ShippingTemplateForm(forms.ModelForm):
    free_over_yuan = forms.CharField(
        label="满额包邮(元)", required=False, help_text="商品金额达到此值免运费，留空不包邮"
    )

    class Meta:
        model = ShippingTemplate
        fields = ("name", "charge_by", "is_default", "products")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.free_over_fen is not None:
            self.initial["free_over_yuan"] = fen_to_yuan(self.instance.free_over_fen)

    def clean_free_over_yuan(self) -> int | None:
        return parse_fen(self.cleaned_data["free_over_yuan"])

    def clean(self):
        data = super().clean()
        self.instance.free_over_fen = data.get("free_over_yuan")
        if data.get("is_default"):
            other = ShippingTemplate.objects.filter(is_default=True).exclude(pk=self.instance.pk).first()
            if other is not None:
                self.add_error("is_default", f"已有默认模板「{other.name}」，请先取消它的默认设置")
        return data


@admin.register(ShippingTemplate)
class ShippingTemplateAdmin(admin.ModelAdmin):
    form = ShippingTemplateForm
    inlines = (ShippingRuleInline,)
    fields = ("name", "charge_by", "free_over_yuan", "is_default", "products")
    filter_horizontal = ("products",)
    list_display = ("name", "charge_by", "free_over", "is_default", "rule_count", "product_count")
    list_filter = ("charge_by", "is_default")
    search_fields = ("name",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(rule_count=Count("rules", distinct=True), product_count=Count("products", distinct=True))
        )

    @admin.display(description="满额包邮(元)", ordering="free_over_fen")
    def free_over(self, template: ShippingTemplate) -> str:
        return yuan(template.free_over_fen)

    @admin.display(description="规则数", ordering="rule_count")
    def rule_count(self, template: ShippingTemplate) -> int:
        return template.rule_count

    @admin.display(description="适用商品数", ordering="product_count")
    def product_count(self, template: ShippingTemplate) -> int:
        return template.product_count
