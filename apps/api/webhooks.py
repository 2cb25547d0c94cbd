"""Webhooks in the API: the payloads (the API's own serializers, read for the subscribing key's
scope) and the endpoints where a key manages its subscriptions and reads its delivery log."""

from __future__ import annotations

import json

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.scoping import NO_SCOPE
from apps.api import selectors
from apps.api.permissions import api_key_of
from apps.api.schema import errors
from apps.api.serializers import (
    AppealPrivateDetailSerializer,
    AppealPublicDetailSerializer,
    ProgressUpdateSerializer,
    ProjectDetailSerializer,
)
from apps.api.views import StrictQueryMixin
from apps.projects.models import ProgressUpdate
from apps.projects.selectors import public_project_q
from apps.webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from apps.webhooks.services import deliveries_resend, register_payload_builder, subscription_create

LOG_SIZE = 100


def _as_json(data: dict) -> dict:
    """Exactly what the API would answer: DRF's renderer turns decimals and dates into JSON."""
    return json.loads(JSONRenderer().render(data))


def request_payload(api_key, event: str, object_id: int) -> dict | None:
    """The request as GET /api/v1/requests/<id>/ shows it to this key: the private detail within
    a personal-data scope, else the public version of a published request, else nothing."""
    scope = api_key.appeal_scope
    private = scope != NO_SCOPE
    queryset = selectors.scoped_appeal_detail(scope) if private else selectors.published_appeal_detail()
    appeal = queryset.filter(pk=object_id).first()
    if appeal is None:
        return None
    serializer = AppealPrivateDetailSerializer if private else AppealPublicDetailSerializer
    return _as_json({"request": serializer(appeal, context={"request": None}).data})


def project_payload(api_key, event: str, object_id: int) -> dict | None:
    """A published project as GET /api/v1/projects/<id>/ shows it (projects are public data)."""
    context = {"request": None, "today": timezone.localdate()}
    if event == WebhookEvent.PROJECT_PROGRESS_POSTED:
        update = ProgressUpdate.objects.filter(public_project_q("project__"), pk=object_id).first()
        if update is None:
            return None
        project = selectors.project_detail().filter(pk=update.project_id).first()
        return _as_json(
            {
                "update": ProgressUpdateSerializer(update, context=context).data,
                "project": ProjectDetailSerializer(project, context=context).data,
            }
        )
    project = selectors.project_detail().filter(pk=object_id).first()
    return None if project is None else _as_json({"project": ProjectDetailSerializer(project, context=context).data})


def register() -> None:
    register_payload_builder("request", request_payload)
    register_payload_builder("project", project_payload)


class WebhookSubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.URLField(max_length=500, help_text="接收推送的 HTTPS 地址 / Receiver URL")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), allow_empty=False, max_length=10
    )
    secret = serializers.CharField(read_only=True, help_text="Standard Webhooks 签名密钥（whsec_…） / Signing secret")
    is_active = serializers.BooleanField(read_only=True)
    paused_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)

    def validate_url(self, value: str) -> str:
        if not value.lower().startswith(("https://", "http://")):
            raise serializers.ValidationError("只支持 http(s) 地址。 / Only http(s) URLs.")
        return value


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.ChoiceField(choices=WebhookEvent.choices)
    object_id = serializers.IntegerField()
    webhook_id = serializers.CharField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    response_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    attempted_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)


class HasApiKey:
    """Any API key: a key manages its own subscriptions (and reads only what its scope allows)."""

    def has_permission(self, request, view) -> bool:
        return api_key_of(request) is not None

    def has_object_permission(self, request, view, obj) -> bool:
        return True


@extend_schema_view(
    list=extend_schema(
        summary="本密钥的 Webhook 订阅 / This key's webhook subscriptions",
        responses={200: WebhookSubscriptionSerializer(many=True), **errors(404)},
    ),
    create=extend_schema(
        summary="订阅 Webhook / Subscribe",
        description="推送按 Standard Webhooks 签名（webhook-id、webhook-timestamp、webhook-signature），密钥在答复的 "
        "secret 中；内容与该密钥读取 API 所得相同。 / Deliveries are signed per Standard Webhooks with the returned "
        "secret; payloads are what this key reads from the API.",
        responses={201: WebhookSubscriptionSerializer, **errors(415)},
    ),
    retrieve=extend_schema(
        summary="一个订阅 / One subscription", responses={200: WebhookSubscriptionSerializer, **errors(404)}
    ),
    destroy=extend_schema(summary="取消订阅 / Unsubscribe", responses={204: None, **errors(404)}),
)
class WebhookViewSet(
    StrictQueryMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = WebhookSubscriptionSerializer
    permission_classes = [HasApiKey]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return WebhookSubscription.objects.filter(api_key=api_key_of(self.request)).order_by("-created_at", "-id")

    def perform_create(self, serializer) -> None:
        serializer.instance = subscription_create(
            api_key=api_key_of(self.request),
            url=serializer.validated_data["url"],
            events=serializer.validated_data["events"],
        )

    @extend_schema(
        summary="推送记录 / Delivery log",
        description="最近 100 条，新的在前。 / The latest 100 deliveries, newest first.",
        responses={200: WebhookDeliverySerializer(many=True), **errors(404)},
        request=None,
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk=None) -> Response:
        subscription = self.get_object()
        latest = subscription.deliveries.order_by("-created_at", "-id")[:LOG_SIZE]
        return Response(WebhookDeliverySerializer(latest, many=True).data)

    @extend_schema(
        summary="重新发送一条推送 / Re-send a delivery",
        request=None,
        responses={202: WebhookDeliverySerializer, **errors(404, 415)},
    )
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>[0-9]{1,18})/resend")
    def resend(self, request: Request, pk=None, delivery_id=None) -> Response:
        subscription = self.get_object()
        delivery = WebhookDelivery.objects.filter(subscription=subscription, pk=delivery_id).first()
        if delivery is None:
            raise NotFound()
        deliveries_resend(deliveries=[delivery])
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data, status=202)
