from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class BackOfficeAdminConfig(AdminConfig):
    """django.contrib.admin with `apps.backoffice.site.BackOfficeSite` as `admin.site`."""

    default_site = "apps.backoffice.site.BackOfficeSite"
