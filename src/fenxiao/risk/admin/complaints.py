"""The operator's complaint queue: open complaints first, the earliest due first, the overdue in
red; replies the shopper reads, a resolution (已解决 / 已驳回) with its text, and a step to suspend
the distributor complained about (distribution's own suspend service). Each step is a
confirmation page calling one service and leaving an audit entry.

A complaint that points at fraud becomes a risk case about the distributor (立案转风控): the case
holds the commission of the complained order until an operator clears or confirms it in the risk
queue. The buttons on the page and in the list come from ``ComplaintAdmin.steps``."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from fenxiao.accounts.models import User
from fenxiao.core.admin_columns import name_column, stamp, time_column
from fenxiao.core.admin_mixins import ReadOnlyInline, ServiceOnlyAdmin
from fenxiao.distribution.admin.forms import reason_form
from fenxiao.distribution.admin.views import Step, StepAdmin, admin_link
from fenxiao.distribution.models import DistributorStatus
from fenxiao.distribution.network import enrolment
from fenxiao.distribution.network.lookup import distributor_codes_for_users, distributor_id_for_user
from fenxiao.risk.audit import audit_record
from fenxiao.risk.cases.services import risk_case_open
from fenxiao.risk.complaints import services
from fenxiao.risk.complaints.errors import ComplaintError
from fenxiao.risk.complaints.selectors import complaint_is_overdue
from fenxiao.risk.complaints.services import CONTENT_MAX, RESOLUTION_MAX
from fenxiao.risk.models.cases import CaseKind
from fenxiao.risk.models.complaints import OPEN_COMPLAINT, Complaint, ComplaintReply, ComplaintStatus

PHOTO = '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="" style="height:80px;border-radius:4px"></a>'


class ReplyForm(forms.Form):
    content = forms.CharField(
        label="回复内容", max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 4}), help_text="投诉人可见"
    )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="处理结果",
        choices=[(ComplaintStatus.RESOLVED, "已解决"), (ComplaintStatus.REJECTED, "已驳回（投诉不成立）")],
    )
    resolution = forms.CharField(
        label="处理说明", max_length=RESOLUTION_MAX, widget=forms.Textarea(attrs={"rows": 4}), help_text="投诉人可见"
    )


def _user(actor_id: int) -> User:
    return User.objects.get(pk=actor_id)


def _reply(complaint: Complaint, actor_id: int, data: dict) -> Complaint:
    return services.complaint_reply(complaint_id=complaint.pk, by=_user(actor_id), content=data["content"])


def _resolve(complaint: Complaint, actor_id: int, data: dict) -> Complaint:
    return services.complaint_resolve(
        complaint_id=complaint.pk, by=_user(actor_id), outcome=data["outcome"], resolution=data["resolution"]
    )


def _distributor_active(complaint: Complaint) -> bool:
    if not complaint.distributor_user_id:
        return False
    distributor = getattr(complaint.distributor_user, "distributor", None)
    return distributor is not None and distributor.status == DistributorStatus.ACTIVE


def _suspend(complaint: Complaint, actor_id: int, data: dict) -> Complaint:
    """Distribution's suspend (audited there), and the link back to the complaint on our log."""
    distributor_id = distributor_id_for_user(complaint.distributor_user_id) if complaint.distributor_user_id else None
    if distributor_id is None:
        raise ComplaintError("COMPLAINT_NO_DISTRIBUTOR", "该投诉没有指向分销商")
    reason = f"投诉 {complaint.complaint_no}：{data['reason']}"
    enrolment.distributor_suspend(distributor_id=distributor_id, actor_id=actor_id, reason=reason)
    audit_record(
        actor_id=actor_id,
        action="complaint_suspend_distributor",
        target_type="complaint",
        target_id=complaint.pk,
        summary=f"因投诉 {complaint.complaint_no} 暂停分销商",
        changes={"distributor_id": distributor_id, "reason": data["reason"]},
    )
    return complaint


def _open_risk_case(complaint: Complaint, actor_id: int, data: dict) -> Complaint:
    """A manual case about the distributor complained about, with the complaint as its evidence
    and its order (when there is one) held; the complaint's log names the case."""
    if not complaint.distributor_user_id:
        raise ComplaintError("COMPLAINT_NO_DISTRIBUTOR", "该投诉没有指向分销商")
    case = risk_case_open(
        kind=CaseKind.MANUAL,
        subject_user_id=complaint.distributor_user_id,
        order_ids=[complaint.order_id] if complaint.order_id else [],
        evidence={
            "complaint_no": complaint.complaint_no,
            "category": complaint.get_category_display(),
            "content": complaint.content,
            "note": data["reason"],
        },
        opened_by_id=actor_id,
        summary=f"投诉 {complaint.complaint_no} 转风控：{data['reason']}",
    )
    audit_record(
        actor_id=actor_id,
        action="complaint_open_risk_case",
        target_type="complaint",
        target_id=complaint.pk,
        summary=f"投诉 {complaint.complaint_no} 转风控立案",
        changes={"risk_case_id": case.pk, "reason": data["reason"]},
    )
    return complaint


