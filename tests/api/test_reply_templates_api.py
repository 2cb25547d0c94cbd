"""GET /api/v1/reply-templates/: the 答复模板 the admin's workflow forms offer, for API clients of
the officials' systems, filtered by step, by a request's class (with the classes above it) and type."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.appeals.models import ReplyTemplate
from apps.categories.models import ProblemCategory

pytestmark = pytest.mark.django_db

URL = "/api/v1/reply-templates/"


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_templates_fit_the_class_and_type_most_specific_first(department_client):
    # Seeded by the migration: 电梯故障已修复 (010101), 路灯已修复, 表扬件答复 (praise), 通用办结答复 (every class).
    second_level = ReplyTemplate.objects.create(
        step="resolve", category=ProblemCategory.objects.get(code="0101"), title="物业类答复", text="……"
    )
    lift = titles(department_client.get(URL, {"step": "resolve", "category": "010101", "type": "complaint"}))
    assert lift[:2] == ["电梯故障已修复", second_level.title]
    assert "通用办结答复" in lift
    assert "路灯已修复" not in lift and "表扬件答复" not in lift
    praise = titles(department_client.get(URL, {"step": "resolve", "category": "0604", "type": "praise"}))
    assert praise[0] == "表扬件答复" and "电梯故障已修复" not in praise


def test_a_template_names_the_transition_field_it_fills(department_client):
    rows = department_client.get(URL, {"step": "request_extension"}).json()["results"]
    assert rows and {row["fills"] for row in rows} == {"reason"}
    row = department_client.get(f"{URL}{rows[0]['id']}/").json()
    assert (row["step"], row["step_label"], row["fills"]) == ("request_extension", "申请延期", "reason")


def test_inactive_templates_are_not_offered(department_client):
    ReplyTemplate.objects.filter(title="电梯故障已修复").update(is_active=False)
    assert "电梯故障已修复" not in titles(department_client.get(URL, {"step": "resolve", "category": "010101"}))


def test_templates_need_an_officials_key(api, submit_client, private_client):
    assert api.get(URL).status_code == 401
    assert submit_client.get(URL).status_code == 403
    assert private_client.get(URL).status_code == 200


def test_a_malformed_class_or_unknown_step_is_a_400(department_client):
    response = department_client.get(URL, {"category": "1x"})
    assert response.status_code == 400 and "category" in response.json()["error"]["fields"]
    assert department_client.get(URL, {"step": "sign"}).status_code == 400


def test_the_list_costs_the_same_queries_whatever_the_number_of_templates(department_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert department_client.get(URL, {"page_size": 50}).status_code == 200
        return len(captured)

    queries()  # a key's first use also records last_used_at: measure the steady state
    few = queries()
    ReplyTemplate.objects.bulk_create(
        ReplyTemplate(step="resolve", category=ProblemCategory.objects.get(code="0101"), title=f"模板{n}", text="……")
        for n in range(30)
    )
    assert queries() == few
    # The key, the count and the page; on PostgreSQL the count's statement timeout adds five fixed queries.
    assert few <= 3 + (5 if connection.vendor == "postgresql" else 0)
