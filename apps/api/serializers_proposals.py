"""Public outputs of the year of 民生实事: proposals (their public version only, never the
proposer) and vote sessions with their tallies."""

from __future__ import annotations

from rest_framework import serializers

from apps.appeals.models import Rating
from apps.proposals.models import Choice, EvaluationPhase, ProposalStatus, Source


class ProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_no = serializers.CharField(help_text="征集编号 / Proposal number, e.g. JY-2027-000012")
    year = serializers.IntegerField(help_text="实施年度 / The year it is proposed for")
    source = serializers.ChoiceField(choices=Source.choices, help_text="来源 / Who proposed it")
    source_label = serializers.SerializerMethodField(help_text="提出者（代表、街道或部门）/ Proposing deputy or body")
    status = serializers.ChoiceField(choices=ProposalStatus.choices)
    title = serializers.CharField(source="published_title", help_text="公开标题 / Public title")
    content = serializers.CharField(source="published_content", help_text="公开内容 / Public text")
    reason = serializers.CharField(source="published_reason")
    programme = serializers.CharField(source="programme_id", allow_null=True, help_text="板块代码 / Programme code")
    area = serializers.IntegerField(source="area_id", allow_null=True, help_text="区域 id / Area id")
    area_name = serializers.SerializerMethodField()
    source_request_count = serializers.IntegerField(
        source="source_appeal_count", help_text="来自多少件群众诉求（群众点单）/ Requests it grew from"
    )
    estimated_cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text="估算投资（万元）/ Estimated cost, 10k CNY"
    )
    lead_department = serializers.SerializerMethodField(help_text="建议牵头单位 / Suggested lead department")
    decision_reason = serializers.SerializerMethodField(help_text="不予采纳等初审意见 / Screening decision's reason")
    project = serializers.SerializerMethodField(help_text="票决产生的项目 id / The project it became")
    submitted_at = serializers.DateTimeField()

    def get_source_label(self, obj) -> str:
        return "" if obj.source == Source.RESIDENT else obj.source_label

    def get_area_name(self, obj) -> str | None:
        return obj.area.name if obj.area_id else None

    def get_lead_department(self, obj) -> str | None:
        if obj.status == ProposalStatus.SUBMITTED or not obj.lead_department_id:
            return None
        return obj.lead_department.name

    def get_decision_reason(self, obj) -> str:
        return obj.decision_reason if obj.status in (ProposalStatus.DECLINED, ProposalStatus.CONVERTED) else ""

    def get_project(self, obj) -> int | None:
        return obj.project_id if obj.project_id and obj.project.is_public else None


class TallySerializer(serializers.Serializer):
    proposal = serializers.IntegerField(source="proposal_id")
    tracking_no = serializers.CharField(source="proposal.tracking_no")
    title = serializers.SerializerMethodField()
    yes = serializers.IntegerField(help_text=str(Choice.YES.label))
    no = serializers.IntegerField(help_text=str(Choice.NO.label))
    abstain = serializers.IntegerField(help_text=str(Choice.ABSTAIN.label))
    rank = serializers.IntegerField(help_text="按赞成票的名次 / Rank by yes votes")
    passed = serializers.BooleanField()
    tied = serializers.BooleanField(help_text="名额线上并列，须另行表决 / Tied across the last place")
    project = serializers.SerializerMethodField()

    def get_title(self, obj) -> str:
        return obj.proposal.published_title or obj.proposal.title

    def get_project(self, obj) -> int | None:
        project = obj.proposal.project
        return project.pk if project is not None and project.is_public else None


class VoteSessionSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    body = serializers.CharField(help_text="票决会议 / The voting body")
    held_on = serializers.DateField()
    places = serializers.IntegerField(help_text="入选名额 / Places")
    deputies_present = serializers.IntegerField(help_text="实到代表人数 / Deputies present")
    ballots = serializers.IntegerField(source="ballot_count", help_text="收回选票 / Ballots cast")
    pass_votes = serializers.IntegerField(help_text="通过所需最少赞成票 / Fewest yes votes that pass")
    result_note = serializers.CharField()
    tallies = TallySerializer(many=True, source="tallies.all")


class EvaluationResultSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project_id")
    title = serializers.CharField(source="project.title")
    satisfied = serializers.IntegerField(help_text="满意 / Satisfied")
    basically = serializers.IntegerField(help_text="基本满意 / Basically satisfied")
    unsatisfied = serializers.IntegerField(help_text="不满意 / Unsatisfied")
    result = serializers.ChoiceField(choices=Rating.choices, help_text="按规则得出的结果 / Result by the rule")


class EvaluationRoundSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    phase = serializers.ChoiceField(choices=EvaluationPhase.choices, help_text="年中或年终 / Mid-year or year-end")
    closed_at = serializers.DateTimeField()
    results = EvaluationResultSerializer(many=True, source="public_results")
