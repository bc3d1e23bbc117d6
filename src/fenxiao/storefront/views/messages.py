"""消息中心 on H5: the shopper's (or distributor's) messages, newest first, unread ones marked;
opening one marks it read and goes to what it is about. The same selectors and services as the
JSON API.

A web page cannot subscribe to WeChat messages (``wx.requestSubscribeMessage`` exists only in the
mini-program), so H5 asks for no consent at any moment: its people read everything here, with the
unread count as a badge on 我的."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from fenxiao.notifications import selectors, services
from fenxiao.notifications.schemas import notification_dict
from fenxiao.storefront.shortcuts import int_param, pager, render_page, shopper_page


@shopper_page
def message_list(request: HttpRequest) -> HttpResponse:
    page = selectors.notification_list_for_user(
        user=request.user, page=int_param(request.GET.get("page"), default=1), page_size=20
    )
    context = {
        "items": [notification_dict(n) for n in page.items],
        "pager": pager(page),
        "unread": selectors.notification_unread_count(user_id=request.user.pk),
    }
    return render_page(request, "storefront/messages.html", context, title="消息中心", back=reverse("storefront:me"))


@shopper_page
def message_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    found = selectors.notification_get_for_user(notification_id=notification_id, user=request.user)
    services.notification_mark_read(notification=found)
    target = notification_dict(found)["url"]
    return HttpResponseRedirect(target or reverse("storefront:messages"))


@require_POST
@shopper_page
def message_read_all(request: HttpRequest) -> HttpResponse:
    services.notification_mark_all_read(user=request.user)
    return HttpResponseRedirect(reverse("storefront:messages"))
