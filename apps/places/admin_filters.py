"""List filters of the back office that any app's admin shares."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from apps.places.selectors import subdistricts


class SubdistrictListFilter(admin.SimpleListFilter):
    """Filter by 街道. `subdistrict_lookup` names the queryset lookup to the 街道's id."""

    title = gettext_lazy("街道")
    parameter_name = "subdistrict"
    subdistrict_lookup = "subdistrict_id"

    def lookups(self, request, model_admin):
        return [(str(area.pk), area.name) for area in subdistricts().only("id", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            pk = int(value)
        except ValueError:
            return queryset.none()
        return self.filter_subdistrict(queryset, pk)

    def filter_subdistrict(self, queryset: QuerySet, pk: int) -> QuerySet:
        return queryset.filter(**{self.subdistrict_lookup: pk})
