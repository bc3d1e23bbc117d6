"""分销中心 real name and yearly income (issue 19 §3, §5): the form that gives real name and ID
number (answered with masks only; the full number is never shown again, not even to its owner),
and the year's income per quarter with the definitions the tax report uses. The same services as
``distribution.api.identity``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from fenxiao.core.errors import DomainError
from fenxiao.distribution.centre import selectors
from fenxiao.distribution.config.settings import distribution_settings
from fenxiao.distribution.identity.gate import withdrawn_total_fen
from fenxiao.distribution.identity.services import identity_masked, identity_submit
from fenxiao.distribution.tax.statement import income_statement, statement_year
from fenxiao.storefront.shortcuts import render_page
from fenxiao.storefront.views.centre import back_to_centre, distributor_page

STATEMENT_NOTE = (
    "按入账时间（北京时间）归属季度：佣金收入为订单付款时计入的佣金；退款冲减及追回计入退款发生的季度；"
    "净收入 = 佣金收入 − 退款冲减及追回；已提现为当季到账的提现（含手续费）。"
)


def _identity_page(request: HttpRequest, *, values: dict, error: DomainError | None = None) -> HttpResponse:
    distributor = selectors.distributor_get_for_user(user=request.user)
    context = {
        "identity": identity_masked(distributor_id=distributor.id),
        "required_over_fen": distribution_settings().identity_required_over_fen,
        "withdrawn_fen": withdrawn_total_fen(distributor.id),
        "values": values,
        "error": error.message if error else "",
        "error_field": (error.field or "") if error else "",
        "next": "withdraw" in (request.GET.get("next"), request.POST.get("next")),
    }
    return render_page(request, "storefront/centre/identity.html", context, title="实名认证", back=back_to_centre())


@distributor_page
def centre_identity(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _identity_page(request, values={})
    values = {"real_name": request.POST.get("real_name", "").strip()}
    try:
        identity_submit(
            user_id=request.user.pk, real_name=values["real_name"], id_number=request.POST.get("id_number", "")
        )
    except DomainError as exc:
        return _identity_page(request, values=values, error=exc)  # the number is never echoed back
    messages.success(request, "实名认证信息已保存")
    target = "storefront:centre_withdraw" if request.POST.get("next") == "withdraw" else "storefront:centre_identity"
    return HttpResponseRedirect(reverse(target))


@distributor_page
def centre_income(request: HttpRequest) -> HttpResponse:
    distributor = selectors.distributor_get_for_user(user=request.user)
    try:
        year = statement_year(request.GET.get("year"))
    except DomainError:
        year = statement_year(None)
    statement = income_statement(distributor_id=distributor.id, year=year)
    context = {"statement": statement, "note": STATEMENT_NOTE, "prev_year": year - 1, "next_year": year + 1}
    return render_page(
        request, "storefront/centre/income.html", context, title=f"{year} 年收入明细", back=back_to_centre()
    )
