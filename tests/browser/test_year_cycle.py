"""A whole year of 民生实事 in a real browser: a resident proposes, an official turns a group of
requests into a candidate and screens it, the deputies vote (one of them signed in), the tallies
and the new project appear, a deputy records an inspection and an evaluation, and the result
shows on the project page."""

from __future__ import annotations

import re
from datetime import date

import pytest

from apps.proposals.models import EvaluationRound, Proposal, ProposalStatus, SessionStatus, VoteSession
from apps.proposals.services import (
    ballot_cast,
    evaluation_cast,
    evaluation_round_close,
    evaluation_round_open,
    proposal_set_publication,
    vote_session_close,
    vote_session_open,
    vote_session_save,
)
from tests.browser.site import build_site
from tests.proposals.helpers import candidate, deputy, district_official

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-quanshan-123"


def sign_in(session, username: str) -> None:
    page = session.page
    page.context.clear_cookies()
    session.go("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def test_a_whole_year_of_livelihood_projects(session):
    site = build_site()
    page = session.page
    year = date.today().year + 1

    # 1. A resident proposes on a phone.
    session.go("/proposals/new/")
    page.get_by_label("建议项目名称").fill("康居社区老旧小区加装电梯")
    page.get_by_label("做什么、在哪里").fill("康居社区6层住宅楼加装电梯。")
    page.get_by_label("为什么要做").fill("老人多，上下楼难。")
    page.get_by_label("所在街道").select_option(label="泰山街道")
    page.get_by_label("所在社区").select_option(label="康居社区")
    page.get_by_label("您的姓名").fill("钱桂芳")
    page.get_by_label("手机号码").fill("13852001234")
    page.get_by_label("我同意公开这条建议").check()
    session.screenshot("year-01-proposal-form")
    page.get_by_role("button", name="提交建议").click()
    page.wait_for_url(re.compile(r"/proposals/new/done/$"))
    number = page.locator("[data-tracking-no]").inner_text().strip()
    assert re.fullmatch(rf"JY-{year}-\d{{6}}", number)

    # 2. An official turns the group of requests into a candidate and screens it.
    official = district_official("district")
    official.set_password(PASSWORD)
    official.save()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(session, "district")
    session.go("/admin/proposals/proposal/from-requests/")
    page.locator("tr[data-group] a").first.click()
    page.get_by_role("button", name="生成候选建议").click()
    page.wait_for_url(re.compile(r"/admin/proposals/proposal/\d+/change/$"))
    grown = Proposal.objects.get(source="requests")
    assert grown.source_appeal_count == 3
    assert "来自 3 件群众诉求" in page.content()
    session.go(f"/admin/proposals/proposal/{grown.pk}/screen/")
    for name in ("score_inclusive", "score_public_good", "score_feasible", "score_urgent"):
        page.select_option(f"#id_{name}", "4")
    page.select_option("#id_programme", "bianmin")
    page.fill("#id_estimated_cost", "80")
    page.select_option("#id_lead_department", str(site.department.pk))
    page.check("input[name=decision][value=candidate]")
    page.get_by_role("button", name="保存初审结论").click()
    page.wait_for_url(re.compile(rf"/admin/proposals/proposal/{grown.pk}/change/$"))
    grown.refresh_from_db()
    assert grown.status == ProposalStatus.CANDIDATE
    proposal_set_publication(proposal=grown, approved=True, by=official)

    # 3. The vote: 29 paper ballots entered by the office, one deputy votes signed in.
    others = [candidate(official) for _ in range(2)]
    session_ = vote_session_save(
        session=VoteSession(year=year, body="区人大常委会", held_on=date.today(), places=1),
        candidates=[grown, *others],
        by=official,
    )
    session_ = vote_session_open(session=session_, by=official)
    for n in range(29):
        marks = {grown.pk: "yes", others[0].pk: "no", others[1].pk: "abstain" if n % 2 else "yes"}
        ballot_cast(session=session_, marks=marks, by=official, deputy_name=f"代表{n:02d}")
    zhang = deputy("张伟", username="zhang")
    zhang.set_password(PASSWORD)
    zhang.save()
    sign_in(session, "zhang")
    session.go(f"/admin/proposals/votesession/{session_.pk}/ballot/")
    page.check(f"input[name=c{grown.pk}][value=yes]")
    page.check(f"input[name=c{others[0].pk}][value=no]")
    page.check(f"input[name=c{others[1].pk}][value=no]")
    page.get_by_role("button", name="提交选票").click()
    page.wait_for_selector("text=您的选票已经提交")
    session_ = vote_session_close(session=session_, by=official)
    assert session_.status == SessionStatus.CLOSED

    page.set_viewport_size({"width": 375, "height": 812})
    session.go(f"/proposals/votes/{year}/")
    row = page.locator(f"tr[data-tally='{grown.tracking_no}']")
    assert row.locator("td.num").nth(1).inner_text() == "30"  # 赞成 30 of 30
    session.screenshot("year-02-tallies")
    grown.refresh_from_db()
    project = grown.project
    row.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/projects/{project.pk}/$"))
    assert f"{year} 年人大代表票决产生" in page.locator("[data-voted]").inner_text()
    assert "来自 3 件诉求" in page.locator("[data-voted]").inner_text()

    # 4. The deputy records an inspection and marks the project in the mid-year evaluation.
    page.set_viewport_size({"width": 1280, "height": 900})
    session.go("/admin/proposals/inspection/add/")
    page.select_option("#id_project", str(project.pk))
    page.fill("#id_visited_on", date.today().isoformat())
    page.fill("#id_participants", "区人大代表5名")
    page.fill("#id_findings", "已完成设计招标，建议加快施工许可办理。")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/proposals/inspection/$"))
    evaluation = evaluation_round_open(year=year, phase="mid_year", by=official)
    session.go(f"/admin/proposals/evaluationround/{evaluation.pk}/evaluate/")
    page.check(f"input[name=p{project.pk}][value=satisfied]")
    page.get_by_role("button", name="提交测评").click()
    page.wait_for_selector("text=您已提交本次测评")
    for n in range(2):
        evaluation_cast(evaluation=evaluation, ratings={project.pk: "basically"}, by=official, deputy_name=f"代表{n}")
    evaluation_round_close(evaluation=EvaluationRound.objects.get(), by=official)

    # 5. The project page shows the inspection and the result: 1 满意 of 3 → 基本满意.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 812})
    session.go(f"/projects/{project.pk}/")
    assert "已完成设计招标" in page.locator("[data-inspections]").inner_text()
    result = page.locator("[data-evaluations]").inner_text()
    assert "基本满意" in result and "满意 1 · 基本满意 2 · 不满意 0" in result
    session.screenshot("year-03-project")
    assert not session.external
