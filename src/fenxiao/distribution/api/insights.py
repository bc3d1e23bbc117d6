"""The distributor's insights (``GET /insights``) and the share-open counter the mini-program
reports to (``POST /opens``), mounted at ``/v1/distribution``.

``/opens`` needs no login (a share is usually opened before the visitor has one) and so is
throttled per client address; an unknown code is a 404 and counts nothing."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router
from ninja.throttling import SimpleRateThrottle

from fenxiao.accounts.auth import user_auth
from fenxiao.accounts.login_throttle import throttle_address
from fenxiao.core.client_address import client_ip
from fenxiao.core.openapi_errors import answers
from fenxiao.distribution.api import insights_schemas as schemas
from fenxiao.distribution.centre import selectors
from fenxiao.distribution.insights.opens import share_open_record
from fenxiao.distribution.insights.report import insights_get

router = Router(tags=["分销中心"], auth=user_auth)

# A person opens a handful of shares a minute at most; a burst above this from one address is a
# script inflating someone's figures.
OPENS_PER_MINUTE = "30/m"


class ClientAddressThrottle(SimpleRateThrottle):
    """Ninja's cache-backed throttle, keyed by the client as ``core.client_address`` finds it
    (the trusted-proxy rule), an IPv6 client by its /64."""

    scope = "share_opens"

    def get_cache_key(self, request: HttpRequest) -> str:
        return self.cache_format % {"scope": self.scope, "ident": throttle_address(client_ip(request))}


@router.get("/insights", response=schemas.InsightsOut, summary="数据洞察")
@answers(403)
def insights(request: HttpRequest, filters: Query[schemas.InsightsQuery]):
    distributor = selectors.distributor_get_for_user(user=request.auth)
    return schemas.insights_dict(insights_get(distributor=distributor, days=filters.days), request)


@router.post(
    "/opens",
    response=schemas.OpenOut,
    auth=None,
    summary="记录一次分享打开（小程序启动或切回前台时带推广码调用）",
    throttle=[ClientAddressThrottle(OPENS_PER_MINUTE)],
)
@answers(404)
def opens(request: HttpRequest, body: schemas.OpenIn):
    share_open_record(code=body.code, channel=body.channel)
    return {"counted": True}
