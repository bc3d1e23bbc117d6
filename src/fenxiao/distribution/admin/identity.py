"""Distributors' real-name identities in the admin (issue 19 §3): masked in the list and on the
page, never editable here (the distributor gives it), and a "查看全文" page that shows the full name
and number only to staff holding ``distribution.reveal_identity``, after a reason is given, with
every reveal (and every refused one) in the audit log. A POST, so no link preview or prefetch
ever reveals anything by itself."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html

from fenxiao.core.errors import DomainError
from fenxiao.distribution.identity.services import REVEAL_PERMISSION, identity_reveal
from fenxiao.distribution.models import DistributorIdentity


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看原因", max_length=100, help_text="如：核对提现、税务报送；将记入审计日志")


@admin.register(DistributorIdentity)
class DistributorIdentityAdmin(admin.ModelAdmin):
    list_display = ("distributor", "name_masked", "number_masked", "id_type", "updated_at", "reveal_link")
    list_select_related = ("distributor",)
    search_fields = ("distributor__code",)
    fields = ("distributor", "id_type", "name_masked", "number_masked", "created_at", "updated_at", "reveal_link")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="全文")
    def reveal_link(self, obj: DistributorIdentity) -> str:
        url = reverse("admin:distribution_distributoridentity_reveal", args=[obj.pk])
        return format_html('<a href="{}">查看全文</a>', url)

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/reveal/",
                self.admin_site.admin_view(self.reveal_view),
                name="distribution_distributoridentity_reveal",
            )
        ]
        return own + super().get_urls()

    def reveal_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        identity = DistributorIdentity.objects.select_related("distributor").filter(pk=unquote(object_id)).first()
        if identity is None:
            raise Http404("实名信息不存在")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"查看实名信息全文：{identity.distributor.code}",
            "identity": identity,
            "allowed": request.user.has_perm(REVEAL_PERMISSION),
            "full": None,
            "error": "",
        }
        form = RevealForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                context["full"] = identity_reveal(
                    identity_id=identity.pk, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except DomainError as exc:
                context["error"] = exc.message
        context["form"] = form
        return render(request, "admin/distribution/identity_reveal.html", context)
