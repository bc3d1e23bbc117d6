"""The operator's invite campaigns under ``/api/v1/admin/invite-campaigns``: create (and schedule),
list, detail, update, pause, resume, the report with its K-factor, and the invitations. Each
endpoint calls the same service as the admin."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fenxiao.accounts.auth import staff_auth
from fenxiao.core.openapi_errors import answers
from fenxiao.core.paging import paginate
from fenxiao.promotions.api.invite_schemas import (
    CampaignIn,
    CampaignOut,
    CampaignPageOut,
    CampaignPatch,
    InvitePageOut,
    InviteReportOut,
    campaign_dict,
    invite_admin_dict,
)
from fenxiao.promotions.invites import campaigns, selectors
from fenxiao.promotions.invites.campaigns import campaign_state
from fenxiao.promotions.invites.models import CampaignStatus, InviteStatus

router = Router(tags=["邀请有礼运营"], auth=staff_auth)


class InviteCampaignListQuery(Schema):
    status: CampaignStatus | None = None
    page: Annotated[int, Field(ge=1)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


class InviteQuery(Schema):
    status: InviteStatus | None = None
    page: Annotated[int, Field(ge=1)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


def _out(campaign_id: int) -> dict:
    return campaign_dict(selectors.campaign_get(campaign_id=campaign_id))


@router.post("/invite-campaigns", response={201: CampaignOut}, summary="创建邀请活动")
@answers(409)
def create(request: HttpRequest, body: CampaignIn):
    c = campaigns.invite_campaign_create(fields=body.model_dump(exclude={"status"}), status=body.status)
    return Status(201, _out(c.pk))


@router.get("/invite-campaigns", response=CampaignPageOut, summary="邀请活动列表")
def campaign_list(request: HttpRequest, q: Query[InviteCampaignListQuery]):
    qs = selectors.campaigns_with_counts().order_by("-starts_at", "-id")
    if q.status:
        qs = qs.filter(status=q.status)
    return paginate(qs, page=q.page, page_size=q.page_size).shaped(campaign_dict)


@router.get("/invite-campaigns/{campaign_id}", response=CampaignOut, summary="邀请活动详情")
def detail(request: HttpRequest, campaign_id: int):
    return _out(campaign_id)


@router.patch("/invite-campaigns/{campaign_id}", response=CampaignOut, summary="修改邀请活动")
@answers(409)
def update(request: HttpRequest, campaign_id: int, body: CampaignPatch):
    campaigns.invite_campaign_update(campaign_id=campaign_id, fields=body.model_dump(exclude_unset=True))
    return _out(campaign_id)


@router.post("/invite-campaigns/{campaign_id}/pause", response=CampaignOut, summary="暂停邀请活动")
@answers(409)
def pause(request: HttpRequest, campaign_id: int):
    campaigns.invite_campaign_pause(campaign_id=campaign_id)
    return _out(campaign_id)


@router.post("/invite-campaigns/{campaign_id}/resume", response=CampaignOut, summary="恢复邀请活动")
@answers(409)
def resume(request: HttpRequest, campaign_id: int):
    campaigns.invite_campaign_resume(campaign_id=campaign_id)
    return _out(campaign_id)


@router.get("/invite-campaigns/{campaign_id}/report", response=InviteReportOut, summary="邀请活动报表")
def report(request: HttpRequest, campaign_id: int):
    c = selectors.campaign_get(campaign_id=campaign_id)
    return {
        "campaign_id": c.pk,
        "name": c.name,
        "state": campaign_state(c, timezone.now()),
        **selectors.campaign_report(campaign=c),
    }


@router.get("/invite-campaigns/{campaign_id}/invites", response=InvitePageOut, summary="邀请记录")
def invite_list(request: HttpRequest, campaign_id: int, q: Query[InviteQuery]):
    selectors.campaign_get(campaign_id=campaign_id)  # 404 for an unknown campaign, not an empty page
    qs = selectors.campaign_invites(campaign_id=campaign_id, status=q.status)
    return paginate(qs, page=q.page, page_size=q.page_size).shaped(invite_admin_dict)
