"""Out-of-range dates in the residents' statistics and in Open311: a message, never a 500."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db

RANGE_MESSAGE = "日期须在 2000-01-01 至 2100-12-31 之间。"


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("2000-01-01", "9999-12-31", "end"), ("0001-01-01", "2026-01-01", "start")],
)
def test_a_custom_statistics_period_beyond_the_calendar_gets_a_message(client, start, end, field):
    response = client.get("/stats/", {"period": "custom", "start": start, "end": end})
    assert response.status_code == 200
    html = response.content.decode()
    assert RANGE_MESSAGE in html
    assert f'datetime="{timezone.localdate().year}-01-01">' in html  # falls back to this year


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "9999-12-31"},
        {"end_date": "0001-01-02"},
        {"start_date": "0001-01-01T00:00:00Z", "end_date": "0001-01-02T00:00:00Z"},
        {"end_date": "9999-12-31T23:59:59+08:00"},
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_dates_beyond_the_calendar_are_a_400_with_a_message(client, query, fmt):
    response = client.get(f"/open311/v2/requests.{fmt}", query)
    assert response.status_code == 400
    if fmt == "json":
        descriptions = [item["description"] for item in response.json()]
    else:
        descriptions = [e.findtext("description") for e in ElementTree.fromstring(response.content)]
    assert any(RANGE_MESSAGE in d for d in descriptions), descriptions


def test_open311_dates_at_the_edges_of_the_range_are_answered(client):
    assert client.get("/open311/v2/requests.json", {"start_date": "2100-12-31"}).status_code == 200
    assert client.get("/open311/v2/requests.json", {"end_date": "2000-01-01T00:00:00Z"}).status_code == 200
