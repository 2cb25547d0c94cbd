from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.scoping import ALL, NO_SCOPE, Scope
from apps.projects.models import Milestone, ProgressSource, Project
from apps.projects.services import (
    milestone_complete,
    milestone_delete,
    milestone_save,
    progress_update_delete,
    progress_update_edit,
    project_post_update,
    project_save,
    project_set_progress,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def add_milestone(project, weight, done=False):
    milestone = Milestone(project=project, title=f"节点{weight}", planned_date=project.planned_finish, weight=weight)
    if done:
        milestone.completed_on = f.days_ago(1)
    return milestone_save(milestone=milestone)


def test_a_project_without_milestones_or_subprojects_is_set_by_hand():
    project = f.project()
    project_set_progress(project=project, progress=Decimal("42.5"))
    project.refresh_from_db()
    assert project.progress == Decimal("42.5")
    assert project.progress_source == ProgressSource.MANUAL


def test_progress_is_the_weighted_share_of_completed_milestones():
    project = f.project()
    add_milestone(project, 1, done=True)
    add_milestone(project, 3, done=False)
    second = add_milestone(project, 6, done=True)
    project.refresh_from_db()
    assert project.progress_source == ProgressSource.MILESTONES
    assert project.progress == Decimal("70.0")  # (1 + 6) / 10

    milestone_delete(milestone=second)
    project.refresh_from_db()
    assert project.progress == Decimal("25.0")  # 1 / 4


def test_completing_a_milestone_raises_progress():
    project = f.project()
    first = add_milestone(project, 1)
    add_milestone(project, 2)
    milestone_complete(milestone=first)
    project.refresh_from_db()
    assert project.progress == Decimal("33.3")


def test_derived_progress_cannot_be_overwritten_by_hand():
    project = f.project()
    add_milestone(project, 1, done=True)
    with pytest.raises(ValidationError) as error:
        project_set_progress(project=project, progress=Decimal("10"))
    assert "不能手工修改" in error.value.message_dict["progress"][0]


def test_a_parent_project_is_the_weighted_mean_of_its_subprojects():
    parent = f.project(title="老旧小区改造")
    one = f.project(parent=parent, weight=1, title="一期")
    two = f.project(parent=parent, weight=3, title="二期")
    project_set_progress(project=one, progress=Decimal("100"))
    project_set_progress(project=two, progress=Decimal("20"))
    parent.refresh_from_db()
    assert parent.progress_source == ProgressSource.SUBPROJECTS
    assert parent.progress == Decimal("40.0")  # (100*1 + 20*3) / 4


def test_milestones_of_a_subproject_roll_up_to_the_parent():
    parent = f.project()
    child = f.project(parent=parent)
    add_milestone(child, 1, done=True)
    add_milestone(child, 1)
    parent.refresh_from_db()
    assert parent.progress == Decimal("50.0")


def test_moving_a_subproject_away_refreshes_the_old_parent():
    old_parent, new_parent = f.project(), f.project()
    child = f.project(parent=old_parent)
    project_set_progress(project=child, progress=Decimal("80"))
    child.parent = new_parent
    project_save(project=child)
    old_parent.refresh_from_db()
    new_parent.refresh_from_db()
    assert old_parent.progress_source == ProgressSource.MANUAL
    assert new_parent.progress == Decimal("80.0")


def test_a_progress_update_sets_hand_progress_and_joins_the_timeline():
    project = f.project()
    update = project_post_update(project=project, text="完成基础施工", progress=Decimal("35"))
    project.refresh_from_db()
    assert project.progress == Decimal("35.0")
    assert update.progress == Decimal("35.0")
    assert list(project.updates.all()) == [update]


def test_a_progress_update_of_a_derived_project_records_the_derived_value():
    project = f.project()
    add_milestone(project, 1, done=True)
    add_milestone(project, 1)
    update = project_post_update(project=project, text="第一节点完成")
    project.refresh_from_db()
    assert update.progress == Decimal("50.0")
    assert project.progress == Decimal("50.0")


def test_a_typed_progress_that_the_milestones_do_not_give_is_refused_not_replaced():
    project = f.project()
    add_milestone(project, 2, done=True)
    add_milestone(project, 1)
    add_milestone(project, 2)
    # 2 of 5 weights done: 40 %. The official typed 75 %: refused, saying what the nodes give.
    with pytest.raises(ValidationError) as refused:
        project_post_update(project=project, text="主体完工", progress=Decimal("75"))
    assert "40.0%" in str(refused.value) and "75%" in str(refused.value)
    assert not project.updates.exists()
    # Ticking the milestones that make it 60 % is accepted with the figure typed.
    small = project.milestones.get(weight=1)
    update = project_post_update(project=project, text="主体完工", progress=Decimal("60"), milestones=[small])
    project.refresh_from_db()
    small.refresh_from_db()
    assert update.progress == Decimal("60.0") == project.progress
    assert small.completed_on == update.date


def test_update_photos_are_stored_without_exif():
    from PIL import Image

    project = f.project()
    project_post_update(project=project, text="现场照片", photos=[f.jpeg_with_gps()], stage="before")
    photo = project.photos.get()
    assert photo.stage == "before"
    assert dict(Image.open(photo.image.path).getexif()) == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"progress": Decimal("101")}, "progress"),
        ({"progress": Decimal("-1")}, "progress"),
        ({"planned_investment": Decimal("-5")}, "planned_investment"),
        ({"invested": Decimal("-0.01")}, "invested"),
        ({"planned_start": f.days_ago(0), "planned_finish": f.days_ago(10)}, "planned_finish"),
        ({"status": "completed", "actual_start": f.days_ago(9), "actual_finish": None}, "actual_finish"),
        ({"status": "in_progress", "actual_start": None}, "actual_start"),
        ({"latitude": Decimal("34.2")}, "longitude"),
    ],
)
def test_bad_project_input_is_refused_with_a_message(changes, field):
    project = f.project()
    for name, value in changes.items():
        setattr(project, name, value)
    with pytest.raises(ValidationError) as error:
        project_save(project=project)
    assert field in error.value.message_dict
    assert Project.objects.get(pk=project.pk).progress == Decimal("0")


