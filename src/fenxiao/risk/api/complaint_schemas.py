"""Request and answer shapes of complaints, for the shopper and the operator. The distributor is
shown by their code (the face looks the codes up in distribution); the shopper never sees who
handled it, the operator does."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from fenxiao.core.limits import RowId
from fenxiao.risk.complaints.selectors import complaint_is_overdue
from fenxiao.risk.complaints.services import CONTENT_MAX, MAX_PHOTOS, RESOLUTION_MAX
from fenxiao.risk.models.complaints import Complaint, ComplaintCategory

# The same picture links as after-sales' evidence photos (``orders.api.schemas.aftersales``).
PhotoUrl = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^https?://\S+$")]
CategoryCode = Literal[tuple(ComplaintCategory.values)]  # type: ignore[valid-type]


class ComplaintIn(Schema):
    category: CategoryCode = Field(
        ..., description="投诉类型：" + "、".join(f"{v} {lb}" for v, lb in ComplaintCategory.choices)
    )  # type: ignore[valid-type]
    content: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=CONTENT_MAX)]
    photos: list[PhotoUrl] = Field(default_factory=list, max_length=MAX_PHOTOS, description="图片链接，最多 9 张")
    distributor_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=16)] = Field(
        "", description="被投诉分销商的推广码"
    )
    order_id: RowId | None = Field(None, description="被投诉的订单（须是自己的订单）")


class ComplaintReplyIn(Schema):
    content: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=CONTENT_MAX)]


class ComplaintResolveIn(Schema):
    outcome: Literal["resolved", "rejected"] = Field(..., description="resolved 已解决 / rejected 已驳回")
    resolution: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=RESOLUTION_MAX)]


class ComplaintListQuery(Schema):
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(10, ge=1, le=50)


class OperatorComplaintQuery(Schema):
    status: str | None = Field(None, description="投诉状态，或 open 表示待处理和处理中")
    overdue: bool = Field(False, description="只看已超时未完结的")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)


class ComplaintCategoryOut(Schema):
    value: str
    label: str


class ReplyOut(Schema):
    content: str
    created_at: datetime


class ComplaintOut(Schema):
    id: int
    complaint_no: str
    category: str
    category_label: str
    content: str
    status: str
    status_label: str
    distributor_code: str
    order_id: int | None
    order_no: str
    due_at: datetime
    created_at: datetime
    closed_at: datetime | None


class ComplaintDetailOut(ComplaintOut):
    photos: list[str]
    resolution: str
    replies: list[ReplyOut]


class ComplaintPageOut(Schema):
    items: list[ComplaintOut]
    count: int
    page: int
    page_size: int


class OperatorComplaintOut(ComplaintDetailOut):
    complainant_id: int
    complainant_name: str
    distributor_user_id: int | None
    overdue: bool
    handled_by: str


class OperatorComplaintPageOut(Schema):
    items: list[OperatorComplaintOut]
    count: int
    page: int
    page_size: int


def complaint_dict(c: Complaint, codes: dict[int, str]) -> dict:
    return {
        "id": c.pk,
        "complaint_no": c.complaint_no,
        "category": c.category,
        "category_label": c.get_category_display(),
        "content": c.content,
        "status": c.status,
        "status_label": c.get_status_display(),
        "distributor_code": codes.get(c.distributor_user_id, "") if c.distributor_user_id else "",
        "order_id": c.order_id,
        "order_no": c.order.order_no if c.order_id else "",
        "due_at": c.due_at,
        "created_at": c.created_at,
        "closed_at": c.closed_at,
    }


def complaint_detail_dict(c: Complaint, codes: dict[int, str]) -> dict:
    return {
        **complaint_dict(c, codes),
        "photos": list(c.photos or []),
        "resolution": c.resolution,
        "replies": [{"content": r.content, "created_at": r.created_at} for r in c.replies.all()],
    }


def operator_complaint_dict(c: Complaint, codes: dict[int, str]) -> dict:
    return {
        **complaint_detail_dict(c, codes),
        "complainant_id": c.complainant_id,
        "complainant_name": c.complainant.display_name,
        "distributor_user_id": c.distributor_user_id,
        "overdue": complaint_is_overdue(c),
        "handled_by": c.handled_by.get_username() if c.handled_by else "",
    }
