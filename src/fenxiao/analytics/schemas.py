"""What the data centre's API answers. Money in fen and rates in basis points (K ×1000), as
integers; ``null`` where a ratio has no denominator in the period."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema


class DefinitionOut(Schema):
    label: str
    unit: str
    definition: str
    band_low: int | None
    band_high: int | None


class SourcesOut(Schema):
    distribution: int
    invite: int
    organic: int


class FiguresOut(Schema):
    gmv_fen: int
    paid_orders: int
    buyers: int
    aov_fen: int | None
    per_order_fen: int | None
    refund_fen: int
    distributor_activity_bps: int | None
    commission_fen: int
    commission_share_bps: int | None
    distribution_gmv_share_bps: int | None
    conversion_bps: int | None
    k_factor_milli: int | None
    new_buyers: int
    new_buyer_sources: SourcesOut
    cac_fen: int | None
    product_activity_bps: int | None


class OverviewOut(Schema):
    from_: date = Field(..., alias="from")
    to: date
    previous_from: date
    previous_to: date
    metrics: FiguresOut
    previous: FiguresOut
    health: dict[str, str]
    definitions: dict[str, DefinitionOut]


class TrendPointOut(Schema):
    label: str
    from_: date = Field(..., alias="from")
    to: date
    value: int | None


class TrendOut(Schema):
    metric: str
    granularity: str
    definition: DefinitionOut
    points: list[TrendPointOut]


class CohortOut(Schema):
    month: str
    buyers: int
    repeat_buyers: int
    rate_bps: int | None
    complete: bool
    health: str | None


class CohortsOut(Schema):
    definition: DefinitionOut
    rows: list[CohortOut]


class RankRowOut(Schema):
    id: int
    name: str
    orders: int
    units: int
    gmv_fen: int


class RankingsOut(Schema):
    kind: str
    from_: date = Field(..., alias="from")
    to: date
    by_gmv: list[RankRowOut]
    by_units: list[RankRowOut]
