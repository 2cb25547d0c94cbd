"""Read-only API of the year of 民生实事: published proposals and counted vote sessions."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from apps.api.pagination import Pagination
from apps.api.schema import errors
from apps.api.serializers_proposals import EvaluationRoundSerializer, ProposalSerializer, VoteSessionSerializer
from apps.api.views import ID_REGEX, ListFilterMixin, StrictQueryMixin
from apps.common.paging import list_paginator
from apps.proposals import selectors
from apps.proposals.models import Proposal, ProposalStatus, Source


class ProposalPagination(Pagination):
    # Proposals follow no shared data version (apps.common.cache), so a shared count would lag
    # behind a new or published proposal for a minute: each list counts its own.
    def django_paginator_class(self, queryset, page_size: int):
        return list_paginator(queryset, page_size, public=False)


class ProposalFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(help_text="实施年度 / Year")
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices)
    source = django_filters.ChoiceFilter(choices=Source.choices)

    class Meta:
        model = Proposal
        fields = ["year", "status", "source"]


@extend_schema_view(
    list=extend_schema(
        tags=["proposals"],
        summary="民生实事建议 / Proposals",
        description="已公开的建议（公开版本，不含建议人信息），按提出时间倒序，可按年度、状态、来源筛选。 / "
        "Published proposals (their public version; never the proposer), newest first.",
        responses={200: ProposalSerializer(many=True), **errors(400, 404)},
    ),
    retrieve=extend_schema(
        tags=["proposals"], summary="一条建议 / One proposal", responses={200: ProposalSerializer, **errors(404)}
    ),
)
class ProposalViewSet(StrictQueryMixin, ListFilterMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilterSet
    pagination_class = ProposalPagination
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.published_proposals()


@extend_schema_view(
    list=extend_schema(
        tags=["proposals"],
        summary="票决结果 / Vote sessions",
        description="已计票的人大代表票决，每个候选项目的赞成、反对、弃权票数和结果。 / "
        "Counted deputies' votes with each candidate's tally.",
        responses={200: VoteSessionSerializer(many=True), **errors(400, 404)},
    ),
    retrieve=extend_schema(
        tags=["proposals"],
        summary="某年度票决结果 / One year's vote",
        responses={200: VoteSessionSerializer, **errors(404)},
    ),
)
class VoteSessionViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = VoteSessionSerializer
    pagination_class = ProposalPagination
    lookup_field = "year"
    lookup_value_regex = "[0-9]{4}"
    filter_backends: list = []

    def get_queryset(self):
        return selectors.closed_vote_sessions()


@extend_schema_view(
    list=extend_schema(
        tags=["proposals"],
        summary="满意度测评结果 / Evaluations",
        description="已统计的人大代表年中、年终满意度测评，每个已公开项目的满意、基本满意、不满意票数和结果。 / "
        "Counted deputies' evaluations with each published project's counts and result.",
        responses={200: EvaluationRoundSerializer(many=True), **errors(400, 404)},
    ),
)
class EvaluationRoundViewSet(StrictQueryMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = EvaluationRoundSerializer
    pagination_class = ProposalPagination
    filter_backends: list = []

    def get_queryset(self):
        return selectors.closed_evaluation_rounds()
