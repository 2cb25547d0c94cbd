"""The statistics page: the 三率 of residents' requests and the year's projects compared, by 街道
and by department."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.common.cache import ALL_DATA, cached_aggregate, cached_page
from apps.projects.selectors import GroupProjectFigures, project_comparison, public_projects
from apps.public.display import DISPLAY_COOKIES
from apps.public.forms import PeriodForm
from apps.public.periods import Period, describe, period_for
from apps.public.selectors_stats import RatesTable, rate_definitions, rates_table


@require_GET
@cached_page(depends=ALL_DATA, params=(PeriodForm,), vary_cookies=DISPLAY_COOKIES)
def stats(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        period = period_for(data.get("period") or "year", start=data.get("start"), end=data.get("end"))
    else:
        period = period_for("year")
    if not form.is_bound:
        form = PeriodForm(initial={"period": period.key})
    context = {
        "form": form,
        "period": period,
        "period_label": describe(period),
        "by_subdistrict": _rates_table(period, "subdistrict"),
        "by_department": _rates_table(period, "department"),
        "definitions": rate_definitions(),
        "project_year": period.last_day.year,
        "projects_by_subdistrict": _project_comparison(period.last_day.year, "subdistrict"),
        "projects_by_department": _project_comparison(period.last_day.year, "department"),
    }
    return render(request, "public/stats.html", context)


def _rates_table(period: Period, group_by: str) -> RatesTable:
    # A full scan of the period's requests (about a second at a million): shared by all readers.
    return cached_aggregate(
        f"rates_table:{period.first_day}:{period.last_day}:{group_by}",
        lambda: rates_table(period, group_by=group_by),
    )


def _project_comparison(year: int, group_by: str) -> list[GroupProjectFigures]:
    """The year's published top-level projects per 街道 or lead department."""
    projects = public_projects().filter(year=year, parent__isnull=True)
    return project_comparison(projects, group_by=group_by)
