"""Read-only API: published proposals and counted vote sessions, in the OpenAPI schema."""

from __future__ import annotations

import pytest
import yaml
from django.db import connection
from rest_framework.test import APIClient

from apps.proposals.services import vote_session_close
from tests.proposals.helpers import YEAR, candidate, cast, district_official, open_session, resident_proposal

pytestmark = pytest.mark.django_db

# A list's count runs under a statement timeout on PostgreSQL (apps.common.paging): a savepoint,
# reading and setting the timeout twice and the release add five fixed queries there.
COUNT_EXTRA = 5 if connection.vendor == "postgresql" else 0


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_only_published_proposals_are_listed_with_their_public_version(api):
    official = district_official()
    shown = candidate(official, title="建设口袋公园")
    resident_proposal(title="未公开的建议")
    body = api.get("/api/v1/proposals/").json()
    assert [item["tracking_no"] for item in body["results"]] == [shown.tracking_no]
    item = body["results"][0]
    assert item["title"] == "建设口袋公园" and item["status"] == "candidate" and item["source"] == "deputy"
    assert "proposer_name" not in item and "proposer_phone" not in item
    assert api.get(f"/api/v1/proposals/{shown.pk}/").json()["id"] == shown.pk


def test_an_unpublished_proposal_is_a_404(api):
    hidden = resident_proposal()
    assert api.get(f"/api/v1/proposals/{hidden.pk}/").status_code == 404


def test_filters_and_bad_values(api):
    official = district_official()
    candidate(official)
    assert api.get("/api/v1/proposals/", {"year": YEAR, "status": "candidate"}).json()["count"] == 1
    assert api.get("/api/v1/proposals/", {"year": YEAR + 1}).json()["count"] == 0
    bad = api.get("/api/v1/proposals/", {"status": "nonsense"})
    assert bad.status_code == 400 and "status" in str(bad.json())


def test_the_list_runs_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    official = district_official()
    candidate(official)
    with django_assert_max_num_queries(3 + COUNT_EXTRA):
        api.get("/api/v1/proposals/")
    for _ in range(6):
        candidate(official)
    with django_assert_max_num_queries(3 + COUNT_EXTRA):
        assert api.get("/api/v1/proposals/").json()["count"] == 7


def test_vote_sessions_give_each_candidates_tally(api, django_assert_max_num_queries):
    official = district_official()
    session = open_session(official, places=1, candidates=2)
    cast(session, official, "张伟", ["yes", "no"])
    cast(session, official, "李娜", ["yes", "abstain"])
    vote_session_close(session=session, by=official)
    # The count, the sessions, their tallies with candidates and projects.
    with django_assert_max_num_queries(3 + COUNT_EXTRA):
        body = api.get("/api/v1/vote-sessions/").json()
    (item,) = body["results"]
    assert item["year"] == YEAR and item["places"] == 1 and item["ballots"] == 2 and item["pass_votes"] == 2
    assert [(t["yes"], t["no"], t["abstain"], t["passed"]) for t in item["tallies"]] == [
        (2, 0, 0, True),
        (0, 1, 1, False),
    ]
    assert item["tallies"][0]["project"] is not None
    assert api.get(f"/api/v1/vote-sessions/{YEAR}/").json()["year"] == YEAR
    assert api.get("/api/v1/vote-sessions/1999/").status_code == 404


def test_an_open_session_is_not_published(api):
    official = district_official()
    open_session(official)
    assert api.get("/api/v1/vote-sessions/").json()["count"] == 0
    assert api.get(f"/api/v1/vote-sessions/{YEAR}/").status_code == 404


def test_the_schema_documents_both_resources(api):
    schema = yaml.safe_load(api.get("/api/schema/").content)
    assert "/api/v1/proposals/" in schema["paths"] and "/api/v1/vote-sessions/{year}/" in schema["paths"]
    assert schema["paths"]["/api/v1/proposals/"]["get"]["tags"] == ["proposals"]
    assert "proposer_name" not in str(schema["components"]["schemas"]["Proposal"])


def test_evaluations_list_each_published_projects_result(api, django_assert_max_num_queries):
    from apps.proposals.services import evaluation_cast, evaluation_round_close, evaluation_round_open
    from tests import factories as f

    official = district_official()
    shown, hidden = f.project(year=2027), f.project(year=2027)
    evaluation = evaluation_round_open(year=2027, phase="year_end", by=official)
    evaluation_cast(
        evaluation=evaluation, ratings={shown.pk: "satisfied", hidden.pk: "basically"}, by=official, deputy_name="张伟"
    )
    evaluation_round_close(evaluation=evaluation, by=official)
    hidden.is_public = False
    hidden.save(update_fields=["is_public"])
    with django_assert_max_num_queries(3 + COUNT_EXTRA):
        body = api.get("/api/v1/evaluations/").json()
    (item,) = body["results"]
    assert item["phase"] == "year_end"
    assert [(r["project"], r["result"]) for r in item["results"]] == [(shown.pk, "satisfied")]
