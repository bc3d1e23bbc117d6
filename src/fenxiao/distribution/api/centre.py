"""The distributor centre's read side: ``/api/v1/distribution/...`` for the mini-program.

Every endpoint answers only about the caller: it starts from the caller's own distributor (403
``NOT_A_DISTRIBUTOR`` for anyone else, except ``/me``, which tells anyone where they stand), and
another distributor's withdrawal is a 404."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from fenxiao.accounts.auth import user_auth
from fenxiao.core.openapi_errors import answers
from fenxiao.distribution.api import centre_schemas as schemas
from fenxiao.distribution.centre import earnings, selectors, standing
from fenxiao.distribution.withdrawals.payouts import withdrawal_confirm_params

router = Router(tags=["分销中心"], auth=user_auth)


@router.get("/me", response=schemas.MeOut, summary="我的分销概览")
def me(request: HttpRequest):
    return schemas.me_dict(selectors.centre_overview(user=request.auth))


@router.get("/team", response=schemas.TeamOut, summary="我的团队")
@answers(403)
def team(request: HttpRequest, filters: Query[schemas.TeamQuery]):
    distributor = selectors.distributor_get_for_user(user=request.auth)
    page = selectors.team_member_list(
        distributor=distributor, level=filters.level, page=filters.page, page_size=filters.page_size
    )
    return schemas.team_dict(selectors.team_counts(distributor=distributor), filters.level, page)


@router.get("/customers", response=schemas.CustomerPageOut, summary="我的客户")
@answers(403)
def customers(request: HttpRequest, filters: Query[schemas.MyPageQuery]):
    distributor = selectors.distributor_get_for_user(user=request.auth)
    page = selectors.customer_list(distributor=distributor, page=filters.page, page_size=filters.page_size)
    return page.shaped(vars)


@router.get("/orders", response=schemas.ReferredOrderPageOut, summary="推广订单")
@answers(403)
def orders(request: HttpRequest, filters: Query[schemas.StatusQuery]):
    distributor = selectors.distributor_get_for_user(user=request.auth)
    page = earnings.referred_order_list(
        distributor=distributor, status=filters.status, page=filters.page, page_size=filters.page_size
    )
    return page.shaped(schemas.referred_order_dict)


@router.get("/commissions", response=schemas.CommissionPageOut, summary="佣金明细")
@answers(403)
def commissions(request: HttpRequest, filters: Query[schemas.StatusQuery]):
    distributor = selectors.distributor_get_for_user(user=request.auth)
    page = earnings.commission_list(
        distributor=distributor, status=filters.status, page=filters.page, page_size=filters.page_size
    )
    return page.shaped(vars)


@router.get("/rankings", response=schemas.RankingOut, summary="排行榜")
@answers(403)
def rankings(request: HttpRequest, filters: Query[schemas.RankingQuery]):
    distributor = selectors.distributor_get_for_user(user=request.auth)
    ranking = standing.ranking_list(distributor=distributor, period=filters.period, by=filters.by)
    return schemas.ranking_dict(ranking)


@router.get("/tier", response=schemas.TierProgressOut, summary="我的等级")
@answers(403)
def tier(request: HttpRequest):
    distributor = selectors.distributor_get_for_user(user=request.auth)
    return schemas.tier_progress_dict(standing.tier_overview(distributor=distributor))


@router.get("/withdrawals", response=schemas.MyWithdrawalPageOut, summary="提现记录")
@answers(403)
def withdrawals(request: HttpRequest, filters: Query[schemas.MyPageQuery]):
    distributor = selectors.distributor_get_for_user(user=request.auth)
    page = selectors.withdrawal_list(distributor=distributor, page=filters.page, page_size=filters.page_size)
    return page.shaped(schemas.withdrawal_dict)


@router.get("/withdrawals/{int:withdrawal_id}", response=schemas.WithdrawalDetailOut, summary="提现详情")
@answers(403)
def withdrawal_detail(request: HttpRequest, withdrawal_id: int):
    distributor = selectors.distributor_get_for_user(user=request.auth)
    withdrawal = selectors.withdrawal_get(distributor=distributor, withdrawal_id=withdrawal_id)
    return schemas.withdrawal_detail_dict(withdrawal, confirm_params=withdrawal_confirm_params(withdrawal))
