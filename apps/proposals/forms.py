"""Back-office forms of the year of 民生实事: each step's input, checked before a service runs."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.appeals.models import Rating
from apps.common.images import PhotoField
from apps.places.models import Department
from apps.programmes.models import Programme
from apps.projects.forms import PhotoInput
from apps.proposals.models import Choice, EvaluationRound, InspectionPhoto, Proposal, VoteSession
from apps.proposals.services import Decision, vote_session_check_candidates

SCORE_CHOICES = [("", "—"), *((n, str(n)) for n in range(1, 6))]


def _score(label):
    # The choices are the 1–5 range; the model's validators would compare the uncoerced text.
    return forms.TypedChoiceField(label=label, choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False)


class ScreenForm(forms.Form):
    """初审: four scores, cost, lead unit and the decision."""

    score_inclusive = _score(_("普惠性"))
    score_public_good = _score(_("公益性"))
    score_feasible = _score(_("可行性"))
    score_urgent = _score(_("急迫性"))
    programme = forms.ModelChoiceField(label=_("六心板块"), queryset=Programme.objects.all(), required=False)
    estimated_cost = forms.DecimalField(
        label=_("估算投资（万元）"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    lead_department = forms.ModelChoiceField(
        label=_("建议牵头单位"), queryset=Department.objects.filter(is_active=True), required=False
    )
    decision = forms.ChoiceField(label=_("初审结论"), choices=Decision.CHOICES, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("初审意见"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予采纳时必填，将在网站上公开。"),
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "decision": data["decision"],
            "scores": {
                name: data[name] for name in ("score_inclusive", "score_public_good", "score_feasible", "score_urgent")
            },
            "estimated_cost": data["estimated_cost"],
            "lead_department": data["lead_department"],
            "programme": data["programme"],
            "reason": data["reason"],
        }


class FromRequestsForm(forms.Form):
    """群众点单: the candidate's title and text, written by the official from the group."""

    title = forms.CharField(label=_("项目名称"), max_length=100)
    content = forms.CharField(label=_("做什么、在哪里"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(
        label=_("为什么要做"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    year = forms.IntegerField(label=_("实施年度"), min_value=2000, max_value=2100)


class PublishForm(forms.Form):
    published_title = forms.CharField(label=_("公开标题"), max_length=100)
    published_content = forms.CharField(label=_("公开内容"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))
    published_reason = forms.CharField(
        label=_("公开理由"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class VoteSessionForm(forms.ModelForm):
    class Meta:
        model = VoteSession
        fields = ["year", "body", "held_on", "places", "candidates"]
        widgets = {"candidates": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "candidates" in self.fields:
            self.fields["candidates"].queryset = Proposal.objects.filter(status="candidate").order_by("year", "id")
            self.fields["candidates"].help_text = _("候选项目须多于入选名额。只能选择“入选候选”的建议。")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("places") and cleaned.get("year") and "candidates" in cleaned:
            try:
                vote_session_check_candidates(
                    places=cleaned["places"], candidates=list(cleaned["candidates"]), year=cleaned["year"]
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field, errors)
        return cleaned


class BallotForm(forms.Form):
    """One deputy's ballot: 赞成/反对/弃权 on each candidate, and the deputy's name when an
    official enters a paper ballot."""

    deputy_name = forms.CharField(label=_("代表姓名"), max_length=30)

    def __init__(self, *args, candidates, for_official: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_official:
            del self.fields["deputy_name"]
        self.candidates = list(candidates)
        for proposal in self.candidates:
            self.fields[f"c{proposal.pk}"] = forms.ChoiceField(
                label=f"{proposal.tracking_no} {proposal.published_title or proposal.title}",
                choices=Choice.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("请选择赞成、反对或弃权。")},
            )

    def marks(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"c{p.pk}"] for p in self.candidates}


class CloseForm(forms.Form):
    deputies_present = forms.IntegerField(
        label=_("实到代表人数"), min_value=1, help_text=_("通过所需赞成票按实到代表人数计算。")
    )


class EvaluationRoundForm(forms.ModelForm):
    class Meta:
        model = EvaluationRound
        fields = ["year", "phase"]


class EvaluationForm(forms.Form):
    """A deputy's 满意度测评 of the year's projects: 满意/基本满意/不满意 each (blank: not rated)."""

    deputy_name = forms.CharField(label=_("代表姓名"), max_length=30)

    def __init__(self, *args, projects, for_official: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_official:
            del self.fields["deputy_name"]
        self.projects = list(projects)
        for project in self.projects:
            self.fields[f"p{project.pk}"] = forms.ChoiceField(
                label=project.title, choices=Rating.choices, widget=forms.RadioSelect, required=False
            )

    def ratings(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"p{p.pk}"] for p in self.projects if self.cleaned_data.get(f"p{p.pk}")}


class InspectionPhotoForm(forms.ModelForm):
    # Re-encoded without EXIF here, once: inspection_photo_add passes the CleanPhoto through.
    image = PhotoField(label=_("照片"), widget=PhotoInput)

    class Meta:
        model = InspectionPhoto
        fields = ["image", "caption"]
