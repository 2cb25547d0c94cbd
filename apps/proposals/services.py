"""Writes of the year of 民生实事: 征集, 初审, 票决. Every change goes through one function here; the
public form, the admin and the demo all call them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from apps.accounts.scoping import Scope, ScopeKind, is_deputy, scope_of
from apps.appeals.models import Appeal, AppealKind, Channel, Rating
from apps.appeals.services import appeal_submit
from apps.audit.models import Action as AuditAction
from apps.audit.services import audit_record
from apps.common.cache import PROJECTS, invalidate
from apps.common.files import delete_file_on_commit
from apps.common.images import strip_exif
from apps.common.privacy import public_text
from apps.places.models import Area, AreaLevel, Department
from apps.programmes.models import Programme
from apps.projects.models import Project, ProjectStatus
from apps.projects.services import project_save
from apps.proposals.models import (
    Ballot,
    BallotMark,
    Choice,
    EvaluationMark,
    EvaluationPhase,
    EvaluationResult,
    EvaluationRound,
    Inspection,
    InspectionPhoto,
    Proposal,
    ProposalCounter,
    ProposalStatus,
    SessionStatus,
    Source,
    Tally,
    VoteSession,
)
from apps.proposals.selectors import GroupKey, appeals_in_group

SCREENABLE = (ProposalStatus.SUBMITTED, ProposalStatus.CANDIDATE, ProposalStatus.DECLINED)


def format_proposal_no(year: int, number: int) -> str:
    return f"JY-{year}-{number:06d}"


def _next_proposal_no(year: int) -> str:
    ProposalCounter.objects.get_or_create(year=year)
    counter = ProposalCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return format_proposal_no(year, counter.last)


def next_proposal_year() -> int:
    """Proposals collected this year are for next year's projects."""
    return timezone.localdate().year + 1


def _subdistrict_of(area: Area | None) -> Area | None:
    if area is None:
        return None
    if area.level < AreaLevel.SUBDISTRICT:
        raise ValidationError({"area": "请选择街道或社区。"})
    return area.subdistrict or area.derive_subdistrict()


def proposal_check_scope(scope: Scope, *, area: Area | None, department: Department | None) -> None:
    """Whether an official may enter a proposal for this place and unit (ValidationError if not):
    the admin form asks before saving, the services again."""
    _check_scope(scope, subdistrict=_subdistrict_of(area), department=department)


def _check_scope(scope: Scope, *, subdistrict: Area | None, department: Department | None) -> None:
    """An official enters proposals only within their scope (as with requests)."""
    if scope.is_all:
        return
    if scope.kind == ScopeKind.SUBDISTRICT:
        if subdistrict is None or subdistrict.pk != scope.subdistrict_id:
            raise ValidationError({"area": "请选择您所在街道内的区域。"})
        return
    if scope.kind == ScopeKind.DEPARTMENT:
        if department is None or department.pk != scope.department_id:
            raise ValidationError({"department": "提出单位须为您所在的单位。"})
        return
    raise PermissionDenied("您没有录入民生实事建议的权限范围。")


@transaction.atomic
def proposal_submit(
    *,
    title: str,
    content: str,
    reason: str = "",
    area: Area | None = None,
    programme: Programme | None = None,
    year: int | None = None,
    source: str = Source.RESIDENT,
    source_label: str = "",
    department: Department | None = None,
    proposer_name: str = "",
    proposer_phone: str = "",
    consent_to_publish: bool = False,
    by=None,
) -> Proposal:
    """Record a proposal and give it a number. A resident's (`by` None) is always 群众建议; an
    official's is checked against their scope."""
    if by is None:
        source, source_label, department = Source.RESIDENT, "", None
    else:
        if source == Source.RESIDENT or source not in Source.values:
            raise ValidationError({"source": "请选择来源：人大代表、街道或部门。"})
        _check_scope(scope_of(by), subdistrict=_subdistrict_of(area), department=department)
        consent_to_publish = True
    proposal = Proposal(
        year=year or next_proposal_year(),
        source=source,
        source_label=(source_label or "").strip(),
        programme=programme,
        area=area,
        subdistrict=_subdistrict_of(area),
        department=department,
        title=(title or "").strip(),
        content=(content or "").strip(),
        reason=(reason or "").strip(),
        proposer_name=(proposer_name or "").strip(),
        proposer_phone=(proposer_phone or "").strip(),
        consent_to_publish=consent_to_publish,
        created_by=by,
        tracking_no="pending",
    )
    proposal.full_clean(exclude=["tracking_no"])
    proposal.tracking_no = _next_proposal_no(proposal.year)
    proposal.save()
    return proposal


