"""What part of the data an official may see and change.

Every back-office and private-API queryset of projects or requests goes through `scope_of`,
so the rule lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from apps.accounts.models import OfficialProfile, ScopeKind


@dataclass(frozen=True)
class Scope:
    kind: str  # "all", "subdistrict", "department" or "none"
    subdistrict_id: int | None = None
    department_id: int | None = None

    @property
    def is_all(self) -> bool:
        return self.kind == "all"

    def project_q(self) -> Q:
        if self.kind == "all":
            return Q()
        if self.kind == "subdistrict":
            return Q(areas__subdistrict_id=self.subdistrict_id)
        if self.kind == "department":
            return Q(lead_department_id=self.department_id) | Q(co_departments__id=self.department_id)
        return Q(pk__in=[])

    def appeal_q(self) -> Q:
        if self.kind == "all":
            return Q()
        if self.kind == "subdistrict":
            return Q(subdistrict_id=self.subdistrict_id)
        if self.kind == "department":
            return Q(department_id=self.department_id)
        return Q(pk__in=[])

    def filter_projects(self, queryset: QuerySet) -> QuerySet:
        if self.kind == "all":
            return queryset
        # The m2m joins can repeat rows; an id subquery keeps the outer query distinct-free.
        ids = queryset.model.objects.filter(self.project_q()).values("pk")
        return queryset.filter(pk__in=ids)

    def filter_appeals(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(self.appeal_q())


NO_SCOPE = Scope("none")
ALL = Scope("all")


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser:
        return ALL
    try:
        profile: OfficialProfile = user.official
    except OfficialProfile.DoesNotExist:
        return NO_SCOPE
    if profile.scope == ScopeKind.DISTRICT:
        return ALL
    if profile.scope == ScopeKind.SUBDISTRICT:
        return Scope("subdistrict", subdistrict_id=profile.subdistrict_id)
    if profile.scope == ScopeKind.DEPARTMENT:
        return Scope("department", department_id=profile.department_id)
    return NO_SCOPE
