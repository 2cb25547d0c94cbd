from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from tablib import Dataset

from apps.appeals.services import appeal_set_publication
from apps.projects.models import ProjectStatus
from apps.projects.resources import ProjectResource, project_columns
from tests import factories

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_project_exports_columns_equal_the_admin_imports(api):
    factories.project(title="口袋公园")
    rows = csv_rows(api.get("/api/v1/projects/export.csv"))
    assert rows[0] == project_columns()
    assert rows[1][1] == "口袋公园"
    assert xlsx_rows(api.get("/api/v1/projects/export.xlsx"))[0] == project_columns()


def test_a_project_export_reimports_unchanged(api):
    factories.project(title="口袋公园", status=ProjectStatus.IN_PROGRESS)
    dataset = Dataset().load(api.get("/api/v1/projects/export.csv").content.decode("utf-8-sig"), format="csv")
    result = ProjectResource().import_data(dataset, dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["skip"]


def test_project_exports_use_the_lists_filters_and_only_published_projects(api):
    factories.project(title="绿色", programme_code="lvse")
    factories.project(title="便民", programme_code="bianmin")
    factories.project(title="未公开", programme_code="lvse", is_public=False)
    rows = csv_rows(api.get("/api/v1/projects/export.csv", {"programme": "lvse"}))
    assert [row[1] for row in rows[1:]] == ["绿色"]
    assert api.get("/api/v1/projects/export.csv", {"status": "nope"}).status_code == 400


def test_the_request_export_has_public_columns_and_masked_names_only(api):
    shown = factories.appeal(title="路灯不亮", location_text="8号楼西侧", submitter_contact="wx-li")
    appeal_set_publication(appeal=shown, approved=True)
    factories.appeal(title="未公开的诉求")
    for response in (api.get("/api/v1/requests/export.csv"), api.get("/api/v1/requests/export.xlsx")):
        rows = csv_rows(response) if response["Content-Type"].startswith("text/csv") else xlsx_rows(response)
        assert len(rows) == 2
        header, row = rows[0], [str(v) if v is not None else "" for v in rows[1]]
        assert "联系电话" not in header and "诉求人姓名" not in header and "具体位置" not in header
        assert "路灯不亮" in row and "王**" in row
        flat = " ".join(row)
        for private in ("王秀英", "13912345678", "8号楼西侧", "wx-li", shown.tracking_no):
            assert private not in flat


def test_the_request_export_is_public_even_with_a_private_key(private_client):
    factories.appeal(title="未公开的诉求")
    rows = csv_rows(private_client.get("/api/v1/requests/export.csv"))
    assert len(rows) == 1


def test_resident_texts_that_look_like_formulas_are_defused(api):
    appeal = factories.appeal(title='=HYPERLINK("http://evil")', content="@SUM(A1)")
    appeal_set_publication(appeal=appeal, approved=True)
    row = csv_rows(api.get("/api/v1/requests/export.csv"))[1]
    assert '\'=HYPERLINK("http://evil")' in row and "'@SUM(A1)" in row


def test_an_export_over_the_row_limit_is_a_400_that_says_how_to_narrow_it(api, settings):
    settings.API_EXPORT_MAX_ROWS = 2
    official = factories.official()
    for _ in range(3):
        appeal_set_publication(appeal=factories.appeal(consent_to_publish=True), approved=True, by=official)
    for fmt in ("csv", "xlsx"):
        response = api.get(f"/api/v1/requests/export.{fmt}")
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid" and "3 行" in error["message"] and "submitted_since" in error["message"]
    year = factories.appeal().submitted_at.year
    settings.API_EXPORT_MAX_ROWS = 3
    assert len(csv_rows(api.get("/api/v1/requests/export.csv", {"year": year}))) == 4  # header + 3