@transaction.atomic
def proposal_from_requests(
    *, key: GroupKey, title: str, content: str, reason: str = "", year: int | None = None, by
) -> Proposal:
    """群众点单: a candidate grown from a group of requests, keeping the link to each of them."""
    scope = scope_of(by)
    appeals = list(appeals_in_group(key=key, scope=scope).values_list("pk", flat=True))
    if not appeals:
        raise ValidationError("这一组诉求已不存在或不在您的权限范围内。")
    area = Area.objects.get(pk=key.area_id)
    programme = Programme.objects.filter(pk=key.programme_id).first() if key.programme_id else None
    proposal = Proposal(
        year=year or next_proposal_year(),
        source=Source.REQUESTS,
        source_label="群众点单",
        programme=programme,
        area=area,
        subdistrict=_subdistrict_of(area),
        title=(title or "").strip(),
        content=(content or "").strip(),
        reason=(reason or "").strip(),
        consent_to_publish=True,
        created_by=by,
        source_appeal_count=len(appeals),
        tracking_no="pending",
    )
    proposal.full_clean(exclude=["tracking_no"])
    proposal.tracking_no = _next_proposal_no(proposal.year)
    proposal.save()
    proposal.source_appeals.set(appeals)
    return proposal


@dataclass(frozen=True)
class PublicVersion:
    title: str
    content: str
    reason: str


def proposal_public_draft(proposal: Proposal) -> PublicVersion:
    """The public version an official starts from: numbers and house numbers masked."""
    if proposal.publish_approved:
        return PublicVersion(proposal.published_title, proposal.published_content, proposal.published_reason)
    return PublicVersion(public_text(proposal.title), public_text(proposal.content), public_text(proposal.reason))


@transaction.atomic
def proposal_set_publication(
    *,
    proposal: Proposal,
    approved: bool,
    by,
    published_title: str = "",
    published_content: str = "",
    published_reason: str = "",
) -> Proposal:
    """Publish (with the public version the official saw and edited) or withdraw a proposal."""
    if approved and proposal.source == Source.RESIDENT and not proposal.consent_to_publish:
        raise ValidationError("建议人未同意公开，不能公开这条建议。")
    if approved:
        draft = proposal_public_draft(proposal)
        proposal.published_title = (published_title or draft.title).strip()
        proposal.published_content = (published_content or draft.content).strip()
        proposal.published_reason = (published_reason if published_title else draft.reason).strip()
    proposal.publish_approved = approved
    proposal.save(
        update_fields=["publish_approved", "published_title", "published_content", "published_reason", "updated_at"]
    )
    audit_record(
        action=AuditAction.PUBLICATION,
        user=by,
        target=proposal.tracking_no,
        data={"approved": approved, "object": "proposal"},
    )
    return proposal


class Decision:
    CANDIDATE = "candidate"
    DECLINE = "decline"
    CONVERT = "convert"
    CHOICES = ((CANDIDATE, "入选候选"), (DECLINE, "不予采纳"), (CONVERT, "转为诉求办理"))


