"""Reads for the year of 民生实事: 群众点单 groups of requests, public proposal lists, vote tallies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, When
from django.utils import timezone

from apps.accounts.scoping import Scope
from apps.appeals.models import Appeal, AppealKind, Status
from apps.places.models import Area, AreaLevel
from apps.programmes.models import Programme
from apps.proposals.models import Proposal, SessionStatus, Tally, VoteSession, published_q

GROUP_MONTHS = 12
# A request refused (不予受理) or merged into another is not a separate voice in a group.
NOT_COUNTED = (Status.REJECTED, Status.MERGED)


def has_category() -> bool:
    """Whether requests carry a problem class (`Appeal.category`): then groups use it instead of
    programme and type."""
    return any(field.name == "category" for field in Appeal._meta.get_fields())


@dataclass(frozen=True)
class GroupKey:
    """One 群众点单 group: a 社区 (or a 街道 for requests filed at 街道 level) and a problem class
    (category, or programme and type before requests were classified)."""

    area_id: int
    category_id: str = ""
    programme_id: str = ""
    kind: str = ""

    def as_param(self) -> str:
        return f"{self.area_id}:{self.category_id}:{self.programme_id}:{self.kind}"

    @classmethod
    def from_param(cls, value: str) -> GroupKey | None:
        parts = (value or "").split(":")
        if len(parts) != 4 or not parts[0].isdigit() or len(parts[0]) > 18:
            return None
        if parts[3] and parts[3] not in AppealKind.values:
            return None
        return cls(int(parts[0]), parts[1], parts[2], parts[3])


@dataclass
class RequestGroup:
    key: GroupKey
    area: Area
    label: str
    count: int
    callers: int
    repeat_calls: int

    @property
    def param(self) -> str:
        return self.key.as_param()


def _group_area():
    # A 小区's requests count for its 社区.
    return Case(When(area__level=AreaLevel.COMPOUND, then=F("area__parent_id")), default=F("area_id"))


def _recent_appeals(scope: Scope, since: datetime | None = None) -> QuerySet:
    since = since or timezone.now() - timedelta(days=30 * GROUP_MONTHS + 5)
    return scope.filter_appeals(Appeal.objects.filter(submitted_at__gte=since).exclude(status__in=NOT_COUNTED))


def request_groups(*, scope: Scope, since: datetime | None = None, limit: int = 50, min_count: int = 2) -> list:
    """The last 12 months' requests grouped by 社区 and problem class, most requests first, then
    most repeat calls (calls from a phone number already heard in the group). Three queries."""
    category = has_category()
    column = _category_column() if category else ""
    fields = ["group_area", column] if category else ["group_area", "programme_id", "kind"]
    with_phone = ~Q(submitter_phone_index="")
    rows = list(
        _recent_appeals(scope, since)
        .annotate(group_area=_group_area())
        .values(*fields)
        .annotate(
            count=Count("id"),
            phoned=Count("id", filter=with_phone),
            callers=Count("submitter_phone_index", filter=with_phone, distinct=True),
        )
        .filter(count__gte=min_count)
        .annotate(repeat_calls=F("phoned") - F("callers"))
        .order_by("-count", "-repeat_calls", *fields)[:limit]
    )
    areas = Area.objects.in_bulk({row["group_area"] for row in rows})
    programmes = Programme.objects.in_bulk({row.get("programme_id") for row in rows} - {None})
    categories = _category_labels({row[column] for row in rows} - {None, ""}) if category else {}
    kinds = dict(AppealKind.choices)
    groups = []
    for row in rows:
        area = areas[row["group_area"]]
        if category:
            key = GroupKey(area.pk, category_id=str(row[column] or ""))
            what = categories.get(row[column], "未分类")
        else:
            key = GroupKey(area.pk, programme_id=row["programme_id"] or "", kind=row["kind"])
            programme = programmes.get(row["programme_id"])
            what = f"{programme.name if programme else '未选板块'} · {kinds.get(row['kind'], row['kind'])}"
        groups.append(
            RequestGroup(
                key=key,
                area=area,
                label=f"{area.name} · {what}",
                count=row["count"],
                callers=row["callers"],
                repeat_calls=row["repeat_calls"],
            )
        )
    return groups


def _category_column() -> str:
    field = Appeal._meta.get_field("category")
    return field.attname


def _category_labels(ids: set) -> dict:
    field = Appeal._meta.get_field("category")
    if field.is_relation:
        return {pk: str(obj) for pk, obj in field.related_model.objects.in_bulk(ids).items()}
    return dict(field.choices or [(value, value) for value in ids])


def appeals_in_group(*, key: GroupKey, scope: Scope, since: datetime | None = None) -> QuerySet:
    """The requests a group counts, within the official's scope."""
    appeals = _recent_appeals(scope, since).annotate(group_area=_group_area()).filter(group_area=key.area_id)
    if has_category():
        column = _category_column()
        if key.category_id:
            return appeals.filter(**{column: key.category_id})
        unclassified = Q(**{f"{column}__isnull": True})
        if not Appeal._meta.get_field("category").is_relation:
            unclassified |= Q(**{column: ""})
        return appeals.filter(unclassified)
    programme = Q(programme_id=key.programme_id) if key.programme_id else Q(programme__isnull=True)
    return appeals.filter(programme, kind=key.kind)


