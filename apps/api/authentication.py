"""API-key authentication: `Authorization: Api-Key <key>` or `X-API-Key: <key>`.

A valid key makes `request.auth` the ApiKey (and `request.user` stays None: keys are not
people). No key means an anonymous public reader; a wrong or revoked key is refused (401)
rather than silently downgraded, so a client notices a revoked key at once.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from apps.apikeys.authentication import KEYWORD, raw_key_from_headers
from apps.apikeys.models import ApiKey
from apps.apikeys.services import api_key_authenticate


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[None, ApiKey] | None:
        raw = raw_key_from_headers(request)
        if raw is None:
            return None
        api_key = api_key_authenticate(raw)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("接口密钥无效或已吊销。 / Invalid or revoked API key."))
        return (None, api_key)

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = ["ApiKeyAuth", "XApiKeyAuth"]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "接口密钥，格式 `Api-Key <key>`，由工作人员在管理后台或用 `create_api_key` 命令创建。 / "
                "API key as `Authorization: Api-Key <key>`, created by officials in the admin or with "
                "`manage.py create_api_key`.",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-API-Key",
                "description": "同一密钥的另一种传法。 / The same key in the `X-API-Key` header.",
            },
        ]

    def get_security_requirement(self, auto_schema):
        return [{"ApiKeyAuth": []}, {"XApiKeyAuth": []}]
