from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerView


class SwaggerView(SpectacularSwaggerView):
    """The interactive docs (Swagger UI from drf-spectacular-sidecar, our own static files).

    GET only: DRF's OPTIONS answer would go through the HTML template renderer, which has no
    template for it.
    """

    http_method_names = ["get", "head"]
