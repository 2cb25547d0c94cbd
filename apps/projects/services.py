"""Every write to projects goes through these functions: admin, API and commands alike."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from apps.accounts.scoping import Scope
from apps.common.cache import PROJECTS, invalidate
from apps.common.files import delete_file_on_commit
from apps.common.images import strip_exif
from apps.notifications.follows import follows_update_posted
from apps.projects.models import (
    Milestone,
    PhotoStage,
    ProgressSource,
    ProgressUpdate,
    Project,
    ProjectPhoto,
    ProjectStatus,
)
from apps.webhooks.services import webhooks_emit

ONE_DECIMAL = Decimal("0.1")
# A project's foreign keys, each checked by full_clean with a query of its own.
REFERENCES = ("programme", "lead_department", "parent")


def percent(value: Decimal) -> Decimal:
    """A progress figure: one decimal, half up, within 0–100 (the seeder uses it too)."""
    return min(Decimal("100"), max(Decimal("0"), value)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def health_dates(
    *,
    planned_start: date,
    planned_finish: date,
    progress: Decimal,
    completed: bool,
    yellow_threshold: int | None = None,
    red_threshold: int | None = None,
) -> tuple[date | None, date | None]:
    """The first days on which a project at `progress` is more than the yellow / red
    threshold behind 序时进度 (expected = elapsed share of the planned period).

    Behind by exactly the threshold is still the milder colour. None means never.
    """
    if completed:
        return None, None
    yellow_threshold = settings.HEALTH_YELLOW_THRESHOLD if yellow_threshold is None else yellow_threshold
    red_threshold = settings.HEALTH_RED_THRESHOLD if red_threshold is None else red_threshold
    period = (planned_finish - planned_start).days

    def first_day_behind_by_more_than(threshold: int) -> date | None:
        target = Decimal(progress) + threshold
        if target >= 100:
            return None
        # Smallest whole number of days k with k / period * 100 > target.
        days = math.floor(Decimal(period) * target / 100) + 1
        return planned_start + timedelta(days=days)

    return first_day_behind_by_more_than(yellow_threshold), first_day_behind_by_more_than(red_threshold)


def project_refresh_schedule(*, project: Project) -> None:
    project.yellow_from, project.red_from = health_dates(
        planned_start=project.planned_start,
        planned_finish=project.planned_finish,
        progress=project.progress,
        completed=project.status == ProjectStatus.COMPLETED,
    )


def derived_progress(*, project: Project) -> tuple[str, Decimal | None]:
    """(source, progress) from milestones, else from sub-projects, else manual (None)."""
    if project.pk is None:
        return ProgressSource.MANUAL, None
    milestones = Milestone.objects.filter(project=project).aggregate(
        total=Sum("weight"),
        done=Sum("weight", filter=Q(completed_on__isnull=False)),
    )
    if milestones["total"]:
        done = Decimal(milestones["done"] or 0)
        return ProgressSource.MILESTONES, percent(done * 100 / Decimal(milestones["total"]))
    subprojects = list(Project.objects.filter(parent=project).values_list("progress", "weight"))
    if subprojects:
        weight = sum(w for _, w in subprojects)
        return ProgressSource.SUBPROJECTS, percent(sum(p * w for p, w in subprojects) / Decimal(weight))
    return ProgressSource.MANUAL, None


@transaction.atomic
def projects_refresh_health() -> int:
    """Recompute every project's 红黄灯 dates (after the thresholds changed); returns how many changed."""
    fields = ["yellow_from", "red_from"]
    changed = 0
    batch: list[Project] = []
    for project in Project.objects.only("pk", "planned_start", "planned_finish", "progress", "status", *fields):
        before = (project.yellow_from, project.red_from)
        project_refresh_schedule(project=project)
        if before != (project.yellow_from, project.red_from):
            batch.append(project)
            changed += 1
        if len(batch) >= 1000:
            Project.objects.bulk_update(batch, fields)
            batch = []
    Project.objects.bulk_update(batch, fields)
    if changed:
        invalidate(PROJECTS)  # bulk_update sends no signals
    return changed


