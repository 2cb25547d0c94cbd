"""Writes for 每月一题: a district official chooses the month's topic from its ranked request
groups, then records the departments, measures, outcome and projects, and publishes it."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.accounts.scoping import scope_of
from apps.audit.models import Action as AuditAction
from apps.audit.services import audit_record
from apps.common.cache import PROJECTS, invalidate
from apps.common.privacy import public_text
from apps.places.models import Department
from apps.proposals.selectors import GroupKey
from apps.topics.models import MonthlyTopic
from apps.topics.selectors import month_request_groups, this_month

TEXT_FIELDS = ("title", "problem", "sub_problems", "measures", "outcome")


def _require_district(by) -> None:
    if by is None or not scope_of(by).is_all:
        raise PermissionDenied("只有全区范围的工作人员可以选定每月一题。")


def _masked(topic: MonthlyTopic) -> None:
    # Every field is published: numbers and house numbers typed from a request are masked.
    for name in TEXT_FIELDS:
        setattr(topic, name, public_text(getattr(topic, name)).strip())


@transaction.atomic
def topic_choose(
    *, month: date, key: GroupKey, title: str, problem: str, sub_problems: str, lead_department: Department, by
) -> MonthlyTopic:
    """The month's topic, from one of the month's ranked request groups (kept with its count)."""
    _require_district(by)
    month = month.replace(day=1)
    if month > this_month():
        raise ValidationError({"month": "不能为将来的月份选题。"})
    # Any of the month's groups (the page shows the top ones; the label and count come from here).
    group = next((g for g in month_request_groups(month, limit=500) if g.key == key), None)
    if group is None:
        raise ValidationError("这一组诉求不在该月的排行中。")
    if MonthlyTopic.objects.filter(month=month).exists():
        raise ValidationError({"month": "该月已选定题目。"})
    topic = MonthlyTopic(
        month=month,
        title=title,
        problem=problem,
        sub_problems=sub_problems,
        lead_department=lead_department,
        group_area_id=key.area_id,
        group_category_id=key.category_id,
        group_programme_id=key.programme_id or None,
        group_kind=key.kind,
        group_label=group.label[:120],
        month_count=group.count,
        chosen_by=by,
    )
    _masked(topic)
    topic.full_clean()
    topic.save()
    return topic


@transaction.atomic
def topic_save(*, topic: MonthlyTopic, by) -> MonthlyTopic:
    """Record a topic's departments, measures and outcome; publishing it is audited."""
    _require_district(by)
    was_public = (
        MonthlyTopic.objects.filter(pk=topic.pk).values_list("is_public", flat=True).first() if topic.pk else False
    )
    _masked(topic)
    topic.full_clean()
    topic.save()
    invalidate(PROJECTS)  # project pages link back to their published topics
    if bool(was_public) != topic.is_public:
        audit_record(
            action=AuditAction.PUBLICATION,
            user=by,
            target=str(topic),
            data={"approved": topic.is_public, "object": "monthly_topic"},
        )
    return topic
