"""What each API-key scope may do. Reading public data needs no key at all."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from apps.apikeys.models import ApiKey, ApiScope


def api_key_of(request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


class _ScopePermission(BasePermission):
    scope: str = ""
    scopes: tuple[str, ...] = ()  # when several key scopes may call

    def has_permission(self, request, view) -> bool:
        api_key = api_key_of(request)
        if api_key is None:
            return False  # DRF answers 401 (with WWW-Authenticate) since no key was given
        if api_key.scope not in (self.scopes or (self.scope,)):
            self.message = _(
                "此接口密钥的权限范围（%(scope)s）不能执行该操作。 / This API key's scope does not allow it."
            ) % {"scope": api_key.get_scope_display()}
            return False
        return True


class CanSubmit(_ScopePermission):
    scope = ApiScope.SUBMIT


class IsDepartmentKey(_ScopePermission):
    scope = ApiScope.DEPARTMENT


class TakesWorkflowSteps(_ScopePermission):
    """The unit's keys (department) and the dispatcher's keys (dispatch)."""

    scopes = (ApiScope.DEPARTMENT, ApiScope.DISPATCH)


class ReadsReplyTemplates(_ScopePermission):
    """The keys of officials' systems: those that take workflow steps or read everything."""

    scopes = (ApiScope.DEPARTMENT, ApiScope.DISPATCH, ApiScope.READ_PRIVATE)
