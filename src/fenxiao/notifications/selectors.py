"""Reading the message centre (only one's own) and the consent templates of a scene."""

from __future__ import annotations

from fenxiao.accounts.models import User
from fenxiao.core.paging import Page, paginate
from fenxiao.notifications.catalogue import MAX_TEMPLATES_PER_REQUEST, kinds_for_scene
from fenxiao.notifications.errors import notification_not_found
from fenxiao.notifications.models import Notification, NotificationTemplate


def notification_list_for_user(*, user: User, page: int, page_size: int, unread_only: bool = False) -> Page:
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return paginate(qs.order_by("-id"), page=page, page_size=page_size)


def notification_unread_count(*, user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()


def notification_get_for_user(*, notification_id: int, user: User) -> Notification:
    found = Notification.objects.filter(pk=notification_id, user=user).first()
    if found is None:
        raise notification_not_found()
    return found


def templates_for_scene(scene: str) -> list[dict]:
    """The templates the client asks consent for at ``scene``: the configured, enabled ones of the
    kinds told there, in the catalogue's order, one entry per template id, at most three (what one
    ``wx.requestSubscribeMessage`` takes)."""
    kinds = [k.code for k in kinds_for_scene(scene)]
    rows = {
        t.kind: t for t in NotificationTemplate.objects.filter(kind__in=kinds, enabled=True).exclude(template_id="")
    }
    out: list[dict] = []
    seen: set[str] = set()
    for spec in kinds_for_scene(scene):
        row = rows.get(spec.code)
        if row is None or row.template_id in seen:
            continue
        seen.add(row.template_id)
        out.append({"template_id": row.template_id, "kind": spec.code, "title": spec.label})
    return out[:MAX_TEMPLATES_PER_REQUEST]
