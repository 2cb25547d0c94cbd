"""No resident's personal data on any public page, the public API or a feed after a whole cycle:
a resident proposes through the form, requests are grown into a candidate, a vote is counted."""

from __future__ import annotations

import re
from datetime import date

import pytest

from apps.appeals.models import AppealKind
from apps.proposals.models import Proposal, VoteSession
from apps.proposals.selectors import GroupKey
from apps.proposals.services import (
    Decision,
    proposal_from_requests,
    proposal_screen,
    proposal_set_publication,
    vote_session_close,
    vote_session_open,
    vote_session_save,
)
from tests import factories as f
from tests.proposals.helpers import SCORES, YEAR, candidate, cast, district_official
from tests.public.helpers import areas

pytestmark = pytest.mark.django_db

NAME = "诸葛秀兰"
PHONE = "13905170427"
HOUSE = "云龙路17号6栋2单元501室"
REQUESTER = "欧阳明华"
REQUESTER_PHONE = "13705161234"


def test_a_whole_cycle_leaks_no_personal_data(client, settings):
    taishan, taishan_c, _k, _kc = areas()
    official = district_official()
    form = {
        "title": "泰山社区口袋公园",
        "content": f"在{HOUSE}旁的空地建口袋公园。",
        "reason": f"老人孩子多，没地方活动。我的电话{PHONE}。",
        "programme": "lvse",
        "subdistrict": str(taishan.pk),
        "community": str(taishan_c.pk),
        "proposer_name": NAME,
        "proposer_phone": PHONE,
        "consent_to_publish": "on",
        "website": "",
    }
    assert client.post("/proposals/new/", form).status_code == 302
    resident = Proposal.objects.get()
    for _ in range(3):
        f.appeal(
            area=taishan_c,
            programme=f.programme("lvse"),
            kind=AppealKind.HELP,
            submitter_name=REQUESTER,
            submitter_phone=REQUESTER_PHONE,
            content=f"{HOUSE}门口积水，电话{REQUESTER_PHONE}",
        )
    grown = proposal_from_requests(
        key=GroupKey(taishan_c.pk, programme_id="lvse", kind="help"),
        title="泰山社区积水点改造",
        content="改造泰山社区积水点。",
        year=YEAR,
        by=official,
    )
    lead = f.department("区住房和城乡建设局")
    resident.year = YEAR
    resident.save(update_fields=["year"])
    for proposal in (resident, grown):
        proposal_screen(
            proposal=proposal, decision=Decision.CANDIDATE, by=official, scores=SCORES, lead_department=lead
        )
        proposal_set_publication(proposal=proposal, approved=True, by=official)
    resident.refresh_from_db()
    grown.refresh_from_db()
    session = vote_session_save(
        session=VoteSession(year=YEAR, body="区人大常委会", held_on=date(2026, 12, 20), places=2),
        candidates=[resident, grown, candidate(official)],
        by=official,
    )
    session = vote_session_open(session=session, by=official)
    for n in range(3):
        cast(session, official, f"代表{n}", ["yes", "yes", "no"])
    vote_session_close(session=session, by=official)
    resident.refresh_from_db()
    grown.refresh_from_db()

    paths = [
        "/proposals/",
        f"/proposals/?year={YEAR}",
        f"/proposals/votes/{YEAR}/",
        f"/projects/{grown.project_id}/",
        f"/projects/{resident.project_id}/",
        "/projects/",
        "/",
        "/feeds/updates/",
        "/feeds/proposals/",
        f"/feeds/projects/{grown.project_id}/",
        "/api/v1/proposals/",
        f"/api/v1/proposals/{resident.pk}/",
        f"/api/v1/proposals/{grown.pk}/",
        "/api/v1/vote-sessions/",
        f"/api/v1/vote-sessions/{YEAR}/",
        f"/api/v1/projects/{grown.project_id}/",
    ]
    seen = []
    for language in ("zh-hans", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            body = response.content.decode()
            for private in (NAME, PHONE, HOUSE, "云龙路17号6栋", REQUESTER, REQUESTER_PHONE):
                assert private not in body, (path, language, private)
            # The room number and the last 4 digits where they stand alone, not inside a
            # timestamp's microseconds (…22:01.125010…).
            assert not re.search(r"(?<!\d)501(?!\d)", body), (path, language, "room number")
            assert not re.search(r"(?<!\d)0427(?!\d)", body), (path, "last 4 digits")
            if "泰山社区口袋公园" in body:
                seen.append(path)
    assert "/feeds/proposals/" in seen
    assert "/proposals/" in seen and f"/proposals/votes/{YEAR}/" in seen and "/api/v1/proposals/" in seen
