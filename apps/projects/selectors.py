"""Reads of projects shared by the public site and the API: what the public may see, and the
schedule colours (红黄绿灯) computed in the database."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.projects.models import Health, Project


def public_project_q(prefix: str = "") -> Q:
    """Published projects; a sub-project only while its parent is published too.
    `prefix` reaches the project through a relation, e.g. "project__" from a 进展."""
    return Q(**{f"{prefix}is_public": True}) & (
        Q(**{f"{prefix}parent__isnull": True}) | Q(**{f"{prefix}parent__is_public": True})
    )


def public_projects() -> QuerySet[Project]:
    return Project.objects.filter(public_project_q())


def health_q(health: str, today: date | None = None, prefix: str = "") -> Q:
    """Projects of one schedule colour today, computed in the database from the stored
    `yellow_from` / `red_from` dates (see `Project`)."""
    today = today or timezone.localdate()
    red_from, yellow_from = f"{prefix}red_from", f"{prefix}yellow_from"
    not_red = Q(**{f"{red_from}__isnull": True}) | Q(**{f"{red_from}__gt": today})
    if health == Health.RED:
        return Q(**{f"{red_from}__lte": today})
    if health == Health.YELLOW:
        return Q(**{f"{yellow_from}__lte": today}) & not_red
    if health == Health.GREEN:
        return (Q(**{f"{yellow_from}__isnull": True}) | Q(**{f"{yellow_from}__gt": today})) & not_red
    raise ValueError(f"unknown health {health!r}")
