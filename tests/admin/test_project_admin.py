"""The project back office: badges, filters, inlines saved through the services, publish actions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from apps.projects.models import Milestone, ProgressSource, ProgressUpdate, Project, ProjectStatus
from apps.projects.services import milestone_save, project_post_update
from tests import factories as f
from tests.admin.conftest import changelist_pks

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:projects_project_changelist"


def result_pks(client, query: str = "") -> set[int]:
    return changelist_pks(client, CHANGELIST, query)


def inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def form_data(project: Project | None = None, **overrides) -> dict:
    """The change form as the browser would post it, with empty inlines."""
    today = timezone.localdate()
    data = {
        "programme": "bianmin",
        "year": str(today.year),
        "title": "康居小区加装电梯",
        "summary": "",
        "description": "",
        "weight": "1",
        "areas": [],
        "lead_department": "",
        "co_departments": [],
        "official_name": "",
        "official_title": "",
        "planned_investment": "120",
        "invested": "0",
        "planned_start": str(today - timedelta(days=50)),
        "planned_finish": str(today + timedelta(days=50)),
        "actual_start": "",
        "actual_finish": "",
        "status": "planned",
        "progress": "0",
        "latitude": "",
        "longitude": "",
        **inline("milestones", []),
        **inline("subprojects", []),
        **inline("updates", []),
        **inline("photos", []),
    }
    if project is not None:
        data.update(
            programme=project.programme_id,
            year=str(project.year),
            title=project.title,
            areas=[a.pk for a in project.areas.all()],
            lead_department=str(project.lead_department_id),
            co_departments=[d.pk for d in project.co_departments.all()],
            planned_investment=str(project.planned_investment),
            invested=str(project.invested),
            planned_start=str(project.planned_start),
            planned_finish=str(project.planned_finish),
            actual_start=str(project.actual_start or ""),
            actual_finish=str(project.actual_finish or ""),
            status=project.status,
            progress=str(project.progress),
            is_public="on" if project.is_public else "",
        )
        if not project.is_public:
            data.pop("is_public")
        data.update(inline("milestones", [], initial=0))
        milestones = list(project.milestones.all())
        data.update(
            inline(
                "milestones",
                [
                    {
                        "id": m.pk,
                        "project": project.pk,
                        "order": m.order,
                        "title": m.title,
                        "planned_date": str(m.planned_date),
                        "completed_on": str(m.completed_on or ""),
                        "weight": m.weight,
                    }
                    for m in milestones
                ],
                initial=len(milestones),
            )
        )
    data.update(overrides)
    return data


def change_url(project: Project) -> str:
    return reverse("admin:projects_project_change", args=[project.pk])


def test_the_list_shows_programme_status_progress_and_health(as_official, district_official):
    today = timezone.localdate()
    late = f.project(
        title="奎园社区口袋公园",
        programme_code="lvse",
        status=ProjectStatus.IN_PROGRESS,
        planned_start=today - timedelta(days=90),
        planned_finish=today + timedelta(days=10),
    )
    page = as_official(district_official).get(reverse(CHANGELIST)).content.decode()
    assert late.title in page
    assert "绿色怡心" in page
    assert "进行中" in page
    assert 'role="progressbar"' in page
    assert "红灯" in page


def test_the_health_filter_matches_the_projects_health(as_official, district_official):
    today = timezone.localdate()
    red = f.project(planned_start=today - timedelta(days=90), planned_finish=today + timedelta(days=10))
    yellow = f.project(planned_start=today - timedelta(days=20), planned_finish=today + timedelta(days=80))
    green = f.project(planned_start=today + timedelta(days=1), planned_finish=today + timedelta(days=100))
    assert red.health_on(today) == "red" and yellow.health_on(today) == "yellow" and green.health_on(today) == "green"
    client = as_official(district_official)
    assert result_pks(client, "?health=red") == {red.pk}
    assert result_pks(client, "?health=yellow") == {yellow.pk}
    assert result_pks(client, "?health=green") == {green.pk}


def test_the_subdistrict_filter_lists_a_project_once(as_official, district_official, kuishan, taishan):
    both = f.project(areas=[f.community(parent=kuishan), f.community(parent=kuishan)])
    other = f.project(areas=[f.community(parent=taishan)])
    client = as_official(district_official)
    response = client.get(reverse(CHANGELIST) + f"?subdistrict={kuishan.pk}")
    assert [p.pk for p in response.context["cl"].result_list] == [both.pk]
    assert result_pks(client, f"?subdistrict={taishan.pk}") == {other.pk}


def test_filters_by_programme_status_year_and_public(as_official, district_official):
    anquan = f.project(programme_code="anquan", status=ProjectStatus.IN_PROGRESS, is_public=False)
    last_year = f.project(year=timezone.localdate().year - 1)
    client = as_official(district_official)
    assert result_pks(client, "?programme__code__exact=anquan") == {anquan.pk}
    assert result_pks(client, "?status__exact=in_progress") == {anquan.pk}
    assert result_pks(client, f"?year={last_year.year}") == {last_year.pk}
    assert result_pks(client, "?is_public__exact=0") == {anquan.pk}


def test_adding_a_project_goes_through_project_save(as_official, district_official, zhujian, kuishan):
    client = as_official(district_official)
    response = client.post(
        reverse("admin:projects_project_add"),
        form_data(lead_department=str(zhujian.pk), areas=[kuishan.pk], is_public="on"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    project = Project.objects.get(title="康居小区加装电梯")
    assert project.published_at is not None
    assert project.yellow_from is not None  # schedule dates computed by the service
    assert list(project.areas.all()) == [kuishan]
    record = project.history.first()
    assert record.history_user == district_official


def test_bad_input_is_refused_with_chinese_messages(as_official, district_official, zhujian):
    client = as_official(district_official)
    today = timezone.localdate()
    response = client.post(
        reverse("admin:projects_project_add"),
        form_data(
            lead_department=str(zhujian.pk),
            progress="120",
            planned_investment="-5",
            planned_start=str(today),
            planned_finish=str(today - timedelta(days=3)),
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "计划完工日期不能早于计划开工日期" in page
    assert "金额不能为负数" in page
    assert "100" in page and not Project.objects.exists()


def test_milestones_added_inline_drive_the_progress(as_official, district_official):
    project = f.project(status=ProjectStatus.IN_PROGRESS)
    today = timezone.localdate()
    data = form_data(project)
    data.update(
        inline(
            "milestones",
            [
                {"order": 1, "title": "方案设计", "planned_date": str(today), "completed_on": str(today), "weight": 1},
                {"order": 2, "title": "施工", "planned_date": str(today + timedelta(days=30)), "weight": 3},
            ],
        )
    )
    response = as_official(district_official).post(change_url(project), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.progress_source == ProgressSource.MILESTONES
    assert project.progress == Decimal("25.0")


def test_progress_is_read_only_when_derived_from_milestones(as_official, district_official):
    project = f.project(status=ProjectStatus.IN_PROGRESS)
    milestone_save(milestone=Milestone(project=project, title="验收", planned_date=timezone.localdate(), weight=1))
    client = as_official(district_official)
    page = client.get(change_url(project)).content.decode()
    assert "按节点加权计算" in page
    assert 'name="progress"' not in page
    response = client.post(change_url(project), form_data(project, progress="90"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.progress == Decimal("0.0")


def test_a_progress_update_inline_posts_to_the_timeline(as_official, district_official):
    project = f.project(status=ProjectStatus.IN_PROGRESS)
    data = form_data(project)
    data.update(inline("updates", [{"date": str(timezone.localdate()), "text": "主体结构完工", "progress": "60"}]))
    response = as_official(district_official).post(change_url(project), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    update = ProgressUpdate.objects.get(project=project)
    assert (update.text, update.progress, update.author) == ("主体结构完工", Decimal("60.0"), district_official)
    project.refresh_from_db()
    assert project.progress == Decimal("60.0")


def test_photos_uploaded_inline_lose_their_gps_data(as_official, district_official):
    project = f.project()
    data = form_data(project)
    data.update(inline("photos", [{"image": f.jpeg_with_gps(), "stage": "before", "caption": "改造前的楼道"}]))
    response = as_official(district_official).post(change_url(project), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = project.photos.get()
    assert photo.caption == "改造前的楼道"
    assert not Image.open(photo.image.path).getexif()


def test_a_subdistrict_official_cannot_move_a_project_out_of_the_subdistrict(
    as_official, kuishan_official, kuishan, taishan
):
    project = f.project(areas=[f.community(parent=kuishan)])
    data = form_data(project, areas=[f.community(parent=taishan).pk])
    response = as_official(kuishan_official).post(change_url(project), data)
    assert response.status_code == 200
    assert "至少要有一处属于您所在的街道" in response.content.decode()
    assert project.areas.get().subdistrict == kuishan


def test_publish_and_unpublish_actions(as_official, district_official):
    draft = f.project(is_public=False)
    client = as_official(district_official)
    client.post(reverse(CHANGELIST), {"action": "publish", ACTION_CHECKBOX_NAME: [draft.pk], "index": 0})
    draft.refresh_from_db()
    assert draft.is_public and draft.published_at is not None
    client.post(reverse(CHANGELIST), {"action": "unpublish", ACTION_CHECKBOX_NAME: [draft.pk], "index": 0})
    draft.refresh_from_db()
    assert not draft.is_public


def test_actions_cannot_reach_projects_outside_the_scope(as_official, kuishan_official, taishan):
    other = f.project(is_public=False, areas=[f.community(parent=taishan)])
    as_official(kuishan_official).post(
        reverse(CHANGELIST), {"action": "publish", ACTION_CHECKBOX_NAME: [other.pk], "index": 0}
    )
    other.refresh_from_db()
    assert not other.is_public


def test_the_history_page_shows_who_changed_what(as_official, district_official):
    project = f.project(title="泉山区助餐点建设")
    client = as_official(district_official)
    response = client.post(change_url(project), form_data(project, title="泉山区老年助餐点建设"))
    assert response.status_code == 302
    page = client.get(reverse("admin:projects_project_history", args=[project.pk])).content.decode()
    assert "district" in page
    assert "泉山区老年助餐点建设" in page


def test_history_cannot_be_used_to_revert(as_official, district_official):
    project = f.project(title="原名称")
    client = as_official(district_official)
    client.post(change_url(project), form_data(project, title="新名称"))
    old = project.history.earliest()
    url = reverse("admin:projects_project_simple_history", args=[project.pk, old.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, form_data(project, title="原名称")).status_code == 403
    project.refresh_from_db()
    assert project.title == "新名称"


def test_programmes_can_be_edited_but_not_added_or_deleted(as_official, district_official):
    client = as_official(district_official)
    assert client.get(reverse("admin:programmes_programme_add")).status_code == 403
    assert client.get(reverse("admin:programmes_programme_delete", args=["lvse"])).status_code == 403
    response = client.post(
        reverse("admin:programmes_programme_change", args=["lvse"]),
        {"name": "绿色怡心", "name_en": "Green", "scope": "口袋公园", "scope_en": "", "colour": "#2e7d32", "order": 3},
    )
    assert response.status_code == 302
    from apps.programmes.models import Programme

    assert Programme.objects.get(code="lvse").colour == "#2e7d32"


def test_a_parent_project_shows_its_subprojects_and_derived_progress(as_official, district_official):
    parent = f.project(title="老旧小区改造总项目")
    f.project(title="一期", parent=parent, status=ProjectStatus.COMPLETED, weight=1)
    f.project(title="二期", parent=parent, weight=1)
    parent.refresh_from_db()
    assert parent.progress_source == ProgressSource.SUBPROJECTS
    page = as_official(district_official).get(change_url(parent)).content.decode()
    assert "一期" in page and "二期" in page
    assert "按子项目加权计算" in page
    assert 'name="progress"' not in page


def test_a_past_version_is_shown_read_only(as_official, district_official):
    project = f.project(title="旧名称")
    client = as_official(district_official)
    client.post(change_url(project), form_data(project, title="新名称"))
    old = project.history.earliest()
    page = client.get(reverse("admin:projects_project_simple_history", args=[project.pk, old.history_id]))
    html = page.content.decode()
    assert "旧名称" in html
    assert 'name="title"' not in html


def update_rows(project: Project, changes: dict[int, dict]) -> dict:
    """The 进展 inline as posted back, with `changes` applied to the row of that id."""
    rows = [
        {"id": u.pk, "project": project.pk, "date": str(u.date), "text": u.text, "progress": str(u.progress)}
        | changes.get(u.pk, {})
        for u in project.updates.all()
    ]
    return inline("updates", rows, initial=len(rows))


def hand_set_with_two_updates(latest_text: str, latest_progress: str):
    """A hand-set project with a 进展 at 30 ten days ago and a later one; returns both."""
    project = f.project(status=ProjectStatus.IN_PROGRESS)
    project_post_update(project=project, text="基础施工", progress=Decimal("30"), on=f.days_ago(10))
    latest = project_post_update(project=project, text=latest_text, progress=Decimal(latest_progress), on=f.days_ago(1))
    return project, latest


def post_update_changes(client, project, changes: dict[int, dict]):
    """Save the change form with the 进展 inline as it stands, `changes` applied by entry id."""
    project.refresh_from_db()
    data = form_data(project)
    data.update(update_rows(project, changes))
    response = client.post(change_url(project), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    return project


def test_correcting_the_latest_progress_update_inline_corrects_the_project(as_official, district_official):
    project, latest = hand_set_with_two_updates("主体完工", "65")
    project = post_update_changes(as_official(district_official), project, {latest.pk: {"progress": "56"}})
    assert project.progress == Decimal("56.0")


def test_a_derived_projects_update_progress_cannot_be_rewritten_inline(as_official, district_official):
    project = f.project(status=ProjectStatus.IN_PROGRESS)
    milestone_save(milestone=Milestone(project=project, title="验收", planned_date=timezone.localdate(), weight=1))
    update = project_post_update(project=project, text="开工")
    data = form_data(project)
    data.update(update_rows(project, {update.pk: {"progress": "90"}}))
    response = as_official(district_official).post(change_url(project), data)
    assert response.status_code == 200
    assert "进展中记录的进度不能修改" in response.content.decode()
    update.refresh_from_db()
    assert update.progress == Decimal("0.0")


def test_a_subdistrict_official_cannot_hang_a_project_under_another_subdistricts(
    as_official, kuishan_official, kuishan, taishan
):
    theirs = f.project(title="泰山社区口袋公园", areas=[f.community(parent=taishan)])
    ours = f.project(areas=[f.community(parent=kuishan)])
    data = form_data(ours, parent=str(theirs.pk), areas=[a.pk for a in ours.areas.all()])
    response = as_official(kuishan_official).post(change_url(ours), data)
    assert response.status_code == 200
    assert "上级项目不在您的管理范围内" in response.content.decode()
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.parent_id is None
    assert theirs.progress_source == ProgressSource.MANUAL  # nothing rolled up into it


def test_a_department_official_must_stay_lead_or_co_department(as_official, zhujian_official, zhujian):
    project = f.project(lead_department=zhujian)
    other = f.department("区民政局")
    data = form_data(project, lead_department=str(other.pk), co_departments=[])
    response = as_official(zhujian_official).post(change_url(project), data)
    assert response.status_code == 200
    assert "须包含您所在的单位" in response.content.decode()
    project.refresh_from_db()
    assert project.lead_department == zhujian
    data["co_departments"] = [zhujian.pk]
    response = as_official(zhujian_official).post(change_url(project), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.lead_department == other


def test_a_staff_account_without_a_scope_cannot_add_projects(as_official):
    from django.contrib.auth import get_user_model

    from tests.admin.conftest import staff

    nobody = staff(get_user_model().objects.create_user("nobody", password="pw-quanshan-123", is_staff=True))
    client = as_official(nobody)
    assert client.get(reverse("admin:projects_project_add")).status_code == 403
    response = client.post(reverse("admin:projects_project_add"), {**form_data(), "is_public": "on"})
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_only_district_officials_change_the_six_programmes(as_official, kuishan_official):
    from apps.programmes.models import Programme

    url = reverse("admin:programmes_programme_change", args=["lvse"])
    client = as_official(kuishan_official)
    assert client.get(url).status_code == 200  # read-only view
    response = client.post(url, {"name": "改名", "name_en": "x", "scope": "", "scope_en": "", "colour": "#000000"})
    assert response.status_code == 403
    assert Programme.objects.get(pk="lvse").name != "改名"


def test_officials_cannot_delete_progress_updates(as_official, district_official):
    project = f.project(status=ProjectStatus.IN_PROGRESS)
    update = project_post_update(project=project, text="基础施工", progress=Decimal("30"))
    project.refresh_from_db()
    data = form_data(project)
    data.update(update_rows(project, {update.pk: {"DELETE": "on"}}))
    assert as_official(district_official).post(change_url(project), data).status_code == 302
    assert project.updates.get() == update  # the public timeline keeps what was published


def test_deleting_the_latest_progress_update_inline_takes_the_project_back(as_official):
    from django.contrib.auth import get_user_model

    administrator = get_user_model().objects.create_superuser("admin", password="pw-quanshan-123")
    project, mistake = hand_set_with_two_updates("误录", "90")
    project = post_update_changes(as_official(administrator), project, {mistake.pk: {"DELETE": "on"}})
    assert project.progress == Decimal("30.0")
    assert [u.text for u in project.updates.all()] == ["基础施工"]
