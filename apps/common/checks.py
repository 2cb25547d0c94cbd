"""Deployment checks (`manage.py check --deploy`) for the keys of residents' personal data."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from apps.common import pii


@register(Tags.security, deploy=True)
def check_pii_keys(app_configs=None, **kwargs) -> list[Error]:
    if getattr(settings, "PII_DEVELOPMENT_KEYS", False):
        return [
            Error(
                "Residents' personal data is encrypted with this checkout's development keys (var/pii-dev-keys).",
                hint="Set PII_KEYS (or PII_KEYS_FILE) and PII_INDEX_KEY(_FILE); leave DEBUG and PII_DEV_KEYS off.",
                id="common.E001",
            )
        ]
    try:
        pii.keyring()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="common.E002")]
    return []
