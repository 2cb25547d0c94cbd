from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from apps.accounts.models import ScopeKind
from tests import factories as f

OFFICIALS_GROUP = "工作人员"


def staff(user):
    """An official with the back-office permissions of the 工作人员 group (made by migration)."""
    user.groups.add(Group.objects.get(name=OFFICIALS_GROUP))
    return user


def changelist_pks(client, changelist: str, query: str = "") -> set[int]:
    """The ids an admin list shows for `query` (filters, search), as the official sees them."""
    response = client.get(reverse(changelist) + query)
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.fixture
def kuishan():
    return f.subdistrict("奎山街道")


@pytest.fixture
def taishan():
    return f.subdistrict("泰山街道")


@pytest.fixture
def zhujian():
    return f.department("区住房和城乡建设局")


@pytest.fixture
def district_official():
    return staff(f.official("district"))


@pytest.fixture
def kuishan_official(kuishan):
    return staff(f.official("kuishan", scope=ScopeKind.SUBDISTRICT, subdistrict=kuishan))


@pytest.fixture
def zhujian_official(zhujian):
    return staff(f.official("zhujian", scope=ScopeKind.DEPARTMENT, department=zhujian))


@pytest.fixture
def as_official(client):
    """Log the test client in as the given official and return it."""

    def login(user):
        client.force_login(user)
        return client

    return login


def export_file(client, model: str, fmt: str = "csv", query: str = ""):
    """Run the admin's export page like an official: every column ticked, one format chosen."""
    from django.urls import reverse

    url = reverse(f"admin:{model}_export") + query
    form = client.get(url).context["form"]
    formats = [label.lower() for _value, label in form.fields["format"].choices if _value != ""]
    data = {
        "format": str(formats.index(fmt)),
        "resource": "0",
        **{name: "on" for name in form.fields if "resource_" in name},
    }
    return client.post(url, data)
