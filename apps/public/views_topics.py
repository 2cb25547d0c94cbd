"""每月一题 pages: the published topics and one topic with its before/after counts."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.public.charts import topic_counts_chart
from apps.topics import selectors


@require_GET
def topic_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_topics(), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.topic_counts(list(page.object_list))
    items = [(topic, counts[topic.pk]) for topic in page.object_list]
    return render(request, "public/topics/list.html", {"page": page, "items": items})


@require_GET
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.public_topic(pk)
    if topic is None:
        raise Http404
    counts = selectors.topic_counts([topic])[topic.pk]
    context = {"topic": topic, "counts": counts, "chart": topic_counts_chart(counts)}
    return render(request, "public/topics/detail.html", context)
