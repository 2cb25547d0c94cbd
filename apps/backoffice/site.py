"""The admin site whose index page is the official's workbench, above the usual app list."""

from __future__ import annotations

from django.contrib import admin


class BackOfficeSite(admin.AdminSite):
    index_template = "admin/workbench/index.html"

    def index(self, request, extra_context=None):
        from apps.backoffice.workbench import workbench

        return super().index(request, {"workbench": workbench(request), **(extra_context or {})})
