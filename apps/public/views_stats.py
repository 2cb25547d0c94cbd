"""The 三率 page: response, resolution and satisfaction rates by 街道 and by department."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.public.forms import PeriodForm
from apps.public.periods import describe, period_for
from apps.public.selectors_stats import rate_definitions, rates_table


@require_GET
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
        "by_subdistrict": rates_table(period, group_by="subdistrict"),
        "by_department": rates_table(period, group_by="department"),
        "definitions": rate_definitions(),
    }
    return render(request, "public/stats.html", context)
