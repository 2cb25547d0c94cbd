from __future__ import annotations

from django.contrib import admin
from django.db.models import F
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import ScopeKind, scope_of
from apps.places.models import Area, AreaLevel, Department
from apps.places.services import area_save


class SubdistrictOfAreaFilter(admin.SimpleListFilter):
    title = _("所属街道")
    parameter_name = "subdistrict"

    def lookups(self, request, model_admin):
        return [
            (str(pk), name)
            for pk, name in Area.objects.filter(level=AreaLevel.SUBDISTRICT)
            .order_by("order", "id")
            .values_list("pk", "name")
        ]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(subdistrict_id=int(self.value()))
        return queryset


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    """The area tree 区 → 街道 → 社区 → 小区, listed 街道 by 街道 with indented names."""

    list_display = ["indented_name", "level", "parent", "code", "has_point_display", "order"]
    list_filter = ["level", SubdistrictOfAreaFilter]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    list_per_page = 200
    autocomplete_fields = ["parent"]
    fields = ["name", "level", "parent", "code", "latitude", "longitude", "order", "subdistrict"]
    readonly_fields = ["subdistrict"]

    # Tree-ish order: the district, then each 街道 followed by its 社区 and 小区.
    ordering = [
        F("subdistrict__order").asc(nulls_first=True),
        F("subdistrict_id").asc(nulls_first=True),
        "level",
        "parent__order",
        "parent_id",
        "order",
        "id",
    ]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Registering a request, a 街道 official picks among that 街道's places only.
        if request.GET.get("model_name") == "appeal" and request.GET.get("field_name") == "area":
            scope = scope_of(request.user)
            if scope.kind == ScopeKind.SUBDISTRICT:
                queryset = queryset.filter(subdistrict_id=scope.subdistrict_id)
        return queryset, may_have_duplicates

    @admin.display(description=_("名称"), ordering="name")
    def indented_name(self, obj: Area):
        return format_html('<span style="padding-left:{}em">{}</span>', 1.5 * (obj.level - 1), obj.name)

    @admin.display(description=_("坐标"), boolean=True)
    def has_point_display(self, obj: Area) -> bool:
        return obj.has_point

    def save_model(self, request, obj, form, change):
        area_save(area=obj)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "area", "is_active", "order"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]
    ordering = ["order", "id"]
