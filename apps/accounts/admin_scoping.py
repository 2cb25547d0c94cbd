"""The back office sees what an official's scope allows: one mixin for every scoped ModelAdmin.

Every ModelAdmin of projects or requests mixes in `ScopedAdminMixin`, so an official's scope
(`apps.accounts.scoping.scope_of`) applies to lists, change pages, history pages and
autocomplete results alike.
"""

from __future__ import annotations

from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts.scoping import Scope, scope_of


class ScopedAdminMixin:
    """Limit a ModelAdmin's objects to the official's scope; out-of-scope pages answer 404.

    Subclasses implement `scope_queryset(scope, queryset)`.
    """

    object_history_list_template = "admin/history_list.html"

    def scope_queryset(self, scope: Scope, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self, request):
        return self.scope_queryset(scope_of(request.user), super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Django would redirect to the index with "does not exist"; an object outside
            # the official's scope must look exactly like one that does not exist.
            raise Http404(_("对象不存在或不在您的权限范围内。"))
        return obj

    # django-simple-history falls back to the latest historical record when the object is
    # not in get_queryset(): for scoped officials that would leak other 街道's history.
    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.get_object(request, object_id)
        if request.method == "POST":
            # Reverting would bypass the services (and the request workflow): history is read-only.
            raise PermissionDenied
        request.history_read_only = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        if getattr(request, "history_read_only", False):
            return list(flatten_fieldsets(self.get_fieldsets(request, obj)))
        return super().get_readonly_fields(request, obj)

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def get_valid_export_item_pks(self, request):
        # django-import-export's default lists every pk of the table (a million requests);
        # only the posted ones, within scope, can be exported.
        posted = [pk for pk in request.POST.getlist("export_items") if pk.isdigit()]
        return self.get_queryset(request).filter(pk__in=posted).values_list("pk", flat=True)
