from __future__ import annotations

import json

import pytest
import yaml
from django.urls import reverse
from openapi_spec_validator import validate

from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create, api_key_revoke
from tests import factories
from tests.api.conftest import keyed_client

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


def test_bad_filter_values_are_a_400_naming_each_parameter(api):
    error = assert_error(
        api.get(
            "/api/v1/projects/", {"status": "done", "year": "abc", "health": "purple", "updated_since": "yesterday"}
        ),
        400,
        "invalid",
    )
    assert set(error["fields"]) == {"status", "year", "health", "updated_since"}


@pytest.mark.parametrize(
    "since",
    ["0879-04-19T17:05:24+23:22", "0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00"],
)
def test_times_at_the_edges_of_the_calendar_are_answered_not_crashed(api, since):
    factories.appeal()
    for url in ["/api/v1/requests/", "/api/v1/projects/"]:
        assert api.get(url, {"updated_since": since}).status_code == 200
    assert api.get("/api/v1/requests/", {"submitted_before": since}).status_code == 200


def test_a_repeated_or_empty_parameter_is_a_400(api):
    assert "year" in assert_error(api.get("/api/v1/projects/?year=2026&year=2025"), 400)["fields"]
    assert "area" in assert_error(api.get("/api/v1/projects/?area="), 400)["fields"]
    assert api.get("/api/v1/projects/?q=").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/projects/99999999999999999999999999/",
        "/api/v1/projects/-1/",
        "/api/v1/projects/abc/",
        "/api/v1/requests/12345/",
        "/api/v1/programmes/nope/",
        "/api/v1/nothing/",
        "/api/v2/",
        "/api/v1/projects/1/updates/%0A/",
    ],
)
def test_unknown_ids_and_paths_are_a_json_404(api, url):
    assert_error(api.get(url), 404, "not_found")


def test_a_known_endpoint_without_its_slash_redirects(api):
    response = api.get("/api/v1/projects?year=2026")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/projects/?year=2026"


@pytest.mark.parametrize("page", ["0", "-1", "x", "1.5"])
def test_a_bad_page_number_is_a_400(api, page):
    assert "page" in assert_error(api.get("/api/v1/areas/", {"page": page}), 400)["fields"]


def test_a_page_past_the_end_is_a_404(api):
    assert_error(api.get("/api/v1/areas/", {"page": 99}), 404)


def test_a_huge_page_size_is_capped_at_the_maximum(api, settings):
    parent = factories.subdistrict()
    for _ in range(3):
        factories.community(parent=parent)
    response = api.get("/api/v1/areas/", {"page_size": "1" + "0" * 40})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 5
    assert "page_size" in assert_error(api.get("/api/v1/areas/", {"page_size": "0"}), 400)["fields"]


def test_a_write_without_a_key_is_a_401_with_the_scheme_named(api):
    response = api.post("/api/v1/requests/", {}, format="json")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Api-Key")


def test_a_wrong_or_revoked_key_is_a_401_even_for_public_reads(api):
    assert_error(keyed_client("qs_00000000.nope").get("/api/v1/projects/"), 401, "authentication_failed")
    api_key, raw = api_key_create(name="x", scope=ApiScope.READ_PRIVATE)
    assert keyed_client(raw).get("/api/v1/projects/").status_code == 200
    api_key_revoke(api_key=api_key)
    assert_error(keyed_client(raw).get("/api/v1/projects/"), 401)


def test_the_key_is_also_accepted_in_x_api_key(private_key):
    appeal = factories.appeal()
    response = keyed_client(private_key[1], header="x-api-key").get(f"/api/v1/requests/{appeal.pk}/")
    assert response.status_code == 200
    assert response.json()["submitter_phone"] == "13912345678"


def test_a_key_of_the_wrong_scope_is_a_403(private_client):
    assert_error(private_client.post("/api/v1/requests/", {}, format="json"), 403, "permission_denied")


def test_hostile_bodies_and_keys_are_a_4xx_never_a_500(submit_client):
    assert_error(submit_client.post("/api/v1/requests/", "[" * 100_000, content_type="application/json"), 400)
    assert_error(submit_client.post("/api/v1/requests/", '{"title": "\\u0000"}', content_type="application/json"), 400)
    assert_error(keyed_client("qs_\x00abc.def").get("/api/v1/projects/"), 401)
    assert_error(keyed_client("qs_12345678." + "x" * 10_000).get("/api/v1/projects/"), 401)


def test_an_unsupported_method_is_a_405(api):
    assert api.options("/api/docs/").status_code == 405
    assert_error(api.delete("/api/v1/projects/"), 405, "method_not_allowed")
    assert_error(api.put("/api/v1/stats/", {}, format="json"), 405)