@transaction.atomic
def proposal_screen(
    *,
    proposal: Proposal,
    decision: str,
    by,
    scores: Mapping[str, int | None] | None = None,
    estimated_cost: Decimal | None = None,
    lead_department: Department | None = None,
    programme: Programme | None = None,
    reason: str = "",
) -> Proposal:
    """初审: score the four criteria, record cost and lead unit, and decide. 入选候选 needs all
    four scores, a programme and a lead unit; 不予采纳 a reason residents will read; 转为诉求办理
    files a request through the appeals services."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in SCREENABLE:
        raise ValidationError(f"这条建议当前为“{proposal.get_status_display()}”，不能再初审。")
    if proposal.vote_sessions.exclude(status=SessionStatus.DRAFT).exists():
        raise ValidationError("这条建议已提交票决，不能再初审。")
    for name, value in (scores or {}).items():
        if name not in ("score_inclusive", "score_public_good", "score_feasible", "score_urgent"):
            raise ValidationError({name: "未知的评分项。"})
        setattr(proposal, name, value)
    proposal.estimated_cost = estimated_cost
    proposal.lead_department = lead_department
    if programme is not None:
        proposal.programme = programme
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if decision == Decision.CANDIDATE:
        for name in ("score_inclusive", "score_public_good", "score_feasible", "score_urgent"):
            if getattr(proposal, name) is None:
                errors[name] = "入选候选须给出四项评分。"
        if proposal.lead_department_id is None:
            errors["lead_department"] = "入选候选须确定建议牵头单位。"
        if proposal.programme_id is None:
            errors["programme"] = "入选候选须选择六心板块。"
        status = ProposalStatus.CANDIDATE
    elif decision == Decision.DECLINE:
        if not reason:
            errors["reason"] = "不予采纳须写明理由（将公开显示）。"
        status = ProposalStatus.DECLINED
    elif decision == Decision.CONVERT:
        if proposal.area_id is None:
            errors["area"] = "转为诉求办理须先填写所在区域。"
        status = ProposalStatus.CONVERTED
    else:
        raise ValidationError({"decision": "请选择初审结论。"})
    if errors:
        raise ValidationError(errors)
    proposal.full_clean(exclude=["tracking_no"])
    if decision == Decision.CONVERT:
        proposal.appeal = _file_request(proposal, by=by)
        reason = reason or f"已转为群众诉求办理（受理编号 {proposal.appeal.tracking_no}）。"
    proposal.status = status
    proposal.decision_reason = reason
    proposal.screened_at = timezone.now()
    proposal.screened_by = by
    proposal.save()
    return proposal


def _file_request(proposal: Proposal, *, by) -> Appeal:
    contact = "" if proposal.proposer_phone else f"{proposal.get_source_display()} {proposal.source_label}".strip()
    return appeal_submit(
        kind=AppealKind.SUGGESTION,
        area=proposal.area,
        programme=proposal.programme,
        title=proposal.title,
        content=proposal.content + (f"\n\n{proposal.reason}" if proposal.reason else ""),
        submitter_name=proposal.proposer_name,
        submitter_phone=proposal.proposer_phone,
        submitter_contact=contact,
        consent_to_publish=False,
        channel=Channel.VISIT if proposal.source != Source.RESIDENT else Channel.WEB,
        by=by,
        actor_label=f"民生实事建议 {proposal.tracking_no}",
    )


# --- 票决 ----------------------------------------------------------------------------------------


def _require_district(by) -> None:
    if not scope_of(by).is_all:
        raise PermissionDenied("只有全区范围的工作人员可以组织票决。")


def vote_session_check_candidates(*, places: int, candidates: list[Proposal], year: int) -> None:
    extra = settings.PROPOSAL_VOTE_MIN_EXTRA_CANDIDATES
    if len(candidates) < places + extra:
        message = f"候选项目须多于入选名额：名额 {places} 个，至少需要 {places + extra} 个候选项目"
        raise ValidationError({"candidates": f"{message}，现有 {len(candidates)} 个。"})
    wrong = [p.tracking_no for p in candidates if p.status != ProposalStatus.CANDIDATE or p.year != year]
    if wrong:
        raise ValidationError({"candidates": f"只有本年度“入选候选”的建议可以提交票决：{'、'.join(wrong)}。"})


@transaction.atomic
def vote_session_save(
    *,
    session: VoteSession,
    candidates: Iterable[Proposal],
    by,
) -> VoteSession:
    """Create or change a session in preparation (筹备中): the candidates must outnumber the places."""
    _require_district(by)
    if session.pk and VoteSession.objects.get(pk=session.pk).status != SessionStatus.DRAFT:
        raise ValidationError("投票已开始，不能再修改候选项目和名额。")
    candidates = list(candidates)
    session.full_clean()
    vote_session_check_candidates(places=session.places, candidates=candidates, year=session.year)
    session.save()
    session.candidates.set(candidates)
    return session


@transaction.atomic
def vote_session_open(*, session: VoteSession, by) -> VoteSession:
    _require_district(by)
    session = VoteSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.DRAFT:
        raise ValidationError("该票决会议已经开始投票或已计票。")
    vote_session_check_candidates(places=session.places, candidates=list(session.candidates.all()), year=session.year)
    session.status = SessionStatus.OPEN
    session.save(update_fields=["status"])
    return session


@transaction.atomic
def ballot_cast(*, session: VoteSession, marks: Mapping[int, str], by, deputy_name: str = "", deputy=None) -> Ballot:
    """One deputy's ballot, 赞成/反对/弃权 on every candidate. A deputy signed in casts only their
    own (their name comes from their account); a district official enters paper ballots."""
    if is_deputy(by):
        if deputy is not None and deputy != by:
            raise PermissionDenied("代表只能填写自己的选票。")
        deputy, deputy_name = by, deputy_display_name(by)
    else:
        _require_district(by)
        deputy_name = (deputy_name or (deputy_display_name(deputy) if deputy else "")).strip()
    if not deputy_name:
        raise ValidationError({"deputy_name": "请填写代表姓名。"})
    session = VoteSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.OPEN:
        raise ValidationError(f"该票决会议{session.get_status_display()}，不能投票。")
    candidate_ids = set(session.candidates.values_list("pk", flat=True))
    given = {int(pk): choice for pk, choice in marks.items()}
    if set(given) != candidate_ids:
        raise ValidationError({"marks": "请对每一个候选项目表决（赞成、反对或弃权），且只对候选项目表决。"})
    if any(choice not in Choice.values for choice in given.values()):
        raise ValidationError({"marks": "表决意见只能是赞成、反对或弃权。"})
    if session.ballots.filter(deputy_name=deputy_name).exists() or (
        deputy is not None and session.ballots.filter(deputy=deputy).exists()
    ):
        raise ValidationError({"deputy_name": f"{deputy_name} 代表已经投过票，每位代表只能投一张票。"})
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(session=session, deputy_name=deputy_name, deputy=deputy, entered_by=by)
    except IntegrityError as exc:
        raise ValidationError({"deputy_name": f"{deputy_name} 代表已经投过票，每位代表只能投一张票。"}) from exc
    BallotMark.objects.bulk_create(
        BallotMark(ballot=ballot, proposal_id=pk, choice=choice) for pk, choice in sorted(given.items())
    )
    return ballot


def deputy_display_name(user) -> str:
    profile = getattr(user, "official", None)
    return (profile.public_name if profile else "") or user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class Count:
    proposal_id: int
    yes: int
    no: int
    abstain: int


@dataclass(frozen=True)
class Result:
    proposal_id: int
    yes: int
    no: int
    abstain: int
    rank: int
    passed: bool
    tied: bool


def pass_votes(present: int) -> int:
    """The fewest 赞成 that pass: more than PROPOSAL_VOTE_PASS_PERCENT of the deputies present
    (default 50: more than half, so 16 of 30, 16 of 31)."""
    return present * settings.PROPOSAL_VOTE_PASS_PERCENT // 100 + 1


def count_results(counts: Iterable[Count], *, places: int, present: int) -> list[Result]:
    """Rank by 赞成 (most first); a candidate passes when it has enough 赞成 and ranks within the
    places. Candidates tied across the last place all stay out (``tied``): 另行表决 decides."""
    need = pass_votes(present)
    ranked = sorted(counts, key=lambda c: (-c.yes, c.proposal_id))
    eligible = [c for c in ranked if c.yes >= need]
    passing: set[int] = set()
    tied: set[int] = set()
    if len(eligible) <= places:
        passing = {c.proposal_id for c in eligible}
    else:
        cut = eligible[places - 1].yes
        above = [c for c in eligible if c.yes > cut]
        at_cut = [c for c in eligible if c.yes == cut]
        passing = {c.proposal_id for c in above}
        if len(above) + len(at_cut) <= places:
            passing |= {c.proposal_id for c in at_cut}
        else:
            tied = {c.proposal_id for c in at_cut}
    results = []
    for c in ranked:
        rank = 1 + sum(1 for other in ranked if other.yes > c.yes)
        results.append(
            Result(c.proposal_id, c.yes, c.no, c.abstain, rank, c.proposal_id in passing, c.proposal_id in tied)
        )
    return results


@transaction.atomic
def vote_session_close(*, session: VoteSession, by, deputies_present: int | None = None) -> VoteSession:
    """Count the ballots, store the tallies, and make each passing candidate a project of the year."""
    _require_district(by)
    session = VoteSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.OPEN:
        raise ValidationError("只有投票中的票决会议可以计票。")
    ballots = session.ballots.count()
    present = ballots if deputies_present is None else deputies_present
    if ballots == 0:
        raise ValidationError("还没有选票，不能计票。")
    if present < ballots:
        raise ValidationError({"deputies_present": f"实到代表人数不能少于已收选票数（{ballots} 张）。"})
    candidates = {p.pk: p for p in session.candidates.select_related("area")}
    tallies = {pk: {Choice.YES: 0, Choice.NO: 0, Choice.ABSTAIN: 0} for pk in candidates}
    for row in BallotMark.objects.filter(ballot__session=session).values("proposal_id", "choice"):
        tallies[row["proposal_id"]][row["choice"]] += 1
    counts = [Count(pk, t[Choice.YES], t[Choice.NO], t[Choice.ABSTAIN]) for pk, t in tallies.items()]
    results = count_results(counts, places=session.places, present=present)
    Tally.objects.bulk_create(
        Tally(
            session=session,
            proposal_id=r.proposal_id,
            yes=r.yes,
            no=r.no,
            abstain=r.abstain,
            rank=r.rank,
            passed=r.passed,
            tied=r.tied,
        )
        for r in results
    )
    for r in results:
        proposal = candidates[r.proposal_id]
        if r.passed:
            proposal.project = _project_from(proposal, year=session.year)
            proposal.status = ProposalStatus.PASSED
        else:
            proposal.status = ProposalStatus.NOT_PASSED
        proposal.save(update_fields=["project", "status", "updated_at"])
    session.status = SessionStatus.CLOSED
    session.deputies_present = present
    session.pass_votes = pass_votes(present)
    session.closed_at = timezone.now()
    if any(r.tied for r in results):
        session.result_note = "名额线上有得票相同的候选项目，须另行表决。"
    session.save(update_fields=["status", "deputies_present", "pass_votes", "closed_at", "result_note"])
    return session


def _project_from(proposal: Proposal, *, year: int) -> Project:
    project = project_save(
        project=Project(
            programme=proposal.programme,
            year=year,
            title=(proposal.published_title or proposal.title)[:120],
            summary=(proposal.published_content or proposal.content)[:300],
            description=proposal.published_content or proposal.content,
            lead_department=proposal.lead_department,
            planned_investment=proposal.estimated_cost or Decimal("0"),
            planned_start=date(year, 1, 1),
            planned_finish=date(year, 12, 31),
            status=ProjectStatus.PLANNED,
            is_public=True,
        ),
        areas=[proposal.area] if proposal.area_id else [],
    )
    appeal_ids = list(proposal.source_appeals.values_list("pk", flat=True))
    if appeal_ids:
        project.appeals.add(*appeal_ids)
    return project


@transaction.atomic
def proposal_update(*, proposal: Proposal, by) -> Proposal:
    """An official corrects a proposal's text, place, programme or source, within their scope."""
    proposal.subdistrict = _subdistrict_of(proposal.area)
    if not scope_of(by).is_all:
        _check_scope(scope_of(by), subdistrict=proposal.subdistrict, department=proposal.department)
    proposal.full_clean(exclude=["tracking_no"])
    proposal.save()
    return proposal


