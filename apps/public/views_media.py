"""Project photos at MEDIA_URL/projects/: the only part of MEDIA_ROOT that is ever served.

Residents' request photos live beside them and stay private (officials open them through the
admin). A project's photos are served only while the project is public: its page, the API and
the feeds show them, and nobody else may read them before publication or after withdrawal.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.static import serve

from apps.projects.selectors import public_photo_exists
from apps.proposals.selectors import public_inspection_photo_exists

# How long browsers and proxies may keep a photo: how late a withdrawal reaches them.
PHOTO_MAX_AGE = 600


def project_photo(request: HttpRequest, path: str) -> HttpResponse:
    name = f"projects/{path}"
    # A project's own photos and its deputies' 视察 photos: both only while it is public.
    if not (public_photo_exists(name=name) or public_inspection_photo_exists(name=name)):
        raise Http404("没有这张照片。")
    response = serve(request, path, document_root=settings.MEDIA_ROOT / "projects")
    patch_cache_control(response, public=True, max_age=PHOTO_MAX_AGE)
    return response
