from __future__ import annotations

from django.contrib import admin

from apps.accounts.scoping import scope_of
from apps.categories.models import ProblemCategory


@admin.register(ProblemCategory)
class ProblemCategoryAdmin(admin.ModelAdmin):
    """The classification is the whole district's: district officials edit names, order and
    在用, and add classes; codes stay (API and Open311 identifiers) and a class is retired by
    停用, never deleted (requests keep their class)."""

    list_display = ["code", "name", "level", "parent", "order", "is_active"]
    list_display_links = ["code", "name"]
    list_editable = ["order", "is_active"]
    list_filter = ["level", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    ordering = ["code"]
    fields = ["parent", "code", "name", "name_en", "order", "is_active"]
    autocomplete_fields = ["parent"]
    list_per_page = 200

    def get_readonly_fields(self, request, obj=None):
        return ["parent", "code"] if obj is not None else []

    def has_add_permission(self, request) -> bool:
        return scope_of(request.user).is_all and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return scope_of(request.user).is_all and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.GET.get("field_name") == "parent":
            queryset = queryset.filter(level__lt=3)  # a parent for a new class: first or second level
        return queryset, distinct
