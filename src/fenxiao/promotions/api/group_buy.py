"""拼团 over HTTP: the shopper's ``/api/v1/group-buy`` (activities, joinable groups, open, join,
a group's page, my groups) and the operator's ``/api/v1/admin/group-buy-activities`` (create,
list, update, pause, resume, report, groups). A group's page is readable by any signed-in
shopper (it is what a share link opens), so members appear only as masked nicknames."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fenxiao.accounts.auth import staff_auth, user_auth
from fenxiao.core.media import media_url
from fenxiao.core.openapi_errors import answers
from fenxiao.core.paging import paginate
from fenxiao.orders.api.schemas.orders import OrderDetailOut, order_dict
from fenxiao.promotions.api.activities import (
    ActivityName,
    OperatorRoutes,
    OrderRemark,
    PageNumber,
    PageSize,
    PaymentMinutes,
    add_operator_routes,
)
from fenxiao.promotions.group_buy import activities
from fenxiao.promotions.group_buy import selectors as group_buy_selectors
from fenxiao.promotions.group_buy.groups import Placed, group_join, group_open
from fenxiao.promotions.inputs import Fen, PatchSchema, Positive, RowId, When
from fenxiao.promotions.models import (
    GroupBuyActivity,
    GroupBuyGroup,
    GroupBuyStatus,
    GroupStatus,
)

router = Router(tags=["拼团"], auth=user_auth)
operator_router = Router(tags=["拼团运营"], auth=staff_auth)

SHARE_PAGE = "/pages/group-buy/group"


class GroupBuyActivityOut(Schema):
    id: int
    name: str
    sku_id: int
    product_id: int
    title: str
    image: str
    price_fen: int
    group_price_fen: int
    leader_price_fen: int | None
    group_size: int
    time_limit_minutes: int
    max_quantity: int
    starts_at: datetime
    ends_at: datetime
    state: str


class GroupBuyActivityAdminOut(GroupBuyActivityOut):
    payment_minutes: int
    max_groups: int | None
    groups_opened: int
    commission_allowed: bool
    status: str


class GroupBuyActivityIn(Schema):
    name: ActivityName
    sku_id: RowId
    group_size: Annotated[Positive, Field(ge=2, le=100)]
    group_price_fen: Fen
    leader_price_fen: Fen | None = None
    time_limit_minutes: Annotated[int, Field(ge=1, le=7 * 24 * 60)] = 24 * 60
    payment_minutes: PaymentMinutes = 15
    max_quantity: Annotated[Positive, Field(le=99)] = 1
    max_groups: Positive | None = None
    starts_at: When
    ends_at: When
    commission_allowed: bool = True


class GroupBuyActivityPatch(PatchSchema):
    """``null`` clears the leader price (the leader pays the group price) or the group cap (no
    limit); for any other field it is refused."""

    nullable = frozenset({"leader_price_fen", "max_groups"})

    name: ActivityName | None = None
    sku_id: RowId | None = None
    group_size: Annotated[Positive, Field(ge=2, le=100)] | None = None
    group_price_fen: Fen | None = None
    leader_price_fen: Fen | None = None
    time_limit_minutes: Annotated[int, Field(ge=1, le=7 * 24 * 60)] | None = None
    payment_minutes: PaymentMinutes | None = None
    max_quantity: Annotated[Positive, Field(le=99)] | None = None
    max_groups: Positive | None = None
    starts_at: When | None = None
    ends_at: When | None = None
    commission_allowed: bool | None = None


class GroupBuyActivityPageOut(Schema):
    items: list[GroupBuyActivityAdminOut]
    count: int
    page: int
    page_size: int


class GroupBuyListQuery(Schema):
    status: GroupBuyStatus | None = None
    page: PageNumber = 1
    page_size: PageSize = 20


class GroupBuyReportOut(Schema):
    activity_id: int
    name: str
    status: str
    groups_opened: int
    groups_forming: int
    groups_succeeded: int
    groups_failed: int
    success_rate_bps: int
    success_rate: str
    paid_members: int
    refunding_members: int
    refunded_members: int
    succeeded_revenue_fen: int


class MemberOut(Schema):
    nickname: str
    avatar_url: str
    is_leader: bool
    paid: bool
    is_me: bool


class GroupOut(Schema):
    id: int
    activity_id: int
    activity_name: str
    status: str
    status_label: str
    size: int
    seats_taken: int
    seats_left: int
    paid_count: int
    expires_at: datetime | None
    leader: str
    members: list[MemberOut]
    joined: bool
    share_path: str


class GroupAdminOut(Schema):
    id: int
    status: str
    leader_id: int
    size: int
    seats_taken: int
    paid_count: int
    created_at: datetime
    opened_at: datetime | None
    expires_at: datetime | None
    finished_at: datetime | None


class GroupPageOut(Schema):
    items: list[GroupAdminOut]
    count: int
    page: int
    page_size: int


class GroupListQuery(Schema):
    status: GroupStatus | None = None
    page: PageNumber = 1
    page_size: PageSize = 20


class GroupBuyBuyIn(Schema):
    quantity: Annotated[Positive, Field(le=99)] = 1
    address_id: RowId | None = None
    remark: OrderRemark = ""
    ref: Annotated[str, Field(max_length=16)] | None = None
    ref_source: str = "link"


class PlacedOut(Schema):
    group: GroupOut
    order: OrderDetailOut


class MyGroupOut(Schema):
    group: GroupOut
    order_id: int | None
    member_status: str
    member_status_label: str


def _activity_out(
    a: GroupBuyActivity, *, admin: bool = False, request: HttpRequest | None = None, now: datetime | None = None
) -> dict:
    """The card with its image as a URL the mini-program can load (the selector keeps the stored
    name, and each face makes it a URL)."""
    body = group_buy_selectors.activity_card(a, now or timezone.now())
    body["image"] = media_url(body["image"], request)
    if admin:
        body |= {
            "payment_minutes": a.payment_minutes,
            "max_groups": a.max_groups,
            "groups_opened": a.groups_opened,
            "commission_allowed": a.commission_allowed,
            "status": a.status,
        }
    return body


def _share_path(group_id: int, user) -> str:
    """The group's mini-program page; an active distributor's own code rides along, so whoever
    opens it is bound to them and they earn on every member's order."""
    from fenxiao.distribution.models import Distributor, DistributorStatus  # same layer, read only

    path = f"{SHARE_PAGE}?group_id={group_id}"
    code = Distributor.objects.filter(user=user, status=DistributorStatus.ACTIVE).values_list("code", flat=True).first()
    return f"{path}&ref={code}" if code else path


