"""Back office for 每月一题: a district official picks the month's topic from its ranked request
groups (the 群众点单 groups of that month), then records departments, measures, outcome and the
projects it produced. Every write calls apps.topics.services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import scope_of
from apps.common.admin_utils import error_text
from apps.proposals.selectors import GroupKey
from apps.topics.forms import ChooseForm, MonthForm
from apps.topics.models import MonthlyTopic
from apps.topics.selectors import add_months, month_request_groups, this_month
from apps.topics.services import topic_choose, topic_save


@admin.register(MonthlyTopic)
class MonthlyTopicAdmin(admin.ModelAdmin):
    list_display = ["month_label", "title", "lead_department", "group_label", "month_count", "is_public"]
    list_filter = ["is_public"]
    list_select_related = ["lead_department"]
    search_fields = ["title", "group_label"]
    readonly_fields = ["month", "group_label", "month_count"]
    autocomplete_fields = ["lead_department", "co_departments", "projects"]
    fieldsets = [
        (None, {"fields": ["month", "group_label", "month_count", "title", "problem", "sub_problems"]}),
        (_("办理"), {"fields": ["lead_department", "co_departments", "measures", "outcome", "projects"]}),
        (_("公开"), {"fields": ["is_public"]}),
    ]

    def _allowed(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and scope_of(request.user).is_all

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request) and (obj is None or not obj.is_public)

    @admin.display(description=_("月份"), ordering="month")
    def month_label(self, obj: MonthlyTopic) -> str:
        return f"{obj.month:%Y-%m}"

    def save_model(self, request, obj, form, change):
        topic_save(topic=obj, by=request.user)

    def get_urls(self):
        return [
            path("choose/", self.admin_site.admin_view(self.choose_view), name="topics_monthlytopic_choose"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        # A topic starts from the month's ranked request groups, never from a blank form.
        return HttpResponseRedirect(reverse("admin:topics_monthlytopic_choose"))

    def choose_view(self, request):
        """The month's request groups, most frequent first; choosing one makes the month's topic."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else request.GET
        month_form = MonthForm(data if data.get("month") else None, initial={"month": add_months(this_month(), -1)})
        month = month_form.cleaned_data["month"] if month_form.is_valid() else add_months(this_month(), -1)
        groups = month_request_groups(month)
        key = GroupKey.from_param(data.get("group", ""))
        chosen = next((g for g in groups if key and g.key == key), None)
        existing = MonthlyTopic.objects.filter(month=month).first()
        form = None
        if chosen is not None and existing is None:
            initial = {
                "title": chosen.label,
                "problem": gettext("%(month)s，%(label)s 收到群众诉求 %(n)d 件。")
                % {"month": f"{month:%Y-%m}", "label": chosen.label, "n": chosen.count},
            }
            form = ChooseForm(request.POST if request.method == "POST" else None, initial=initial)
            if request.method == "POST" and form.is_valid():
                try:
                    topic = topic_choose(month=month, key=chosen.key, by=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    form.add_error(None, error_text(exc))
                else:
                    self.message_user(
                        request,
                        gettext("已选定 %(month)s 的每月一题：%(title)s。请补充协办单位、措施和成效后公开。")
                        % {"month": f"{month:%Y-%m}", "title": topic.title},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:topics_monthlytopic_change", args=[topic.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("选定每月一题：%(month)s") % {"month": f"{month:%Y-%m}"},
            "month": month,
            "month_param": f"{month:%Y-%m}",
            "month_form": month_form,
            "groups": groups,
            "chosen": chosen,
            "existing": existing,
            "form": form,
        }
        return TemplateResponse(request, "admin/topics/monthlytopic/choose.html", context)
