from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create
from tests import factories


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def keyed_client(raw: str, *, header: str = "authorization") -> APIClient:
    client = APIClient()
    if header == "authorization":
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    else:
        client.credentials(HTTP_X_API_KEY=raw)
    return client


@pytest.fixture
def department(db):
    return factories.department(name="区住房和城乡建设局", code="zhujian")


@pytest.fixture
def department_key(department):
    return api_key_create(name="住建局系统", scope=ApiScope.DEPARTMENT, department=department)


@pytest.fixture
def department_client(department_key) -> APIClient:
    return keyed_client(department_key[1])


@pytest.fixture
def private_key(db):
    return api_key_create(name="区大数据局", scope=ApiScope.READ_PRIVATE)


@pytest.fixture
def private_client(private_key) -> APIClient:
    return keyed_client(private_key[1])


@pytest.fixture
def submit_key(db):
    return api_key_create(name="12345 热线平台", scope=ApiScope.SUBMIT, channel="hotline")


@pytest.fixture
def submit_client(submit_key) -> APIClient:
    return keyed_client(submit_key[1])
