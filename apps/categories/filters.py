"""The one filter by problem class that the public list's and the REST API's FilterSets share."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from apps.categories.models import CODE_VALIDATOR
from apps.categories.selectors import in_category_q


class CategoryCodeField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("validators", [CODE_VALIDATOR])
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "maxLength": 6, "pattern": "^(?:[0-9]{2}){1,3}$"})
class CategoryFilter(django_filters.CharFilter):
    """A class code of any level (01, 0101, 010101) matching that class and everything under it;
    a malformed code is a field error (400 in the API), an unknown one an empty list."""

    field_class = CategoryCodeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "category")
        kwargs.setdefault("strip", False)
        kwargs.setdefault("help_text", _("问题分类代码，任一级，含其下级分类 / Problem class code, any level"))
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        return qs.filter(in_category_q(value, field=self.field_name))
