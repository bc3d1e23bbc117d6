"""What an operator reads beside each distributor (the admin list, the distributor export): team
size, own settled sales, net commission and complaints, each one correlated subquery in the same
SELECT, so a page of distributors (or an export's chunk) is one query."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from fenxiao.distribution.models import CommissionRecord, CommissionStatus, Distributor, Referral
from fenxiao.risk.complaints.selectors import complaint_count_subquery


def _team_size():
    rows = Referral.objects.filter(distributor=OuterRef("pk")).order_by().values("distributor")
    return Subquery(rows.annotate(n=Count("id")).values("n"), output_field=IntegerField())


def _commission_sum(expression, **filters):
    rows = CommissionRecord.objects.filter(distributor=OuterRef("pk"), **filters).order_by().values("distributor")
    return Subquery(rows.annotate(total=Sum(expression)).values("total"))


def distributor_figures(queryset: QuerySet[Distributor]) -> QuerySet[Distributor]:
    """Annotates ``team_size`` (level-1 customers), ``settled_sales_fen`` (own level-1 sales whose
    commission settled, net of refunds), ``commission_fen`` (every level, net of reversals and
    clawbacks) and ``complaint_count``."""
    return queryset.annotate(
        team_size=Coalesce(_team_size(), 0),
        settled_sales_fen=Coalesce(
            _commission_sum(F("base_fen") - F("refunded_base_fen"), level=1, status=CommissionStatus.SETTLED), 0
        ),
        commission_fen=Coalesce(_commission_sum(F("amount_fen") - F("reversed_fen") - F("clawback_fen")), 0),
        complaint_count=complaint_count_subquery("user"),
    )