def test_a_subproject_cannot_have_subprojects():
    grandparent = f.project()
    parent = f.project(parent=grandparent)
    with pytest.raises(ValidationError) as error:
        f.project(parent=parent)
    assert "parent" in error.value.message_dict


def post(project, text, progress, days_ago):
    return project_post_update(project=project, text=text, progress=Decimal(progress), on=f.days_ago(days_ago))


def test_correcting_the_latest_entrys_progress_corrects_a_hand_set_project():
    project = f.project()
    post(project, "基础施工", "30", 10)
    latest = post(project, "主体完工", "65", 1)
    latest.progress = Decimal("56")
    progress_update_edit(update=latest)
    project.refresh_from_db()
    assert project.progress == Decimal("56.0")


def test_correcting_an_earlier_entry_leaves_the_projects_progress():
    project = f.project()
    earlier = post(project, "基础施工", "30", 10)
    post(project, "主体完工", "65", 1)
    earlier.progress = Decimal("35")
    earlier.text = "基础施工完成"
    progress_update_edit(update=earlier)
    project.refresh_from_db()
    earlier.refresh_from_db()
    assert (earlier.text, earlier.progress) == ("基础施工完成", Decimal("35.0"))
    assert project.progress == Decimal("65.0")


def test_removing_the_latest_entry_takes_a_hand_set_project_back_to_the_one_before():
    project = f.project()
    post(project, "基础施工", "30", 10)
    mistake = post(project, "误录", "90", 1)
    progress_update_delete(update=mistake)
    project.refresh_from_db()
    assert project.progress == Decimal("30.0")
    assert [u.text for u in project.updates.all()] == ["基础施工"]


def test_a_derived_projects_entries_keep_their_recorded_progress():
    project = f.project()
    add_milestone(project, 1, done=True)
    add_milestone(project, 1)
    update = project_post_update(project=project, text="第一节点完成")
    update.progress = Decimal("90")
    with pytest.raises(ValidationError) as refused:
        progress_update_edit(update=update)
    assert "节点" in refused.value.message_dict["progress"][0]
    update.refresh_from_db()
    assert update.progress == Decimal("50.0")
    update.text = "第一节点（设计）完成"
    update.progress = None  # left blank: the recorded progress stays
    progress_update_edit(update=update)
    update.refresh_from_db()
    assert (update.text, update.progress) == ("第一节点（设计）完成", Decimal("50.0"))


def test_an_entry_cannot_be_emptied():
    project = f.project()
    update = post(project, "基础施工", "30", 1)
    update.text = "  "
    with pytest.raises(ValidationError):
        progress_update_edit(update=update)
    update.refresh_from_db()
    assert update.text == "基础施工"


def test_removing_the_latest_entry_of_a_derived_project_leaves_its_progress():
    project = f.project()
    first = add_milestone(project, 1, done=True)
    add_milestone(project, 1)
    project_post_update(project=project, text="开工", on=f.days_ago(5))
    first.completed_on = None
    milestone_save(milestone=first)
    latest = project_post_update(project=project, text="第一节点返工", on=f.days_ago(1))
    project.refresh_from_db()
    assert project.progress == Decimal("0.0")
    progress_update_delete(update=latest)
    project.refresh_from_db()
    assert project.progress == Decimal("0.0")
    assert [u.text for u in project.updates.all()] == ["开工"]


def test_sub_projects_have_one_level_only_whichever_side_is_saved_last():
    top, middle = f.project(), f.project()
    child = f.project()
    child.parent = middle
    project_save(project=child)
    middle.parent = top  # middle already has a sub-project
    with pytest.raises(ValidationError) as refused:
        project_save(project=middle)
    assert "parent" in refused.value.message_dict
    grandchild = f.project()
    grandchild.parent = child  # child already has a parent
    with pytest.raises(ValidationError):
        project_save(project=grandchild)


def test_with_a_departments_scope_only_the_lead_department_posts_an_update():
    lead, co = f.department(), f.department()
    project = f.project(lead_department=lead, co_departments=[co])
    with pytest.raises(PermissionDenied):
        project_post_update(project=project, text="配合单位的进展", scope=Scope("department", department_id=co.pk))
    project_post_update(project=project, text="牵头单位的进展", scope=Scope("department", department_id=lead.pk))
    assert [update.text for update in project.updates.all()] == ["牵头单位的进展"]


def test_the_lead_department_is_checked_on_the_locked_row():
    lead, successor = f.department(), f.department()
    project = f.project(lead_department=lead)
    stale = Project.objects.get(pk=project.pk)
    Project.objects.filter(pk=project.pk).update(lead_department=successor)
    with pytest.raises(PermissionDenied):
        project_post_update(project=stale, text="已移交后的进展", scope=Scope("department", department_id=lead.pk))
    assert not project.updates.exists()


def test_a_scope_that_holds_no_project_posts_nowhere_and_the_districts_everywhere():
    project = f.project()
    with pytest.raises(PermissionDenied):
        project_post_update(project=project, text="x", scope=NO_SCOPE)
    assert project_post_update(project=project, text="区级进展", scope=ALL).text == "区级进展"
