from __future__ import annotations

from django.urls import path

from apps.public import feeds, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("display/", views.display_set, name="display"),
    # Atom feeds of progress updates
    path("feeds/updates/", feeds.AllUpdatesFeed(), name="feed_updates"),
]
