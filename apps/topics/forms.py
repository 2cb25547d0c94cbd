"""Back-office forms of 每月一题."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.places.models import Department


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("月份"), input_formats=["%Y-%m"], widget=forms.DateInput(format="%Y-%m", attrs={"type": "month"})
    )

    def clean_month(self) -> date:
        return self.cleaned_data["month"].replace(day=1)


class ChooseForm(forms.Form):
    """The topic's first words, written by the official from the chosen group."""

    title = forms.CharField(label=_("题目"), max_length=100)
    problem = forms.CharField(label=_("诉求反映的问题"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    sub_problems = forms.CharField(
        label=_("子问题"),
        max_length=1000,
        help_text=_("两到三个，每行一个。"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead_department = forms.ModelChoiceField(label=_("牵头单位"), queryset=Department.objects.filter(is_active=True))
