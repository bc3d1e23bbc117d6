"""分销中心: the front page (or the application form for a shopper who is not a distributor yet),
earnings with their records, withdrawing and the withdrawal records.

The same services and selectors as the JSON centre (``distribution.api.centre`` and ``actions``):
every read starts from the caller's own distributor, so nobody sees another's money, and a
withdrawal of someone else is "not found". Forms that can be refused (apply, withdraw) come back
with the service's Chinese message next to the field it names and the values kept, answered 200:
a refused form is a page to correct, not a failed load (the browser would log an error for it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from fenxiao.core.errors import DomainError, NotFound
from fenxiao.core.money import yuan_to_fen
from fenxiao.distribution.centre import selectors
from fenxiao.distribution.centre.earnings import commission_list
from fenxiao.distribution.config.settings import distribution_settings
from fenxiao.distribution.errors import NotADistributor
from fenxiao.distribution.models import CommissionStatus, WithdrawalMethod
from fenxiao.distribution.network.enrolment import application_submit
from fenxiao.distribution.withdrawals.payouts import withdrawal_confirm_params
from fenxiao.distribution.withdrawals.requests import BANK_FIELDS, withdrawal_request
from fenxiao.storefront.shortcuts import int_param, pager, render_page, shopper_page

COMMISSION_TABS = (("", "全部"), *((s.value, s.label) for s in CommissionStatus))
APPLY_FIELDS = ("real_name", "phone", "reason")


def distributor_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A centre page for distributors: a signed-in shopper who is not one lands on the centre's
    front page, which offers the application form, rather than on an error."""

    @wraps(view)
    def inner(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotADistributor:
            return HttpResponseRedirect(reverse("storefront:centre"))

    return shopper_page(inner)


def back_to_centre() -> str:
    return reverse("storefront:centre")


def _apply_page(request: HttpRequest, overview, *, values: dict, error: DomainError | None = None) -> HttpResponse:
    context = {
        "overview": overview,
        "values": values,
        "error": error.message if error else "",
        "error_field": (error.field or "") if error else "",
    }
    return render_page(
        request,
        "storefront/centre/apply.html",
        context,
        title="申请成为分销商",
        back=reverse("storefront:me"),
    )


@shopper_page
def centre_home(request: HttpRequest) -> HttpResponse:
    overview = selectors.centre_overview(user=request.user)
    if overview.distributor is None:
        return _apply_page(request, overview, values={"phone": request.user.phone or ""})
    context = {
        "overview": overview,
        "distributor": overview.distributor,
        "balances": overview.balances,
        "share_link": request.build_absolute_uri(f"{reverse('storefront:home')}?ref={overview.distributor.code}"),
    }
    return render_page(request, "storefront/centre/home.html", context, title="分销中心", back=reverse("storefront:me"))


@require_POST
@shopper_page
def centre_apply(request: HttpRequest) -> HttpResponse:
    values = {name: request.POST.get(name, "").strip() for name in APPLY_FIELDS}
    try:
        application_submit(user_id=request.user.pk, **values)
    except DomainError as exc:
        return _apply_page(request, selectors.centre_overview(user=request.user), values=values, error=exc)
    messages.success(request, "申请已提交")
    return HttpResponseRedirect(back_to_centre())


@distributor_page
def centre_earnings(request: HttpRequest) -> HttpResponse:
    distributor = selectors.distributor_get_for_user(user=request.user)
    status = request.GET.get("status", "")
    status = status if status in CommissionStatus.values else ""
    page = commission_list(
        distributor=distributor, status=status or None, page=int_param(request.GET.get("page"), default=1)
    )
    context = {
        "balances": selectors.distributor_balances(distributor=distributor),
        "records": page.items,
        "pager": pager(page),
        "status": status,
        "tabs": COMMISSION_TABS,
    }
    return render_page(request, "storefront/centre/earnings.html", context, title="我的收益", back=back_to_centre())


def _withdraw_page(request: HttpRequest, *, values: dict, error: DomainError | None = None) -> HttpResponse:
    distributor = selectors.distributor_get_for_user(user=request.user)
    context = {
        "balances": selectors.distributor_balances(distributor=distributor),
        "rules": distribution_settings(),
        "methods": WithdrawalMethod.choices,
        "values": values,
        "error": error.message if error else "",
        "error_code": error.code if error else "",
        # The service names the amount ``amount_fen``; the form asks for yuan in ``amount``.
        "error_field": {"amount_fen": "amount"}.get(error.field or "", error.field or "") if error else "",
    }
    return render_page(request, "storefront/centre/withdraw.html", context, title="申请提现", back=back_to_centre())


def _amount_fen(raw: str) -> int:
    try:
        amount = yuan_to_fen(raw)
    except ValueError as exc:
        raise DomainError("FORM_INVALID", "请输入正确的提现金额（元，最多两位小数）", field="amount") from exc
    if amount <= 0:
        raise DomainError("FORM_INVALID", "提现金额必须大于 0", field="amount")
    return amount


@distributor_page
def centre_withdraw(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _withdraw_page(request, values={"method": WithdrawalMethod.WECHAT})
    values = {name: request.POST.get(name, "").strip() for name in ("amount", "method", *BANK_FIELDS)}
    try:
        withdrawal = withdrawal_request(
            user_id=request.user.pk,
            amount_fen=_amount_fen(values["amount"]),
            method=values["method"],
            bank={name: values[name] for name in BANK_FIELDS},
        )
    except DomainError as exc:
        return _withdraw_page(request, values=values, error=exc)
    messages.success(request, "提现申请已提交")
    return HttpResponseRedirect(reverse("storefront:centre_withdrawal", args=[withdrawal.pk]))


@distributor_page
def centre_withdrawals(request: HttpRequest) -> HttpResponse:
    distributor = selectors.distributor_get_for_user(user=request.user)
    page = selectors.withdrawal_list(distributor=distributor, page=int_param(request.GET.get("page"), default=1))
    context = {"withdrawals": page.items, "pager": pager(page)}
    return render_page(request, "storefront/centre/withdrawals.html", context, title="提现记录", back=back_to_centre())


@distributor_page
def centre_withdrawal(request: HttpRequest, withdrawal_id: int) -> HttpResponse:
    distributor = selectors.distributor_get_for_user(user=request.user)
    withdrawal = selectors.withdrawal_get(distributor=distributor, withdrawal_id=withdrawal_id)
    context = {
        "w": withdrawal,
        "can_confirm": withdrawal_confirm_params(withdrawal) is not None,
        "sandbox": settings.WECHAT_MODE == "sandbox",
    }
    return render_page(
        request,
        "storefront/centre/withdrawal.html",
        context,
        title="提现详情",
        back=reverse("storefront:centre_withdrawals"),
    )


@require_POST
@distributor_page
def centre_withdrawal_confirm(request: HttpRequest, withdrawal_id: int) -> HttpResponse:
    """Sandbox only: what the payee's tap on WeChat's 确认收款 page does (``wx.requestMerchantTransfer``
    in the mini-program); the same step as the API's ``sandbox-confirm``."""
    from fenxiao.integrations.wechat.transfer.sandbox_controls import sandbox_transfer_confirm

    distributor = selectors.distributor_get_for_user(user=request.user)
    withdrawal = selectors.withdrawal_get(distributor=distributor, withdrawal_id=withdrawal_id)
    if withdrawal_confirm_params(withdrawal) is None:
        raise NotFound("WITHDRAWAL_NOT_FOUND", "提现记录不存在或不在待确认收款状态")
    sandbox_transfer_confirm(withdrawal.out_bill_no)
    messages.success(request, "已确认收款")
    return HttpResponseRedirect(reverse("storefront:centre_withdrawal", args=[withdrawal.pk]))
