"""The distributor's writes: apply, bind a share, ask for a withdrawal, share assets; and WeChat's
transfer notify URL. Reads of the distributor centre live in ``centre``, on the same router."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from fenxiao.core.errors import Forbidden, NotFound
from fenxiao.core.openapi_errors import answers
from fenxiao.distribution.api.centre import router
from fenxiao.distribution.api.schemas import (
    ApplicationOut,
    ApplyIn,
    BindIn,
    BindOut,
    ShareOut,
    WithdrawalCreatedOut,
    WithdrawIn,
    withdrawal_dict,
)
from fenxiao.distribution.centre.sharing import share_assets
from fenxiao.distribution.errors import NotADistributor
from fenxiao.distribution.models import ApplicationStatus, Distributor, DistributorStatus, Withdrawal
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.distribution.network.enrolment import application_submit
from fenxiao.distribution.withdrawals.payouts import withdrawal_confirm_params, withdrawal_transfer_notified
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.payments.api import wechat_notify_answer
from fenxiao.payments.schemas import NotifyAck

# One router for the whole distributor centre (``router``, from ``centre``): Ninja makes one URL
# pattern per path per router, so GET /withdrawals there and POST /withdrawals here must share it.


@router.post("/apply", response={201: ApplicationOut}, summary="申请成为分销商")
@answers(403, 409)
def apply(request: HttpRequest, body: ApplyIn):
    application = application_submit(
        user_id=request.auth.id, real_name=body.real_name, phone=body.phone, reason=body.reason
    )
    distributor = Distributor.objects.filter(user_id=request.auth.id).first()
    return Status(
        201,
        {
            "id": application.id,
            "status": application.status,
            "status_label": ApplicationStatus(application.status).label,
            "distributor_code": distributor.code if distributor else None,
        },
    )


@router.post("/bind", response=BindOut, summary="绑定推荐人（打开分享链接、海报或小程序码时调用）")
@answers(403, 404)
def bind(request: HttpRequest, body: BindIn):
    outcome = referral_bind(user_id=request.auth.id, code=body.code, source=body.source)
    return {"status": outcome.status, "message": outcome.message, "referrer_code": outcome.distributor.code}


@router.post("/withdrawals", response={201: WithdrawalCreatedOut}, summary="申请提现")
@answers(403, 409)
def withdraw(request: HttpRequest, body: WithdrawIn):
    withdrawal = withdrawal_request(
        user_id=request.auth.id,
        amount_fen=body.amount_fen,
        method=body.method,
        bank=body.bank.model_dump() if body.bank else None,
    )
    withdrawal.refresh_from_db()
    return Status(201, {**withdrawal_dict(withdrawal), "confirm_params": withdrawal_confirm_params(withdrawal)})


@router.post(
    "/withdrawals/{withdrawal_id}/sandbox-confirm",
    response=WithdrawalCreatedOut,
    summary="沙箱：模拟在微信中确认收款",
)
def sandbox_confirm(request: HttpRequest, withdrawal_id: int):
    """What the payee's tap on WeChat's confirm page does, in sandbox mode only."""
    from fenxiao.integrations.wechat.transfer.sandbox_controls import sandbox_transfer_confirm

    withdrawal = Withdrawal.objects.filter(pk=withdrawal_id, distributor__user_id=request.auth.id).first()
    if withdrawal is None or not withdrawal_confirm_params(withdrawal):
        raise NotFound("WITHDRAWAL_NOT_FOUND", "提现记录不存在或不在待确认收款状态")
    sandbox_transfer_confirm(withdrawal.out_bill_no)
    withdrawal.refresh_from_db()
    return {**withdrawal_dict(withdrawal), "confirm_params": withdrawal_confirm_params(withdrawal)}


@router.get("/share", response=ShareOut, summary="推广素材：分享链接、小程序码与商品海报")
@answers(403, 404)
def share(request: HttpRequest, product_id: int | None = None):
    distributor = Distributor.objects.select_related("user").filter(user_id=request.auth.id).first()
    if distributor is None:
        raise NotADistributor()
    if distributor.status != DistributorStatus.ACTIVE:
        raise Forbidden("DIST_SUSPENDED", "您的分销资格已暂停，暂不能推广")
    assets = share_assets(distributor=distributor, product_id=product_id)
    return {
        "code": distributor.code,
        "share_path": assets.share_path,
        "product_path": assets.product_path,
        "code_url": request.build_absolute_uri(assets.code_url),
        "poster_url": request.build_absolute_uri(assets.poster_url) if assets.poster_url else None,
    }


notify_router = Router(tags=["分销"])


@notify_router.post(
    "/wechat/transfer-notify", auth=None, response=NotifyAck, summary="商家转账结果通知", include_in_schema=False
)
def transfer_notify(request: HttpRequest) -> HttpResponse | dict:
    return wechat_notify_answer(request, withdrawal_transfer_notified)
