from __future__ import annotations

import pytest

from apps.appeals.models import AppealKind
from apps.categories.models import ProblemCategory
from apps.programmes.models import Programme
from tests import factories as f
from tests.open311.helpers import body, xml

pytestmark = pytest.mark.django_db


def test_discovery_points_at_the_v2_endpoint_in_both_formats(client):
    response = client.get("/open311/v2/discovery.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    endpoint = body(response)["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]

    root = xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]
    assert root.findtext("key_service")


def test_the_endpoint_root_answers_with_discovery(client):
    assert body(client.get("/open311/v2/"))["endpoints"][0]["type"] == "production"


def test_there_is_one_service_per_programme_and_type_plus_general_ones(client):
    services = body(client.get("/open311/v2/services.json"))
    codes = [s["service_code"] for s in services]
    programmes = list(Programme.objects.order_by("order").values_list("code", flat=True))
    classes = [f"cat{code}" for code in ProblemCategory.objects.filter(level=1).values_list("code", flat=True)]
    expected = [f"{p}.{kind}" for p in [*programmes, "general", *classes] for kind in AppealKind.values]
    assert codes == expected
    complaint = services[codes.index("bianmin.complaint")]
    assert complaint["service_name"] == "便民舒心·投诉"
    assert complaint["group"] == "便民舒心"
    assert complaint["type"] == "realtime"
    assert complaint["metadata"] is True
    assert "投诉" in complaint["keywords"] and "bianmin" in complaint["keywords"]
    assert "15个工作日内办结" in complaint["description"]


def test_services_follow_programme_names_edited_in_the_admin(client):
    Programme.objects.filter(code="lvse").update(name="绿色家园")
    names = {s["service_code"]: s["service_name"] for s in body(client.get("/open311/v2/services.json"))}
    assert names["lvse.suggestion"] == "绿色家园·建议"


def test_services_xml_uses_the_spec_element_names(client):
    response = client.get("/open311/v2/services.xml")
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = xml(response)
    assert root.tag == "services"
    first = root.find("service")
    assert [child.tag for child in first] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert first.findtext("service_code") == "fumin.inquiry"
    assert first.findtext("service_name") == "富民安心·咨询"
    assert first.findtext("metadata") == "true"


def test_a_service_definition_lists_the_optional_attributes_and_the_areas(client, places):
    definition = body(client.get("/open311/v2/services/bianmin.complaint.json"))
    assert definition["service_code"] == "bianmin.complaint"
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert set(attributes) == {"area", "title", "consent_to_publish", "external_id"}
    assert all(a["required"] is False and a["variable"] is True for a in attributes.values())
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3, 4]
    area_values = {v["key"]: v["name"] for v in attributes["area"]["values"]}
    assert area_values["320311010001"] == "泰山街道 · 泰山社区"
    assert area_values["320311010000"] == "泰山街道"
    assert area_values[str(places["compound"].pk)] == "泰山街道 · 矿山小区"
    assert [v["key"] for v in attributes["consent_to_publish"]["values"]] == ["true", "false"]


def test_a_service_definition_in_xml_nests_attributes_and_values(client, places):
    root = xml(client.get("/open311/v2/services/general.help.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "general.help"
    area = next(a for a in root.findall("attributes/attribute") if a.findtext("code") == "area")
    assert area.findtext("datatype") == "singlevaluelist"
    assert area.findtext("required") == "false"
    keys = [v.findtext("key") for v in area.findall("values/value")]
    assert "320311010002" in keys


@pytest.mark.parametrize(
    "code", ["nosuch.complaint", "bianmin.nosuch", "bianmin", "bianmin.complaint.extra", "BIANMIN.complaint"]
)
def test_an_unknown_service_is_a_404_in_the_spec_error_format(client, code):
    response = client.get(f"/open311/v2/services/{code}.json")
    assert response.status_code == 404
    [error] = body(response)
    assert error["code"] == 404 and "service_code" in error["description"]


def test_an_unknown_service_in_xml_is_an_errors_document(client):
    response = client.get("/open311/v2/services/nosuch.help.xml")
    assert response.status_code == 404
    root = xml(response)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    assert root.findtext("error/description")


def test_unknown_paths_and_formats_under_the_endpoint_answer_in_the_error_format(client):
    response = client.get("/open311/v2/services.csv")
    assert response.status_code == 404 and body(response)[0]["code"] == 404
    response = client.get("/open311/v2/nothing/here.xml")
    assert response.status_code == 404 and xml(response).tag == "errors"
    response = client.get("/open311/v2/requests/QS%0A.json")  # a newline in the path
    assert response.status_code == 404 and body(response)[0]["code"] == 404


def test_methods_other_than_get_are_refused_with_405(client):
    response = client.post("/open311/v2/services.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert body(response)[0]["code"] == 405
    assert client.delete("/open311/v2/requests.xml").status_code == 405


def test_service_documents_take_a_fixed_number_of_queries(client, places, django_assert_max_num_queries, committing):
    with django_assert_max_num_queries(2):  # programmes and first-level classes
        client.get("/open311/v2/services.json")
    with django_assert_max_num_queries(2):
        client.get("/open311/v2/services/bianmin.help.json")
    with committing():
        for _ in range(30):
            f.community(parent=places["subdistrict"])
    with django_assert_max_num_queries(2):
        response = client.get("/open311/v2/services/bianmin.help.json")
    assert len(body(response)["attributes"][0]["values"]) == 34
