"""``{% dashboard_figures as d %}``: the home page's figures for the signed-in operator, computed
when the admin index renders, so the admin site itself stays Django's."""

from __future__ import annotations

from django import template

from fenxiao.analytics.dashboard import DashboardView, dashboard_for

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_figures(context) -> DashboardView | None:
    request = context.get("request")
    if request is None or not request.user.is_active or not request.user.is_staff:
        return None
    return dashboard_for(request.user)
