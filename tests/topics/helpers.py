"""Builders for the 每月一题 tests: a 社区's 路灯不亮 requests over several months, and a topic."""

from __future__ import annotations

from datetime import date, timedelta

from apps.appeals.models import Appeal
from apps.categories.models import ProblemCategory
from apps.common.dates import local_moment
from apps.places.models import Department
from apps.proposals.selectors import GroupKey
from apps.topics.selectors import add_months, this_month
from apps.topics.services import topic_choose, topic_save
from tests import factories as f

RESIDENT = "欧阳明华"
RESIDENT_PHONE = "13705161234"


def topic_month() -> date:
    """Three months ago: three whole months before it, two after, then the running month."""
    return add_months(this_month(), -3)


def lights() -> ProblemCategory:
    return ProblemCategory.objects.get(code="010302")  # 市政设施 · 路灯不亮


def requests_in(area, month: date, n: int, *, category=None, status: str = "") -> list:
    category = category or lights()
    made = [
        f.appeal(
            area=area,
            title="路灯不亮",
            content=f"{RESIDENT}反映小区路灯坏了，电话{RESIDENT_PHONE}。",
            submitter_name=RESIDENT,
            submitter_phone=RESIDENT_PHONE,
            submitted_at=local_moment(month + timedelta(days=9 + i)),
        )
        for i in range(n)
    ]
    Appeal.objects.filter(pk__in=[a.pk for a in made]).update(category=category)
    if status:
        Appeal.objects.filter(pk__in=[a.pk for a in made]).update(status=status)
    return made


def lights_history(community) -> dict[date, int]:
    """Month M (the topic's) and around it, worked out by hand:
    M-2: 2, M-1: 4, M: 6, M+1: 2, M+2: 1 → before (M-3..M-1) (0+2+4)/3 = 2.0, after (M+1, M+2;
    M+3 is this month, still running) (2+1)/2 = 1.5."""
    month = topic_month()
    plan = {add_months(month, n): count for n, count in ((-2, 2), (-1, 4), (0, 6), (1, 2), (2, 1))}
    for m, n in plan.items():
        requests_in(community, m, n)
    return plan


def city_management():
    return Department.objects.filter(name="区城管局").first() or f.department("区城管局")


def key_of(community) -> GroupKey:
    return GroupKey(community.pk, category_id=lights().pk)


def make_topic(by, community, *, month: date | None = None, public: bool = True, **fields):
    topic = topic_choose(
        month=month or topic_month(),
        key=key_of(community),
        title=fields.pop("title", "背街小巷路灯不亮"),
        problem=fields.pop("problem", "泰山社区居民反映多条背街小巷路灯不亮，夜间出行不便。"),
        sub_problems=fields.pop("sub_problems", "路灯损坏无人报修\n部分巷道未装路灯\n维修责任不清"),
        lead_department=fields.pop("lead_department", None) or city_management(),
        by=by,
    )
    for name, value in fields.items():
        setattr(topic, name, value)
    topic.measures = topic.measures or "逐巷排查，更换损坏灯具，明确管护责任。"
    topic.outcome = topic.outcome or "修复路灯86盏，新装42盏。"
    topic.is_public = public
    return topic_save(topic=topic, by=by)
