"""English pages name the six programmes in English wherever they appear."""

from __future__ import annotations

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_filters_feeds_and_titles_use_the_english_names(client):
    f.project(programme_id="lvse", title="口袋公园")
    page = client.get("/projects/?programme=lvse", **EN).content.decode()
    assert '<option value="lvse" selected>Green living</option>' in page
    assert "绿色怡心" not in page
    assert "绿色怡心" not in client.get("/programmes/lvse/", **EN).content.decode()
    feed = client.get("/feeds/programmes/lvse/", **EN).content.decode()
    assert "Green living" in feed and "绿色怡心" not in feed
