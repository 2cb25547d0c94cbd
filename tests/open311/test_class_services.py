"""Open311 services per first-level problem class (`cat09.help` 公共安全·求助), beside the
programme services that keep working: listed, defined, filtered on and posted to, in JSON and XML."""

from __future__ import annotations

import pytest

from apps.appeals.models import Appeal
from apps.appeals.services import appeal_transition
from apps.categories.models import ProblemCategory
from tests.open311.helpers import body, published, xml

pytestmark = pytest.mark.django_db


def test_first_level_classes_are_services_in_json_and_xml(client):
    services = {s["service_code"]: s for s in body(client.get("/open311/v2/services.json"))}
    assert services["cat01.complaint"]["service_name"] == "城乡建设·投诉"
    assert services["cat01.complaint"]["group"] == "城乡建设"
    assert "bianmin.complaint" in services and "general.help" in services  # the old ones stay
    root = xml(client.get("/open311/v2/services.xml"))
    assert "cat09.help" in [s.findtext("service_code") for s in root.findall("service")]
    definition = body(client.get("/open311/v2/services/cat09.help.json"))
    assert definition["service_code"] == "cat09.help"
    assert client.get("/open311/v2/services/cat77.help.json").status_code == 404
    retired = ProblemCategory.objects.get(code="99")
    retired.is_active = False
    retired.save()
    assert client.get("/open311/v2/services/cat99.help.json").status_code == 404


def test_a_post_to_a_class_service_creates_a_request_of_that_class(client, places, submit_key):
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": submit_key,
            "service_code": "cat09.help",
            "description": "楼道里电动车飞线充电。",
            "address_id": "320311010001",
            "phone": "13912345678",
        },
    )
    assert response.status_code == 200, response.content
    appeal = Appeal.objects.get(tracking_no=body(response)[0]["service_request_id"])
    assert (appeal.category.code, appeal.kind, appeal.programme_id) == ("09", "help", None)


def test_requests_filter_by_a_class_service_including_its_subclasses(client, places):
    fire = published(area=places["community"], kind="complaint", title="飞线充电")
    appeal_transition(appeal=fire, action="accept", category=ProblemCategory.objects.get(code="090103"))
    published(area=places["community"], kind="help", category=ProblemCategory.objects.get(code="09"))
    noise = published(area=places["community"], kind="complaint")
    appeal_transition(appeal=noise, action="accept", category=ProblemCategory.objects.get(code="030201"))
    response = client.get("/open311/v2/requests.json", {"service_code": "cat09.complaint"})
    assert [r["service_request_id"] for r in body(response)] == [fire.tracking_no]
