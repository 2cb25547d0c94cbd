from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from apps.common import views as common_views
from apps.public import views_media

admin.site.site_header = "泉山六心 管理后台"
admin.site.site_title = "泉山六心"
admin.site.index_title = "六心工程 · 民生项目与群众诉求"
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("healthz", common_views.healthz, name="healthz"),
    path("readyz", common_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("open311/v2/", include("apps.open311.urls")),
    path("api/", include("apps.api.urls")),
    path("reports/", include("apps.reports.urls")),
    path(f"{settings.MEDIA_URL.strip('/')}/projects/<path:path>", views_media.project_photo, name="project_media"),
    path("", include("apps.public.urls")),
]

# The site's own error pages; under /api/ and /open311/ errors in those interfaces' formats.
handler400 = "quanshan.errors.bad_request"
handler403 = "quanshan.errors.permission_denied"
handler404 = "quanshan.errors.page_not_found"
handler500 = "quanshan.errors.server_error"
