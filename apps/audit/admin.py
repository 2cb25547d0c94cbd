"""The audit log in the back office: district officials read, filter and export it; nobody
adds, changes or deletes entries. Also the mixins that audit every admin export and import."""

from __future__ import annotations

from django.contrib import admin
from import_export import resources
from import_export.admin import ExportMixin
from import_export.fields import Field
from import_export.formats.base_formats import CSV, XLSX

from apps.accounts.scoping import is_district_official
from apps.audit.models import Action, AuditEntry
from apps.audit.services import audit_record

# Query-string keys of a changelist that are not filters.
NOT_FILTERS = {"o", "p", "q_"}


class AuditedExportMixin:
    """Mixed into an import-export ModelAdmin before ExportMixin: every file exported is logged
    with its model, the list's filters and the number of rows."""

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        self.audit_export(request, rows=len(data))
        return data

    def audit_export(self, request, *, rows: int, **extra) -> None:
        """Log an export (also one handed to a background job, with its `job` id)."""
        filters = {key: value for key, value in request.GET.items() if key not in NOT_FILTERS}
        selected = request.POST.getlist("export_items") or request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        audit_record(
            action=Action.EXPORT,
            request=request,
            target=self.model._meta.label,
            rows=rows,
            data={"via": "admin", "filters": filters, **({"selected": len(selected)} if selected else {}), **extra},
        )


class AuditedImportMixin:
    """Mixed into an import-export ModelAdmin before ImportMixin: every confirmed import is logged."""

    def process_result(self, result, request):
        self.audit_import(totals=result.totals, request=request)
        return super().process_result(result, request)

    def audit_import(self, *, totals: dict, request=None, user=None, **extra) -> None:
        """Log an import (also one a background job wrote for `user`, with its `job` id)."""
        audit_record(
            action=Action.IMPORT,
            request=request,
            user=user,
            target=self.model._meta.label,
            rows=sum(totals.get(kind, 0) for kind in ("new", "update", "delete")),
            data={"via": "admin", "totals": {key: value for key, value in totals.items() if value}, **extra},
        )


class AuditEntryResource(resources.ModelResource):
    action = Field(attribute="get_action_display", column_name="操作")

    class Meta:
        model = AuditEntry
        fields = ["at", "action", "actor_name", "ip_address", "target", "rows", "data"]
        export_order = fields


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditedExportMixin, ExportMixin, admin.ModelAdmin):
    list_display = ["at", "action", "actor_name", "ip_address", "target", "rows"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["actor_name", "target", "ip_address"]
    date_hierarchy = "at"
    fields = ["at", "action", "actor_name", "ip_address", "target", "rows", "data"]
    readonly_fields = fields
    resource_classes = [AuditEntryResource]
    formats = [CSV, XLSX]
    show_full_result_count = False

    def has_module_permission(self, request) -> bool:
        return is_district_official(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_district_official(request.user)

    def has_export_permission(self, request) -> bool:
        return is_district_official(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_valid_export_item_pks(self, request):
        # The default lists every entry's pk in the export form; only posted ones are needed.
        posted = [pk for pk in request.POST.getlist("export_items") if pk.isdigit()]
        return self.get_queryset(request).filter(pk__in=posted).values_list("pk", flat=True)
