from __future__ import annotations

from django.urls import path

from apps.public import feeds, views, views_follows, views_proposals, views_requests, views_stats, views_topics

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/<slug:code>/", views.programme_detail, name="programme_detail"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/board/", views.project_board, name="project_board"),
    path("areas/<int:pk>/", views.area_detail, name="area_detail"),
    path("display/", views.display_set, name="display"),
    path("my-area/", views.my_area_set, name="my_area"),
    path("my-area/points.json", views.my_area_points, name="my_area_points"),
    # Residents' requests and the 三率 (views_requests, views_stats)
    path("requests/", views_requests.request_list, name="request_list"),
    path("requests/new/", views_requests.request_new, name="request_new"),
    path("requests/new/done/", views_requests.request_submitted, name="request_submitted"),
    path("requests/similar.json", views_requests.request_similar, name="request_similar"),
    path("requests/track/", views_requests.request_track, name="request_track"),
    path("requests/track/<str:token>/", views_requests.request_track_token, name="request_track_token"),
    path("stats/", views_stats.stats, name="stats"),
    path("follow/", views_follows.follow_new, name="follow"),
    path("follow/confirm/<str:token>/", views_follows.follow_confirm_view, name="follow_confirm"),
    path("follow/unsubscribe/<str:token>/", views_follows.follow_unsubscribe_view, name="follow_unsubscribe"),
    # 民生实事: proposals and the deputies' vote (views_proposals)
    path("proposals/", views_proposals.proposal_list, name="proposal_list"),
    path("proposals/new/", views_proposals.proposal_new, name="proposal_new"),
    path("proposals/new/done/", views_proposals.proposal_submitted, name="proposal_submitted"),
    path("proposals/votes/<int:year>/", views_proposals.vote_tallies, name="vote_tallies"),
    path("feeds/proposals/", feeds.ProposalsFeed(), name="feed_proposals"),
    # 每月一题 (views_topics)
    path("monthly-topics/", views_topics.topic_list, name="topic_list"),
    path("monthly-topics/<int:pk>/", views_topics.topic_detail, name="topic_detail"),
    path("feeds/monthly-topics/", feeds.MonthlyTopicsFeed(), name="feed_topics"),
    # Atom feeds of progress updates
    path("feeds/updates/", feeds.AllUpdatesFeed(), name="feed_updates"),
    path("feeds/programmes/<slug:code>/", feeds.ProgrammeUpdatesFeed(), name="feed_programme"),
    path("feeds/projects/<int:pk>/", feeds.ProjectUpdatesFeed(), name="feed_project"),
    path("feeds/areas/<int:pk>/", feeds.AreaUpdatesFeed(), name="feed_area"),
]
