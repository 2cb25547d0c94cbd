"""Reads for 每月一题: the month's ranked request groups, the public topics, and each topic's
requests counted month by month.

The counts read the requests with one GROUP BY (month) rather than the daily rollups: a topic's
group is a 社区 (or a 街道's own requests) and a problem class, and AppealDay keeps 街道, not 社区.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.accounts.scoping import ALL
from apps.common.dates import local_moment
from apps.projects.models import Project
from apps.proposals.selectors import GroupKey, group_q, grouped_appeals, request_groups
from apps.topics.models import MonthlyTopic

MONTHS_BEFORE = 6
MONTHS_AFTER = 6
# The averages compare up to this many whole months before the topic's month with those after.
COMPARE_MONTHS = 3


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def topic_key(topic: MonthlyTopic) -> GroupKey:
    return GroupKey(
        topic.group_area_id,
        category_id=topic.group_category_id,
        programme_id=topic.group_programme_id or "",
        kind=topic.group_kind,
    )


def month_request_groups(month: date, *, limit: int = 20) -> list:
    """The month's requests in 群众点单 groups, most frequent first (four queries)."""
    return request_groups(
        scope=ALL,
        since=local_moment(month),
        until=local_moment(add_months(month, 1)),
        limit=limit,
        min_count=1,
    )


@dataclass
class TopicCounts:
    """A topic's requests per month around its month; the last month may still be running."""

    topic_month: date
    months: list[date]
    counts: list[int]
    partial_last: bool

    def _mean(self, months: list[date]) -> float | None:
        values = [n for m, n in zip(self.months, self.counts, strict=True) if m in months]
        return round(sum(values) / len(values), 1) if values else None

    @property
    def topic_count(self) -> int:
        return dict(zip(self.months, self.counts, strict=True)).get(self.topic_month, 0)

    @property
    def before(self) -> float | None:
        """Mean per month over the whole months just before the topic's month."""
        return self._mean([add_months(self.topic_month, -n) for n in range(1, COMPARE_MONTHS + 1)])

    @property
    def after(self) -> float | None:
        """Mean per month over the whole months after it (None until one has ended)."""
        last_whole = add_months(this_month(), -1)
        wanted = [add_months(self.topic_month, n) for n in range(1, COMPARE_MONTHS + 1)]
        return self._mean([m for m in wanted if m <= last_whole])


def topic_counts(topics: list[MonthlyTopic]) -> dict[int, TopicCounts]:
    """Each topic's matching requests per month, MONTHS_BEFORE before its month to MONTHS_AFTER
    after (not past this month): one aggregate query for all the topics, whatever their number."""
    if not topics:
        return {}
    current = this_month()
    windows = {
        t.pk: (add_months(t.month, -MONTHS_BEFORE), min(add_months(t.month, MONTHS_AFTER), current)) for t in topics
    }
    since = min(first for first, _ in windows.values())
    until = add_months(max(last for _, last in windows.values()), 1)
    conditions = {t.pk: group_q(topic_key(t)) for t in topics}
    any_group = Q()
    for condition in conditions.values():
        any_group |= condition
    rows = (
        grouped_appeals(ALL, local_moment(since), local_moment(until))
        .filter(any_group)
        .annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(**{f"t{pk}": Count("id", filter=condition) for pk, condition in conditions.items()})
        .order_by()
    )
    per_month = {}
    for row in rows:
        month = row["month"]
        if hasattr(month, "hour"):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        per_month[month] = row
    result = {}
    for topic in topics:
        first, last = windows[topic.pk]
        months, month = [], first
        while month <= last:
            months.append(month)
            month = add_months(month, 1)
        counts = [per_month.get(m, {}).get(f"t{topic.pk}", 0) for m in months]
        result[topic.pk] = TopicCounts(topic.month, months, counts, partial_last=months[-1] == current)
    return result


def public_topics() -> QuerySet:
    """Published topics, newest month first, with what their pages show: fixed query count."""
    public_projects = Project.objects.filter(is_public=True).only("id", "title", "year", "status").order_by("id")
    return (
        MonthlyTopic.objects.filter(is_public=True)
        .select_related("lead_department", "group_area")
        .prefetch_related("co_departments", Prefetch("projects", queryset=public_projects, to_attr="public_projects"))
    )


def public_topic(pk: int) -> MonthlyTopic | None:
    return public_topics().filter(pk=pk).first()


def topics_for_project(project_id: int) -> list:
    """The published topics a project came from (its page links back to them): one query."""
    return list(MonthlyTopic.objects.filter(is_public=True, projects=project_id).only("id", "month", "title"))
