"""The deputies' vote: sessions need more candidates than places, one ballot per deputy, no
ballot on a closed session, results published and the passing candidates become projects."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.proposals.models import Ballot, ProposalStatus, SessionStatus, VoteSession
from apps.proposals.services import ballot_cast, vote_session_close, vote_session_save
from tests import factories as f
from tests.proposals.helpers import YEAR, candidate, cast, deputy, district_official, open_session

pytestmark = pytest.mark.django_db


def test_a_session_needs_more_candidates_than_places():
    official = district_official()
    two = [candidate(official) for _ in range(2)]
    session = VoteSession(year=YEAR, body="区人大常委会", held_on=date(2026, 12, 20), places=2)
    with pytest.raises(ValidationError) as exc:
        vote_session_save(session=session, candidates=two, by=official)
    assert "至少需要 3 个候选项目" in str(exc.value)
    assert not VoteSession.objects.exists()


def test_only_screened_candidates_can_be_put_to_the_vote():
    from tests.proposals.helpers import resident_proposal

    official = district_official()
    proposals = [candidate(official) for _ in range(2)] + [resident_proposal()]
    session = VoteSession(year=YEAR, body="区人大常委会", held_on=date(2026, 12, 20), places=1)
    with pytest.raises(ValidationError, match="入选候选"):
        vote_session_save(session=session, candidates=proposals, by=official)


def test_a_subdistrict_official_cannot_run_a_vote():
    official = district_official()
    proposals = [candidate(official) for _ in range(3)]
    kuishan = f.official("kuishan", scope="subdistrict", subdistrict=f.subdistrict("奎山街道"))
    session = VoteSession(year=YEAR, body="区人大常委会", held_on=date(2026, 12, 20), places=2)
    with pytest.raises(PermissionDenied):
        vote_session_save(session=session, candidates=proposals, by=kuishan)


def test_a_deputy_votes_once():
    official = district_official()
    session = open_session(official)
    cast(session, official, "张伟", ["yes", "no", "abstain"])
    with pytest.raises(ValidationError, match="已经投过票"):
        cast(session, official, "张伟", ["yes", "yes", "yes"])
    assert Ballot.objects.count() == 1


def test_a_ballot_must_mark_every_candidate_and_only_them():
    official = district_official()
    session = open_session(official)
    ids = sorted(session.candidates.values_list("pk", flat=True))
    with pytest.raises(ValidationError, match="每一个候选项目"):
        ballot_cast(session=session, marks={ids[0]: "yes"}, by=official, deputy_name="张伟")
    with pytest.raises(ValidationError, match="赞成、反对或弃权"):
        ballot_cast(session=session, marks=dict.fromkeys(ids, "maybe"), by=official, deputy_name="张伟")
    assert not Ballot.objects.exists()


def test_no_ballot_on_a_closed_session():
    official = district_official()
    session = open_session(official)
    cast(session, official, "张伟", ["yes", "yes", "no"])
    vote_session_close(session=session, by=official)
    with pytest.raises(ValidationError, match="不能投票"):
        cast(session, official, "李娜", ["yes", "yes", "no"])


def test_a_signed_in_deputy_casts_only_their_own_ballot():
    official = district_official()
    session = open_session(official)
    zhang = deputy("张伟")
    ids = sorted(session.candidates.values_list("pk", flat=True))
    ballot = ballot_cast(session=session, marks=dict.fromkeys(ids, "yes"), by=zhang, deputy_name="李娜")
    assert ballot.deputy_name == "张伟" and ballot.deputy == zhang  # the typed name is ignored
    li = deputy("李娜")
    with pytest.raises(PermissionDenied):
        ballot_cast(session=session, marks=dict.fromkeys(ids, "no"), by=li, deputy=zhang)
    with pytest.raises(ValidationError, match="已经投过票"):
        ballot_cast(session=session, marks=dict.fromkeys(ids, "no"), by=zhang)


def test_a_deputy_cannot_open_or_count_a_session():
    official = district_official()
    session = open_session(official)
    with pytest.raises(PermissionDenied):
        vote_session_close(session=session, by=deputy("张伟"))


def test_thirty_ballots_are_counted_and_the_passing_candidates_become_projects():
    official = district_official()
    session = open_session(official, places=2, candidates=3)
    a, b, c = sorted(session.candidates.all(), key=lambda p: p.pk)
    # A: 30 赞成; B: 20 赞成, 8 反对, 2 弃权; C: 12 赞成 → A and B pass (need 16 of 30).
    for n in range(30):
        choices = ["yes", "yes" if n < 20 else ("no" if n < 28 else "abstain"), "yes" if n < 12 else "no"]
        cast(session, official, f"代表{n:02d}", choices)
    session = vote_session_close(session=session, by=official)
    assert session.status == SessionStatus.CLOSED and session.deputies_present == 30 and session.pass_votes == 16
    tallies = {t.proposal_id: t for t in session.tallies.all()}
    assert (tallies[b.pk].yes, tallies[b.pk].no, tallies[b.pk].abstain) == (20, 8, 2)
    assert [tallies[p.pk].passed for p in (a, b, c)] == [True, True, False]
    a.refresh_from_db()
    c.refresh_from_db()
    assert a.status == ProposalStatus.PASSED and c.status == ProposalStatus.NOT_PASSED
    assert a.project.year == YEAR and a.project.is_public and a.project.lead_department == a.lead_department
    assert c.project is None


def test_deputies_present_cannot_be_fewer_than_ballots():
    official = district_official()
    session = open_session(official)
    cast(session, official, "张伟", ["yes", "yes", "no"])
    cast(session, official, "李娜", ["yes", "yes", "no"])
    with pytest.raises(ValidationError, match="不能少于"):
        vote_session_close(session=session, by=official, deputies_present=1)


def test_the_admin_refuses_a_second_ballot_with_a_form_error(client):
    official = district_official()
    session = open_session(official)
    client.force_login(official)
    ids = sorted(session.candidates.values_list("pk", flat=True))
    url = reverse("admin:proposals_votesession_ballot", args=[session.pk])
    post = {"deputy_name": "张伟", **{f"c{pk}": "yes" for pk in ids}}
    assert client.post(url, post).status_code == 302
    response = client.post(url, post)
    assert response.status_code == 200
    assert "张伟 代表已经投过票" in response.content.decode()
    assert Ballot.objects.count() == 1


def test_a_deputy_signs_in_and_votes_in_the_back_office(client):
    official = district_official()
    session = open_session(official)
    zhang = deputy("张伟")
    client.force_login(zhang)
    listing = client.get(reverse("admin:proposals_votesession_changelist"))
    assert listing.status_code == 200 and "填写选票" in listing.content.decode()
    ids = sorted(session.candidates.values_list("pk", flat=True))
    url = reverse("admin:proposals_votesession_ballot", args=[session.pk])
    page = client.get(url).content.decode()
    assert 'name="deputy_name"' not in page
    assert client.post(url, {f"c{pk}": "no" for pk in ids}).status_code == 302
    assert Ballot.objects.get().deputy == zhang
    again = client.get(url).content.decode()
    assert "不能再修改" in again
    # Nothing else of the back office: no requests, no proposals, no counting.
    assert client.get(reverse("admin:appeals_appeal_changelist")).status_code == 403
    assert client.get(reverse("admin:proposals_proposal_changelist")).status_code == 403
    step = reverse("admin:proposals_votesession_step", args=[session.pk, "close"])
    assert client.post(step, {"deputies_present": 1}).status_code == 403
    assert VoteSession.objects.get().status == SessionStatus.OPEN


def test_the_admin_prepares_opens_and_counts_a_session(client):
    official = district_official()
    proposals = [candidate(official) for _ in range(3)]
    client.force_login(official)
    add = client.post(
        reverse("admin:proposals_votesession_add"),
        {
            "year": YEAR,
            "body": "区人大常委会",
            "held_on": "2026-12-20",
            "places": 3,
            "candidates": [p.pk for p in proposals],
        },
    )
    assert add.status_code == 200 and not VoteSession.objects.exists()
    assert "至少需要 4 个候选项目" in add.content.decode()
    add = client.post(
        reverse("admin:proposals_votesession_add"),
        {
            "year": YEAR,
            "body": "区人大常委会",
            "held_on": "2026-12-20",
            "places": 2,
            "candidates": [p.pk for p in proposals],
        },
    )
    assert add.status_code == 302
    session = VoteSession.objects.get()
    assert client.post(reverse("admin:proposals_votesession_step", args=[session.pk, "open"])).status_code == 302
    cast(session, official, "张伟", ["yes", "yes", "no"])
    close = reverse("admin:proposals_votesession_step", args=[session.pk, "close"])
    assert client.post(close, {"deputies_present": 1}).status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
