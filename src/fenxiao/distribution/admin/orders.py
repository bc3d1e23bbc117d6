"""The orders list with the referring distributor. The orders app knows nothing of distribution
(DESIGN §2), so, as inventory adds stock to the catalogue's product pages, distribution registers
the order admin again with what it adds: a 推荐分销商 column, the level-1 distributor of the
referral chain the order snapshotted when it was placed (``OrderReferral.chain[0]``), never the
buyer's binding today, which may have moved since.

The column is two correlated subqueries in the list's own SELECT, so a page of orders stays one
query however many rows it shows."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import BigIntegerField, CharField, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, NullIf
from django.urls import reverse

from fenxiao.core.admin_columns import NAME_EM, clipped
from fenxiao.distribution.models import Distributor, OrderReferral
from fenxiao.orders.admin.orders import OrderAdmin
from fenxiao.orders.models import Order


def distributor_name():
    """A distributor's name as the console shows it: the real name, else the user's nickname,
    else the username (``Distributor.real_name or user.display_name``, as one expression)."""
    return Coalesce(NullIf(F("real_name"), Value("")), NullIf(F("user__nickname"), Value("")), F("user__username"))


def with_referrer(queryset: QuerySet[Order]) -> QuerySet[Order]:
    """``referrer_id`` and ``referrer_name``: the order's level-1 distributor, or None."""
    level1 = (
        OrderReferral.objects.filter(order_id=OuterRef("pk"))
        .annotate(level1=Cast(KeyTextTransform("0", "chain"), BigIntegerField()))
        .values("level1")[:1]
    )
    name = Distributor.objects.filter(pk=OuterRef("referrer_id")).annotate(shown=distributor_name()).values("shown")
    return queryset.annotate(referrer_id=Subquery(level1)).annotate(
        referrer_name=Subquery(name[:1], output_field=CharField())
    )


class OrderReferrerAdmin(OrderAdmin):
    list_display = (*OrderAdmin.list_display[:2], "referrer", *OrderAdmin.list_display[2:])

    def get_queryset(self, request):
        return with_referrer(super().get_queryset(request))

    @admin.display(description="推荐分销商", ordering="referrer_name")
    def referrer(self, order: Order) -> str:
        if order.referrer_id is None:
            return "-"
        link = reverse("admin:distribution_distributor_change", args=[order.referrer_id])
        return clipped(order.referrer_name, width_em=NAME_EM, link=link)


admin.site.unregister(Order)
admin.site.register(Order, OrderReferrerAdmin)
