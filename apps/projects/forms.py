"""Back-office forms for projects (the public site has its own forms)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import Scope
from apps.common.images import MultiplePhotoField, PhotoField
from apps.projects.models import Milestone, PhotoStage, ProgressSource, ProgressUpdate, Project, ProjectPhoto
from apps.projects.services import derived_progress, milestone_progress, progress_update_check

UPDATE_MAX_PHOTOS = 9


class ProjectAdminForm(forms.ModelForm):
    """The project form; a scoped official may only save a project that stays in scope."""

    scope: Scope | None = None

    class Meta:
        model = Project
        fields = [
            "programme",
            "year",
            "title",
            "summary",
            "description",
            "parent",
            "weight",
            "areas",
            "lead_department",
            "co_departments",
            "official_name",
            "official_title",
            "planned_investment",
            "invested",
            "planned_start",
            "planned_finish",
            "actual_start",
            "actual_finish",
            "status",
            "progress",
            "latitude",
            "longitude",
            "is_public",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.scope is None:
            return cleaned
        areas = cleaned.get("areas")
        errors = self.scope.project_errors(
            areas=areas if areas is not None else [],
            lead_department_id=getattr(cleaned.get("lead_department"), "pk", None),
            co_department_ids=[d.pk for d in cleaned.get("co_departments") or []],
            parent=cleaned.get("parent"),
        )
        for field, message in errors.items():
            if field == NON_FIELD_ERRORS or field not in self.errors:
                self.add_error(None if field == NON_FIELD_ERRORS else field, message)
        return cleaned


class ProgressUpdateInlineForm(forms.ModelForm):
    """A 进展 entry. For hand-set projects its progress becomes the project's progress; for
    derived ones the progress is recorded from the milestones / sub-projects."""

    class Meta:
        model = ProgressUpdate
        fields = ["date", "text", "progress"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].required = False
        self.fields["progress"].help_text = _(
            "留空则记录项目当前进度；进度由节点计算的项目请留空，或在“发布进展”页勾选完成的节点。"
        )

    def _post_clean(self):
        super()._post_clean()
        progress = self.cleaned_data.get("progress")
        if not self.instance.pk and progress is not None and self.instance.project_id and not self.errors:
            # What project_post_update would refuse: a figure the milestones do not give.
            source, derived = derived_progress(project=self.instance.project)
            if source != ProgressSource.MANUAL and progress != derived:
                self.add_error(
                    "progress",
                    _("该项目的进度由%(source)s，当前为 %(derived)s%%，不能填写为 %(typed)s%%。")
                    % {"source": ProgressSource(source).label, "derived": derived, "typed": progress},
                )
        if self.instance.pk and "progress" in self.changed_data and not self.errors:
            # A corrected progress on an earlier entry: say now what progress_update_edit would refuse.
            try:
                progress_update_check(update=self.instance)
            except ValidationError as exc:
                self._update_errors(exc)


class PhotoInput(forms.ClearableFileInput):
    """A file input without the "currently: <link>" line: the inline's preview shows the photo
    through the admin, while a /media/ link works only once the project is published."""

    def is_initial(self, value) -> bool:
        return False


class ProjectPhotoInlineForm(forms.ModelForm):
    # Re-encoded without EXIF here, once: project_photo_add passes the CleanPhoto through.
    image = PhotoField(label=_("照片"), widget=PhotoInput)

    class Meta:
        model = ProjectPhoto
        fields = ["image", "stage", "caption", "is_cover", "taken_on"]


class MilestoneChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, milestone: Milestone) -> str:
        return _("%(title)s（计划 %(date)s，权重 %(weight)d）") % {
            "title": milestone.title,
            "date": milestone.planned_date.isoformat(),
            "weight": milestone.weight,
        }


class PostUpdateForm(forms.Form):
    """发布进展: text, date, photos, and either the progress figure (hand-set projects) or the
    milestones completed (milestone-driven ones). The progress those milestones give is shown
    before saving; a figure is never typed where it is computed."""

    date = forms.DateField(
        label=_("日期"), initial=timezone.localdate, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 5, "cols": 70}), max_length=5000)
    progress = forms.DecimalField(
        label=_("当前进度（%）"), required=False, min_value=0, max_value=100, max_digits=4, decimal_places=1
    )
    milestones = MilestoneChoice(
        label=_("本次完成的节点"),
        queryset=Milestone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photos = MultiplePhotoField(label=_("现场照片"), max_count=UPDATE_MAX_PHOTOS)
    stage = forms.ChoiceField(label=_("照片阶段"), choices=PhotoStage.choices, initial=PhotoStage.DURING)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.source, _derived = derived_progress(project=project)
        self.all_milestones = list(project.milestones.order_by("planned_date", "order", "id"))
        if self.source == ProgressSource.MANUAL:
            del self.fields["milestones"]
            self.fields["progress"].initial = project.progress
            current = {"progress": project.progress}
            self.fields["progress"].help_text = _("留空则保持当前进度 %(progress)s%%。") % current
        else:
            del self.fields["progress"]
            if self.source == ProgressSource.MILESTONES:
                pending = [m.pk for m in self.all_milestones if m.completed_on is None]
                self.fields["milestones"].queryset = project.milestones.filter(pk__in=pending).order_by(
                    "planned_date", "order", "id"
                )
            else:
                del self.fields["milestones"]

    def computed_progress(self) -> Decimal | None:
        """The progress the project will have once saved with the ticked milestones."""
        if self.source != ProgressSource.MILESTONES:
            return None
        ticked = {m.pk for m in (self.cleaned_data.get("milestones") or [])}
        return milestone_progress(
            weights=[(m.weight, m.completed_on is not None or m.pk in ticked) for m in self.all_milestones]
        )

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise ValidationError(_("进展日期不能晚于今天。"))
        return value