def test_bodies_that_are_not_json_are_refused_with_the_same_shape(submit_client):
    assert_error(
        submit_client.post("/api/v1/requests/", "{not json", content_type="application/json"), 400, "parse_error"
    )
    assert_error(
        submit_client.post("/api/v1/requests/", "a=1", content_type="application/x-www-form-urlencoded"),
        415,
        "unsupported_media_type",
    )
    assert_error(submit_client.post("/api/v1/requests/", "[1, 2]", content_type="application/json"), 400, "invalid")


def test_anonymous_clients_are_throttled_per_ip(api, settings):
    settings.API_THROTTLE_RATES = {"api_key": "100/min", "ip": "3/min"}
    assert [api.get("/api/v1/programmes/").status_code for _ in range(3)] == [200, 200, 200]
    response = api.get("/api/v1/programmes/")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    other_ip = api.get("/api/v1/programmes/", REMOTE_ADDR="10.1.2.3")
    assert other_ip.status_code == 200


def test_keys_are_throttled_per_key_not_per_ip(settings, private_key):
    settings.API_THROTTLE_RATES = {"api_key": "2/min", "ip": "1/min"}
    client = keyed_client(private_key[1])
    assert [client.get("/api/v1/programmes/").status_code for _ in range(2)] == [200, 200]
    assert_error(client.get("/api/v1/programmes/"), 429, "throttled")
    _other, raw = api_key_create(name="other", scope=ApiScope.READ_PRIVATE)
    assert keyed_client(raw).get("/api/v1/programmes/").status_code == 200


def test_the_schema_is_valid_openapi_3_and_documents_every_endpoint(api):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in [
        "/api/v1/programmes/",
        "/api/v1/programmes/{code}/",
        "/api/v1/areas/",
        "/api/v1/departments/",
        "/api/v1/projects/",
        "/api/v1/projects/{id}/",
        "/api/v1/projects/{id}/updates/",
        "/api/v1/projects/export.csv",
        "/api/v1/projects/export.xlsx",
        "/api/v1/requests/",
        "/api/v1/requests/{id}/",
        "/api/v1/requests/{id}/transitions/",
        "/api/v1/requests/export.csv",
        "/api/v1/requests/export.xlsx",
        "/api/v1/stats/",
    ]:
        assert path in paths, path
    schemes = schema["components"]["securitySchemes"]
    assert schemes["ApiKeyAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        **_desc(schemes, "ApiKeyAuth"),
    }
    assert schemes["XApiKeyAuth"]["name"] == "X-API-Key"
    # Public reads allow anonymous calls; writes require a key.
    assert {} in paths["/api/v1/projects/"]["get"]["security"]
    assert {} not in paths["/api/v1/requests/"]["post"]["security"]
    assert {"400", "401", "403", "409", "429"} <= set(paths["/api/v1/requests/{id}/transitions/"]["post"]["responses"])
    assert schema["components"]["schemas"]["Error"]["required"] == ["error"]
    assert "Retry-After" in paths["/api/v1/projects/"]["get"]["responses"]["429"]["headers"]
    list_params = {p["name"] for p in paths["/api/v1/projects/"]["get"]["parameters"]}
    assert {
        "programme",
        "area",
        "status",
        "year",
        "health",
        "updated_since",
        "q",
        "ordering",
        "page_size",
    } <= list_params
    assert "Api-Key" in schema["info"]["description"] and "429" in schema["info"]["description"]
    assert {tag["name"] for tag in schema["tags"]} >= {"projects", "requests", "stats"}
    descriptions = paths["/api/v1/requests/"]["post"]["description"]
    assert "幂等" in descriptions and "Idempotent" in descriptions


def _desc(schemes: dict, name: str) -> dict:
    return {"description": schemes[name]["description"]}


def test_the_docs_page_uses_our_own_static_files(api):
    response = api.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


def test_every_endpoint_answers_every_method_without_a_server_error(api, department_client, submit_client):
    project, appeal = factories.project(), factories.appeal()
    urls = [
        "/api/v1/",
        "/api/v1/programmes/bianmin/",
        "/api/v1/areas/",
        "/api/v1/departments/",
        f"/api/v1/projects/{project.pk}/",
        f"/api/v1/projects/{project.pk}/updates/",
        "/api/v1/requests/",
        f"/api/v1/requests/{appeal.pk}/",
        f"/api/v1/requests/{appeal.pk}/transitions/",
        "/api/v1/stats/",
        "/api/v1/projects/export.csv",
        "/api/v1/requests/export.xlsx",
        "/api/schema/",
        "/api/docs/",
    ]
    for client in (api, department_client, submit_client):
        for url in urls:
            for method in ("get", "head", "options", "post", "put", "patch", "delete"):
                response = getattr(client, method)(url)
                assert response.status_code < 500, (method, url, response.status_code)
