"""邀请有礼 on the H5 pages: my invite code, the running campaign's rewards and rules, and the
friends I invited (masked), the same facts as ``GET /api/v1/invites/me`` shows the mini-program.

Friends accept a code in the mini-program (a shared card opens it with ``?invite=CODE``); the H5
page is where a shopper finds their code and follows their invitations."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from fenxiao.promotions.api.invite_schemas import campaign_brief_dict, invited_by_dict, invitee_dict
from fenxiao.promotions.invites import selectors
from fenxiao.promotions.invites.acceptance import campaign_running, invite_code_ensure
from fenxiao.storefront.shortcuts import render_page, shopper_page

FIRST_PAGE = 20


@shopper_page
def invite_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    campaign = campaign_running(timezone.now())
    received = selectors.invite_received(user=user)
    context = {
        # Made on the first visit, as the mini-program's page does: a code exists once it is shown.
        "code": invite_code_ensure(user_id=user.pk).code,
        "campaign": campaign_brief_dict(campaign) if campaign else None,
        "summary": selectors.invites_sent_summary(user=user),
        "invitees": [invitee_dict(i) for i in selectors.invites_sent(user=user)[:FIRST_PAGE]],
        "invited_by": invited_by_dict(received) if received else None,
    }
    return render_page(request, "storefront/invite.html", context, title="邀请有礼", back=reverse("storefront:me"))
