"""The 三率 tables of the statistics page: rates per 街道 or department, ranked fairly.

Only groups with at least settings.RATES_MIN_SAMPLE requests in the period get a rank, so a
街道 with two requests, both handled well, is not placed above one that handled two hundred.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from apps.appeals import selectors as appeal_selectors
from apps.appeals.figures import Formula, GroupFigures, figures_by, figures_total, formulas
from apps.appeals.selectors import Rates, appeal_rates, rates_ranked
from apps.common.cache import PROJECTS, cached_value
from apps.projects.selectors import GroupProjectFigures, project_comparison, public_projects
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


@dataclass(frozen=True)
class FiguresTable:
    """Every figure (settings.FIGURES) per 街道 or unit, with 环比, for /stats/."""

    group_by: str
    rows: list[GroupFigures]
    total: GroupFigures
    formulas: list[Formula]


@dataclass(frozen=True)
class StatsTables:
    rates: dict[str, RatesTable]
    figures: dict[str, FiguresTable]


def stats_tables(period: Period) -> StatsTables:
    """The 三率 tables and every figure, per 街道 and per unit, from the daily rollups: 5 queries
    for any period, whatever the number of requests."""
    by = figures_by(first_day=period.first_day, last_day=period.last_day)
    rates, tables = {}, {}
    for group_by, rows in by.items():
        total = figures_total(rows)
        rates[group_by] = RatesTable(
            group_by=group_by,
            rows=_rank(rates_ranked(rows)),
            total=Rates.of(total),
            min_sample=settings.RATES_MIN_SAMPLE,
        )
        tables[group_by] = FiguresTable(group_by, rows, total, formulas())
    return StatsTables(rates, tables)


def year_project_comparison(year: int, group_by: str) -> list[GroupProjectFigures]:
    """The year's published top-level projects per 街道 or lead department: the same for every
    period ending in that year, so kept until a project changes (2 queries when it has)."""

    def compute() -> list[GroupProjectFigures]:
        projects = public_projects().filter(year=year, parent__isnull=True)
        return project_comparison(projects, group_by=group_by)

    return cached_value(f"stats_projects:{year}:{group_by}", compute, depends=(PROJECTS,))


def figure_definitions() -> list[tuple[str, str]]:
    """(name, formula in words) of every figure, in the settings' order."""
    return [(formula.label, formula.words()) for formula in formulas()]


def rate_definitions() -> dict[str, str]:
    return appeal_selectors.rate_definitions()
