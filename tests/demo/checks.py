"""What the demo data must satisfy, shared by the SQLite and PostgreSQL tests."""

from __future__ import annotations

import hashlib
from collections import defaultdict

from django.db.models import Max
from django.utils import timezone

from apps.appeals.models import Appeal, AppealEvent, Status, TrackingCounter
from apps.appeals.services import deadlines_for, suggested_urgency
from apps.appeals.tracking import format_tracking_no
from apps.appeals.workflow import STATE_FIELDS, TRANSITIONS, Actor, Event, StepInput, StepState, apply_step
from apps.common.privacy import public_text
from apps.places.models import Area, Department
from apps.projects.models import Milestone, ProgressSource, ProgressUpdate, Project, ProjectStatus
from apps.projects.services import derived_progress, health_dates


def demo_digest() -> str:
    """A fingerprint of the demo content by natural keys (ids differ between databases)."""
    h = hashlib.sha256()

    def feed(rows) -> None:
        for row in rows:
            h.update(repr(tuple(row)).encode())

    feed(Area.objects.order_by("level", "code", "name").values_list("level", "code", "name", "latitude", "longitude"))
    feed(Department.objects.order_by("code").values_list("code", "name", "kind"))
    feed(
        Project.objects.order_by("title", "year", "planned_start", "planned_investment").values_list(
            "title",
            "year",
            "programme_id",
            "status",
            "progress",
            "progress_source",
            "planned_start",
            "planned_finish",
            "actual_start",
            "actual_finish",
            "planned_investment",
            "invested",
            "yellow_from",
            "red_from",
            "is_public",
            "official_name",
            "lead_department__code",
            "parent__title",
        )
    )
    feed(
        Milestone.objects.order_by("project__title", "project__planned_start", "order", "title").values_list(
            "project__title", "title", "planned_date", "completed_on", "weight"
        )
    )
    feed(
        ProgressUpdate.objects.order_by("project__title", "date", "text").values_list(
            "project__title", "date", "text", "progress", "author__username"
        )
    )
    feed(
        Appeal.objects.order_by("tracking_no").values_list(
            "tracking_no",
            "kind",
            "channel",
            "title",
            "content",
            "status",
            "submitter_name",
            "submitter_phone",
            "submitter_phone_index",
            "submitter_contact",
            "location_text",
            "latitude",
            "longitude",
            "area__name",
            "department__code",
            "submitted_at",
            "resolve_due",
            "responded_at",
            "closed_at",
            "rating",
            "public_reply",
            "consent_to_publish",
            "publish_approved",
        )
    )
    feed(
        AppealEvent.objects.order_by("appeal__tracking_no", "at", "id").values_list(
            "appeal__tracking_no", "action", "to_status", "actor__username", "department__code", "note", "at"
        )
    )
    feed(
        Appeal.projects.through.objects.order_by("appeal__tracking_no").values_list(
            "appeal__tracking_no", "project__title"
        )
    )
    return h.hexdigest()


