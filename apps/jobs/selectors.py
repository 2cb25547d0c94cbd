from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from apps.accounts.scoping import is_district_official
from apps.jobs.models import SpreadsheetJob


def jobs_visible_to(user) -> QuerySet[SpreadsheetJob]:
    """An official's own jobs; a district official's, every job."""
    jobs = SpreadsheetJob.objects.select_related("user")
    return jobs if is_district_official(user) else jobs.filter(user=user)


def job_for(user, pk: int) -> SpreadsheetJob:
    """The job if `user` may see it and its file, else 404 (as if it did not exist)."""
    return get_object_or_404(jobs_visible_to(user), pk=pk)
