"""Project photos: random names, files that leave with their rows, served only while the project is public."""

from __future__ import annotations

import os
import re

import pytest
from django.db import transaction
from django.urls import reverse

from apps.projects import services
from apps.projects.models import Project
from apps.projects.services import project_photo_add, project_publish
from tests import factories as f
from tests.admin.conftest import *  # noqa: F403  (officials and their areas)
from tests.admin.test_project_admin import change_url, form_data, inline

pytestmark = pytest.mark.django_db


def photo_of(project, name: str = "IMG_20260301_101512.jpg"):
    return project_photo_add(project=project, upload=f.jpeg_with_gps(name), caption="施工现场")


def photo_row(photo, **changes) -> dict:
    row = {"id": photo.pk, "project": photo.project_id, "stage": photo.stage, "caption": photo.caption}
    row.update(changes)
    return row


def test_a_photo_is_stored_under_a_random_name_not_the_cameras():
    project = f.project()
    first, second = photo_of(project), photo_of(project)
    assert re.fullmatch(rf"projects/{project.pk}/[0-9a-f]{{32}}\.jpg", first.image.name)
    assert "IMG_20260301" not in first.image.name and first.image.name != second.image.name


def test_a_projects_photos_are_served_only_while_it_is_public(client, settings):
    settings.DEBUG = False
    project = f.project(is_public=True)
    photo = photo_of(project)
    served = client.get(photo.image.url)
    assert served.status_code == 200 and b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    assert "public" in served["Cache-Control"]

    project_publish(project=project, publish=False)
    assert client.get(photo.image.url).status_code == 404

    draft_photo = photo_of(f.project(is_public=False))
    assert client.get(draft_photo.image.url).status_code == 404


def test_a_public_sub_projects_photos_stay_hidden_while_its_parent_is_not(client):
    parent = f.project(is_public=False)
    child = f.project(is_public=True, parent=parent)
    photo = photo_of(child)
    assert client.get(photo.image.url).status_code == 404
    project_publish(project=parent)
    assert client.get(photo.image.url).status_code == 200


def test_a_file_without_its_photo_row_is_not_served(client, settings):
    settings.DEBUG = False
    project = f.project(is_public=True)
    stray = settings.MEDIA_ROOT / "projects" / str(project.pk) / "IMG_0001.jpg"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"\xff\xd8 a file left behind")
    for path in [f"{project.pk}/IMG_0001.jpg", "x/IMG_0001.jpg", "%C2%B2/IMG_0001.jpg", "../appeals/x.jpg"]:
        response = client.get(f"/media/projects/{path}")
        assert response.status_code == 404, path
        assert not getattr(response, "streaming", False)


def test_deleting_a_photo_in_the_admin_deletes_its_file_on_commit(
    as_official, district_official, django_capture_on_commit_callbacks
):
    project = f.project(is_public=True)
    photo = photo_of(project)
    path = photo.image.path
    url = photo.image.url
    data = form_data(project)
    data.update(inline("photos", [photo_row(photo, DELETE="on")], initial=1))
    client = as_official(district_official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(project), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert os.path.exists(path)  # until the deletion is committed
    assert not project.photos.exists()
    assert not os.path.exists(path)
    assert client.get(url).status_code == 404


def test_replacing_a_photos_image_in_the_admin_deletes_the_old_file(
    as_official, district_official, django_capture_on_commit_callbacks
):
    project = f.project()
    photo = photo_of(project)
    old_path = photo.image.path
    data = form_data(project)
    data.update(inline("photos", [photo_row(photo, image=f.jpeg_with_gps("IMG_0002.jpg"))], initial=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = as_official(district_official).post(change_url(project), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    photo.refresh_from_db()
    assert photo.image.path != old_path and "IMG_0002" not in photo.image.name
    assert os.path.exists(photo.image.path)
    assert not os.path.exists(old_path)


def test_a_deletion_that_rolls_back_keeps_the_file(django_capture_on_commit_callbacks):
    photo = photo_of(f.project())
    path = photo.image.path
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.project_photo_delete(photo=photo)
                raise RuntimeError("the rest of the change failed")
        except RuntimeError:
            pass
    assert not callbacks
    assert os.path.exists(path)


def test_officials_see_an_unpublished_projects_photos_through_the_admin(as_official, district_official, client):
    project = f.project(is_public=False)
    photo = photo_of(project)
    admin_url = reverse("admin:projects_project_photo", args=[project.pk, photo.pk])
    page = as_official(district_official).get(change_url(project))
    assert admin_url in page.content.decode() and photo.image.url not in page.content.decode()
    response = client.get(admin_url)
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    client.logout()
    assert client.get(admin_url).status_code == 302  # to the login page


def test_deleting_a_project_in_the_admin_deletes_its_and_its_sub_projects_photo_files(
    admin_client, django_capture_on_commit_callbacks
):
    project = f.project()
    child = f.project(parent=project)
    paths = [photo_of(project).image.path, photo_of(child).image.path]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:projects_project_delete", args=[project.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Project.objects.filter(pk__in=[project.pk, child.pk]).exists()
    assert [os.path.exists(path) for path in paths] == [False, False]
