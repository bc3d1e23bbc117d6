"""Seckill over HTTP: the shopper's ``/api/v1/seckill`` (list, detail, buy) and the operator's
``/api/v1/admin/seckill-activities`` (create, list, update, pause, resume, report)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import Field

from fenxiao.accounts.auth import staff_auth, user_auth
from fenxiao.accounts.tokens import TokenClaims, token_decode
from fenxiao.core.paging import paginate
from fenxiao.orders.schemas import OrderDetailOut, order_dict
from fenxiao.promotions import seckill_activities as activities
from fenxiao.promotions.models import SeckillActivity, SeckillStatus
from fenxiao.promotions.seckill import TokenBuyer, seckill_buy


class BuyerTokenAuth(HttpBearer):
    """The buy endpoint's auth: the access token's signature, expiry and type, checked without the
    database (a bad or expired token is 401 as anywhere else). The user row is checked by
    ``seckill_buy`` once the Redis gate has let the request through, so the crowd that is refused
    (sold out, limit reached) costs no query at all."""

    def authenticate(self, request: HttpRequest, token: str) -> TokenClaims | None:
        if not token.strip():
            return None
        return token_decode(token, expected_type="access")


router = Router(tags=["秒杀"], auth=user_auth)
operator_router = Router(tags=["秒杀运营"], auth=staff_auth)
buyer_token_auth = BuyerTokenAuth()


class ActivityOut(Schema):
    id: int
    name: str
    sku_id: int
    price_fen: int
    seckill_price_fen: int
    stock: int
    remaining: int
    per_user_limit: int
    starts_at: datetime
    ends_at: datetime
    payment_minutes: int
    state: str


class ActivityAdminOut(ActivityOut):
    sold: int
    status: str
    commission_allowed: bool


class ActivityIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=64)]
    sku_id: int
    seckill_price_fen: Annotated[int, Field(ge=0)]
    stock: Annotated[int, Field(ge=0)]
    per_user_limit: Annotated[int, Field(ge=1)] = 1
    starts_at: datetime
    ends_at: datetime
    payment_minutes: Annotated[int, Field(ge=1, le=1440)] = 15
    commission_allowed: bool = False


class ActivityPatch(Schema):
    name: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    sku_id: int | None = None
    seckill_price_fen: Annotated[int, Field(ge=0)] | None = None
    stock: Annotated[int, Field(ge=0)] | None = None
    per_user_limit: Annotated[int, Field(ge=1)] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    payment_minutes: Annotated[int, Field(ge=1, le=1440)] | None = None
    commission_allowed: bool | None = None


class ActivityPageOut(Schema):
    items: list[ActivityAdminOut]
    count: int
    page: int
    page_size: int


class ListQuery(Schema):
    status: SeckillStatus | None = None
    page: Annotated[int, Field(ge=1)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


class ReportOut(Schema):
    activity_id: int
    name: str
    status: str
    stock: int
    sold: int
    remaining: int
    redis_remaining: int | None
    orders: int
    paid_orders: int
    returned: int


class BuyIn(Schema):
    address_id: int | None = None
    remark: Annotated[str, Field(max_length=200)] = ""


def _out(a: SeckillActivity, *, admin: bool = False) -> dict:
    body = {
        "id": a.pk,
        "name": a.name,
        "sku_id": a.sku_id,
        "price_fen": a.sku.price_fen,
        "seckill_price_fen": a.seckill_price_fen,
        "stock": a.stock,
        "remaining": a.stock - a.sold,
        "per_user_limit": a.per_user_limit,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "payment_minutes": a.payment_minutes,
        "state": activities.seckill_window_state(a, timezone.now()),
    }
    if admin:
        body |= {"sold": a.sold, "status": a.status, "commission_allowed": a.commission_allowed}
    return body


def _get(activity_id: int) -> SeckillActivity:
    a = SeckillActivity.objects.select_related("sku").filter(pk=activity_id).first()
    if a is None:
        raise activities.activity_not_found()
    return a


@router.get("", response=list[ActivityOut], summary="秒杀活动列表")
def shopper_list(request: HttpRequest):
    """Running and upcoming activities that are not paused, soonest first."""
    found = SeckillActivity.objects.select_related("sku").filter(
        status=SeckillStatus.ACTIVE, ends_at__gt=timezone.now()
    )
    return [_out(a) for a in found.order_by("starts_at", "pk")[:100]]


@router.get("/{activity_id}", response=ActivityOut, summary="秒杀活动详情")
def shopper_detail(request: HttpRequest, activity_id: int):
    return _out(_get(activity_id))


@router.post("/{activity_id}/orders", response={201: OrderDetailOut}, summary="秒杀下单", auth=buyer_token_auth)
def buy(request: HttpRequest, activity_id: int, body: BuyIn):
    order = seckill_buy(
        user=TokenBuyer(request.auth), activity_id=activity_id, address_id=body.address_id, remark=body.remark
    )
    return Status(201, order_dict(order, request, events=True))


@operator_router.post("/seckill-activities", response={201: ActivityAdminOut}, summary="创建秒杀活动")
def create(request: HttpRequest, body: ActivityIn):
    a = activities.seckill_activity_create(fields=body.model_dump())
    return Status(201, _out(_get(a.pk), admin=True))


@operator_router.get("/seckill-activities", response=ActivityPageOut, summary="秒杀活动列表")
def activity_list(request: HttpRequest, q: Query[ListQuery]):
    qs = SeckillActivity.objects.select_related("sku").order_by("-id")
    if q.status:
        qs = qs.filter(status=q.status)
    return paginate(qs, page=q.page, page_size=q.page_size).shaped(lambda a: _out(a, admin=True))


@operator_router.get("/seckill-activities/{activity_id}", response=ActivityAdminOut, summary="秒杀活动详情")
def detail(request: HttpRequest, activity_id: int):
    return _out(_get(activity_id), admin=True)


@operator_router.patch("/seckill-activities/{activity_id}", response=ActivityAdminOut, summary="修改秒杀活动")
def update(request: HttpRequest, activity_id: int, body: ActivityPatch):
    activities.seckill_activity_update(activity_id=activity_id, fields=body.model_dump(exclude_unset=True))
    return _out(_get(activity_id), admin=True)


@operator_router.post("/seckill-activities/{activity_id}/pause", response=ActivityAdminOut, summary="暂停秒杀")
def pause(request: HttpRequest, activity_id: int):
    activities.seckill_activity_pause(activity_id=activity_id)
    return _out(_get(activity_id), admin=True)


@operator_router.post("/seckill-activities/{activity_id}/resume", response=ActivityAdminOut, summary="恢复秒杀")
def resume(request: HttpRequest, activity_id: int):
    activities.seckill_activity_resume(activity_id=activity_id)
    return _out(_get(activity_id), admin=True)


@operator_router.get("/seckill-activities/{activity_id}/report", response=ReportOut, summary="秒杀统计")
def report(request: HttpRequest, activity_id: int):
    a = _get(activity_id)
    return {"activity_id": a.pk, "name": a.name, "status": a.status, **activities.seckill_activity_report(activity=a)}
