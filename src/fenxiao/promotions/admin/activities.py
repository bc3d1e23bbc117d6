"""What the seckill and group-buy consoles share: a form that checks a draft with the service's
own rules (every broken rule shown at once), saving through the service's create/update, and
pause/resume actions that report each refusal, the list's filters and lookups, and the report
on the change page. Subclasses name the services and say what their report shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages

from fenxiao.core.errors import DomainError


def form_fields(editable: tuple[str, ...]) -> tuple[str, ...]:
    """The service's field names as the form names them (``sku_id`` is the ``sku`` widget)."""
    return tuple(name.removesuffix("_id") for name in editable)


def run_each(model_admin: admin.ModelAdmin, request, queryset, step: Callable[[int], Any], noun: str) -> None:
    """An admin action over the selected rows: ``step(pk)`` for each, a refusal reported by row
    name without stopping the others, then how many were done."""
    done = 0
    for row in queryset:
        try:
            step(row.pk)
            done += 1
        except DomainError as exc:
            model_admin.message_user(request, f"{row.name}：{exc.message}", messages.ERROR)
    if done:
        model_admin.message_user(request, f"已处理 {done} 个{noun}", messages.SUCCESS)


class ActivityForm(forms.ModelForm):
    problems: ClassVar[Callable[[Any], list[str]]]
    # Counters the operator never types but the rules read (``sold``, ``groups_opened``).
    counters: ClassVar[tuple[str, ...]] = ()

    def clean(self):
        data = super().clean()
        values = {k: data.get(k) for k in self._meta.fields if k in data}
        sku = values.pop("sku", None)
        counters = {k: getattr(self.instance, k) for k in self.counters if self.instance.pk}
        probe = self._meta.model(sku_id=sku.pk if sku else None, **counters, **values)
        problems = type(self).problems(probe)
        if problems:
            raise forms.ValidationError(problems)
        return data


class ActivityAdmin(admin.ModelAdmin):
    noun: ClassVar[str]
    editable: ClassVar[tuple[str, ...]]
    create: ClassVar[Callable[..., Any]]
    update: ClassVar[Callable[..., Any]]
    pause: ClassVar[Callable[..., Any]]
    resume: ClassVar[Callable[..., Any]]
    actions = ("pause_selected", "resume_selected")
    list_filter = ("status",)
    search_fields = ("name",)
    list_select_related = ("sku",)
    raw_id_fields = ("sku",)

    def report_text(self, a: Any) -> str:
        """The kind's numbers for a saved activity, in one line of Chinese."""
        raise NotImplementedError

    @admin.display(description="活动数据")
    def report(self, a: Any) -> str:
        return self.report_text(a) if a.pk else "-"

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # orders point at it; pause it instead

    def save_model(self, request, obj, form, change) -> None:
        fields = {
            name: (form.cleaned_data["sku"].pk if name == "sku_id" else form.cleaned_data.get(name))
            for name in self.editable
        }
        saved = type(self).update(activity_id=obj.pk, fields=fields) if change else type(self).create(fields=fields)
        obj.pk = saved.pk

    @admin.action(description="暂停所选活动", permissions=["change"])
    def pause_selected(self, request, queryset):
        run_each(self, request, queryset, lambda pk: type(self).pause(activity_id=pk), self.noun)

    @admin.action(description="恢复所选活动", permissions=["change"])
    def resume_selected(self, request, queryset):
        run_each(self, request, queryset, lambda pk: type(self).resume(activity_id=pk), self.noun)