@transaction.atomic
def project_refresh_progress(*, project: Project) -> Project:
    """Recompute derived progress and schedule dates, then roll up to the parent project."""
    source, progress = derived_progress(project=project)
    project.progress_source = source
    if progress is not None:
        project.progress = progress
    project_refresh_schedule(project=project)
    invalidate(PROJECTS)  # .update() sends no signals
    Project.objects.filter(pk=project.pk).update(
        progress_source=project.progress_source,
        progress=project.progress,
        yellow_from=project.yellow_from,
        red_from=project.red_from,
        updated_at=timezone.now(),
    )
    if project.parent_id:
        project_refresh_progress(project=Project.objects.get(pk=project.parent_id))
    return project


@transaction.atomic
def project_save(
    *,
    project: Project,
    areas: Iterable | None = None,
    co_departments: Iterable | None = None,
    refresh: bool = True,
    references_checked: bool = False,
) -> Project:
    """Validate and save a project (new or changed), keeping derived progress and health right.

    A bulk caller (the spreadsheet import) passes `refresh=False` and calls
    `project_refresh_progress` itself once the project's milestones are written, and
    `references_checked=True` when it read the programme, departments and parent itself in this
    transaction (full_clean would otherwise query each one again)."""
    exclude = ["areas", "co_departments"]
    if references_checked:
        exclude += [name for name in REFERENCES if getattr(project, f"{name}_id") is not None]
    project.full_clean(exclude=exclude)
    old_parent_id = None
    if project.pk:
        old_parent_id = Project.objects.filter(pk=project.pk).values_list("parent_id", flat=True).first()
    if project.is_public and not project.published_at:
        project.published_at = timezone.now()
    project_refresh_schedule(project=project)
    project.save()
    if areas is not None:
        project.areas.set(areas)
    if co_departments is not None:
        project.co_departments.set(co_departments)
    if refresh:
        project_refresh_progress(project=project)
    if old_parent_id and old_parent_id != project.parent_id:
        project_refresh_progress(project=Project.objects.get(pk=old_parent_id))
    webhooks_emit("project.updated", object_id=project.pk)
    return project


@transaction.atomic
def project_publish(*, project: Project, publish: bool = True) -> Project:
    project.is_public = publish
    if publish and not project.published_at:
        project.published_at = timezone.now()
    project.save(update_fields=["is_public", "published_at", "updated_at"])
    webhooks_emit("project.updated", object_id=project.pk)
    return project


@transaction.atomic
def project_set_progress(*, project: Project, progress: Decimal) -> Project:
    """Set progress by hand; refused when progress is derived from milestones or sub-projects."""
    source, _derived = derived_progress(project=project)
    if source != ProgressSource.MANUAL:
        raise ValidationError({"progress": f"该项目的进度由{ProgressSource(source).label}，不能手工修改。"})
    project.progress = Decimal(progress)
    project.full_clean(exclude=["areas", "co_departments"])
    project.save(update_fields=["progress", "updated_at"])
    return project_refresh_progress(project=project)


def milestone_progress(*, weights: Iterable[tuple[int, bool]]) -> Decimal | None:
    """Progress from (weight, completed) pairs: the weighted share of completed milestones
    (None without any weight). What `derived_progress` stores, and what the 发布进展 page shows
    before saving."""
    weights = list(weights)
    total = sum(weight for weight, _done in weights)
    if not total:
        return None
    return percent(Decimal(sum(weight for weight, done in weights if done)) * 100 / Decimal(total))


