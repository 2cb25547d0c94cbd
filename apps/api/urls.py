from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from apps.api import views, views_proposals, views_topics
from apps.api.docs import SwaggerView
from apps.api.exceptions import not_found
from apps.api.schema import DESCRIPTION, TAGS
from apps.api.webhooks import WebhookViewSet

router = SimpleRouter()
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("areas", views.AreaViewSet, basename="area")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("requests", views.RequestViewSet, basename="request")
router.register("reply-templates", views.ReplyTemplateViewSet, basename="reply-template")
router.register("proposals", views_proposals.ProposalViewSet, basename="proposal")
router.register("vote-sessions", views_proposals.VoteSessionViewSet, basename="vote-session")
router.register("evaluations", views_proposals.EvaluationRoundViewSet, basename="evaluation")
router.register("monthly-topics", views_topics.MonthlyTopicViewSet, basename="monthly-topic")
router.register("webhooks", WebhookViewSet, basename="webhook")

ID = r"(?P<pk>[0-9]{1,18})"

v1 = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("projects/export.csv", views.ProjectCsvExportView.as_view(), name="project-export-csv"),
    path("projects/export.xlsx", views.ProjectXlsxExportView.as_view(), name="project-export-xlsx"),
    path("requests/export.csv", views.RequestCsvExportView.as_view(), name="request-export-csv"),
    path("requests/export.xlsx", views.RequestXlsxExportView.as_view(), name="request-export-xlsx"),
    re_path(rf"^projects/{ID}/updates/$", views.ProjectUpdateListView.as_view(), name="project-updates"),
    re_path(rf"^requests/{ID}/transitions/$", views.RequestTransitionView.as_view(), name="request-transitions"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    *router.urls,
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="api")),
    path(
        "schema/",
        SpectacularAPIView.as_view(
            custom_settings={
                "DESCRIPTION": DESCRIPTION,
                "TAGS": TAGS,
                "POSTPROCESSING_HOOKS": [
                    "drf_spectacular.hooks.postprocess_schema_enums",
                    "apps.api.schema.document_retry_after",
                ],
            }
        ),
        name="api-schema",
    ),
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/: a JSON 404, never an HTML page.
    re_path(r"^[\s\S]*$", not_found),
]