def assert_requests_follow_the_workflow_rules() -> int:
    """Replay every request's events through the state machine and compare with the row."""
    now = timezone.now()
    checked = 0
    numbers: dict[int, list[int]] = defaultdict(list)
    departments = Department.objects.in_bulk()
    for appeal in (
        Appeal.objects.select_related("area", "merged_into")
        .prefetch_related("events", "co_assignments")
        .order_by("submitted_at", "id")
    ):
        events = list(appeal.events.all())
        co_rows = list(appeal.co_assignments.all())
        assert events[0].action == "submit" and events[0].to_status == Status.SUBMITTED
        assert events[0].at == appeal.submitted_at
        urgency = suggested_urgency(appeal.title, appeal.content)
        response_due, resolve_due = deadlines_for(kind=appeal.kind, submitted_at=appeal.submitted_at, urgency=urgency)
        assert appeal.response_due == response_due, appeal.tracking_no
        assert appeal.subdistrict_id == (appeal.area.subdistrict_id or appeal.area.pk)

        # The workflow's own function replays the stored steps: the row must be what they leave.
        state = StepState(urgency=urgency, resolve_due=resolve_due)
        # The class the resident picked is the request's until 受理 records the dispatcher's.
        accepted = [event.category_id for event in events if event.action == "accept" and event.category_id]
        state.category_id = appeal.category_id if not accepted else None
        previous = appeal.submitted_at
        for event in events[1:]:
            assert previous <= event.at <= now
            step = StepInput(
                note=event.note,
                reply=event.reply,
                department=departments.get(event.department_id),
                reason=event.reason,
                rating=event.rating,
                solved=event.solved,
                urgency=event.reason if event.action == "accept" else "",
                until=event.until,
                into=appeal.merged_into,
                at=event.at,
            )
            TRANSITIONS[event.action].validate(state, step)
            replayed = apply_step(
                state,
                event.action,
                at=event.at,
                department_id=event.department_id,
                reason=event.reason,
                note=event.note,
                reply=event.reply,
                rating=event.rating,
                solved=event.solved,
                comment=event.comment,
                urgency=step.urgency,
                category_id=event.category_id,
                until=event.until,
                merged_into_id=appeal.merged_into_id,
                # An assign's co-departments are the co-assignments made at that moment.
                co_pending=sum(1 for row in co_rows if row.assigned_at == event.at) if event.action == "assign" else 0,
            )
            if event.action == "co_reply":
                answered = [row for row in co_rows if row.department_id == event.department_id]
                assert [row.replied_at for row in answered] == [event.at], appeal.tracking_no
            if event.action == "co_sign":
                signed = [row for row in co_rows if row.department_id == event.department_id]
                assert [row.signed_at for row in signed] == [event.at], appeal.tracking_no
            stored = Event(
                event.action,
                event.from_status,
                event.to_status,
                event.department_id,
                event.reason,
                event.note,
                event.reply,
                event.until,
                event.rating,
                event.solved,
                event.at,
                event.category_id,
                event.comment,
            )
            assert replayed == stored, (appeal.tracking_no, replayed, stored)
            assert bool(event.proxy_reason) <= (TRANSITIONS[event.action].actor in (Actor.UNIT, Actor.CO_UNIT))
            previous = event.at
        for name in STATE_FIELDS:
            assert getattr(appeal, name) == getattr(state, name), (appeal.tracking_no, name)
        assert appeal.co_pending == sum(1 for row in co_rows if row.is_pending), appeal.tracking_no
        assert all(row.assigned_at < row.due for row in co_rows), appeal.tracking_no
        # A co-department signs before it answers (answering unsigned signs at that moment).
        assert all(row.signed_at <= row.replied_at for row in co_rows if row.replied_at), appeal.tracking_no
        assert not appeal.publish_approved or appeal.consent_to_publish
        # A published request carries the masked draft an approving official is offered.
        originals = (appeal.title, appeal.content, appeal.public_reply) if appeal.publish_approved else ("", "", "")
        assert (appeal.published_title, appeal.published_content, appeal.published_reply) == tuple(
            public_text(text) for text in originals
        ), appeal.tracking_no
        appeal.full_clean(exclude=["tracking_no", "subdistrict", "projects"])
        year = timezone.localtime(appeal.submitted_at).year
        numbers[year].append(int(appeal.tracking_no.rsplit("-", 1)[1]))
        assert appeal.tracking_no == format_tracking_no(year, numbers[year][-1])
        checked += 1
    for year, issued in numbers.items():
        assert issued == list(range(1, len(issued) + 1)), "tracking numbers follow submission order"
        assert TrackingCounter.objects.get(year=year).last == len(issued)
    return checked


def assert_history_leads_to(project: Project) -> None:
    """The project's change history starts at its creation, before its planned start, and ends
    with the project as it is (what the monthly reports read for past months)."""
    versions = list(project.history.order_by("history_date", "history_id"))
    first, last = versions[0], versions[-1]
    assert first.history_type == "+" and first.history_date == project.created_at, project.title
    assert timezone.localdate(project.created_at) < project.planned_start
    assert [v.history_type for v in versions[1:]] == ["~"] * (len(versions) - 1)
    assert last.history_date <= timezone.now()
    fields = [f.attname for f in Project.history.model.tracked_fields if f.attname != "updated_at"]
    assert {f: getattr(last, f) for f in fields} == {f: getattr(project, f) for f in fields}, project.title
    for version in versions:
        assert (version.yellow_from, version.red_from) == health_dates(
            planned_start=version.planned_start,
            planned_finish=version.planned_finish,
            progress=version.progress,
            completed=version.status == ProjectStatus.COMPLETED,
        )


def assert_projects_follow_the_progress_rules() -> int:
    checked = 0
    for project in Project.objects.select_related("parent"):
        source, progress = derived_progress(project=project)
        assert project.progress_source == source, project.title
        if progress is not None:
            assert project.progress == progress, project.title
        else:
            assert source == ProgressSource.MANUAL
        assert (project.yellow_from, project.red_from) == health_dates(
            planned_start=project.planned_start,
            planned_finish=project.planned_finish,
            progress=project.progress,
            completed=project.status == ProjectStatus.COMPLETED,
        )
        project.full_clean(exclude=["areas", "co_departments"])
        assert project.areas.exists()
        last = project.updates.aggregate(Max("date"))["date__max"]
        assert last is None or last <= timezone.localdate()
        assert_history_leads_to(project)
        checked += 1
    return checked
