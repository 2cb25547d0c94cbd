"""The demo's year of 民生实事, through the proposals services: a past cycle for this year
(candidates grown from the demo's requests and proposed by deputies, screened, voted by 30
deputies, the passing ones now projects) and next year's open collection."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from apps.accounts.scoping import ALL
from apps.demo import corpus
from apps.programmes.models import Programme
from apps.proposals.models import Inspection, Source, VoteSession
from apps.proposals.selectors import request_groups
from apps.proposals.services import (
    Decision,
    ballot_cast,
    evaluation_cast,
    evaluation_round_close,
    evaluation_round_open,
    inspection_save,
    proposal_from_requests,
    proposal_screen,
    proposal_set_publication,
    proposal_submit,
    vote_session_close,
    vote_session_open,
    vote_session_save,
)

# (title, what and where, why, programme, lead department code, who proposed it)
DEPUTY_PROPOSALS = [
    (
        "老旧小区加装电梯三年行动",
        "在泰山、奎山街道20个老旧小区加装电梯。",
        "六层无电梯住宅老人多，上下楼难。",
        "bianmin",
        "zhujian",
        "周建国代表",
    ),
    (
        "社区老年助餐点扩面",
        "新建社区助餐点12个，覆盖全部街道。",
        "独居、高龄老人吃饭难。",
        "yiyang",
        "minzheng",
        "孙秀兰代表",
    ),
    ("故黄河沿线口袋公园", "沿故黄河建设口袋公园6处。", "周边居民缺少休闲健身场地。", "lvse", "yuanlin", "李明代表"),
    (
        "电动自行车集中充电设施",
        "在老旧小区建设集中充电棚100处。",
        "飞线充电隐患大，群众反映多。",
        "anquan",
        "yingji",
        "陈海涛代表",
    ),
    (
        "校园周边交通安全改造",
        "对15所中小学校门口道路进行安全改造。",
        "上下学高峰拥堵，存在安全隐患。",
        "chunyu",
        "jiaoyu",
        "王丽代表",
    ),
    ("零工市场建设", "建设区级零工市场1处、街道零工驿站5处。", "灵活就业人员找活难。", "fumin", "renshe", "赵德福代表"),
]
NEXT_YEAR = [
    ("社区嵌入式托育点", "在人口密集社区建设普惠托育点。", "双职工家庭孩子没人带。", "chunyu"),
    ("背街小巷路灯补缺", "为无路灯的背街小巷补装路灯。", "晚上出行不安全。", "anquan"),
    ("农贸市场升级改造", "改造3个老旧农贸市场。", "环境脏乱，排水不畅。", "bianmin"),
]
DEPUTIES = 30


@dataclass
class Cycle:
    proposals: int = 0
    ballots: int = 0
    projects: int = 0


def seed_proposal_cycle(*, rng: random.Random, today: date, departments, by) -> Cycle:
    """One voted cycle for `today`'s year and next year's collection; `by` a district official."""
    cycle = Cycle()
    year = today.year
    programmes = {p.code: p for p in Programme.objects.all()}
    lead = departments.by_code
    candidates = []
    for group in request_groups(scope=ALL, limit=4):
        grown = proposal_from_requests(
            key=group.key,
            title=f"{group.label}集中整治",
            content=f"{group.label}：近一年群众反映 {group.count} 件，集中整治。",
            reason="同类诉求反复出现，需要系统解决。",
            year=year,
            by=by,
        )
        code = group.key.programme_id or rng.choice(sorted(programmes))
        candidates.append(_screen(grown, rng=rng, by=by, programme=programmes[code], lead=lead["chengguan"]))
    for title, content, reason, code, dept, who in DEPUTY_PROPOSALS:
        proposal = proposal_submit(
            title=title,
            content=content,
            reason=reason,
            programme=programmes[code],
            year=year,
            source=Source.DEPUTY,
            source_label=who,
            by=by,
        )
        candidates.append(_screen(proposal, rng=rng, by=by, programme=programmes[code], lead=lead[dept]))
    declined = proposal_submit(
        title="新建区级体育中心",
        content="新建一座大型体育中心。",
        reason="群众健身需求大。",
        year=year,
        source=Source.DEPARTMENT,
        source_label=corpus.DEPARTMENTS[10][1],
        department=lead["wenlv"],
        by=by,
    )
    proposal_screen(
        proposal=declined,
        decision=Decision.DECLINE,
        by=by,
        reason="投资规模超出年度民生实事范围，建议列入区重点工程统筹。",
    )
    proposal_set_publication(proposal=declined, approved=True, by=by)
    session = vote_session_save(
        session=VoteSession(year=year, body="区人大常委会", held_on=date(year - 1, 12, 20), places=len(candidates) - 3),
        candidates=candidates,
        by=by,
    )
    session = vote_session_open(session=session, by=by)
    support = {p.pk: rng.uniform(0.35, 0.97) for p in candidates}
    for n in range(DEPUTIES):
        name = rng.choice(corpus.SURNAMES) + "".join(rng.choice(corpus.GIVEN_CHARS) for _ in range(2)) + f"{n:02d}"
        marks = {pk: _mark(rng, share) for pk, share in support.items()}
        ballot_cast(session=session, marks=marks, by=by, deputy_name=name)
    session = vote_session_close(session=session, by=by, deputies_present=DEPUTIES)
    cycle.ballots = DEPUTIES
    cycle.projects = session.tallies.filter(passed=True).count()
    voted = [t.proposal.project for t in session.tallies.select_related("proposal__project") if t.passed]
    if today.month >= 7:
        _inspect_and_evaluate(rng=rng, today=today, projects=voted, by=by)
    for title, content, reason, code in NEXT_YEAR:
        proposal = proposal_submit(
            title=title,
            content=content,
            reason=reason,
            programme=programmes[code],
            year=year + 1,
            source=Source.SUBDISTRICT,
            source_label="街道议政代表会议",
            by=by,
        )
        proposal_set_publication(proposal=proposal, approved=True, by=by)
    cycle.proposals = len(candidates) + 1 + len(NEXT_YEAR)
    return cycle


def _screen(proposal, *, rng: random.Random, by, programme, lead):
    scores = {
        name: rng.randint(3, 5) for name in ("score_inclusive", "score_public_good", "score_feasible", "score_urgent")
    }
    proposal = proposal_screen(
        proposal=proposal,
        decision=Decision.CANDIDATE,
        by=by,
        scores=scores,
        estimated_cost=Decimal(rng.randrange(50, 2000, 10)),
        lead_department=lead,
        programme=programme,
    )
    return proposal_set_publication(proposal=proposal, approved=True, by=by)


def _mark(rng: random.Random, share: float) -> str:
    roll = rng.random()
    if roll < share:
        return "yes"
    return "no" if roll < share + (1 - share) * 0.6 else "abstain"


FINDINGS = [
    "施工现场管理规范，进度基本符合计划，建议加强与居民沟通。",
    "项目已完成过半，部分点位因管线迁改滞后，请牵头单位加快协调。",
    "群众反映良好，建议建立长效管护机制。",
]


def _inspect_and_evaluate(*, rng: random.Random, today: date, projects, by) -> None:
    """Deputies' 视察 of some voted projects and a counted mid-year 满意度测评 of the year's."""
    for project in projects[:3]:
        inspection_save(
            inspection=Inspection(
                project=project,
                visited_on=date(today.year, 6, rng.randint(1, 28)),
                deputy_name=rng.choice(DEPUTY_PROPOSALS)[5].removesuffix("代表"),
                participants=f"区人大代表{rng.randint(4, 9)}名",
                findings=rng.choice(FINDINGS),
            ),
            by=by,
        )
    evaluation = evaluation_round_open(year=today.year, phase="mid_year", by=by)
    for n in range(DEPUTIES):
        ratings = {p.pk: rng.choices(["satisfied", "basically", "unsatisfied"], [6, 3, 1])[0] for p in projects}
        evaluation_cast(evaluation=evaluation, ratings=ratings, by=by, deputy_name=f"代表{n + 1:02d}")
    evaluation_round_close(evaluation=evaluation, by=by)
