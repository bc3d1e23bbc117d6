"""The network as it really is (issue 19 §4), each figure one query that runs the same on SQLite
and PostgreSQL:

- the deepest level that commission was actually booked at on orders paid in the period;
- commission per level over the period, and the share that came from downline sales (levels 2
  and 3) rather than the distributor's own customers (level 1);
- distributors with at least 30 people within three levels below them: the indicator of the
  threshold in 刑法 Art. 224-1's judicial interpretation (30 participants, three levels). Everyone
  bound to a referrer counts, shopper or distributor, so the figure errs on the side of caution."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Sum

from fenxiao.core.ratios import bps
from fenxiao.distribution.compliance.period import ReportPeriod
from fenxiao.distribution.models import CommissionRecord, Distributor, Referral

TEAM_THRESHOLD = 30
LEVELS = (1, 2, 3)


@dataclass(frozen=True)
class LevelCommission:
    level: int
    records: int
    commission_fen: int  # net of reversals and clawbacks


@dataclass(frozen=True)
class CommissionByLevel:
    levels: tuple[LevelCommission, ...]  # always levels 1..3

    @property
    def deepest_paid_level(self) -> int:
        """0 when nothing was paid in the period."""
        return max((row.level for row in self.levels if row.records), default=0)

    @property
    def total_fen(self) -> int:
        return sum(row.commission_fen for row in self.levels)

    @property
    def own_fen(self) -> int:
        return sum(row.commission_fen for row in self.levels if row.level == 1)

    @property
    def downline_fen(self) -> int:
        return self.total_fen - self.own_fen

    @property
    def downline_share_bps(self) -> int | None:
        """Downline commission over all commission, basis points rounded half-up; ``None`` when
        no commission was earned."""
        return bps(self.downline_fen, self.total_fen)


def commission_by_level(period: ReportPeriod) -> CommissionByLevel:
    """Commission booked on orders paid in the period (one GROUP BY over the paid-at index)."""
    rows = (
        CommissionRecord.objects.filter(
            order__paid_at__isnull=False, order__paid_at__gte=period.start, order__paid_at__lt=period.end
        )
        .values("level")
        .annotate(records=Count("id"), fen=Sum(F("amount_fen") - F("reversed_fen") - F("clawback_fen")))
        .order_by("level")
    )
    found = {r["level"]: (r["records"], int(r["fen"] or 0)) for r in rows}
    return CommissionByLevel(
        tuple(LevelCommission(level, *found.get(level, (0, 0))) for level in LEVELS),
    )


@dataclass(frozen=True)
class TeamSize:
    distributor_id: int
    code: str
    name: str
    level1: int
    level2: int
    level3: int

    @property
    def total(self) -> int:
        return self.level1 + self.level2 + self.level3


def _team_sql(referral: str, distributor: str) -> str:
    # Each branch counts the people at one depth below an ancestor: a person bound to a
    # distributor (level 1), bound to a distributor who is bound to the ancestor (level 2), and
    # one step further (level 3). Referral.user is unique, so nobody is counted twice at a depth.
    return f"""
        SELECT ancestor,
               SUM(CASE WHEN depth = 1 THEN n ELSE 0 END),
               SUM(CASE WHEN depth = 2 THEN n ELSE 0 END),
               SUM(CASE WHEN depth = 3 THEN n ELSE 0 END)
        FROM (
            SELECT r1.distributor_id AS ancestor, 1 AS depth, COUNT(*) AS n
            FROM {referral} r1
            GROUP BY r1.distributor_id
            UNION ALL
            SELECT r1.distributor_id, 2, COUNT(*)
            FROM {referral} r2
            JOIN {distributor} d1 ON d1.id = r2.distributor_id
            JOIN {referral} r1 ON r1.user_id = d1.user_id
            GROUP BY r1.distributor_id
            UNION ALL
            SELECT r1.distributor_id, 3, COUNT(*)
            FROM {referral} r3
            JOIN {distributor} d2 ON d2.id = r3.distributor_id
            JOIN {referral} r2 ON r2.user_id = d2.user_id
            JOIN {distributor} d1 ON d1.id = r2.distributor_id
            JOIN {referral} r1 ON r1.user_id = d1.user_id
            GROUP BY r1.distributor_id
        ) depths
        GROUP BY ancestor
        HAVING SUM(n) >= %s
        ORDER BY SUM(n) DESC, ancestor
    """


def large_teams(*, threshold: int = TEAM_THRESHOLD) -> list[TeamSize]:
    """Distributors with at least ``threshold`` people within three levels below them, the
    largest first."""
    qn = connection.ops.quote_name
    sql = _team_sql(qn(Referral._meta.db_table), qn(Distributor._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [threshold])
        counts = [(int(a), int(n1), int(n2), int(n3)) for a, n1, n2, n3 in cursor.fetchall()]
    people = {
        d["id"]: d
        for d in Distributor.objects.filter(pk__in=[c[0] for c in counts]).values(
            "id", "code", "real_name", "user__nickname"
        )
    }
    return [
        TeamSize(
            distributor_id=a,
            code=people[a]["code"],
            name=people[a]["real_name"] or people[a]["user__nickname"] or "",
            level1=n1,
            level2=n2,
            level3=n3,
        )
        for a, n1, n2, n3 in counts
        if a in people
    ]
