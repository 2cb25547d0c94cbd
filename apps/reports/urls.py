from __future__ import annotations

from django.urls import path, re_path

from apps.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^monthly/(?P<month>\d{4}-\d{2})/$", views.monthly, name="monthly"),
    re_path(r"^monthly/(?P<month>\d{4}-\d{2})\.xlsx$", views.monthly_xlsx, name="monthly_xlsx"),
    path("annual/<int:year>/", views.annual, name="annual"),
]
