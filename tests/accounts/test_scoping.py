from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import ScopeKind
from apps.accounts.scoping import scope_of
from apps.appeals.models import Appeal
from apps.projects.models import Project
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    kuishan, taishan = f.subdistrict("奎山"), f.subdistrict("泰山")
    zhujian, minzheng = f.department("区住房和城乡建设局"), f.department("区民政局")
    k_project = f.project(areas=[f.community(parent=kuishan)], lead_department=zhujian)
    t_project = f.project(areas=[f.community(parent=taishan)], lead_department=minzheng, co_departments=[zhujian])
    both = f.project(areas=[kuishan, taishan], lead_department=minzheng)
    k_appeal = f.appeal_in("assigned", handler=minzheng, area=f.community(parent=kuishan))
    t_appeal = f.appeal_in("assigned", handler=zhujian, area=f.community(parent=taishan))
    return locals()


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_a_district_official_sees_everything(world):
    scope = scope_of(f.official(scope=ScopeKind.DISTRICT))
    assert ids(scope.filter_projects(Project.objects.all())) == ids(Project.objects.all())
    assert ids(scope.filter_appeals(Appeal.objects.all())) == ids(Appeal.objects.all())


def test_a_subdistrict_official_sees_only_that_subdistrict(world):
    scope = scope_of(f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=world["kuishan"]))
    assert ids(scope.filter_projects(Project.objects.all())) == {world["k_project"].pk, world["both"].pk}
    assert ids(scope.filter_appeals(Appeal.objects.all())) == {world["k_appeal"].pk}


def test_a_department_official_sees_what_it_leads_co_leads_or_handles(world):
    scope = scope_of(f.official(scope=ScopeKind.DEPARTMENT, department=world["zhujian"]))
    projects = scope.filter_projects(Project.objects.all())
    assert ids(projects) == {world["k_project"].pk, world["t_project"].pk}
    assert projects.count() == 2  # no duplicate rows from the joins
    assert ids(scope.filter_appeals(Appeal.objects.all())) == {world["t_appeal"].pk}


def test_people_without_a_profile_see_nothing(world):
    from django.contrib.auth import get_user_model

    stranger = get_user_model().objects.create_user("stranger", password="x-123456789")
    for user in (stranger, AnonymousUser(), None):
        scope = scope_of(user)
        assert not scope.filter_projects(Project.objects.all()).exists()
        assert not scope.filter_appeals(Appeal.objects.all()).exists()


def test_a_subdistrict_profile_needs_a_subdistrict():
    from django.core.exceptions import ValidationError

    from apps.accounts.models import OfficialProfile

    user = f.official(scope=ScopeKind.DISTRICT)
    profile = OfficialProfile(user=user, scope=ScopeKind.SUBDISTRICT)
    with pytest.raises(ValidationError) as error:
        profile.clean()
    assert "subdistrict" in error.value.message_dict


@pytest.mark.parametrize("kind", [ScopeKind.DISTRICT, ScopeKind.SUBDISTRICT, ScopeKind.DEPARTMENT, "superuser"])
def test_a_deactivated_official_has_no_scope(world, kind):
    from apps.accounts.scoping import NO_SCOPE

    fields = {
        ScopeKind.SUBDISTRICT: {"scope": ScopeKind.SUBDISTRICT, "subdistrict": world["kuishan"]},
        ScopeKind.DEPARTMENT: {"scope": ScopeKind.DEPARTMENT, "department": world["zhujian"]},
    }.get(kind, {"scope": ScopeKind.DISTRICT})
    user = f.official(**fields)
    if kind == "superuser":
        user.is_superuser = True
    assert scope_of(user) != NO_SCOPE  # while active, the official sees something
    user.is_active = False
    user.save()
    user.refresh_from_db()

    scope = scope_of(user)
    assert scope == NO_SCOPE
    assert not scope.filter_projects(Project.objects.all()).exists()
    assert not scope.filter_appeals(Appeal.objects.all()).exists()
