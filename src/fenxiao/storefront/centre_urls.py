"""The distributor centre's pages (``/centre/...``) and the public shop pages (``/shop/<code>/``).

Included by ``storefront/urls.py`` without a namespace of its own, so the names live in the
``storefront`` namespace: ``storefront:centre``, ``storefront:centre_withdraw``, ``storefront:shop``."""

from __future__ import annotations

from django.urls import path

from fenxiao.storefront.views import centre, centre_identity, centre_insights, centre_network, centre_shop

urlpatterns = [
    path("centre/", centre.centre_home, name="centre"),
    path("centre/apply/", centre.centre_apply, name="centre_apply"),
    path("centre/earnings/", centre.centre_earnings, name="centre_earnings"),
    path("centre/withdraw/", centre.centre_withdraw, name="centre_withdraw"),
    path("centre/withdrawals/", centre.centre_withdrawals, name="centre_withdrawals"),
    path("centre/withdrawals/<int:withdrawal_id>/", centre.centre_withdrawal, name="centre_withdrawal"),
    path(
        "centre/withdrawals/<int:withdrawal_id>/confirm/",
        centre.centre_withdrawal_confirm,
        name="centre_withdrawal_confirm",
    ),
    path("centre/identity/", centre_identity.centre_identity, name="centre_identity"),
    path("centre/income/", centre_identity.centre_income, name="centre_income"),
    path("centre/team/", centre_network.centre_team, name="centre_team"),
    path("centre/customers/", centre_network.centre_customers, name="centre_customers"),
    path("centre/orders/", centre_network.centre_orders, name="centre_orders"),
    path("centre/rankings/", centre_network.centre_rankings, name="centre_rankings"),
    path("centre/tier/", centre_network.centre_tier, name="centre_tier"),
    path("centre/share/", centre_network.centre_share, name="centre_share"),
    path("centre/insights/", centre_insights.centre_insights, name="centre_insights"),
    path("centre/shop/", centre_shop.centre_shop, name="centre_shop"),
    path("centre/shop/pick/", centre_shop.centre_shop_pick, name="centre_shop_pick"),
    path("centre/shop/add/", centre_shop.centre_shop_add, name="centre_shop_add"),
    path("centre/shop/remove/", centre_shop.centre_shop_remove, name="centre_shop_remove"),
    path("centre/shop/reorder/", centre_shop.centre_shop_reorder, name="centre_shop_reorder"),
    path("shop/<str:code>/", centre_shop.shop_page, name="shop"),
]