# --- Back office ------------------------------------------------------------------------------


def proposals_in_scope(scope: Scope) -> QuerySet:
    """Proposals an official may see: district all; a 街道 its own; a department what it proposed
    or is suggested to lead."""
    proposals = Proposal.objects.all()
    if scope.is_all:
        return proposals
    if scope.subdistrict_id:
        return proposals.filter(subdistrict_id=scope.subdistrict_id)
    if scope.department_id:
        return proposals.filter(Q(department_id=scope.department_id) | Q(lead_department_id=scope.department_id))
    return proposals.none()


# --- Public site and API ----------------------------------------------------------------------


def published_proposals(*, year: int | None = None, status: str = "") -> QuerySet:
    """Published proposals, newest first, with what their cards show: fixed query count."""
    proposals = (
        Proposal.objects.filter(published_q())
        .select_related("programme", "area", "lead_department", "project")
        .only(
            "id",
            "tracking_no",
            "year",
            "source",
            "source_label",
            "status",
            "published_title",
            "published_content",
            "published_reason",
            "decision_reason",
            "source_appeal_count",
            "estimated_cost",
            "submitted_at",
            "consent_to_publish",
            "publish_approved",
            "programme__code",
            "programme__name",
            "programme__name_en",
            "area__id",
            "area__name",
            "lead_department__id",
            "lead_department__name",
            "project__id",
            "project__is_public",
        )
    )
    if year:
        proposals = proposals.filter(year=year)
    if status:
        proposals = proposals.filter(status=status)
    return proposals


def proposal_years() -> list[int]:
    return list(Proposal.objects.filter(published_q()).values_list("year", flat=True).distinct().order_by("-year"))


def vote_session_for_year(year: int) -> VoteSession | None:
    """A closed session's tallies with their candidates: two queries."""
    tallies = Tally.objects.select_related("proposal", "proposal__programme", "proposal__project").order_by(
        "rank", "id"
    )
    return (
        VoteSession.objects.filter(year=year, status=SessionStatus.CLOSED)
        .prefetch_related(Prefetch("tallies", queryset=tallies))
        .annotate(ballot_count=Count("ballots", distinct=True))
        .first()
    )


def closed_vote_sessions() -> QuerySet:
    tallies = Tally.objects.select_related("proposal", "proposal__project").order_by("rank", "id")
    return (
        VoteSession.objects.filter(status=SessionStatus.CLOSED)
        .prefetch_related(Prefetch("tallies", queryset=tallies))
        .annotate(ballot_count=Count("ballots", distinct=True))
        .order_by("-year")
    )


def proposal_for_project(project_id: int) -> Proposal | None:
    """The voted proposal a project came from (its page says so), or None."""
    return (
        Proposal.objects.filter(project_id=project_id)
        .select_related("project")
        .only("id", "year", "source_appeal_count", "tracking_no", "project__id", "project__year")
        .first()
    )


def ballot_for(*, session: VoteSession, deputy) -> object | None:
    return session.ballots.filter(deputy=deputy).prefetch_related("marks").first()
