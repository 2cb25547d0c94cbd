"""Public search reads only the public version: a masked phone or house number cannot be
recovered digit by digit from which queries match (the list, its CSV and Excel exports)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from openpyxl import load_workbook

from apps.appeals.services import appeal_set_publication
from tests import factories as f

pytestmark = pytest.mark.django_db

CONTENT = "楼道灯坏了，电话13912345678，住纺织厂新村9号楼3单元502室。"


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.API_THROTTLE_RATES = {key: "10000/min" for key in settings.API_THROTTLE_RATES}


@pytest.fixture
def published():
    appeal = f.appeal(title="楼道灯坏了", content=CONTENT, consent_to_publish=True)
    return appeal_set_publication(appeal=appeal, approved=True, by=f.official())


def probe(matches: Callable[[str], bool], known: str, length: int) -> str:
    """What an attacker learns: extend a known prefix one digit at a time while a query matches."""
    found = ""
    for _ in range(length):
        digit = next((d for d in "0123456789" if matches(known + found + d)), None)
        if digit is None:
            break
        found += digit
    return found


def list_matches(api) -> Callable[[str], bool]:
    return lambda q: api.get("/api/v1/requests/", {"q": q}).json()["count"] > 0


def csv_matches(api) -> Callable[[str], bool]:
    return lambda q: len(api.get("/api/v1/requests/export.csv", {"q": q}).content.decode("utf-8-sig").splitlines()) > 1


def xlsx_matches(api) -> Callable[[str], bool]:
    def matches(q: str) -> bool:
        body = api.get("/api/v1/requests/export.xlsx", {"q": q}).content
        return load_workbook(io.BytesIO(body)).active.max_row > 1

    return matches


@pytest.mark.parametrize("searcher", [list_matches, csv_matches, xlsx_matches])
def test_a_digit_by_digit_probe_recovers_nothing(api, published, searcher):
    matches = searcher(api)
    assert matches("楼道灯")  # the search works on what the public reads…
    assert probe(matches, "电话", 11) == ""  # …and reveals no hidden phone number
    assert probe(matches, "纺织厂新村", 1) == ""  # …nor the building
    assert probe(matches, "3单元", 3) == ""  # …nor the room


def test_the_public_version_is_what_the_search_finds(api, published):
    appeal_set_publication(
        appeal=published, approved=True, published_title="楼道灯坏了", published_content="公共照明故障（审核版）"
    )
    assert api.get("/api/v1/requests/", {"q": "审核版"}).json()["count"] == 1
    assert api.get("/api/v1/requests/", {"q": "纺织厂"}).json()["count"] == 0  # only in the original


def test_an_officials_key_searches_and_reads_the_text_as_written(private_client, published):
    data = private_client.get("/api/v1/requests/", {"q": "13912345678"}).json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["content"] == CONTENT
    assert row["published_content"] == "楼道灯坏了，电话***********，住纺织厂新村*号楼*单元***室。"
