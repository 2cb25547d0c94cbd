from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    """The interactive docs (Swagger UI from drf-spectacular-sidecar, our own static files).

    The split view serves its start-up script from its own URL (`?script`) instead of inline,
    so the docs work under the Content-Security-Policy without 'unsafe-inline'.

    GET only: DRF's OPTIONS answer would go through the HTML template renderer, which has no
    template for it.
    """

    http_method_names = ["get", "head"]
