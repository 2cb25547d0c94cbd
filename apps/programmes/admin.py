from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import scope_of
from apps.common.admin_utils import colour_badge
from apps.programmes.models import Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """The six programmes are fixed by a data migration: texts, colours and order are editable,
    codes (public API identifiers) are not, and none can be added or removed."""

    list_display = ["name", "swatch", "code", "name_en", "order"]
    list_editable = ["order"]
    list_display_links = ["name"]
    readonly_fields = ["code"]
    fields = ["code", "name", "name_en", "scope", "scope_en", "colour", "order"]
    ordering = ["order", "code"]

    @admin.display(description=_("颜色"))
    def swatch(self, obj: Programme):
        return colour_badge(obj.colour, obj.colour)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The six programmes are the whole district's: a 街道 or department official reads them.
        return scope_of(request.user).is_all and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
