"""Complaint writes (issue 19 §2). A shopper files one about a distributor (their user) or one of
their own orders; an operator replies (the shopper reads the reply), then resolves or rejects it
with a text the shopper reads too. Every write is one transaction with its audit entry.

The due time is fixed when the complaint is filed (``COMPLAINT_DUE`` after it, 48 h by default), so
changing the setting never moves the deadline of complaints already in the queue. Nothing here
suspends a distributor: risk sits below distribution, so the admin face calls distribution's own
suspend service beside the complaint."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.accounts.uploads import is_served_picture
from fenxiao.core.errors import NotFound
from fenxiao.core.extensions import publish_on_commit
from fenxiao.orders.models import Order
from fenxiao.risk.audit import audit_record
from fenxiao.risk.complaints.errors import ComplaintError, complaint_closed, complaint_not_found
from fenxiao.risk.models.complaints import (
    OPEN_COMPLAINT,
    Complaint,
    ComplaintCategory,
    ComplaintReply,
    ComplaintStatus,
)

CONTENT_MAX = 1000
RESOLUTION_MAX = 500
MAX_PHOTOS = 9


def _complaint_no() -> str:
    return f"TS{timezone.localtime():%Y%m%d%H%M%S}{secrets.randbelow(10**6):06d}"


def _clean_text(text: str, *, limit: int, field: str, code: str, what: str) -> str:
    """Stripped, required and bounded; ``code`` gets ``_REQUIRED`` or ``_TOO_LONG``."""
    text = (text or "").strip()
    if not text:
        raise ComplaintError(f"{code}_REQUIRED", f"请填写{what}", field=field)
    if len(text) > limit:
        raise ComplaintError(f"{code}_TOO_LONG", f"{what}不能超过 {limit} 个字", field=field)
    return text


def _clean_photos(photos: Sequence[str]) -> list[str]:
    photos = [p.strip() for p in photos if p and p.strip()]
    if len(photos) > MAX_PHOTOS:
        raise ComplaintError("COMPLAINT_TOO_MANY_PHOTOS", f"图片最多 {MAX_PHOTOS} 张", field="photos")
    if not all(is_served_picture(p) for p in photos):
        # Only pictures uploaded here (POST /uploads/images): a foreign link can change later.
        raise ComplaintError("COMPLAINT_PHOTO_FOREIGN", "请通过本商城上传图片", field="photos")
    return photos


@transaction.atomic
def complaint_create(
    *,
    complainant: User,
    category: str,
    content: str,
    distributor_user_id: int | None = None,
    order_id: int | None = None,
    photos: Sequence[str] = (),
) -> Complaint:
    """File a complaint about a distributor (given as their user), an order of the complainant's,
    or both (a distributor's conduct around one order). Someone else's order is "not found"."""
    if category not in ComplaintCategory.values:
        raise ComplaintError("COMPLAINT_CATEGORY_INVALID", "投诉类型不正确", field="category")
    content = _clean_text(content, limit=CONTENT_MAX, field="content", code="COMPLAINT_CONTENT", what="投诉内容")
    photos = _clean_photos(photos)
    if distributor_user_id is None and order_id is None:
        raise ComplaintError("COMPLAINT_TARGET_REQUIRED", "请选择投诉的分销商或订单", field="target")
    if distributor_user_id is not None and distributor_user_id == complainant.id:
        raise ComplaintError("COMPLAINT_TARGET_SELF", "不能投诉自己", field="distributor")
    if order_id is not None and not Order.objects.filter(pk=order_id, buyer=complainant).exists():
        raise NotFound("COMPLAINT_ORDER_NOT_FOUND", "订单不存在")
    complaint = Complaint.objects.create(
        complaint_no=_complaint_no(),
        complainant=complainant,
        distributor_user_id=distributor_user_id,
        order_id=order_id,
        category=category,
        content=content,
        photos=photos,
        due_at=timezone.now() + settings.COMPLAINT_DUE,
    )
    audit_record(
        actor_id=complainant.id,
        action="complaint_create",
        target_type="complaint",
        target_id=complaint.pk,
        summary=f"投诉 {complaint.complaint_no}：{complaint.get_category_display()}",
        changes={"distributor_user_id": distributor_user_id, "order_id": order_id, "category": category},
    )
    return complaint


def _lock_open(complaint_id: int) -> Complaint:
    complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if complaint is None:
        raise complaint_not_found()
    if complaint.status not in OPEN_COMPLAINT:
        raise complaint_closed()
    return complaint


@transaction.atomic
def complaint_reply(*, complaint_id: int, by: User, content: str) -> Complaint:
    """An operator's answer, shown to the shopper; the complaint is now being handled."""
    content = _clean_text(content, limit=CONTENT_MAX, field="content", code="COMPLAINT_REPLY", what="回复内容")
    complaint = _lock_open(complaint_id)
    reply = ComplaintReply.objects.create(complaint=complaint, author=by, content=content)
    before = complaint.status
    complaint.status = ComplaintStatus.REPLIED
    complaint.handled_by = by
    complaint.save(update_fields=["status", "handled_by", "updated_at"])
    audit_record(
        actor_id=by.id,
        action="complaint_reply",
        target_type="complaint",
        target_id=complaint.pk,
        summary=f"回复投诉 {complaint.complaint_no}",
        changes={"reply_id": reply.pk, "status": {"from": before, "to": complaint.status}},
    )
    publish_on_commit("complaint_answered", complaint_id=complaint.pk, reply_id=reply.pk)
    return complaint


@transaction.atomic
def complaint_resolve(*, complaint_id: int, by: User, outcome: str, resolution: str) -> Complaint:
    """Close the complaint: ``resolved`` (handled, e.g. refunded or the distributor suspended) or
    ``rejected`` (unfounded), with the text the shopper reads."""
    if outcome not in (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED):
        raise ComplaintError("COMPLAINT_OUTCOME_INVALID", "处理结果只能是已解决或已驳回", field="outcome")
    resolution = _clean_text(
        resolution, limit=RESOLUTION_MAX, field="resolution", code="COMPLAINT_RESOLUTION", what="处理说明"
    )
    complaint = _lock_open(complaint_id)
    before = complaint.status
    complaint.status = outcome
    complaint.resolution = resolution
    complaint.handled_by = by
    complaint.closed_at = timezone.now()
    complaint.save(update_fields=["status", "resolution", "handled_by", "closed_at", "updated_at"])
    audit_record(
        actor_id=by.id,
        action="complaint_resolve",
        target_type="complaint",
        target_id=complaint.pk,
        summary=f"{complaint.get_status_display()}投诉 {complaint.complaint_no}：{resolution[:100]}",
        changes={"status": {"from": before, "to": outcome}},
    )
    publish_on_commit("complaint_answered", complaint_id=complaint.pk, reply_id=None)
    return complaint
