"""Seckill over HTTP: the shopper's ``/api/v1/seckill`` (list, detail, buy) and the operator's
``/api/v1/admin/seckill-activities`` (create, list, update, pause, resume, report)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from fenxiao.accounts.auth import staff_auth, user_auth
from fenxiao.accounts.tokens import TokenClaims, token_decode
from fenxiao.core.media import media_url
from fenxiao.core.openapi_errors import answers
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
from fenxiao.promotions.inputs import Fen, NonNegative, PatchSchema, Positive, RowId, When
from fenxiao.promotions.models import SeckillActivity, SeckillStatus
from fenxiao.promotions.seckill import activities
from fenxiao.promotions.seckill.purchases import TokenBuyer, seckill_buy


class BuyerTokenAuth(HttpBearer):
    """The buy endpoint's auth: the access token's signature, expiry and type, checked without the
    database (a bad or expired token is 401 as anywhere else). The user row is checked by
    ``seckill_buy`` once the Redis gate has let the request through, so the crowd that is refused
    (sold out, limit reached) costs no query at all."""

    def authenticate(self, request: HttpRequest, token: str) -> TokenClaims | None:
        if not token.strip():
            return None
        return token_decode(token, expected_type="access")


# The WSGI environ key under which the seckill lane (``seckill_lane.py``), in front of Django, hands
# the buy view the token of a unit it already took at the gate; clients can only set ``HTTP_*`` keys.
TAKEN_TOKEN = "fenxiao.seckill.taken_token"


def taken_token(request: HttpRequest) -> str | None:
    """The token of a unit the lane took at the gate for this request, handed over to the caller
    (who must end it: ``seckill_buy(taken_token=...)`` does). None when the lane did not take one."""
    return request.META.pop(TAKEN_TOKEN, None)


router = Router(tags=["秒杀"], auth=user_auth)
operator_router = Router(tags=["秒杀运营"], auth=staff_auth)
buyer_token_auth = BuyerTokenAuth()


class SeckillActivityOut(Schema):
    id: int
    name: str
    sku_id: int
    product_id: int
    title: str
    image: str
    price_fen: int
    seckill_price_fen: int
    stock: int
    remaining: int
    per_user_limit: int
    starts_at: datetime
    ends_at: datetime
    payment_minutes: int
    state: str


class SeckillActivityAdminOut(SeckillActivityOut):
    sold: int
    status: str
    commission_allowed: bool


class SeckillActivityIn(Schema):
    name: ActivityName
    sku_id: RowId
    seckill_price_fen: Fen
    stock: NonNegative
    per_user_limit: Positive = 1
    starts_at: When
    ends_at: When
    payment_minutes: PaymentMinutes = 15
    commission_allowed: bool = False


class SeckillActivityPatch(PatchSchema):
    """No field of a seckill activity may be empty: ``null`` is refused."""

    name: ActivityName | None = None
    sku_id: RowId | None = None
    seckill_price_fen: Fen | None = None
    stock: NonNegative | None = None
    per_user_limit: Positive | None = None
    starts_at: When | None = None
    ends_at: When | None = None
    payment_minutes: PaymentMinutes | None = None
    commission_allowed: bool | None = None


class SeckillActivityPageOut(Schema):
    items: list[SeckillActivityAdminOut]
    count: int
    page: int
    page_size: int


class SeckillListQuery(Schema):
    status: SeckillStatus | None = None
    page: PageNumber = 1
    page_size: PageSize = 20


class SeckillReportOut(Schema):
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


class SeckillBuyIn(Schema):
    address_id: RowId | None = None
    remark: OrderRemark = ""


def _out(a: SeckillActivity, *, admin: bool = False, request: HttpRequest | None = None) -> dict:
    """The product rides along (title, image as a URL) so a shopper's page can show what is sold."""
    body = {
        "id": a.pk,
        "name": a.name,
        "sku_id": a.sku_id,
        "product_id": a.sku.product_id,
        "title": a.sku.product.title,
        "image": media_url(a.sku.image or a.sku.product.main_image or "", request),
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
    a = SeckillActivity.objects.select_related("sku__product").filter(pk=activity_id).first()
    if a is None:
        raise activities.activity_not_found()
    return a


@router.get("", response=list[SeckillActivityOut], summary="秒杀活动列表")
def shopper_list(request: HttpRequest):
    """Running and upcoming activities that are not paused, soonest first."""
    found = SeckillActivity.objects.select_related("sku__product").filter(
        status=SeckillStatus.ACTIVE, ends_at__gt=timezone.now()
    )
    return [_out(a, request=request) for a in found.order_by("starts_at", "pk")[:100]]


@router.get("/{activity_id}", response=SeckillActivityOut, summary="秒杀活动详情")
def shopper_detail(request: HttpRequest, activity_id: int):
    return _out(_get(activity_id), request=request)


@router.post("/{activity_id}/orders", response={201: OrderDetailOut}, summary="秒杀下单", auth=buyer_token_auth)
@answers(409)
def buy(request: HttpRequest, activity_id: int, body: SeckillBuyIn):
    order = seckill_buy(
        user=TokenBuyer(request.auth),
        activity_id=activity_id,
        address_id=body.address_id,
        remark=body.remark,
        taken_token=taken_token(request),
    )
    return Status(201, order_dict(order, request, events=True))


add_operator_routes(
    operator_router,
    OperatorRoutes(
        path="/seckill-activities",
        summaries={
            "create": "创建秒杀活动",
            "list": "秒杀活动列表",
            "detail": "秒杀活动详情",
            "update": "修改秒杀活动",
            "pause": "暂停秒杀",
            "resume": "恢复秒杀",
            "report": "秒杀统计",
        },
        create_in=SeckillActivityIn,
        patch_in=SeckillActivityPatch,
        out=SeckillActivityAdminOut,
        page_out=SeckillActivityPageOut,
        list_query=SeckillListQuery,
        report_out=SeckillReportOut,
        rows=lambda: SeckillActivity.objects.select_related("sku__product").order_by("-id"),
        get=_get,
        shape=lambda a: _out(a, admin=True),
        create=activities.seckill_activity_create,
        update=activities.seckill_activity_update,
        pause=activities.seckill_activity_pause,
        resume=activities.seckill_activity_resume,
        report=activities.seckill_activity_report,
        update_answers=(409,),  # SECKILL_SKU_LOCKED: the SKU is fixed once a unit sold
    ),
)