# --- 满意度测评 ---------------------------------------------------------------------------------


def evaluation_rule(*, satisfied: int, basically: int, unsatisfied: int) -> str:
    """A project's result from the deputies' marks: more than PROPOSAL_EVALUATION_PERCENT (default
    50: more than half) 满意 → 满意; else more than that share 满意 + 基本满意 → 基本满意; else 不满意."""
    total = satisfied + basically + unsatisfied
    share = settings.PROPOSAL_EVALUATION_PERCENT
    if total and satisfied * 100 > total * share:
        return Rating.SATISFIED
    if total and (satisfied + basically) * 100 > total * share:
        return Rating.BASICALLY
    return Rating.UNSATISFIED


@transaction.atomic
def evaluation_round_open(*, year: int, phase: str, by) -> EvaluationRound:
    _require_district(by)
    if phase not in EvaluationPhase.values:
        raise ValidationError({"phase": "请选择年中测评或年终测评。"})
    if EvaluationRound.objects.filter(year=year, phase=phase).exists():
        raise ValidationError({"phase": f"{year} 年的{EvaluationPhase(phase).label}已经建立。"})
    evaluation = EvaluationRound(year=year, phase=phase)
    evaluation.full_clean()
    evaluation.save()
    return evaluation


def evaluation_projects(evaluation: EvaluationRound):
    """The projects a round evaluates: the year's published top-level projects."""
    return Project.objects.filter(year=evaluation.year, is_public=True, parent__isnull=True).order_by("id")