def _group_out(view: group_buy_selectors.GroupView, request: HttpRequest) -> dict:
    return {**asdict(view), "share_path": _share_path(view.id, request.auth)}


def _activity(activity_id: int) -> GroupBuyActivity:
    return group_buy_selectors.activity_get(activity_id=activity_id)


def _placed_out(placed: Placed, request: HttpRequest) -> dict:
    view = group_buy_selectors.group_get(group_id=placed.group.pk, viewer_id=request.auth.pk)
    return {"group": _group_out(view, request), "order": order_dict(placed.order, request, events=True)}


@router.get("", response=list[GroupBuyActivityOut], summary="拼团活动列表")
def shopper_list(request: HttpRequest):
    """Running and upcoming activities that are not paused, soonest first."""
    now = timezone.now()
    return [_activity_out(a, request=request, now=now) for a in group_buy_selectors.running_activity_list(now=now)]


@router.get("/mine", response=list[MyGroupOut], summary="我的拼团")
def mine(request: HttpRequest):
    return [
        {
            "group": _group_out(view, request),
            "order_id": seat.order_id,
            "member_status": seat.status,
            "member_status_label": seat.get_status_display(),
        }
        for view, seat in group_buy_selectors.my_group_list(user=request.auth)
    ]


@router.get("/groups/{group_id}", response=GroupOut, summary="拼团详情（分享页）")
def group_detail(request: HttpRequest, group_id: int):
    return _group_out(group_buy_selectors.group_get(group_id=group_id, viewer_id=request.auth.pk), request)


