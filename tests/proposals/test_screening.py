"""初审: scores, cost and lead unit; 入选候选 / 不予采纳 (reason public) / 转为诉求办理."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.appeals.models import Appeal, AppealKind
from apps.proposals.models import ProposalStatus
from apps.proposals.services import Decision, proposal_screen, proposal_set_publication
from tests import factories as f
from tests.proposals.helpers import SCORES, district_official, resident_proposal

pytestmark = pytest.mark.django_db


def test_a_candidate_needs_four_scores_a_programme_and_a_lead_unit():
    official = district_official()
    proposal = resident_proposal()
    with pytest.raises(ValidationError) as exc:
        proposal_screen(proposal=proposal, decision=Decision.CANDIDATE, by=official, scores={"score_urgent": 5})
    assert {"score_inclusive", "lead_department", "programme"} <= set(exc.value.message_dict)
    proposal = proposal_screen(
        proposal=proposal,
        decision=Decision.CANDIDATE,
        by=official,
        scores=SCORES,
        estimated_cost=Decimal("300"),
        lead_department=f.department("区住房和城乡建设局"),
        programme=f.programme("bianmin"),
    )
    assert proposal.status == ProposalStatus.CANDIDATE and proposal.total_score == 16


def test_declining_needs_a_reason_that_residents_read(client):
    official = district_official()
    proposal = resident_proposal()
    with pytest.raises(ValidationError, match="写明理由"):
        proposal_screen(proposal=proposal, decision=Decision.DECLINE, by=official)
    proposal_screen(proposal=proposal, decision=Decision.DECLINE, by=official, reason="已列入市级计划，不重复立项。")
    proposal_set_publication(proposal=proposal, approved=True, by=official)
    html = client.get("/proposals/").content.decode()
    assert "不予采纳" in html and "已列入市级计划，不重复立项。" in html


def test_converting_files_a_request_through_the_appeals_services():
    official = district_official()
    proposal = resident_proposal()
    proposal = proposal_screen(proposal=proposal, decision=Decision.CONVERT, by=official)
    appeal = Appeal.objects.get()
    assert proposal.status == ProposalStatus.CONVERTED and proposal.appeal == appeal
    assert appeal.kind == AppealKind.SUGGESTION and appeal.submitter_phone == "13912345678"
    assert appeal.events.get().action == "submit"
    assert appeal.tracking_no in proposal.decision_reason


def test_screening_in_the_admin_puts_errors_on_the_fields(client):
    official = district_official()
    proposal = resident_proposal()
    client.force_login(official)
    url = reverse("admin:proposals_proposal_screen", args=[proposal.pk])
    response = client.post(url, {"decision": "candidate", "score_inclusive": "9"})
    assert response.status_code == 200
    assert not proposal.__class__.objects.filter(status=ProposalStatus.CANDIDATE).exists()
    response = client.post(
        url,
        {
            "decision": "candidate",
            "score_inclusive": "4",
            "score_public_good": "3",
            "score_feasible": "5",
            "score_urgent": "2",
            "programme": "bianmin",
        },
    )
    assert response.status_code == 200 and "入选候选须确定建议牵头单位。" in response.content.decode()
    response = client.post(url, {"decision": "decline", "reason": "不属于政府投资范围。", "score_urgent": "2"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED and proposal.score_urgent == 2


def test_a_resident_proposal_without_consent_cannot_be_published():
    official = district_official()
    proposal = resident_proposal(consent_to_publish=False)
    with pytest.raises(ValidationError, match="未同意公开"):
        proposal_set_publication(proposal=proposal, approved=True, by=official)