class ComplaintStatusFilter(admin.SimpleListFilter):
    """Opens on the complaints still owed an answer; ``overdue`` narrows to those past due."""

    title = "状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "待处理/处理中"), ("overdue", "已超时"), *ComplaintStatus.choices, ("all", "全部")]

    def value(self):
        value = super().value()
        return "open" if value is None else value

    def queryset(self, request, queryset):
        value = self.value()
        if value == "all":
            return queryset
        if value == "open":
            return queryset.filter(status__in=OPEN_COMPLAINT)
        if value == "overdue":
            return queryset.filter(status__in=OPEN_COMPLAINT, due_at__lt=timezone.now())
        return queryset.filter(status=value)

    def choices(self, changelist):
        items = super().choices(changelist)
        next(items)  # Django's "全部" drops the parameter, which here means the default (open)
        yield from items


class ReplyInline(ReadOnlyInline):
    model = ComplaintReply
    fields = ("created_at", "author", "content")
    readonly_fields = ("created_at",)
    verbose_name = "回复"
    verbose_name_plural = "回复（投诉人可见）"


@admin.register(Complaint)
class ComplaintAdmin(StepAdmin, ServiceOnlyAdmin):
    list_display = ("complaint_no", "category", "target", "complainant_name", "status", "due", "created", "operations")
    list_filter = (ComplaintStatusFilter, "category")
    list_select_related = ("complainant", "distributor_user__distributor", "order")
    search_fields = ("complaint_no", "content", "complainant__nickname", "order__order_no")
    list_per_page = 50
    inlines = (ReplyInline,)
    fieldsets = (
        ("投诉", {"fields": (("complaint_no", "status"), ("category", "complainant_name"), "target")}),
        ("内容", {"fields": ("content", "photo_thumbnails", ("created_at", "due"))}),
        ("处理", {"fields": ("resolution", ("handled_by", "closed_at"), "operations")}),
    )
    steps = (
        Step("reply", "回复", "回复内容投诉人可见，投诉进入处理中。", ReplyForm,
             lambda c: c.status in OPEN_COMPLAINT, _reply),
        Step("resolve", "完结", "完结后投诉人可见处理结果，投诉不能再回复。", ResolveForm,
             lambda c: c.status in OPEN_COMPLAINT, _resolve),
        Step("suspend", "暂停分销商", "暂停后新支付的订单不再为其计佣，已产生的佣金照常结算；记入审计日志。",
             reason_form("暂停原因", "记入审计日志"), _distributor_active, _suspend),
        Step("risk_case", "转风控立案", "以被投诉的分销商立案，涉及订单的佣金冻结至风控审核完成；记入审计日志。",
             reason_form("立案说明", "风控审核人员可见"), lambda c: bool(c.distributor_user_id), _open_risk_case),
    )  # fmt: skip
    step_columns = (
        ("投诉单号", lambda c: c.complaint_no),
        ("类型", lambda c: c.get_category_display()),
        ("状态", lambda c: c.get_status_display()),
        ("内容", lambda c: c.content[:60]),
    )

    def get_queryset(self, request) -> QuerySet[Complaint]:
        return (
            super()
            .get_queryset(request)
            .select_related("complainant", "distributor_user__distributor", "order", "handled_by")
        )

    def get_readonly_fields(self, request, obj=None):
        return flatten_fieldsets(self.fieldsets)

    def step_title(self, obj: Complaint) -> str:
        return obj.complaint_no if obj else ""

    complainant_name = name_column("complainant.display_name", "投诉人", ordering="complainant__nickname")
    created = time_column("created_at", "投诉时间")

    @admin.display(description="投诉对象")
    def target(self, c: Complaint) -> str:
        parts = []
        if c.distributor_user_id:
            code = distributor_codes_for_users([c.distributor_user_id]).get(c.distributor_user_id, "")
            distributor = getattr(c.distributor_user, "distributor", None)
            text = f"分销商 {code or c.distributor_user.display_name}"
            parts.append(
                admin_link("admin:distribution_distributor_change", [distributor.pk], text) if distributor else text
            )
        if c.order_id:
            parts.append(admin_link("admin:orders_order_change", [c.order_id], f"订单 {c.order.order_no}"))
        return format_html_join(" / ", "{}", ((p,) for p in parts)) if parts else "-"

    @admin.display(description="处理时限", ordering="due_at")
    def due(self, c: Complaint) -> str:
        if complaint_is_overdue(c):
            return format_html('<strong style="color:#ba2121">{} 已超时</strong>', stamp(c.due_at))
        return stamp(c.due_at)

    @admin.display(description="图片")
    def photo_thumbnails(self, c: Complaint) -> str:
        if not c.photos:
            return "-"
        return format_html_join("", PHOTO, ((url, url) for url in c.photos))

    @admin.display(description="操作")
    def operations(self, c: Complaint) -> str:
        return self.step_links(c)
