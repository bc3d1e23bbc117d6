"""The message centre and consent (``/api/v1/notifications``): a user reads and marks their own
messages (someone else's is a 404), asks which templates to request at a moment, and reports what
``wx.requestSubscribeMessage`` answered."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from fenxiao.accounts.auth import user_auth
from fenxiao.core.openapi_errors import answers
from fenxiao.notifications import selectors, services
from fenxiao.notifications.schemas import (
    NotificationOut,
    NotificationPageOut,
    NotificationQuery,
    ReadAllOut,
    SubscriptionIn,
    SubscriptionOut,
    TemplatesOut,
    TemplatesQuery,
    UnreadOut,
    notification_dict,
)

router = Router(tags=["消息通知"], auth=user_auth)


@router.get("", response=NotificationPageOut, summary="消息中心（分页，含未读数）")
def notification_list(request: HttpRequest, q: Query[NotificationQuery]):
    page = selectors.notification_list_for_user(
        user=request.auth, page=q.page, page_size=q.page_size, unread_only=q.unread
    )
    return {
        **page.shaped(notification_dict),
        "unread_count": selectors.notification_unread_count(user_id=request.auth.pk),
    }


@router.get("/unread-count", response=UnreadOut, summary="未读消息数（“我的”角标）")
def notification_unread(request: HttpRequest):
    return {"unread_count": selectors.notification_unread_count(user_id=request.auth.pk)}


@router.post("/read-all", response=ReadAllOut, summary="全部标为已读")
def notification_read_all(request: HttpRequest):
    updated = services.notification_mark_all_read(user=request.auth)
    return {"updated": updated, "unread_count": 0}


@router.post("/{int:notification_id}/read", response=NotificationOut, summary="标为已读")
def notification_read(request: HttpRequest, notification_id: int):
    found = selectors.notification_get_for_user(notification_id=notification_id, user=request.auth)
    return notification_dict(services.notification_mark_read(notification=found))


@router.get("/templates", response=TemplatesOut, summary="某个时机要请求订阅的模板", auth=None)
def notification_templates(request: HttpRequest, q: Query[TemplatesQuery]):
    items = selectors.templates_for_scene(q.scene)
    return {"scene": q.scene, "template_ids": [i["template_id"] for i in items], "items": items}


@router.post("/subscriptions", response=SubscriptionOut, summary="上报订阅结果（wx.requestSubscribeMessage）")
@answers(400)
def notification_subscribe(request: HttpRequest, body: SubscriptionIn):
    quotas = services.subscription_report(user=request.auth, results=body.results)
    return {"items": [{"template_id": q.template_id, "remaining": q.remaining} for q in quotas]}
