"""What the seckill and group-buy consoles share: a form that checks a draft with the service's
own rules (every broken rule shown at once), saving through the service's create/update, and
pause/resume actions that report each refusal. Subclasses name the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages

from fenxiao.core.errors import DomainError


def form_fields(editable: tuple[str, ...]) -> tuple[str, ...]:
    """The service's field names as the form names them (``sku_id`` is the ``sku`` widget)."""
    return tuple(name.removesuffix("_id") for name in editable)


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

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # orders point at it; pause it instead

    def save_model(self, request, obj, form, change) -> None:
        fields = {
            name: (form.cleaned_data["sku"].pk if name == "sku_id" else form.cleaned_data.get(name))
            for name in self.editable
        }
        saved = type(self).update(activity_id=obj.pk, fields=fields) if change else type(self).create(fields=fields)
        obj.pk = saved.pk

    def _each(self, request, queryset, step) -> None:
        done = 0
        for a in queryset:
            try:
                step(activity_id=a.pk)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{a.name}：{exc.message}", messages.ERROR)
        if done:
            self.message_user(request, f"已处理 {done} 个{self.noun}", messages.SUCCESS)

    @admin.action(description="暂停所选活动", permissions=["change"])
    def pause_selected(self, request, queryset):
        self._each(request, queryset, type(self).pause)

    @admin.action(description="恢复所选活动", permissions=["change"])
    def resume_selected(self, request, queryset):
        self._each(request, queryset, type(self).resume)
