"""Lists whose every page costs what the first one costs, however long the table grows.

A page of a list is an `OFFSET`: the database walks every row before it. Page 25,000 of the
published requests walks half a million rows; a `COUNT(*)` of them walks them all. So every
list page that anybody may ask for (the back office, the public lists, the REST API) goes
through `CappedCountPaginator`:

- **Bounded offset.** Pages reach the first `cap` rows of the list in its order
  (settings.LIST_MAX_ROWS, 10,000 by default): the deepest page walks at most that many index
  entries, which costs about what page 1 costs. Older rows are reached by narrowing the list
  (a filter, a period, a search), as a reader does anyway; the pages say so. Keyset
  pagination would make following "next" cheap too, but not `?page=<any>`, and it would break
  the API's page numbers that integrators already use.
- **Capped count.** Counting stops at `cap + 1` rows; beyond it the list says "more than N"
  and, on PostgreSQL, gives the planner's estimate of the total (planning only, no scan).
- **Counts bounded in time too.** A filter that matches few rows and no index (a rare
  programme and type together) makes even the capped count read the whole table; on
  PostgreSQL a count gets `COUNT_TIMEOUT_MS`, after which the list counts as "more than the
  cap" (pages stay within it; the planner's estimate is shown when it says more).
- **Counts shared.** With `cache_for` (public lists only), the capped count of one query (not
  one page) is shared until the data changes or for that many seconds, so walking the pages of
  a wide search counts once.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import OperationalError, connections, transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property

from apps.common.cache import cached_value

LIST_COUNT_FRESH_FOR = 60  # seconds a list's count is shared between its pages
COUNT_TIMEOUT_MS = 200  # the most a list's count may take on PostgreSQL


def _count_within_time(queryset: QuerySet, cap: int) -> int:
    """`queryset.count()`, or `cap + 1` ("more than the cap") when PostgreSQL cannot count it
    within COUNT_TIMEOUT_MS."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count()
    try:
        with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
            # Local to this transaction (or savepoint), and put back at once after the count.
            cursor.execute("SELECT current_setting('statement_timeout')")
            before = cursor.fetchone()[0]
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{COUNT_TIMEOUT_MS}ms"])
            counted = queryset.count()
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [before])
            return counted
    except OperationalError as exc:
        cause = exc.__cause__
        if (getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)) != "57014":  # query_canceled
            raise
        return cap + 1


class CappedCountPaginator(Paginator):
    """A paginator that never counts nor pages beyond `cap` rows (see the module's docstring)."""

    cap = 10_000
    capped = False

    def __init__(self, *args, cap: int | None = None, cache_for: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if cap is not None:
            self.cap = cap
        self.cache_for = cache_for

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return len(queryset)
        counted = self._capped_count(queryset)
        self.capped = counted > self.cap
        return min(counted, self.cap)

    def _capped_count(self, queryset: QuerySet) -> int:
        def count() -> int:
            return _count_within_time(queryset.order_by()[: self.cap + 1], self.cap)

        if not self.cache_for:
            return count()
        try:
            sql = str(queryset.query)
        except EmptyResultSet:
            return 0
        digest = hashlib.sha256(f"{queryset.db}:{self.cap}:{sql}".encode()).hexdigest()
        # Follows the data versions like the pages it counts for: a write is counted at once.
        return cached_value(f"count:{digest}", count, fresh_for=self.cache_for)

    @cached_property
    def estimate(self) -> int | None:
        """The PostgreSQL planner's row estimate for the whole list (only when capped)."""
        if not self.capped or not isinstance(self.object_list, QuerySet):
            return None
        queryset = self.object_list.order_by()
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        sql, params = queryset.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        rows = int(plan[0]["Plan"]["Plan Rows"])
        # The planner guesses badly for some filters (text search); a guess below what we
        # already counted says nothing.
        return rows if rows > self.cap else None

    @property
    def count_display(self) -> str:
        return f"{self.count:,}"

    @property
    def estimate_display(self) -> str:
        return f"{self.estimate:,}" if self.estimate else ""


def list_paginator(object_list, per_page: int | None = None, *, public: bool = True) -> CappedCountPaginator:
    """The paginator of a public or API list: pages within settings.LIST_MAX_ROWS rows; a public
    list's count shared between its pages (a private list's rows change without a data version)."""
    return CappedCountPaginator(
        object_list,
        per_page or settings.PAGE_SIZE,
        cap=settings.LIST_MAX_ROWS,
        cache_for=LIST_COUNT_FRESH_FOR if public else 0,
    )
