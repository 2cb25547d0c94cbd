"""The 三率 tables of the statistics page: rates per 街道 or department, ranked fairly.

Only groups with at least settings.RATES_MIN_SAMPLE requests in the period get a rank, so a
街道 with two requests, both handled well, is not placed above one that handled two hundred.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from apps.appeals.selectors import RATE_DEFINITIONS, Rates, appeal_rates
from apps.public.periods import Period


@dataclass(frozen=True)
class RankedRates:
    rank: int | None
    rates: Rates


@dataclass(frozen=True)
class RatesTable:
    group_by: str
    rows: list[RankedRates]
    total: Rates
    min_sample: int

    @property
    def chart(self) -> dict:
        """Series for the chart; a rate without a denominator is null (no bar), not zero."""

        def number(value: Decimal | None) -> float | None:
            return float(value) if value is not None else None

        rows = [row.rates for row in self.rows]
        return {
            "names": [r.name for r in rows],
            "response": [number(r.response_rate) for r in rows],
            "resolution": [number(r.resolution_rate) for r in rows],
            "satisfaction": [number(r.satisfaction_rate) for r in rows],
            "labels": {"response": _("响应率"), "resolution": _("解决率"), "satisfaction": _("满意率")},
        }


def _rank(rates: list[Rates]) -> list[RankedRates]:
    """Competition ranking (1, 2, 2, 4) by composite score among rankable groups only."""
    ranked: list[RankedRates] = []
    position, previous_score, previous_rank = 0, None, None
    for row in rates:  # appeal_rates sorts rankable groups first, best score first
        if not row.rankable or row.score is None:
            ranked.append(RankedRates(None, row))
            continue
        position += 1
        rank = previous_rank if row.score == previous_score else position
        previous_score, previous_rank = row.score, rank
        ranked.append(RankedRates(rank, row))
    return ranked


def _total(rates: list[Rates]) -> Rates:
    return Rates(
        key=0,
        name="",
        received=sum(r.received for r in rates),
        responded_in_time=sum(r.responded_in_time for r in rates),
        due=sum(r.due for r in rates),
        resolved=sum(r.resolved for r in rates),
        rated=sum(r.rated for r in rates),
        satisfied=sum(r.satisfied for r in rates),
    )


def rates_table(period: Period, *, group_by: str) -> RatesTable:
    rates = appeal_rates(start=period.start, end=period.end, group_by=group_by)
    return RatesTable(group_by=group_by, rows=_rank(rates), total=_total(rates), min_sample=settings.RATES_MIN_SAMPLE)


def rate_definitions() -> dict[str, str]:
    return dict(RATE_DEFINITIONS)
