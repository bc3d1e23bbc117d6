"""The H5 storefront's pages (namespace ``storefront``), included at the site root."""

from __future__ import annotations

from django.urls import include, path

from fenxiao.storefront.views import (
    addresses,
    aftersales,
    auth,
    cart,
    catalog,
    checkout,
    complaints,
    coupons,
    group_buy,
    invites,
    materials,
    orders,
    seckill,
    uploads,
)

app_name = "storefront"

urlpatterns = [
    path("", catalog.home, name="home"),
    path("category/", catalog.category, name="category"),
    path("search/", catalog.search, name="search"),
    path("products/<int:product_id>/", catalog.product, name="product"),
    path("products/<int:product_id>/share/", catalog.product_share, name="product_share"),
    path("cart/", cart.cart_page, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/select/", cart.cart_select_all, name="cart_select_all"),
    path("cart/items/<int:item_id>/", cart.cart_item_update, name="cart_item_update"),
    path("cart/items/<int:item_id>/delete/", cart.cart_item_delete, name="cart_item_delete"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("checkout/submit/", checkout.checkout_submit, name="checkout_submit"),
    path("addresses/", addresses.address_list, name="addresses"),
    path("addresses/new/", addresses.address_new, name="address_new"),
    path("addresses/<int:address_id>/", addresses.address_edit, name="address_edit"),
    path("addresses/<int:address_id>/delete/", addresses.address_delete, name="address_delete"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/<int:order_id>/", orders.order_detail, name="order_detail"),
    path("orders/<int:order_id>/pay/", orders.order_pay, name="order_pay"),
    path("orders/<int:order_id>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<int:order_id>/receive/", orders.order_receive, name="order_receive"),
    path("orders/<int:order_id>/after-sale/", aftersales.aftersale_new, name="aftersale_new"),
    path("after-sales/", aftersales.aftersale_list, name="aftersales"),
    path("complaints/", complaints.complaint_list, name="complaints"),
    path("complaints/new/", complaints.complaint_new, name="complaint_new"),
    path("uploads/images/", uploads.image_upload, name="image_upload"),
    path("complaints/<int:complaint_id>/", complaints.complaint_detail, name="complaint_detail"),
    path("after-sales/<int:after_sale_id>/", aftersales.aftersale_detail, name="aftersale_detail"),
    path("after-sales/<int:after_sale_id>/cancel/", aftersales.aftersale_cancel, name="aftersale_cancel"),
    path("after-sales/<int:after_sale_id>/return/", aftersales.aftersale_return, name="aftersale_return"),
    path("coupons/", coupons.coupon_centre, name="coupons"),
    path("coupons/claim/", coupons.coupon_claim, name="coupon_claim"),
    path("seckill/", seckill.seckill_list, name="seckill"),
    path("seckill/<int:activity_id>/buy/", seckill.seckill_buy_view, name="seckill_buy"),
    path("group-buy/", group_buy.activity_list, name="group_buy"),
    path("group-buy/mine/", group_buy.my_groups, name="group_buy_mine"),
    path("group-buy/<int:activity_id>/", group_buy.activity_detail, name="group_buy_activity"),
    path("group-buy/<int:activity_id>/open/", group_buy.group_open_view, name="group_buy_open"),
    path("group-buy/groups/<int:group_id>/", group_buy.group_detail, name="group_buy_group"),
    path("group-buy/groups/<int:group_id>/join/", group_buy.group_join_view, name="group_buy_join"),
    path("login/", auth.login_page, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("me/", auth.me, name="me"),
    path("invite/", invites.invite_page, name="invite"),
    path("", include("fenxiao.storefront.centre_urls")),  # 分销中心 /centre/... and 小店 /shop/<code>/
    path("centre/materials/", materials.material_list, name="materials"),
    path("centre/materials/<int:material_id>/", materials.material_detail, name="material_detail"),
]