@transaction.atomic
def evaluation_cast(
    *, evaluation: EvaluationRound, ratings: Mapping[int, str], by, deputy_name: str = ""
) -> list[EvaluationMark]:
    """One deputy's marks on one or more of the round's projects. A deputy signed in marks only
    as themselves; a district official enters a paper form with the deputy's name."""
    deputy = None
    if is_deputy(by):
        deputy, deputy_name = by, deputy_display_name(by)
    else:
        _require_district(by)
        deputy_name = (deputy_name or "").strip()
    if not deputy_name:
        raise ValidationError({"deputy_name": "请填写代表姓名。"})
    evaluation = EvaluationRound.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.status != SessionStatus.OPEN:
        raise ValidationError("该测评已统计，不能再测评。")
    if not ratings:
        raise ValidationError({"ratings": "请至少对一个项目作出测评。"})
    allowed = set(evaluation_projects(evaluation).values_list("pk", flat=True))
    if not set(ratings) <= allowed:
        raise ValidationError({"ratings": "只能测评本年度已公开的项目。"})
    if any(rating not in Rating.values for rating in ratings.values()):
        raise ValidationError({"ratings": "测评意见只能是满意、基本满意或不满意。"})
    done = set(
        evaluation.marks.filter(deputy_name=deputy_name, project_id__in=ratings).values_list("project_id", flat=True)
    )
    if done:
        raise ValidationError({"deputy_name": f"{deputy_name} 代表已经测评过其中 {len(done)} 个项目，不能重复测评。"})
    try:
        with transaction.atomic():
            return EvaluationMark.objects.bulk_create(
                EvaluationMark(
                    round=evaluation,
                    project_id=pk,
                    deputy_name=deputy_name,
                    deputy=deputy,
                    rating=rating,
                    entered_by=by,
                )
                for pk, rating in sorted(ratings.items())
            )
    except IntegrityError as exc:
        raise ValidationError({"deputy_name": f"{deputy_name} 代表已经测评过，不能重复测评。"}) from exc


