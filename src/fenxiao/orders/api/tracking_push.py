"""快递100's push URL: ``POST /api/v1/tracking/kuaidi100/notify`` (form fields ``param`` and
``sign``), set as ``KUAIDI100_CALLBACK_URL`` when parcels are subscribed. No login: the sign
(MD5 of param + our salt) is the authentication, checked before anything is read. Answered in the
provider's own shape; a refusal (400) makes it push again later, so a forged push changes nothing
and a real one is never lost. Kept out of the OpenAPI document like WeChat Pay's notify URLs."""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from ninja import Router

from fenxiao.integrations.kuaidi100.push import push_answer
from fenxiao.orders.errors import OrderError
from fenxiao.orders.shipping.traces import trace_push_receive

logger = logging.getLogger(__name__)
router = Router(tags=["物流"])


@router.post("/kuaidi100/notify", auth=None, summary="快递100 物流推送", include_in_schema=False)
def kuaidi100_notify(request: HttpRequest):
    try:
        trace_push_receive(param=request.POST.get("param", ""), sign=request.POST.get("sign", ""))
    except OrderError as exc:
        logger.warning("kuaidi100 push refused: %s", exc.message)
        return JsonResponse(push_answer(ok=False, message=exc.message), status=400)
    except Exception:
        logger.exception("kuaidi100 push: handling failed")
        return JsonResponse(push_answer(ok=False, message="处理失败，请稍后重试"), status=500)
    return JsonResponse(push_answer(ok=True, message="成功"))
