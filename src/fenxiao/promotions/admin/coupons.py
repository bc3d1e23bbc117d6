"""Coupon templates are created and changed through the same services as the operator API (the
form shows every broken rule); pausing and resuming are actions. User coupons are read only."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from fenxiao.core.admin_mixins import ReadOnlyAdmin
from fenxiao.promotions.admin.activities import run_each
from fenxiao.promotions.coupons import templates
from fenxiao.promotions.models import CouponTemplate, UserCoupon


class CouponTemplateForm(forms.ModelForm):
    class Meta:
        model = CouponTemplate
        fields = (*templates.EDITABLE, "categories", "products")

    def clean(self):
        data = super().clean()
        probe = CouponTemplate(
            claimed_count=self.instance.claimed_count if self.instance.pk else 0,
            **{k: data.get(k) for k in templates.EDITABLE if k in data},
        )
        problems = templates.template_problems(
            probe,
            category_ids=[c.pk for c in data.get("categories") or []],
            product_ids=[p.pk for p in data.get("products") or []],
        )
        if problems:
            raise forms.ValidationError(problems)
        return data


@admin.register(CouponTemplate)
class CouponTemplateAdmin(admin.ModelAdmin):
    form = CouponTemplateForm
    list_display = ("name", "kind", "scope", "total_quantity", "claimed_count", "used_count", "status")
    list_filter = ("status", "kind", "scope")
    search_fields = ("name",)
    readonly_fields = ("claimed_count", "used_count", "status")
    filter_horizontal = ("categories", "products")
    actions = ("pause_selected", "resume_selected")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # claimed coupons point at their template; pause it instead

    def save_model(self, request, obj, form, change) -> None:
        fields = {k: form.cleaned_data.get(k) for k in templates.EDITABLE}
        cats = [c.pk for c in form.cleaned_data.get("categories") or []]
        prods = [p.pk for p in form.cleaned_data.get("products") or []]
        if change:
            saved = templates.coupon_template_update(
                template_id=obj.pk, fields=fields, category_ids=cats, product_ids=prods
            )
        else:
            saved = templates.coupon_template_create(fields=fields, category_ids=cats, product_ids=prods)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change) -> None:
        """The service already set the categories and products."""

    @admin.action(description="暂停发放所选优惠券", permissions=["change"])
    def pause_selected(self, request, queryset):
        run_each(self, request, queryset, lambda pk: templates.coupon_template_pause(template_id=pk), "优惠券")

    @admin.action(description="恢复发放所选优惠券", permissions=["change"])
    def resume_selected(self, request, queryset):
        run_each(self, request, queryset, lambda pk: templates.coupon_template_resume(template_id=pk), "优惠券")


@admin.register(UserCoupon)
class UserCouponAdmin(ReadOnlyAdmin):
    list_display = ("id", "template", "user", "status", "claimed_at", "expires_at", "used_order")
    list_filter = ("status",)
    search_fields = ("template__name", "user__nickname")
    list_select_related = ("template", "user", "used_order")
    raw_id_fields = ("user", "template", "used_order")
