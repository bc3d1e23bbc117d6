"""Request and answer shapes of the message centre and of consent reporting."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from fenxiao.notifications.catalogue import SCENES
from fenxiao.notifications.models import Notification
from fenxiao.notifications.targets import h5_url, miniprogram_page

TemplateId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Answer = Literal["accept", "reject", "ban", "filter"]
Scene = Literal[tuple(SCENES)]  # type: ignore[valid-type]


class NotificationQuery(Schema):
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=50)
    unread: bool = Field(False, description="只看未读")


class TemplatesQuery(Schema):
    scene: Scene = Field(..., description="pay 支付后 / withdraw 申请提现 / apply 申请成为分销商 / complaint 提交投诉")  # type: ignore[valid-type]


class TemplateOut(Schema):
    template_id: str
    kind: str
    title: str


class TemplatesOut(Schema):
    scene: str
    template_ids: list[str] = Field(..., description="传给 wx.requestSubscribeMessage 的 tmplIds（最多 3 个）")
    items: list[TemplateOut]


class SubscriptionIn(Schema):
    results: dict[TemplateId, Answer] = Field(
        ...,
        description="wx.requestSubscribeMessage 的返回：模板 ID → accept / reject / ban / filter",
        max_length=10,
    )


class QuotaOut(Schema):
    template_id: str
    remaining: int = Field(..., description="还可以给该用户发送的次数（每同意一次加一）")


class SubscriptionOut(Schema):
    items: list[QuotaOut]


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    read: bool
    created_at: datetime
    target_type: str
    target_id: int | None
    page: str = Field(..., description="小程序页面（以 / 开头）")
    url: str = Field(..., description="H5 页面地址")


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    count: int
    page: int
    page_size: int
    unread_count: int


class UnreadOut(Schema):
    unread_count: int


class ReadAllOut(Schema):
    updated: int
    unread_count: int


def notification_dict(n: Notification) -> dict:
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "read": n.read_at is not None,
        "created_at": n.created_at,
        "target_type": n.target_type,
        "target_id": n.target_id,
        "page": "/" + miniprogram_page(n.target_type, n.target_id),
        "url": h5_url(n.target_type, n.target_id),
    }
