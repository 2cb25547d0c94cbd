"""Property-based run of schemathesis against /api/schema/: no 5xx, no response that breaks the schema.

Every operation gets a bounded number of valid (positive) and invalid (negative) examples,
derandomized, so `make test` stays quick and gives the same cases every run. Operations run
anonymously, and write operations (and the private request views) also with a key of the
right scope, so the authorised code paths are fuzzed too.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS

from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create
from apps.appeals.services import appeal_accept, appeal_assign, appeal_set_publication
from quanshan.wsgi import application
from tests import factories

pytestmark = pytest.mark.django_db

# API_FUZZ_EXAMPLES=100 for a deeper run by hand; 10 keeps `make test` quick.
EXAMPLES_PER_OPERATION = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))


@pytest.fixture
def data(db) -> dict:
    dept = factories.department(code="zhujian")
    community = factories.community(name="奎园社区", parent=factories.subdistrict("奎山街道"))
    project = factories.project(areas=[community], lead_department=dept, status="in_progress")
    appeal = factories.appeal(area=community)
    appeal_set_publication(appeal=appeal, approved=True)
    appeal_accept(appeal=appeal)
    appeal_assign(appeal=appeal, department=dept)
    return {
        "project": project,
        "appeal": appeal,
        "area": community,
        "department": dept,
        "keys": {
            "submit": api_key_create(name="12345", scope=ApiScope.SUBMIT, channel="hotline")[1],
            "department": api_key_create(name="住建局", scope=ApiScope.DEPARTMENT, department=dept)[1],
            "read_private": api_key_create(name="大数据局", scope=ApiScope.READ_PRIVATE)[1],
        },
    }


@pytest.fixture
def api_schema(settings):
    settings.API_THROTTLE_RATES = {"api_key": "100000/min", "ip": "100000/min"}
    # Calling the WSGI app directly fires request_started/finished, whose handler would close the
    # test's database connection mid-transaction (Django's own test client disconnects it too).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# Schemathesis's WSGI transport asks for gzip as `requests` does but, unlike an HTTP client,
# never decodes it: shared answers would reach the checks still compressed.
UNCOMPRESSED = {"Accept-Encoding": "identity"}


def _excluded(operation, key: str | None) -> list:
    # Valid-looking input that only the database can refuse (an area id that does not exist, a
    # stats period whose end is before its start) is rightly a 400; OpenAPI cannot express it.
    if operation.method.upper() == "POST" or operation.path.endswith("/stats/"):
        return [CHECKS.get_by_names(["positive_data_acceptance"])[0]]
    return []


def _run(operation, mode: GenerationMode, headers: dict[str, str]) -> None:
    excluded = _excluded(operation, headers)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        case.call_and_validate(headers={**UNCOMPRESSED, **headers}, excluded_checks=excluded)

    check()


def _key_for(operation) -> str | None:
    if operation.method.upper() == "POST":
        return "submit" if operation.path.endswith("/requests/") else "department"
    if "/requests/" in operation.path or "/reply-templates/" in operation.path:
        return "read_private"
    return None


def test_the_api_never_errors_and_always_matches_its_schema(api_schema, data):
    keys = data["keys"]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 17
    failures = []
    for operation in operations:
        runs = [{}]
        key = _key_for(operation)
        if key:
            runs.append({"Authorization": f"Api-Key {keys[key]}"})
        for headers in runs:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    _run(operation, mode, headers)
                except Unsatisfiable:
                    continue  # nothing invalid to send: the operation has no parameters
                except BaseException as exc:  # schemathesis raises exception groups
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    failures.append(f"{operation.label} [{mode.value}, key={bool(headers)}]: {exc}")
    assert not failures, "\n\n".join(failures)


def test_real_objects_and_valid_writes_match_the_schema(api_schema, data):
    """Random ids rarely hit a row; these cases do, so detail and write responses are checked too."""
    keys = data["keys"]
    ids = {"id": data["project"].pk}
    operations = {result.ok().label: result.ok() for result in api_schema.get_all_operations()}
    private = {"Authorization": f"Api-Key {keys['read_private']}"}
    department = {"X-API-Key": keys["department"]}
    submit = {"Authorization": f"Api-Key {keys['submit']}"}
    submission = {
        "external_id": "H-1",
        "type": "complaint",
        "area": data["area"].pk,
        "title": "噪音",
        "content": "夜间施工",
    }
    cases = [
        ("GET /api/v1/programmes/{code}/", {"path_parameters": {"code": "bianmin"}}, {}),
        ("GET /api/v1/areas/{id}/", {"path_parameters": {"id": data["area"].pk}}, {}),
        ("GET /api/v1/departments/{id}/", {"path_parameters": {"id": data["department"].pk}}, {}),
        ("GET /api/v1/projects/{id}/", {"path_parameters": ids}, {}),
        ("GET /api/v1/projects/{id}/updates/", {"path_parameters": ids}, {}),
        (
            "POST /api/v1/projects/{id}/updates/",
            {"path_parameters": ids, "body": {"text": "完成 40%", "progress": 40}},
            department,
        ),
        ("GET /api/v1/projects/{id}/updates/", {"path_parameters": ids}, {}),
        ("GET /api/v1/requests/{id}/", {"path_parameters": {"id": data["appeal"].pk}}, {}),
        ("GET /api/v1/requests/{id}/", {"path_parameters": {"id": data["appeal"].pk}}, private),
        ("POST /api/v1/requests/", {"body": submission}, submit),
        ("POST /api/v1/requests/", {"body": submission}, submit),
        (
            "POST /api/v1/requests/{id}/transitions/",
            {"path_parameters": {"id": data["appeal"].pk}, "body": {"action": "sign"}},
            department,
        ),
        (
            "POST /api/v1/requests/{id}/transitions/",
            {"path_parameters": {"id": data["appeal"].pk}, "body": {"action": "sign"}},
            department,
        ),
        ("GET /api/v1/requests/", {}, private),
        ("GET /api/v1/stats/", {"query": {"start": "2020-01-01"}}, {}),
    ]
    statuses = []
    for label, fields, headers in cases:
        case = operations[label].Case(media_type="application/json" if "body" in fields else None, **fields)
        statuses.append(case.call_and_validate(headers={**UNCOMPRESSED, **headers}).status_code)
    assert statuses == [200, 200, 200, 200, 200, 201, 200, 200, 200, 201, 200, 200, 409, 200, 200]
