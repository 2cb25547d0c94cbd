"""The figures behind the dashboard and programme pages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.appeals import services as appeal_services
from apps.projects.models import ProjectStatus
from apps.projects.selectors import programme_figures
from apps.public import selectors
from tests import factories as f
from tests.public.site_data import project_with_health

pytestmark = pytest.mark.django_db


def test_month_starts_cross_the_new_year():
    now = timezone.make_aware(datetime(2026, 2, 10, 9, 0))
    assert selectors.month_starts(months=4, now=now) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


def test_requests_per_month_counts_received_and_resolved_in_their_own_months():
    official = f.official()
    now = timezone.now()
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    old = f.appeal(
        submitted_at=timezone.make_aware(datetime.combine(last_month, datetime.min.time())) + timedelta(hours=10)
    )
    f.appeal()
    appeal_services.appeal_accept(appeal=old, by=official)
    appeal_services.appeal_assign(appeal=old, department=f.department(), by=official)
    appeal_services.appeal_sign(appeal=old, by=official, proxy_reason="单位系统故障")
    appeal_services.appeal_resolve(appeal=old, reply="已修好。", by=official, proxy_reason="单位系统故障")
    monthly = selectors.requests_per_month(months=3, now=now)
    assert monthly.months[-2:] == [last_month, this_month]
    assert monthly.received[-2:] == [1, 1]
    assert monthly.resolved[-2:] == [0, 1]


def test_programme_figures_count_public_top_level_projects_of_the_year():
    year = timezone.localdate().year
    f.project(
        programme_code="lvse", status=ProjectStatus.COMPLETED, planned_investment=Decimal("100"), invested=Decimal("80")
    )
    project_with_health("red", programme_code="lvse", planned_investment=Decimal("300"), invested=Decimal("20"))
    project_with_health("yellow", programme_code="lvse", planned_investment=Decimal("0"))
    f.project(programme_code="lvse", is_public=False, planned_investment=Decimal("999"))
    old = f.project(programme_code="lvse")
    old.year = year - 1
    old.save(update_fields=["year"])
    (lvse,) = programme_figures(year=year, code="lvse")
    assert (lvse.total, lvse.completed, lvse.in_progress, lvse.red, lvse.yellow, lvse.green) == (3, 1, 2, 1, 1, 1)
    assert lvse.planned_investment == Decimal("400") and lvse.invested == Decimal("100")
    assert lvse.investment_ratio == Decimal("25.0")
    # (0 for the completed one as stored + 10 red + 35 yellow) / 3
    assert lvse.average_progress == Decimal("15.0")


def test_a_programme_without_projects_has_empty_figures():
    (fumin,) = programme_figures(year=2026, code="fumin")
    assert fumin.total == 0 and fumin.average_progress is None and fumin.investment_ratio is None


def test_the_dashboard_reports_on_the_latest_year_with_published_projects():
    this_year = timezone.localdate().year
    assert selectors.figures_year() == this_year  # nothing yet
    old = f.project()
    old.year = this_year - 1
    old.save(update_fields=["year"])
    assert selectors.figures_year() == this_year - 1
    f.project(is_public=False)
    assert selectors.figures_year() == this_year - 1
    f.project()
    assert selectors.figures_year() == this_year
