"""The two shapes of distribution admin page that are not Django's own.

``ServiceFormAdmin``: add and change pages (settings, tiers, product commission) that look like
Django's but save through a service. A refusal becomes form errors on the fields it names and
nothing is written; warnings the service returns become messages.

``Step``: one operator decision (通过, 驳回, 暂停, 标记已打款) on one record or on a selection,
with a confirmation page holding the step's form (a reason, a bank reference). Each record is its
own service call and transaction; a refusal is reported with the record it concerns, never a 500.

Also the small column helpers the distribution admins share (yuan, masked card numbers, links) and
a status filter that opens a queue on its working state."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import csrf_protect_m
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join

from fenxiao.core.errors import DomainError
from fenxiao.distribution.admin.forms import ServiceForm
from fenxiao.distribution.config.rules import RuleViolation


class ServiceFormAdmin(admin.ModelAdmin):
    """Subclasses implement ``service_save``; the form must be a ``ServiceForm``."""

    def service_save(
        self, request: HttpRequest, form: ServiceForm, obj: Model | None
    ) -> tuple[Model, list[RuleViolation]]:
        """Call the service with ``form.service_values()``; return the saved row and its warnings."""
        raise NotImplementedError

    @csrf_protect_m
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        add = object_id is None
        if add:
            if not self.has_add_permission(request):
                raise PermissionDenied
            obj = None
        else:
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                raise Http404(f"{self.opts.verbose_name}不存在")
            if not self.has_view_or_change_permission(request, obj):
                raise PermissionDenied
        can_change = add or self.has_change_permission(request, obj)
        subtitle = str(obj) if obj else None
        fieldsets = self.get_fieldsets(request, obj)
        form_class = self.get_form(request, obj, change=not add, fields=flatten_fieldsets(fieldsets))
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            form = form_class(request.POST, request.FILES, instance=obj)
            if form.is_valid():
                try:
                    saved, warnings = self.service_save(request, form, obj)
                except DomainError as exc:
                    form.show_domain_error(exc)
                else:
                    for warning in warnings:
                        messages.warning(request, warning.message)
                    change_message = self.construct_change_message(request, form, [], add)
                    if add:
                        self.log_addition(request, saved, change_message)
                        return self.response_add(request, saved)
                    self.log_change(request, saved, change_message)
                    return self.response_change(request, saved)
        elif add:
            form = form_class(initial=self.get_changeform_initial_data(request))
        else:
            form = form_class(instance=obj)
        readonly = self.get_readonly_fields(request, obj) if can_change else flatten_fieldsets(fieldsets)
        admin_form = helpers.AdminForm(form, list(fieldsets), {}, readonly, model_admin=self)
        title = "新增{}" if add else ("修改{}" if can_change else "查看{}")
        context = {
            **self.admin_site.each_context(request),
            "title": title.format(self.opts.verbose_name),
            "subtitle": subtitle,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        return self.render_change_form(request, context, add=add, change=not add, obj=obj, form_url=form_url)


# ---- columns and filters -----------------------------------------------------------------------


def admin_link(viewname: str, args: list[Any], text: str) -> str:
    try:
        return format_html('<a href="{}">{}</a>', reverse(viewname, args=args), text)
    except NoReverseMatch:
        return text


def changelist_link(model: str, query: str, text: str) -> str:
    return format_html('<a href="{}?{}">{}</a>', reverse(f"admin:{model}_changelist"), query, text)


class DefaultStatusFilter(admin.SimpleListFilter):
    """A status filter that opens on the queue's working state (待审核) instead of everything."""

    title = "状态"
    parameter_name = "status"
    default = ""
    statuses: list[tuple[str, str]] = []

    def lookups(self, request, model_admin):
        return [*self.statuses, ("all", "全部")]

    def value(self):
        value = super().value()
        return self.default if value is None else value

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value == "all" else queryset.filter(status=value)

    def choices(self, changelist):
        items = super().choices(changelist)
        next(items)  # Django's "全部" drops the parameter, which here means the default
        yield from items


