"""Complaint reads: the shopper's own (someone else's is a 404), the operator's queue (open first,
the earliest due first) and the count per distributor that the distributor list shows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.core.paging import Page, paginate
from fenxiao.risk.complaints.errors import ComplaintError, complaint_not_found
from fenxiao.risk.models.complaints import OPEN_COMPLAINT, Complaint, ComplaintStatus


def complaint_is_overdue(complaint: Complaint, *, now: datetime | None = None) -> bool:
    """Still waiting for the operator to close it after its due time."""
    return complaint.status in OPEN_COMPLAINT and complaint.due_at < (now or timezone.now())


def _base() -> QuerySet[Complaint]:
    return Complaint.objects.select_related("complainant", "distributor_user", "order", "handled_by")


def complaint_list_for_user(*, user: User, page: int, page_size: int) -> Page:
    return paginate(_base().filter(complainant=user).order_by("-created_at", "-id"), page=page, page_size=page_size)


def complaint_get_for_user(*, complaint_id: int, user: User) -> Complaint:
    complaint = _base().prefetch_related("replies").filter(pk=complaint_id, complainant=user).first()
    if complaint is None:
        raise complaint_not_found()
    return complaint


def complaint_get(*, complaint_id: int) -> Complaint:
    complaint = _base().prefetch_related("replies__author").filter(pk=complaint_id).first()
    if complaint is None:
        raise complaint_not_found()
    return complaint


def complaint_list_for_operator(
    *, status: str | None, overdue: bool = False, distributor_user_id: int | None = None, page: int, page_size: int
) -> Page:
    """``status`` is a complaint status or ``open`` (still owed an answer); ``overdue`` keeps those
    past their due time. Open ones first, the earliest due first."""
    qs = _base()
    if status == "open":
        qs = qs.filter(status__in=OPEN_COMPLAINT)
    elif status:
        if status not in ComplaintStatus.values:
            raise ComplaintError("COMPLAINT_STATUS_INVALID", "投诉状态筛选不正确", field="status")
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=OPEN_COMPLAINT, due_at__lt=timezone.now())
    if distributor_user_id:
        qs = qs.filter(distributor_user_id=distributor_user_id)
    qs = qs.prefetch_related("replies")
    return paginate(qs.order_by(F("closed_at").asc(nulls_first=True), "due_at", "id"), page=page, page_size=page_size)


def complaint_count_subquery(user_ref: str = "user") -> Coalesce:
    """Complaints received by the distributor whose user is ``OuterRef(user_ref)``, for an annotated
    list (one correlated subquery, so a page of distributors stays one query and can sort by it)."""
    rows = (
        Complaint.objects.filter(distributor_user=OuterRef(user_ref))
        .order_by()
        .values("distributor_user")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def complaint_counts(*, user_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """``{user_id: {"total": n, "open": m}}`` for the distributors given as users."""
    rows = (
        Complaint.objects.filter(distributor_user_id__in=list(user_ids))
        .values("distributor_user_id")
        .annotate(total=Count("id"), open=Count("id", filter=Q(status__in=OPEN_COMPLAINT)))
    )
    return {r["distributor_user_id"]: {"total": r["total"], "open": r["open"]} for r in rows}