@router.post("/groups/{group_id}/members", response={201: PlacedOut}, summary="参团下单")
@answers(409)
def join(request: HttpRequest, group_id: int, body: GroupBuyBuyIn):
    placed = group_join(
        user=request.auth,
        group_id=group_id,
        quantity=body.quantity,
        address_id=body.address_id,
        remark=body.remark,
        ref=body.ref,
        ref_source=body.ref_source,
    )
    return Status(201, _placed_out(placed, request))


@router.get("/{activity_id}", response=GroupBuyActivityOut, summary="拼团活动详情")
def shopper_detail(request: HttpRequest, activity_id: int):
    return _activity_out(_activity(activity_id), request=request)


@router.get("/{activity_id}/groups", response=list[GroupOut], summary="可参加的团")
def joinable(request: HttpRequest, activity_id: int):
    """Forming groups with a seat left, closest to filling first (the 拼团广场)."""
    found = group_buy_selectors.joinable_group_list(
        activity_id=activity_id, now=timezone.now(), viewer_id=request.auth.pk
    )
    return [_group_out(view, request) for view in found]


@router.post("/{activity_id}/groups", response={201: PlacedOut}, summary="开团下单")
@answers(409)
def open_group(request: HttpRequest, activity_id: int, body: GroupBuyBuyIn):
    placed = group_open(
        user=request.auth,
        activity_id=activity_id,
        quantity=body.quantity,
        address_id=body.address_id,
        remark=body.remark,
        ref=body.ref,
        ref_source=body.ref_source,
    )
    return Status(201, _placed_out(placed, request))


add_operator_routes(
    operator_router,
    OperatorRoutes(
        path="/group-buy-activities",
        summaries={
            "create": "创建拼团活动",
            "list": "拼团活动列表",
            "detail": "拼团活动详情",
            "update": "修改拼团活动",
            "pause": "暂停拼团",
            "resume": "恢复拼团",
            "report": "拼团统计",
        },
        create_in=GroupBuyActivityIn,
        patch_in=GroupBuyActivityPatch,
        out=GroupBuyActivityAdminOut,
        page_out=GroupBuyActivityPageOut,
        list_query=GroupBuyListQuery,
        report_out=GroupBuyReportOut,
        rows=lambda: GroupBuyActivity.objects.select_related("sku__product").order_by("-id"),
        get=_activity,
        shape=lambda a: _activity_out(a, admin=True),  # a site-relative /media/ URL: no request here
        create=activities.group_buy_activity_create,
        update=activities.group_buy_activity_update,
        pause=activities.group_buy_activity_pause,
        resume=activities.group_buy_activity_resume,
        report=activities.group_buy_activity_report,
        update_answers=(409,),  # the terms are locked once a group opened
    ),
)


@operator_router.get("/group-buy-activities/{activity_id}/groups", response=GroupPageOut, summary="拼团记录")
def group_list(request: HttpRequest, activity_id: int, q: Query[GroupListQuery]):
    _activity(activity_id)
    qs = GroupBuyGroup.objects.filter(activity_id=activity_id).order_by("-id")
    if q.status:
        qs = qs.filter(status=q.status)
    return paginate(qs, page=q.page, page_size=q.page_size).shaped(
        lambda g: {
            "id": g.pk,
            "status": g.status,
            "leader_id": g.leader_id,
            "size": g.size,
            "seats_taken": g.seats_taken,
            "paid_count": g.paid_count,
            "created_at": g.created_at,
            "opened_at": g.opened_at,
            "expires_at": g.expires_at,
            "finished_at": g.finished_at,
        }
    )
