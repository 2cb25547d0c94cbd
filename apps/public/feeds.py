from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed


class AllUpdatesFeed(Feed):
    feed_type = Atom1Feed
    title = "泉山六心 · 项目进展"
    link = "/"

    def items(self):
        return []
