from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_every_back_office_list_opens_for_a_district_official(as_official, district_official, kuishan):
    f.project(areas=[f.community(parent=kuishan)])
    f.appeal(area=f.community(parent=kuishan))
    client = as_official(district_official)
    for name in [
        "projects_project",
        "appeals_appeal",
        "places_area",
        "places_department",
        "programmes_programme",
    ]:
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200, name