@transaction.atomic
def project_post_update(
    *,
    project: Project,
    text: str,
    by=None,
    progress: Decimal | None = None,
    on: date | None = None,
    photos: Iterable = (),
    stage: str = PhotoStage.DURING,
    scope: Scope | None = None,
    milestones: Iterable[Milestone] = (),
) -> ProgressUpdate:
    """Post a 进展 to the public timeline. For hand-set projects the given progress becomes
    the project's progress. For derived ones, `milestones` are marked completed on the
    update's date first, and the update records the progress they give; a typed `progress`
    that differs from it is refused, never replaced.

    `scope` is the caller's when it is not an official whose admin already narrowed the projects
    (an API key): checked on the locked row, so a lead department changed meanwhile is seen."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_poster_scope(project, scope)
    if not (text or "").strip():
        raise ValidationError({"text": "请填写进展情况。"})
    on = on or timezone.localdate()
    milestones = list(milestones)
    if any(milestone.project_id != project.pk for milestone in milestones):
        raise ValidationError({"milestones": "只能勾选本项目的节点。"})
    for milestone in milestones:
        if milestone.completed_on is None:
            milestone.completed_on = on
            milestone.full_clean()
            milestone.save(update_fields=["completed_on"])
    if milestones:
        project_refresh_progress(project=project)
        project.refresh_from_db()
    source, derived = derived_progress(project=project)
    if source != ProgressSource.MANUAL and progress is not None and Decimal(progress) != derived:
        raise ValidationError(
            {
                "progress": f"该项目的进度由{ProgressSource(source).label}，按已完成的节点为 {derived}%，"
                f"不能填写为 {Decimal(progress)}%。请勾选已完成的节点，或清空进度。"
            }
        )
    if source == ProgressSource.MANUAL and progress is not None:
        project_set_progress(project=project, progress=progress)
        project.refresh_from_db()
    update = ProgressUpdate(
        project=project,
        text=text.strip(),
        author=by,
        progress=project.progress if (source != ProgressSource.MANUAL or progress is None) else Decimal(progress),
        date=on,
    )
    update.full_clean()
    update.save()
    for upload in photos:
        project_photo_add(project=project, upload=upload, stage=stage, update=update, taken_on=update.date)
    Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())
    follows_update_posted()
    webhooks_emit("project.progress_posted", object_id=update.pk)
    return update


def _check_poster_scope(project: Project, scope: Scope | None) -> None:
    """A 进展 is the lead department's report: a department's scope posts only to projects it
    leads (its co-departments report through it); any other scope to projects it holds."""
    if scope is None or scope.is_all:
        return
    if scope.department_id is not None:
        allowed = project.lead_department_id == scope.department_id
    else:
        allowed = scope.filter_projects(Project.objects.filter(pk=project.pk)).exists()
    if not allowed:
        raise PermissionDenied("只有牵头单位可以发布该项目的进展。")


def _latest_update(project: Project) -> ProgressUpdate | None:
    return project.updates.order_by("-date", "-id").first()


def _set_hand_progress_from(*, project: Project, update: ProgressUpdate | None) -> None:
    # A hand-set project's progress is that of its latest 进展; derived progress is left alone.
    source, _derived = derived_progress(project=project)
    if source == ProgressSource.MANUAL and update is not None and update.progress != project.progress:
        project_set_progress(project=project, progress=update.progress)


@transaction.atomic
def progress_update_edit(*, update: ProgressUpdate) -> ProgressUpdate:
    """Save a corrected 进展. On a hand-set project, correcting the latest entry's progress
    corrects the project's; where progress is derived, an entry's recorded progress stays."""
    project = Project.objects.select_for_update().get(pk=update.project_id)
    recorded = ProgressUpdate.objects.filter(pk=update.pk).values_list("progress", flat=True).first()
    progress_update_check(update=update)
    update.full_clean()
    update.save()
    if update.progress != recorded and _latest_update(project) == update:
        _set_hand_progress_from(project=project, update=update)
    Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())
    return update


def progress_update_check(*, update: ProgressUpdate) -> None:
    """Refuse a correction that `progress_update_edit` would refuse (forms call it to show why).
    A blank progress keeps the recorded one."""
    update.text = (update.text or "").strip()
    if not update.text:
        raise ValidationError({"text": "请填写进展情况。"})
    recorded = ProgressUpdate.objects.filter(pk=update.pk).values_list("progress", flat=True).first()
    if update.progress is None:
        update.progress = recorded
        return
    source, _derived = derived_progress(project=update.project)
    if source != ProgressSource.MANUAL and update.progress != recorded:
        raise ValidationError({"progress": f"该项目的进度由{ProgressSource(source).label}，进展中记录的进度不能修改。"})


@transaction.atomic
def progress_update_delete(*, update: ProgressUpdate) -> None:
    """Remove a 进展. Removing the latest one takes a hand-set project's progress back to the
    entry now latest (an entry posted by mistake is undone)."""
    project = Project.objects.select_for_update().get(pk=update.project_id)
    was_latest = _latest_update(project) == update
    update.delete()
    if was_latest:
        _set_hand_progress_from(project=project, update=_latest_update(project))
    Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())


@transaction.atomic
def milestone_save(*, milestone: Milestone, refresh: bool = True) -> Milestone:
    """Save a milestone; with `refresh=False` the caller refreshes the project's progress once
    after all its milestones (and then the project's own row is known to exist)."""
    milestone.full_clean(exclude=None if refresh else ["project"])
    milestone.save()
    if refresh:
        project_refresh_progress(project=milestone.project)
    return milestone


@transaction.atomic(savepoint=False)
def milestones_add(*, project: Project, milestones: list[Milestone]) -> list[Milestone]:
    """Add new, already validated milestones to a saved project in two queries (rows and their
    history); the caller refreshes the project's progress afterwards."""
    if not milestones:
        return []
    for milestone in milestones:
        milestone.project = project
    # (bulk_create_with_history would add a savepoint per project.)
    created = Milestone.objects.bulk_create(milestones)
    Milestone.history.bulk_history_create(created)
    invalidate(PROJECTS)  # bulk_create sends no signals
    return created


@transaction.atomic
def milestone_complete(*, milestone: Milestone, on: date | None = None) -> Milestone:
    milestone.completed_on = on or timezone.localdate()
    return milestone_save(milestone=milestone)


@transaction.atomic
def milestone_delete(*, milestone: Milestone, refresh: bool = True) -> None:
    project = milestone.project
    milestone.delete()
    if refresh:
        project_refresh_progress(project=project)


def project_photo_add(
    *,
    project: Project,
    upload,
    stage: str = PhotoStage.DURING,
    caption: str = "",
    update: ProgressUpdate | None = None,
    taken_on: date | None = None,
    is_cover: bool = False,
) -> ProjectPhoto:
    photo = ProjectPhoto(
        project=project,
        update=update,
        stage=stage,
        caption=caption,
        taken_on=taken_on,
        is_cover=is_cover,
        image=strip_exif(upload),
    )
    photo.full_clean()
    photo.save()
    return photo


@transaction.atomic
def project_photo_change(*, photo: ProjectPhoto, upload=None) -> ProjectPhoto:
    """Save a photo's edited caption, stage, date or cover flag; with `upload`, replace its image
    (stripped of EXIF, under a new random name) and remove the old file once this commits."""
    stored = ProjectPhoto.objects.select_for_update().get(pk=photo.pk)
    if upload is not None:
        photo.image = strip_exif(upload)
    photo.full_clean()
    photo.save()
    if upload is not None:
        delete_file_on_commit(stored.image)
    return photo


@transaction.atomic
def project_photo_delete(*, photo: ProjectPhoto) -> None:
    """Remove a photo and, once this commits, its file: a deleted photo is no longer at its URL."""
    image = photo.image
    photo.delete()
    delete_file_on_commit(image)


@transaction.atomic
def project_delete(*, project: Project) -> None:
    """Delete a project with what cascades from it (sub-projects, milestones, 进展, photos); the
    photos' files go once this commits, as project_photo_delete's do."""
    photos, level = [], [project.pk]
    while level:  # the project and its sub-projects, however deep
        photos += ProjectPhoto.objects.filter(project_id__in=level)
        level = list(Project.objects.filter(parent_id__in=level).values_list("pk", flat=True))
    project.delete()
    for photo in photos:
        delete_file_on_commit(photo.image)
