"""The project list's filters: the query string of `/projects/`, with the API's names."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.i18n import localized
from apps.places.models import Area, AreaLevel
from apps.programmes.models import Programme
from apps.projects.models import Health, ProjectStatus
from apps.public.selectors import DEFAULT_ORDERING, PROJECT_ORDERINGS, ProjectFilters

ORDERING_LABELS = {
    "-updated_at": _("最近更新"),
    "-progress": _("进度从高到低"),
    "progress": _("进度从低到高"),
    "planned_finish": _("计划完工从早到晚"),
    "-planned_investment": _("计划投资从多到少"),
    "title": _("按名称"),
}


class ProjectFilterForm(forms.Form):
    """Validates the filters; a bad value is reported and ignored, never a server error."""

    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    programme = forms.ChoiceField(label=_("六心板块"), required=False)
    area = forms.IntegerField(label=_("街道 / 社区"), required=False, min_value=1)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *ProjectStatus.choices])
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    health = forms.ChoiceField(label=_("红黄绿灯"), required=False, choices=[("", _("全部")), *Health.choices])
    ordering = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[(key, ORDERING_LABELS[key]) for key in PROJECT_ORDERINGS],
    )

    def __init__(self, data, *, programmes: list[Programme], areas: list[Area], years: list[int]):
        super().__init__(data)
        self.programmes = programmes
        self.areas = areas
        self.years = years
        self.fields["programme"].choices = [("", _("全部板块"))] + [(p.code, localized(p, "name")) for p in programmes]
        self._areas_by_id = {a.pk: a for a in areas}
        for subdistrict in areas:
            for community in getattr(subdistrict, "communities", []):
                self._areas_by_id[community.pk] = community

    def clean_area(self) -> Area | None:
        pk = self.cleaned_data.get("area")
        if pk is None:
            return None
        area = self._areas_by_id.get(pk)
        if area is None or area.level not in (AreaLevel.SUBDISTRICT, AreaLevel.COMMUNITY):
            raise forms.ValidationError(_("没有这个街道或社区。"))
        return area

    def filters(self) -> ProjectFilters:
        """The valid filters; fields with errors are left out."""
        self.is_valid()
        data = self.cleaned_data
        programme_code = data.get("programme") or ""
        return ProjectFilters(
            programme=next((p for p in self.programmes if p.code == programme_code), None),
            area=data.get("area"),
            status=data.get("status") or "",
            year=data.get("year"),
            health=data.get("health") or "",
            q=(data.get("q") or "").strip(),
            ordering=data.get("ordering") or DEFAULT_ORDERING,
        )

    def chosen_labels(self) -> list[str]:
        """The filters in force, in words, for the collapsed filter panel's summary."""
        chosen = self.filters()
        labels = []
        if chosen.programme:
            labels.append(localized(chosen.programme, "name"))
        if chosen.area:
            labels.append(chosen.area.name)
        if chosen.status:
            labels.append(str(ProjectStatus(chosen.status).label))
        if chosen.year:
            labels.append(str(chosen.year))
        if chosen.health:
            labels.append(str(Health(chosen.health).label))
        if chosen.ordering != DEFAULT_ORDERING:
            labels.append(str(ORDERING_LABELS[chosen.ordering]))
        return labels