@transaction.atomic
def evaluation_round_close(*, evaluation: EvaluationRound, by) -> EvaluationRound:
    """Count each project's marks and store its result by `evaluation_rule`; results go public."""
    _require_district(by)
    evaluation = EvaluationRound.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.status != SessionStatus.OPEN:
        raise ValidationError("该测评已经统计过。")
    counts: dict[int, dict[str, int]] = {}
    for row in evaluation.marks.values("project_id", "rating").annotate(n=models.Count("id")):
        counts.setdefault(row["project_id"], {})[row["rating"]] = row["n"]
    if not counts:
        raise ValidationError("还没有测评票，不能统计。")
    results = []
    for project_id, by_rating in sorted(counts.items()):
        satisfied, basically, unsatisfied = (by_rating.get(r, 0) for r in Rating.values)
        results.append(
            EvaluationResult(
                round=evaluation,
                project_id=project_id,
                satisfied=satisfied,
                basically=basically,
                unsatisfied=unsatisfied,
                result=evaluation_rule(satisfied=satisfied, basically=basically, unsatisfied=unsatisfied),
            )
        )
    EvaluationResult.objects.bulk_create(results)
    evaluation.status = SessionStatus.CLOSED
    evaluation.closed_at = timezone.now()
    evaluation.save(update_fields=["status", "closed_at"])
    invalidate(PROJECTS)  # the project pages show the results: their cached copies must go
    return evaluation


