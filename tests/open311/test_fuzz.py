"""Whatever a client sends, the endpoint answers in the spec's format and never with a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

GET_PARAMS = ["service_request_id", "service_code", "start_date", "end_date", "status", "jurisdiction_id", "page"]
POST_PARAMS = [
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "description",
    "attribute[area]",
    "attribute[title]",
    "attribute[consent_to_publish]",
    "attribute[external_id]",
]
values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["bianmin.complaint", "general.help", "open", "closed", "320311010001", "34.25", "2026-11-26T10:00:00+08:00"]
    ),
    st.from_regex(r"QS-20\d\d-\d{6}", fullmatch=True),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


def assert_spec_answer(response, allowed: set[int]) -> None:
    assert response.status_code in allowed, response.content
    document = json.loads(response.content.decode("utf-8"))
    assert isinstance(document, list)
    if response.status_code != 200:
        assert all(item["code"] == response.status_code and item["description"] for item in document)


@pytest.fixture
def generous_limits(settings):
    settings.API_THROTTLE_RATES = {"api_key": "100000/min", "ip": "100000/min"}


@FUZZ
@given(params=st.dictionaries(st.sampled_from(GET_PARAMS) | st.text(max_size=10), values, max_size=5))
def test_any_query_to_the_requests_list_gets_a_list_or_errors(client, places, generous_limits, params):
    assert_spec_answer(client.get("/open311/v2/requests.json", params), {200, 400, 404})


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(POST_PARAMS), values, max_size=8))
def test_any_form_posted_with_a_valid_key_gets_a_receipt_or_errors(client, places, submit_key, generous_limits, fields):
    response = client.post("/open311/v2/requests.json", {**fields, "api_key": submit_key})
    assert_spec_answer(response, {200, 400, 404})


@FUZZ
@given(segment=st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s and "?" not in s and "#" not in s))
def test_any_request_or_service_id_in_the_path_gets_an_answer(client, places, generous_limits, segment):
    from urllib.parse import quote

    for path in (f"/open311/v2/requests/{quote(segment)}.json", f"/open311/v2/services/{quote(segment)}.json"):
        assert_spec_answer(client.get(path), {200, 404})
