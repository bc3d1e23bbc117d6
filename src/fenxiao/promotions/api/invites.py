"""The shopper's invitations under ``/api/v1/invites``: my code, share path, the friends I invited
(masked) and what I earned; accepting a friend's code as a new user."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fenxiao.accounts.auth import user_auth
from fenxiao.core.openapi_errors import answers
from fenxiao.core.paging import paginate
from fenxiao.promotions.api.invite_schemas import (
    AcceptIn,
    AcceptOut,
    InviteePageOut,
    MyInvitesOut,
    campaign_brief_dict,
    invited_by_dict,
    invitee_dict,
)
from fenxiao.promotions.invites import selectors
from fenxiao.promotions.invites.acceptance import campaign_running, invite_accept, invite_code_ensure, share_path

router = Router(tags=["邀请有礼"], auth=user_auth)

FIRST_PAGE = 20


class InviteePageQuery(Schema):
    page: Annotated[int, Field(ge=1)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = FIRST_PAGE


@router.get("/me", response=MyInvitesOut, summary="我的邀请")
def me(request: HttpRequest):
    """The code is made on first visit; the list shows the latest friends (``/me/invitees`` pages on)."""
    user = request.auth
    code = invite_code_ensure(user_id=user.id).code
    campaign = campaign_running(timezone.now())
    received = selectors.invite_received(user=user)
    return {
        "code": code,
        "share_path": share_path(code),
        "campaign": campaign_brief_dict(campaign) if campaign else None,
        "summary": selectors.invites_sent_summary(user=user),
        "invitees": [invitee_dict(i) for i in selectors.invites_sent(user=user)[:FIRST_PAGE]],
        "invited_by": invited_by_dict(received) if received else None,
    }


@router.get("/me/invitees", response=InviteePageOut, summary="我邀请的好友")
def my_invitees(request: HttpRequest, q: Query[InviteePageQuery]):
    return paginate(selectors.invites_sent(user=request.auth), page=q.page, page_size=q.page_size).shaped(invitee_dict)


@router.post("/accept", response={201: AcceptOut}, summary="接受邀请")
@answers(403, 404, 409)
def accept(request: HttpRequest, body: AcceptIn):
    invite = invite_accept(user=request.auth, code=body.code)
    return Status(201, {"invited_by": invited_by_dict(invite)})
