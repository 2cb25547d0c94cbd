"""The proposal pages read in English when English is chosen."""

from __future__ import annotations

import pytest

from apps.proposals.services import vote_session_close
from tests.proposals.helpers import YEAR, cast, district_official, open_session
from tests.public.helpers import areas

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_proposal_form_is_in_english(english):
    areas()
    html = english.get("/proposals/new/").content.decode()
    for text in ("Propose a livelihood project", "What and where", "Submit the proposal", "I agree to publish"):
        assert text in html
    assert "民生实事，我来提" not in html and "提交建议" not in html


def test_the_list_and_tallies_are_in_english(english):
    official = district_official()
    session = open_session(official, places=1, candidates=2)
    cast(session, official, "张伟", ["yes", "no"])
    vote_session_close(session=session, by=official)
    listing = english.get("/proposals/").content.decode()
    assert "Make a proposal" in listing and "Passed the vote" in listing
    tallies = english.get(f"/proposals/votes/{YEAR}/").content.decode()
    assert f"{YEAR} livelihood projects: vote results" in tallies and "Abstain" in tallies
    assert "赞成" not in tallies
