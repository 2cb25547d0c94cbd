"""Public pages and privacy: /proposals/ shows the public version only, never a resident's
name, phone or house number; tallies on /proposals/votes/<year>/; the project says where it came from."""

from __future__ import annotations

import pytest

from apps.proposals.services import proposal_set_publication, vote_session_close
from tests import factories as f
from tests.proposals.helpers import YEAR, candidate, cast, district_official, open_session, resident_proposal

pytestmark = pytest.mark.django_db

PRIVATE = ("王秀英", "13912345678", "1391234", "502")


def test_only_published_proposals_are_listed(client):
    official = district_official()
    hidden = resident_proposal(title="未审核的建议")
    shown = resident_proposal(title="已审核的建议")
    proposal_set_publication(proposal=shown, approved=True, by=official)
    html = client.get("/proposals/").content.decode()
    assert "已审核的建议" in html and "未审核的建议" not in html
    assert hidden.tracking_no not in html


def test_the_public_version_masks_phone_and_house_numbers_and_the_proposer_stays_private(client):
    official = district_official()
    proposal = resident_proposal()
    proposal_set_publication(proposal=proposal, approved=True, by=official)
    assert "12号楼" not in proposal.published_reason and "***室" in proposal.published_reason
    html = client.get("/proposals/").content.decode()
    for private in PRIVATE:
        assert private not in html
    assert "*号楼" in html


def test_the_filters_accept_bad_input_without_an_error(client):
    response = client.get("/proposals/", {"year": "abc", "status": "nonsense", "page": "x"})
    assert response.status_code == 200


def test_the_list_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    official = district_official()
    for _ in range(2):
        candidate(official)
    with django_assert_max_num_queries(6):
        assert client.get("/proposals/").status_code == 200
    for _ in range(8):
        candidate(official)
    with django_assert_max_num_queries(6):
        assert client.get("/proposals/").status_code == 200


def _closed_session():
    official = district_official()
    session = open_session(official, places=1, candidates=2)
    cast(session, official, "张伟", ["yes", "no"])
    cast(session, official, "李娜", ["yes", "abstain"])
    return vote_session_close(session=session, by=official)


def test_the_tallies_are_public_after_counting(client, django_assert_max_num_queries):
    session = _closed_session()
    with django_assert_max_num_queries(4):
        response = client.get(f"/proposals/votes/{YEAR}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "区人大常委会" in html and "通过" in html and "未通过" in html
    assert "张伟" not in html  # ballots are counted, not shown per deputy
    assert session.tallies.count() == 2


def test_no_tallies_before_counting(client):
    official = district_official()
    open_session(official)
    assert client.get(f"/proposals/votes/{YEAR}/").status_code == 404
    assert client.get("/proposals/votes/1999/").status_code == 404


def test_the_project_page_says_it_was_voted_and_how_many_requests_led_to_it(client):
    session = _closed_session()
    tally = session.tallies.get(passed=True)
    project = tally.proposal.project
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert f"{YEAR} 年人大代表票决产生" in html
    assert f"/proposals/votes/{YEAR}/" in html


def test_an_unpublished_project_page_stays_hidden_even_when_voted(client):
    from apps.projects.services import project_publish

    session = _closed_session()
    project = session.tallies.get(passed=True).proposal.project
    project_publish(project=project, publish=False)
    assert client.get(f"/projects/{project.pk}/").status_code == 404


def test_requests_that_led_to_a_voted_project_are_linked_to_it():
    from apps.proposals.selectors import GroupKey
    from apps.proposals.services import proposal_from_requests

    official = district_official()
    kangju = f.community("康居社区")
    appeals = [f.appeal(area=kangju, programme=f.programme("bianmin")) for _ in range(2)]
    key = GroupKey(kangju.pk, programme_id="bianmin", kind="help")
    grown = proposal_from_requests(key=key, title="楼道照明", content="更换楼道灯", year=YEAR, by=official)
    assert grown.source_appeal_count == 2
    assert {a.pk for a in grown.source_appeals.all()} == {a.pk for a in appeals}
