"""The data centre's period: a preset (今天, 近7天, 近30天, 本月) counted back from today in the
shop's time zone, or a custom from–to, checked against the same limits as the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from django import forms

from fenxiao.analytics.metrics.definitions import METRICS, TREND_METRICS
from fenxiao.analytics.periods import MAX_DAYS, DayRange, month_start, today

Granularity = Literal["day", "week", "month"]
PRESETS = (("today", "今天"), ("7d", "近7天"), ("30d", "近30天"), ("month", "本月"), ("custom", "自定义"))
DEFAULT_PRESET = "30d"
DEFAULT_TRENDS = ("gmv_fen", "paid_orders", "buyers", "commission_share_bps")
EARLIEST, LATEST = date(2000, 1, 1), date(9998, 12, 31)
DAILY_UP_TO = 62  # days: about two months of points stays readable
WEEKLY_UP_TO = 371  # days: 53 weeks; longer periods are drawn by month
COHORT_MONTHS = 6


def preset_span(preset: str, day: date) -> DayRange:
    """The preset's days, all ending ``day`` (today): a period that includes today shows the
    figures so far, as the admin home does."""
    if preset == "today":
        return DayRange(day, day)
    if preset == "7d":
        return DayRange(day - timedelta(days=6), day)
    if preset == "month":
        return DayRange(month_start(day), day)
    return DayRange(day - timedelta(days=29), day)


def granularity_for(span: DayRange) -> Granularity:
    """Days up to two months, ISO weeks up to a year, months beyond: never more than ~60 points."""
    if span.days <= DAILY_UP_TO:
        return "day"
    return "week" if span.days <= WEEKLY_UP_TO else "month"


def cohort_months(span: DayRange) -> tuple[date, date]:
    """The months of the period, and at least the six months up to its last one: one month alone
    says nothing about repurchase."""
    last = month_start(span.last)
    first = month_start(span.first)
    at_least = last
    for _ in range(COHORT_MONTHS - 1):
        at_least = month_start(at_least - timedelta(days=1))
    return min(first, at_least), last


class RangeForm(forms.Form):
    """A GET form: nothing here writes. ``span`` and ``metrics`` are set once it is valid."""

    range = forms.ChoiceField(label="统计区间", choices=PRESETS, required=False)
    metric = forms.MultipleChoiceField(
        label="趋势指标",
        choices=[(key, METRICS[key].label) for key in TREND_METRICS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ``from``/``to`` as in the API's query; ``from`` cannot be a class attribute's name.
        self.fields["from"] = forms.DateField(label="开始日期", required=False)
        self.fields["to"] = forms.DateField(label="结束日期", required=False)
        self.span: DayRange | None = None
        self.metrics: list[str] = list(DEFAULT_TRENDS)

    @property
    def preset(self) -> str:
        chosen = self.data.get("range") or DEFAULT_PRESET
        return chosen if chosen in dict(PRESETS) else DEFAULT_PRESET

    def clean(self):
        data = super().clean()
        self.metrics = [key for key in TREND_METRICS if key in (data.get("metric") or [])] or list(DEFAULT_TRENDS)
        preset = data.get("range") or DEFAULT_PRESET
        if preset != "custom":
            self.span = preset_span(preset, today())
            return data
        first, last = data.get("from"), data.get("to")
        if "from" in self.errors or "to" in self.errors:
            return data
        if first is None or last is None:
            raise forms.ValidationError("自定义区间请选择开始日期和结束日期", code="required")
        if not (EARLIEST <= first <= LATEST and EARLIEST <= last <= LATEST):
            raise forms.ValidationError("日期应在 2000-01-01 至 9998-12-31 之间", code="out_of_range")
        if first > last:
            self.add_error("from", "开始日期不能晚于结束日期")
            return data
        span = DayRange(first, last)
        if span.days > MAX_DAYS:
            self.add_error("to", f"统计区间最长 {MAX_DAYS} 天")
            return data
        self.span = span
        return data

    def shown_dates(self) -> tuple[str, str]:
        """The dates the form shows again: the period counted when valid (a preset fills them in,
        ready to adjust), otherwise exactly what was typed, so nothing is lost."""
        if self.span is not None and not self.errors:
            return self.span.first.isoformat(), self.span.last.isoformat()
        return self.data.get("from", ""), self.data.get("to", "")

    def metric_choices(self) -> list[tuple[str, str, bool]]:
        """(key, label, checked) for the trend picker: the metrics asked for, or the defaults."""
        asked = self.data.getlist("metric") if hasattr(self.data, "getlist") else self.data.get("metric", [])
        chosen = [key for key in TREND_METRICS if key in asked] or list(DEFAULT_TRENDS)
        return [(key, METRICS[key].label, key in chosen) for key in TREND_METRICS]
