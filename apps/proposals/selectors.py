"""Reads for the year of 民生实事: 群众点单 groups of requests, public proposal lists, vote tallies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext

from apps.accounts.scoping import Scope
from apps.appeals.models import Appeal, AppealKind, Status
from apps.categories.models import ProblemCategory
from apps.places.models import Area, AreaLevel
from apps.programmes.models import Programme
from apps.projects.selectors import public_project_q
from apps.proposals.models import (
    EvaluationResult,
    EvaluationRound,
    Inspection,
    InspectionPhoto,
    Proposal,
    SessionStatus,
    Tally,
    VoteSession,
    published_q,
)

GROUP_MONTHS = 12
# A request refused (不予受理) or merged into another is not a separate voice in a group.
NOT_COUNTED = (Status.REJECTED, Status.MERGED)


@dataclass(frozen=True)
class GroupKey:
    """One 群众点单 group: a 社区 (or a 街道 for requests filed at 街道 level) and a problem class:
    the request's 问题分类 where it has one, else (requests not yet classified) programme and type."""

    area_id: int
    category_id: int | None = None
    programme_id: str = ""
    kind: str = ""

    def as_param(self) -> str:
        return f"{self.area_id}:{self.category_id or ''}:{self.programme_id}:{self.kind}"

    @classmethod
    def from_param(cls, value: str) -> GroupKey | None:
        parts = (value or "").split(":")
        if len(parts) != 4 or not all(part.isdigit() and len(part) <= 18 for part in parts[:1]):
            return None
        if parts[1] and not (parts[1].isdigit() and len(parts[1]) <= 18):
            return None
        if parts[3] and parts[3] not in AppealKind.values:
            return None
        return cls(int(parts[0]), int(parts[1]) if parts[1] else None, parts[2], parts[3])


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


def _unclassified(field: str, empty):
    # Programme and type split only the requests that have no 问题分类 yet.
    return Case(When(category__isnull=True, then=F(field)), default=Value(empty))


def grouped_appeals(scope: Scope, since: datetime | None = None, until: datetime | None = None) -> QuerySet:
    """Requests counted in groups, received in [since, until) (by default the last 12 months),
    annotated with their group (for `group_q`)."""
    since = since or timezone.now() - timedelta(days=30 * GROUP_MONTHS + 5)
    appeals = Appeal.objects.filter(submitted_at__gte=since).exclude(status__in=NOT_COUNTED)
    if until is not None:
        appeals = appeals.filter(submitted_at__lt=until)
    return scope.filter_appeals(appeals).annotate(
        group_area=_group_area(),
        group_programme=_unclassified("programme_id", ""),
        group_kind=_unclassified("kind", ""),
    )


def request_groups(
    *,
    scope: Scope,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    min_count: int = 2,
) -> list:
    """Requests received in [since, until) (by default the last 12 months) grouped by 社区 and
    problem class, most requests first, then most repeat calls (calls from a phone number already
    heard in the group). Four queries. 每月一题 asks the same for one month."""
    fields = ["group_area", "category_id", "group_programme", "group_kind"]
    with_phone = ~Q(submitter_phone_index="")
    rows = list(
        grouped_appeals(scope, since, until)
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
    programmes = Programme.objects.in_bulk({row["group_programme"] for row in rows} - {None, ""})
    categories = ProblemCategory.objects.in_bulk({row["category_id"] for row in rows} - {None})
    kinds = dict(AppealKind.choices)
    groups = []
    for row in rows:
        area = areas[row["group_area"]]
        if row["category_id"]:
            what = categories[row["category_id"]].name
        else:
            programme = programmes.get(row["group_programme"])
            kind = kinds.get(row["group_kind"], row["group_kind"])
            what = f"{programme.name if programme else gettext('未选板块')} · {kind}"
        key = GroupKey(
            area.pk,
            category_id=row["category_id"],
            programme_id=row["group_programme"] or "",
            kind=row["group_kind"] or "",
        )
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


def group_q(key: GroupKey) -> Q:
    """The condition a request meets to count in a group (on `grouped_appeals`' annotations)."""
    if key.category_id:
        return Q(group_area=key.area_id, category_id=key.category_id)
    programme = Q(programme_id=key.programme_id) if key.programme_id else Q(programme__isnull=True)
    return Q(group_area=key.area_id, category__isnull=True, kind=key.kind) & programme


def appeals_in_group(
    *, key: GroupKey, scope: Scope, since: datetime | None = None, until: datetime | None = None
) -> QuerySet:
    """The requests a group counts, within the official's scope."""
    return grouped_appeals(scope, since, until).filter(group_q(key))


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
            "updated_at",
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


def evaluation_results_for_project(project_id: int) -> list:
    """A project's published 满意度测评 results, earliest first: one query."""
    return list(
        EvaluationResult.objects.filter(project_id=project_id, round__status=SessionStatus.CLOSED)
        .select_related("round")
        .order_by("round__year", "round__phase")
    )


def closed_evaluation_rounds() -> QuerySet:
    """Counted rounds with the results of published projects (`public_results`): two queries."""
    results = EvaluationResult.objects.filter(project__is_public=True).select_related("project").order_by("project_id")
    return (
        EvaluationRound.objects.filter(status=SessionStatus.CLOSED)
        .prefetch_related(Prefetch("results", queryset=results, to_attr="public_results"))
        .order_by("-year", "-phase")
    )


def inspections_for_project(project_id: int) -> list:
    """A project's 视察 records for its page (public version of the findings) with their photos:
    two queries."""
    return list(
        Inspection.objects.filter(project_id=project_id)
        .only("id", "visited_on", "deputy_name", "participants", "published_findings", "project_id")
        .prefetch_related("photos")
    )


def public_inspection_photo_exists(*, name: str) -> bool:
    """Whether `name` (a path in the media storage) is a 视察 photo of a published project."""
    folder, _slash, rest = name.partition("/")
    project_id = rest.partition("/")[0]
    if folder != "projects" or not (project_id.isascii() and project_id.isdigit()) or len(project_id) > 18:
        return False
    return InspectionPhoto.objects.filter(
        public_project_q("inspection__project__"), inspection__project_id=int(project_id), image=name
    ).exists()