# ---- steps ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str  # URL segment
    label: str  # button, page title and log word
    prompt: str
    form: type[forms.Form]
    allowed: Callable[[Any], bool]  # whether the button shows; the service still has the last word
    run: Callable[[Any, int, dict[str, Any]], Model]  # (record, actor id, cleaned form data) -> record


class StepAdmin(admin.ModelAdmin):
    """A model admin whose records change only through ``steps``. ``step_columns`` describe a
    record on the confirmation page; ``step_title`` names one in messages."""

    steps: Sequence[Step] = ()
    step_columns: Sequence[tuple[str, Callable[[Any], Any]]] = ()

    def step_title(self, obj: Any) -> str:
        return str(obj)

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise Http404("没有这个操作")

    def step_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_step"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/step/<str:step_name>/",
                wrap(lambda request, object_id, step_name: self.step_view(request, object_id, step_name)),
                name=self.step_url_name(),
            ),
            *super().get_urls(),
        ]

    def step_links(self, obj: Any) -> str:
        links = [
            (reverse(f"admin:{self.step_url_name()}", args=[obj.pk, step.name]), step.label)
            for step in self.steps
            if step.allowed(obj)
        ]
        if not links:
            return "-"
        return format_html_join(" ", '<a class="button" href="{}">{}</a>', links)

    def render_step_page(
        self,
        request: HttpRequest,
        *,
        step: Step,
        form: forms.Form,
        objects: list[Any],
        obj: Any | None = None,
        action: str = "",
        back_url: str,
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{step.label}：{self.step_title(obj)}" if obj else f"{step.label}所选{self.opts.verbose_name}",
            "step_label": step.label,
            "prompt": step.prompt,
            "form": form,
            "obj": obj,
            "obj_title": self.step_title(obj) if obj else "",
            "headers": [label for label, _ in self.step_columns],
            "rows": [[value(o) for _, value in self.step_columns] for o in objects],
            "selected": [o.pk for o in objects] if action else [],
            "action": action,
            "back_url": back_url,
        }
        return render(request, "admin/distribution/step.html", context)

    def step_view(self, request: HttpRequest, object_id: str, step_name: str) -> HttpResponse:
        """GET: the confirmation page. POST: run the step, log it, go back to the record."""
        step = self.step(step_name)
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"{self.opts.verbose_name}不存在")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        form = step.form(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                done = step.run(obj, request.user.pk, form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                self.log_change(request, done, step.label)
                messages.success(request, f"{self.step_title(done)}：已{step.label}")
                return HttpResponseRedirect(change_url)
        return self.render_step_page(request, step=step, form=form, objects=[obj], obj=obj, back_url=change_url)

    def run_bulk(self, request: HttpRequest, objects: list[Any], step: Step, data: dict[str, Any]) -> None:
        """One service call (one transaction) per record: a refusal does not stop the others."""
        done, refused = [], []
        for obj in objects:
            try:
                result = step.run(obj, request.user.pk, data)
            except DomainError as exc:
                refused.append(f"{self.step_title(obj)}（{exc.message}）")
                continue
            self.log_change(request, result, step.label)
            done.append(self.step_title(result))
        if done:
            self.message_user(request, f"已{step.label} {len(done)} 条：{'、'.join(done)}", messages.SUCCESS)
        if refused:
            self.message_user(request, f"未能{step.label}：{'、'.join(refused)}", messages.ERROR)

    def bulk_step(self, request: HttpRequest, queryset, step_name: str, action: str) -> HttpResponse | None:
        """A list action: steps without a form run at once; the others ask first (the form is
        posted back to the changelist with the same action and selection)."""
        step = self.step(step_name)
        objects = list(queryset.order_by("id"))
        if not step.form.base_fields:
            self.run_bulk(request, objects, step, {})
            return None
        form = step.form(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self.run_bulk(request, objects, step, form.cleaned_data)
            return None
        back_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        return self.render_step_page(request, step=step, form=form, objects=objects, action=action, back_url=back_url)
