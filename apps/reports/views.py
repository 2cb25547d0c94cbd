"""/reports/: the index, the monthly 进展通报 (page and XLSX) and the annual report. Thin: the
reads are in selectors.py, the workbook in xlsx.py."""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.proposals.selectors import closed_evaluation_rounds
from apps.reports.selectors import MonthlyReport, annual_report, monthly_report, report_months
from apps.reports.xlsx import monthly_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(value: str) -> date:
    try:
        month = datetime.strptime(value, "%Y-%m").date()
    except ValueError as error:
        raise Http404("no such month") from error
    if not 2000 <= month.year <= 2100:
        raise Http404("no such month")
    return month


def _report(value: str) -> MonthlyReport:
    report = monthly_report(_month(value))
    if report is None:
        raise Http404("no snapshot of that month")
    return report


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/index.html", {"years": report_months()})


@require_GET
def monthly(request: HttpRequest, month: str) -> HttpResponse:
    report = _report(month)
    # Issued when its snapshot was taken: reopening a past month's report shows the same date.
    issued = timezone.localdate(report.snapshot.taken_at)
    return render(request, "reports/monthly.html", {"report": report, "issued": issued})


@require_GET
def monthly_xlsx(request: HttpRequest, month: str) -> HttpResponse:
    report = _report(month)
    response = HttpResponse(monthly_workbook(report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="quanshan-report-{report.month:%Y-%m}.xlsx"'
    return response


@require_GET
def annual(request: HttpRequest, year: int) -> HttpResponse:
    report = annual_report(year) if 2000 <= year <= 2100 else None
    if report is None:
        raise Http404("no snapshot in that year")
    issued = timezone.localdate(report.snapshot.taken_at)
    # The deputies' 满意度测评 of the year's projects: fixed once a round is counted (two queries).
    evaluations = list(closed_evaluation_rounds().filter(year=year))
    return render(request, "reports/annual.html", {"report": report, "issued": issued, "evaluations": evaluations})
