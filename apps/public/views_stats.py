"""The statistics page: the 三率 and the other figures of residents' requests, and the year's
projects compared, by 街道 and by department."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.common.cache import ALL_DATA, cached_aggregate, cached_page
from apps.public.display import DISPLAY_COOKIES
from apps.public.forms import PeriodForm
from apps.public.periods import describe, period_for
from apps.public.selectors_stats import figure_definitions, rate_definitions, stats_tables, year_project_comparison


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
    # From the daily rollups (5 queries whatever the period); shared by all readers anyway.
    tables = cached_aggregate(f"stats_tables:{period.first_day}:{period.last_day}", lambda: stats_tables(period))
    context = {
        "form": form,
        "period": period,
        "period_label": describe(period),
        "by_subdistrict": tables.rates["subdistrict"],
        "by_department": tables.rates["department"],
        "definitions": rate_definitions(),
        "figures": tables.figures,
        "figure_definitions": figure_definitions(),
        "project_year": period.last_day.year,
        "projects_by_subdistrict": year_project_comparison(period.last_day.year, "subdistrict"),
        "projects_by_department": year_project_comparison(period.last_day.year, "department"),
    }
    return render(request, "public/stats.html", context)
