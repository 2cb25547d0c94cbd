"""每月一题 for other systems: what officials published and the matching requests' monthly
counts; nothing about any resident."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class MonthCountSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="月份 YYYY-MM / Month")
    count = serializers.IntegerField(help_text="该月诉求件数 / Requests received that month")


class TopicProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField()


class MonthlyTopicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    month = serializers.SerializerMethodField(help_text="月份 YYYY-MM / Month")
    title = serializers.CharField(help_text="题目 / Title")
    problem = serializers.CharField(help_text="诉求反映的问题 / The problem as seen in the requests")
    sub_problems = serializers.ListField(
        child=serializers.CharField(), source="sub_problem_list", help_text="子问题 / Sub-problems"
    )
    measures = serializers.CharField(help_text="采取的措施 / Measures taken")
    outcome = serializers.CharField(help_text="取得的成效 / Outcome")
    lead_department = serializers.CharField(source="lead_department.name", help_text="牵头单位 / Lead department")
    co_departments = serializers.SerializerMethodField(help_text="协办单位 / Co-departments")
    request_group = serializers.CharField(source="group_label", help_text="诉求分组（社区 · 问题类别）/ Request group")
    area = serializers.IntegerField(source="group_area_id", help_text="诉求所在区域 id / Area id")
    month_count = serializers.IntegerField(help_text="选题时当月诉求件数 / The month's count when chosen")
    monthly_counts = serializers.SerializerMethodField(
        help_text="选题前后每月诉求件数 / Matching requests per month before and after"
    )
    projects = TopicProjectSerializer(many=True, source="public_projects", help_text="由此产生的已公开项目")

    def get_month(self, obj) -> str:
        return f"{obj.month:%Y-%m}"

    def get_co_departments(self, obj) -> list[str]:
        return [dept.name for dept in obj.co_departments.all()]

    @extend_schema_field(MonthCountSerializer(many=True))
    def get_monthly_counts(self, obj) -> list[dict]:
        counts = self.context["topic_counts"][obj.pk]
        return [{"month": f"{m:%Y-%m}", "count": n} for m, n in zip(counts.months, counts.counts, strict=True)]
