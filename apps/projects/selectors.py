"""What the public may see of projects: the one rule every public read uses."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.projects.models import Project


def public_project_q(prefix: str = "") -> Q:
    """Published projects; a sub-project only while its parent is published too.
    `prefix` reaches the project through a relation, e.g. "project__" from a 进展."""
    return Q(**{f"{prefix}is_public": True}) & (
        Q(**{f"{prefix}parent__isnull": True}) | Q(**{f"{prefix}parent__is_public": True})
    )


def public_projects() -> QuerySet[Project]:
    return Project.objects.filter(public_project_q())