# --- 视察 --------------------------------------------------------------------------------------


@transaction.atomic
def inspection_save(
    *,
    inspection: Inspection,
    by,
) -> Inspection:
    """Record or correct a 视察. A deputy writes only their own records (named after them); a
    district official enters one for a deputy. The page shows the findings with numbers masked."""
    if is_deputy(by):
        if inspection.pk and Inspection.objects.filter(pk=inspection.pk).exclude(deputy=by).exists():
            raise PermissionDenied("代表只能修改自己的视察记录。")
        inspection.deputy, inspection.deputy_name = by, deputy_display_name(by)
    else:
        _require_district(by)
    if inspection.project_id and not inspection.project.is_public:
        raise ValidationError({"project": "只能记录已公开项目的视察。"})
    if inspection.visited_on and inspection.visited_on > timezone.localdate():
        raise ValidationError({"visited_on": "视察日期不能晚于今天。"})
    inspection.published_findings = public_text(inspection.findings)
    if not inspection.pk:
        inspection.entered_by = by
    inspection.full_clean()
    inspection.save()
    invalidate(PROJECTS)
    return inspection


def _require_inspection_writer(inspection: Inspection, by) -> None:
    if is_deputy(by):
        if inspection.deputy_id != by.pk:
            raise PermissionDenied("代表只能修改自己的视察记录。")
    else:
        _require_district(by)


def inspection_photo_add(*, inspection: Inspection, upload, caption: str = "", by) -> InspectionPhoto:
    """A photo of a 视察, re-encoded without EXIF (no GPS position reaches the page)."""
    _require_inspection_writer(inspection, by)
    photo = InspectionPhoto(inspection=inspection, caption=caption, image=strip_exif(upload))
    photo.full_clean()
    photo.save()
    invalidate(PROJECTS)
    return photo


def inspection_photo_delete(*, photo: InspectionPhoto, by) -> None:
    _require_inspection_writer(photo.inspection, by)
    delete_file_on_commit(photo.image)
    photo.delete()
    invalidate(PROJECTS)
