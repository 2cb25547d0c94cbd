"""Read-only API of 每月一题: published topics with their requests' monthly counts."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from apps.api.schema import errors
from apps.api.serializers_topics import MonthlyTopicSerializer
from apps.api.views import ID_REGEX, StrictQueryMixin
from apps.api.views_proposals import ProposalPagination
from apps.topics import selectors


@extend_schema_view(
    list=extend_schema(
        tags=["monthly-topics"],
        summary="每月一题 / Monthly topics",
        description="已公开的每月一题，按月份倒序，附同类诉求在选题前后每月的件数。 / "
        "Published monthly topics, newest first, with the matching requests' monthly counts.",
        responses={200: MonthlyTopicSerializer(many=True), **errors(400, 404)},
    ),
    retrieve=extend_schema(
        tags=["monthly-topics"],
        summary="一期每月一题 / One monthly topic",
        responses={200: MonthlyTopicSerializer, **errors(404)},
    ),
)
class MonthlyTopicViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MonthlyTopicSerializer
    pagination_class = ProposalPagination
    lookup_value_regex = ID_REGEX
    filter_backends: list = []

    def get_queryset(self):
        return selectors.public_topics()

    def get_serializer(self, *args, **kwargs):
        # The monthly counts of every topic on the page come from one aggregate query.
        instance = args[0] if args else None
        topics = list(instance) if kwargs.get("many") else [instance] if instance is not None else []
        context = self.get_serializer_context()
        context["topic_counts"] = selectors.topic_counts(topics)
        kwargs["context"] = context
        return super().get_serializer(*args, **kwargs)
