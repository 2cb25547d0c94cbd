"""代表视察: a deputy records their own inspections, cannot touch another's, and the page shows
the findings without residents' numbers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.proposals.models import Inspection
from apps.proposals.services import inspection_save
from tests import factories as f
from tests.proposals.helpers import deputy, district_official

pytestmark = pytest.mark.django_db

# The photos inline's management form, with no photo.
NO_PHOTOS = {"photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0", "photos-MIN_NUM_FORMS": "0"}


def test_a_deputy_records_an_inspection_in_the_back_office_and_it_shows_on_the_project(client):
    project = f.project()
    zhang = deputy("张伟")
    client.force_login(zhang)
    response = client.post(
        reverse("admin:proposals_inspection_add"),
        {
            "project": project.pk,
            "visited_on": timezone.localdate().isoformat(),
            "deputy_name": "李娜",
            "participants": "区人大代表5名",
            "findings": "工程进度符合计划。住户13912345678反映3号楼2单元502室漏水。",
            **NO_PHOTOS,
        },
    )
    assert response.status_code == 302
    record = Inspection.objects.get()
    assert record.deputy == zhang and record.deputy_name == "张伟"
    client.logout()
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert "人大代表视察" in html and "工程进度符合计划" in html
    assert "13912345678" not in html and "502" not in html


def test_a_deputy_cannot_see_or_change_another_deputys_record(client):
    project = f.project()
    zhang, li = deputy("张伟"), deputy("李娜")
    record = inspection_save(
        inspection=Inspection(project=project, visited_on=timezone.localdate(), findings="进展顺利。"), by=zhang
    )
    record.findings = "改写。"
    with pytest.raises(PermissionDenied):
        inspection_save(inspection=record, by=li)
    client.force_login(li)
    assert client.get(reverse("admin:proposals_inspection_change", args=[record.pk])).status_code in (302, 404)
    assert record.pk not in {
        obj.pk for obj in client.get(reverse("admin:proposals_inspection_changelist")).context["cl"].result_list
    }
    # Nor a project, a request or a proposal.
    assert client.get(reverse("admin:projects_project_changelist")).status_code == 403
    assert client.get(reverse("admin:proposals_proposal_add")).status_code == 403


def test_inspections_of_unpublished_projects_or_future_dates_are_refused():
    official = district_official()
    hidden = f.project(is_public=False)
    with pytest.raises(ValidationError, match="已公开项目"):
        inspection_save(
            inspection=Inspection(project=hidden, visited_on=timezone.localdate(), deputy_name="张伟", findings="x"),
            by=official,
        )
    with pytest.raises(ValidationError, match="不能晚于今天"):
        inspection_save(
            inspection=Inspection(
                project=f.project(),
                visited_on=timezone.localdate() + timedelta(days=1),
                deputy_name="张伟",
                findings="x",
            ),
            by=official,
        )


def test_a_subdistrict_official_cannot_record_inspections():
    official = f.official("k", scope="subdistrict", subdistrict=f.subdistrict())
    with pytest.raises(PermissionDenied):
        inspection_save(
            inspection=Inspection(
                project=f.project(), visited_on=timezone.localdate(), deputy_name="张伟", findings="x"
            ),
            by=official,
        )


def test_a_deputys_inspection_photos_show_on_the_project_page_without_gps_while_it_is_public(client):
    from PIL import Image

    from apps.projects.services import project_save
    from apps.proposals.models import InspectionPhoto

    project = f.project()
    zhang = deputy("张伟")
    client.force_login(zhang)
    response = client.post(
        reverse("admin:proposals_inspection_add"),
        {
            "project": project.pk,
            "visited_on": timezone.localdate().isoformat(),
            "participants": "区人大代表5名",
            "findings": "施工现场管理规范。",
            **NO_PHOTOS,
            "photos-TOTAL_FORMS": "1",
            "photos-0-image": f.jpeg_with_gps("site.jpg"),
            "photos-0-caption": "代表查看加装电梯施工现场",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    photo = InspectionPhoto.objects.get()
    assert photo.inspection.deputy == zhang and photo.image.name.startswith(f"projects/{project.pk}/")
    with Image.open(photo.image.path) as image:
        assert not image.getexif()  # the GPS position (and all EXIF) is gone
    client.logout()
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert photo.image.url in html and "代表查看加装电梯施工现场" in html
    assert client.get(photo.image.url).status_code == 200
    # Withdrawn from publication: the photo is no longer served.
    project.is_public = False
    project_save(project=project)
    assert client.get(photo.image.url).status_code == 404


def test_another_deputy_cannot_add_photos_to_a_record():
    from apps.proposals.services import inspection_photo_add

    project = f.project()
    zhang, li = deputy("张伟"), deputy("李娜")
    record = inspection_save(
        inspection=Inspection(project=project, visited_on=timezone.localdate(), findings="进展顺利。"), by=zhang
    )
    with pytest.raises(PermissionDenied):
        inspection_photo_add(inspection=record, upload=f.jpeg_with_gps(), by=li)
