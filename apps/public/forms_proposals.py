"""The resident's proposal form (/proposals/new/): the request form's privacy and spam rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.programmes.models import Programme
from apps.proposals.models import ProposalStatus
from apps.public.forms import (
    PlainSelect,
    ProgrammeChoiceField,
    checked_phone,
    chosen_areas,
    honeypot_field,
    offer_choices,
    refuse_honeypot,
    resident_mobile_field,
    resident_name_field,
)


class ProposalSubmitForm(forms.Form):
    title = forms.CharField(
        label=_("建议项目名称"),
        max_length=100,
        help_text=_("一句话说明想办的实事，如：给泰山社区老旧小区加装电梯。"),
        error_messages={
            "required": _("请填写建议项目名称。"),
            "max_length": _("名称请不要超过 %(limit_value)d 个字（现在 %(show_value)d 个字）。"),
        },
    )
    content = forms.CharField(
        label=_("做什么、在哪里"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("请写明要做什么、在哪里做。"),
            "max_length": _("这一项请不要超过 %(limit_value)d 个字（现在 %(show_value)d 个字）。"),
        },
    )
    reason = forms.CharField(
        label=_("为什么要做"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("有多少人受益、现在有什么困难。"),
        error_messages={
            "required": _("请写明为什么要做。"),
            "max_length": _("这一项请不要超过 %(limit_value)d 个字（现在 %(show_value)d 个字）。"),
        },
    )
    programme = ProgrammeChoiceField(
        label=_("属于哪方面（六心板块）"),
        queryset=Programme.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("不确定"),
        error_messages={"invalid_choice": _("请从列表中选择。")},
    )
    subdistrict = forms.TypedChoiceField(
        label=_("所在街道"),
        coerce=int,
        widget=PlainSelect(option_lang="zh-CN"),
        error_messages={"required": _("请选择所在街道。"), "invalid_choice": _("请从列表中选择街道。")},
    )
    community = forms.TypedChoiceField(
        label=_("所在社区"),
        coerce=int,
        widget=PlainSelect(option_lang="zh-CN"),
        required=False,
        empty_value=None,
        help_text=_("不清楚所在社区可以不选。"),
        error_messages={"invalid_choice": _("请从列表中选择社区。")},
    )
    proposer_name = resident_name_field()
    proposer_phone = resident_mobile_field(_("请填写手机号码，方便工作人员联系您。"))
    consent_to_publish = forms.BooleanField(
        label=_("我同意公开这条建议"),
        required=False,
        initial=False,
        help_text=_(
            "经工作人员审核后，建议的名称和内容在“民生实事征集”中公开，供大家了解和讨论；"
            "姓名和电话不会公开。不勾选也会进入初审。"
        ),
    )
    website = honeypot_field()

    field_order = [
        "title",
        "content",
        "reason",
        "programme",
        "subdistrict",
        "community",
        "proposer_name",
        "proposer_phone",
        "consent_to_publish",
        "website",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_choices(self)

    def clean_proposer_phone(self) -> str:
        return checked_phone(self.cleaned_data["proposer_phone"])

    def clean(self):
        cleaned = super().clean()
        refuse_honeypot(self.data)
        return cleaned

    def service_kwargs(self) -> dict:
        """Arguments for apps.proposals.services.proposal_submit."""
        data = self.cleaned_data
        subdistrict, community = chosen_areas(data)
        if community is not None and community.parent_id != subdistrict.pk:
            raise ValidationError({"community": _("所选社区不属于所选街道。")})
        return {
            "title": data["title"],
            "content": data["content"],
            "reason": data["reason"],
            "programme": data.get("programme"),
            "area": community or subdistrict,
            "proposer_name": data["proposer_name"].strip(),
            "proposer_phone": data["proposer_phone"],
            "consent_to_publish": data.get("consent_to_publish", False),
        }

    def add_service_errors(self, error: ValidationError) -> None:
        for name, messages in getattr(error, "message_dict", {None: error.messages}).items():
            field = "subdistrict" if name == "area" else name if name in self.fields else None
            for message in messages:
                self.add_error(field, message)


class ProposalFilterForm(forms.Form):
    """The public list's filters (from the query string; bad values are ignored)."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *ProposalStatus.choices])

    def __init__(self, *args, years: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部")), *((y, str(y)) for y in years)]
