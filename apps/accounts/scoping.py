"""What part of the data an official may see and change.

Every back-office and private-API queryset of projects or requests goes through `scope_of`,
so the rule lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q, QuerySet

from apps.accounts import models as accounts


class ScopeKind(StrEnum):
    """How far a scope reaches. An official's profile says district, 街道 or department
    (`accounts.models.ScopeKind`); a district official's scope, and an API key's that reads
    everything, is ALL; someone with no profile has NONE."""

    ALL = "all"
    SUBDISTRICT = "subdistrict"
    DEPARTMENT = "department"
    NONE = "none"


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    subdistrict_id: int | None = None
    department_id: int | None = None

    @property
    def is_all(self) -> bool:
        return self.kind == ScopeKind.ALL

    def project_q(self) -> Q:
        if self.kind == ScopeKind.ALL:
            return Q()
        if self.kind == ScopeKind.SUBDISTRICT:
            return Q(areas__subdistrict_id=self.subdistrict_id)
        if self.kind == ScopeKind.DEPARTMENT:
            return Q(lead_department_id=self.department_id) | Q(co_departments__id=self.department_id)
        return Q(pk__in=[])

    def appeal_q(self) -> Q:
        if self.kind == ScopeKind.ALL:
            return Q()
        if self.kind == ScopeKind.SUBDISTRICT:
            return Q(subdistrict_id=self.subdistrict_id)
        if self.kind == ScopeKind.DEPARTMENT:
            # The requests it handles, and those it is a co-department (协办) of. An id subquery
            # rather than a join: a join would repeat a request once per co-department.
            co_assignments = apps.get_model("appeals", "AppealCoAssignment").objects
            co_assigned = co_assignments.filter(department_id=self.department_id, withdrawn_at__isnull=True)
            return Q(department_id=self.department_id) | Q(pk__in=co_assigned.values("appeal_id"))
        return Q(pk__in=[])

    def filter_projects(self, queryset: QuerySet) -> QuerySet:
        if self.kind == ScopeKind.ALL:
            return queryset
        # The m2m joins can repeat rows; an id subquery keeps the outer query distinct-free.
        ids = queryset.model.objects.filter(self.project_q()).values("pk")
        return queryset.filter(pk__in=ids)

    def filter_appeals(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(self.appeal_q())

    def project_errors(self, *, areas, lead_department_id, co_department_ids, parent=None) -> dict[str, str]:
        """Why a project with these places, departments and parent would be outside this scope,
        by field ({} when it is inside). The admin form and the import both ask here."""
        if self.is_all:
            return {}
        if self.kind == ScopeKind.NONE:
            return {NON_FIELD_ERRORS: "您没有管理项目的权限范围。"}
        errors = {}
        if self.kind == ScopeKind.SUBDISTRICT and not any(area.subdistrict_id == self.subdistrict_id for area in areas):
            errors["areas"] = "涉及区域中至少要有一处属于您所在的街道。"
        if (
            self.kind == ScopeKind.DEPARTMENT
            and lead_department_id != self.department_id
            and self.department_id not in set(co_department_ids)
        ):
            errors["lead_department"] = "牵头单位或配合单位中须包含您所在的单位。"
        if parent is not None and not self.filter_projects(type(parent).objects.filter(pk=parent.pk)).exists():
            # Its progress would be rolled up into a project the official may not change.
            errors["parent"] = "上级项目不在您的管理范围内。"
        return errors


NO_SCOPE = Scope(ScopeKind.NONE)
ALL = Scope(ScopeKind.ALL)


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser:
        return ALL
    try:
        profile: accounts.OfficialProfile = user.official
    except accounts.OfficialProfile.DoesNotExist:
        return NO_SCOPE
    if profile.scope == accounts.ScopeKind.DISTRICT:
        return ALL
    if profile.scope == accounts.ScopeKind.SUBDISTRICT:
        return Scope(ScopeKind.SUBDISTRICT, subdistrict_id=profile.subdistrict_id)
    if profile.scope == accounts.ScopeKind.DEPARTMENT:
        return Scope(ScopeKind.DEPARTMENT, department_id=profile.department_id)
    return NO_SCOPE


def is_deputy(user) -> bool:
    """A people's congress deputy's account: reads what is public plus the candidates, and writes
    only their own ballots (no projects or requests: their scope is NONE)."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_superuser:
        return False
    profile = getattr(user, "official", None)
    return profile is not None and profile.scope == accounts.ScopeKind.DEPUTY


def is_district_official(user) -> bool:
    """A signed-in official whose scope is the whole district (or a superuser): reads the audit
    log and lifts sign-in locks."""
    return user.is_authenticated and user.is_active and user.is_staff and scope_of(user).is_all
