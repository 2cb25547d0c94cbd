"""A plain Open311 client: urllib and xml.etree against a running server, nothing of ours."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from xml.etree import ElementTree

import pytest

from apps.appeals.models import Appeal
from apps.appeals.services import appeal_set_publication
from apps.programmes.models import Programme

# The live server answers from its own thread and connection, so the data must be committed.
# pytest-django runs such tests after all others; an earlier one may have emptied the tables,
# so this test creates the one programme it uses.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _bianmin():
    Programme.objects.get_or_create(code="bianmin", defaults={"name": "便民舒心", "order": 2})


class PlainClient:
    """What a generic GeoReport v2 client does: discover, then GET and POST by URL suffix."""

    def __init__(self, root: str, fmt: str):
        self.root, self.fmt = root, fmt

    def _read(self, request: urllib.request.Request):
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, content_type, payload = response.status, response.headers["Content-Type"], response.read()
        except urllib.error.HTTPError as error:
            status, content_type, payload = error.code, error.headers["Content-Type"], error.read()
        if self.fmt == "xml":
            assert content_type.startswith("text/xml") and "utf-8" in content_type
            return status, ElementTree.fromstring(payload)
        assert content_type.startswith("application/json")
        return status, json.loads(payload.decode("utf-8"))

    def get(self, path: str, **params):
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return self._read(urllib.request.Request(f"{self.root}{path}.{self.fmt}{query}"))

    def post(self, path: str, **fields):
        data = urllib.parse.urlencode(fields).encode("utf-8")
        request = urllib.request.Request(f"{self.root}{path}.{self.fmt}", data=data, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        return self._read(request)


def discover(live_server, fmt: str) -> PlainClient:
    bootstrap = PlainClient(f"{live_server.url}/open311/v2/", fmt)
    status, document = bootstrap.get("discovery")
    assert status == 200
    if fmt == "xml":
        endpoint = document.find("endpoints/endpoint")
        url, formats = endpoint.findtext("url"), [f.text for f in endpoint.findall("formats/format")]
    else:
        url, formats = document["endpoints"][0]["url"], document["endpoints"][0]["formats"]
    assert {"json": "application/json", "xml": "text/xml"}[fmt] in formats
    return PlainClient(url, fmt)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_plain_open311_client_lists_services_posts_and_reads_back(live_server, places, submit_key, fmt):
    client = discover(live_server, fmt)

    status, services = client.get("services")
    assert status == 200
    if fmt == "xml":
        codes = [s.findtext("service_code") for s in services.findall("service")]
    else:
        codes = [s["service_code"] for s in services]
    assert "bianmin.complaint" in codes

    status, definition = client.get("services/bianmin.complaint")
    assert status == 200
    if fmt == "xml":
        attributes = [a.findtext("code") for a in definition.findall("attributes/attribute")]
    else:
        attributes = [a["code"] for a in definition["attributes"]]
    assert "consent_to_publish" in attributes

    status, created = client.post(
        "requests",
        api_key=submit_key,
        service_code="bianmin.complaint",
        address_id="320311010001",
        description="泰山社区东门路灯不亮，已经一周了。",
        first_name="秀英",
        last_name="王",
        phone="13912345678",
        **{"attribute[consent_to_publish]": "true"},
    )
    assert status == 200
    tracking_no = created.findtext("request/service_request_id") if fmt == "xml" else created[0]["service_request_id"]
    assert tracking_no.startswith("QS-")

    # Not public until an official approves publication.
    status, errors = client.get(f"requests/{tracking_no}")
    assert status == 404
    assert (errors.findtext("error/code") if fmt == "xml" else str(errors[0]["code"])) == "404"
    appeal_set_publication(appeal=Appeal.objects.get(tracking_no=tracking_no), approved=True)

    status, single = client.get(f"requests/{tracking_no}")
    assert status == 200
    status, listed = client.get("requests", service_code="bianmin.complaint", status="open")
    assert status == 200
    if fmt == "xml":
        assert single.tag == "service_requests"
        request = single.find("request")
        assert request.findtext("status") == "open"
        assert request.findtext("address") == "泉山区泰山街道泰山社区"
        assert [r.findtext("service_request_id") for r in listed.findall("request")] == [tracking_no]
        text = ElementTree.tostring(single, encoding="unicode") + ElementTree.tostring(listed, encoding="unicode")
    else:
        assert single[0]["status"] == "open"
        assert single[0]["address"] == "泉山区泰山街道泰山社区"
        assert [r["service_request_id"] for r in listed] == [tracking_no]
        text = json.dumps([single, listed], ensure_ascii=False)
    assert "王秀英" not in text and "13912345678" not in text

    status, errors = client.post("requests", service_code="bianmin.complaint", description="无密钥")
    assert status == 403
