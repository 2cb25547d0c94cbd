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
- **Counts bounded in rows (`window`).** A list of the newest rows of a big table (published
  requests, newest first) counts only the matches among the newest `LIST_COUNT_WINDOW` rows of
  the whole list (one index range, whatever the filters or the table's size). When the table
  holds more, the count is that share scaled to the whole (`approximate`, "about N"), and a
  page whose rows all lie in the window is read from the window too: a wide search or filter
  never collects every match only to show the newest twenty.
- **Counts shared.** With `cache_for` (public lists only), the capped count of one query (not
  one page) is shared until the data changes or for that many seconds, so walking the pages of
  a wide search counts once.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import OperationalError, connections, transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property

from apps.common.cache import cached_value

LIST_COUNT_FRESH_FOR = 60  # seconds a list's count is shared between its pages
COUNT_TIMEOUT_MS = 200  # the most a list's count may take on PostgreSQL


@contextmanager
def _planner_settings(db: str, **values: str):
    """PostgreSQL settings local to a transaction (or savepoint) around the block, put back at
    once after it (two statements more)."""
    connection = connections[db]
    names = list(values)
    with transaction.atomic(using=db), connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("current_setting(%s), set_config(%s, %s, true)" for _ in names),
            [part for name in names for part in (name, name, values[name])],
        )
        row = cursor.fetchone()
        before = {name: row[2 * i] for i, name in enumerate(names)}
        yield
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names),
            [part for name in names for part in (name, before[name])],
        )


# Walking the newest rows: no bitmap scans, so PostgreSQL walks the rows newest first (an index
# range, stopping at the page's last row) instead of first collecting every match of a search's
# or filter's own index in the whole table, which grows with it; and no parallel workers, whose
# start costs more than the few hundred rows walked.
WALK = {"enable_bitmapscan": "off", "max_parallel_workers_per_gather": "0"}


def _count_within_time(queryset: QuerySet, cap: int, *, walk: bool = False) -> int:
    """`queryset.count()`, or `cap + 1` ("more than the cap") when PostgreSQL cannot count it
    within COUNT_TIMEOUT_MS; `walk`: in index order (WALK)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count()
    try:
        with _planner_settings(queryset.db, statement_timeout=f"{COUNT_TIMEOUT_MS}ms", **(WALK if walk else {})):
            return queryset.count()
    except OperationalError as exc:
        cause = exc.__cause__
        if (getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)) != "57014":  # query_canceled
            raise
        return cap + 1


def _planner_rows(queryset: QuerySet) -> int:
    """PostgreSQL's estimate of the rows of `queryset` (planning only, nothing read)."""
    queryset = queryset.order_by()
    sql, params = queryset.values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _estimated_rows(queryset: QuerySet) -> int:
    """How many rows `queryset` has: the planner's estimate on PostgreSQL, counted elsewhere."""
    if connections[queryset.db].vendor == "postgresql":
        return _planner_rows(queryset)
    return queryset.order_by().count()


class CappedCountPaginator(Paginator):
    """A paginator that never counts nor pages beyond `cap` rows (see the module's docstring)."""

    cap = 10_000
    capped = False
    approximate = False  # a count scaled from the window's share (see `window`)
    in_window: int | None = None  # matches among the window's rows, when windowed

    def __init__(
        self,
        *args,
        cap: int | None = None,
        cache_for: int = 0,
        window: QuerySet | None = None,
        window_rows: int | None = None,
        walk_capped: bool = False,
        **kwargs,
    ) -> None:
        """`window`: the whole list unfiltered, ordered by `-submitted_at` (newest first) like
        `object_list`: counts and near pages read its newest `window_rows` rows only."""
        super().__init__(*args, **kwargs)
        if cap is not None:
            self.cap = cap
        self.cache_for = cache_for
        self.window = window
        self.window_rows = window_rows or settings.LIST_COUNT_WINDOW
        # A capped list's pages walk the newest rows in index order (WALK): a word found in
        # many rows is met every few rows, so the newest `cap` matches come early.
        self.walk_capped = walk_capped

    @cached_property
    def window_start(self):
        """The submission time of the window's oldest row; None (no window) when the whole
        list has fewer rows than the window."""
        if self.window is None or not isinstance(self.object_list, QuerySet):
            return None
        # By time alone: an index-only walk of the window's rows (ties only widen it a little).
        rows = self.window.order_by("-submitted_at").values_list("submitted_at", flat=True)
        nth = rows[self.window_rows - 1 : self.window_rows]

        def start():
            return nth.first()

        if not self.cache_for:
            return start()
        digest = hashlib.sha256(f"{self.window.db}:{nth.query}".encode()).hexdigest()
        return cached_value(f"window:{digest}", start, fresh_for=self.cache_for)

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return len(queryset)
        if self.window_start is not None:
            return self._windowed_count(queryset)
        counted = self._capped_count(queryset)
        self.capped = counted > self.cap
        return min(counted, self.cap)

    def _windowed_count(self, queryset: QuerySet) -> int:
        """The matches among the window's rows, scaled by how many rows the whole list has."""
        window = queryset.filter(submitted_at__gte=self.window_start)
        self.in_window = min(self._capped_count(window, walk=True), self.cap)
        whole = _estimated_rows(self.window)
        scaled = -(-self.in_window * max(whole, self.window_rows) // self.window_rows)
        self.approximate = True
        self.capped = scaled > self.cap
        if self.capped:
            self.__dict__["estimate"] = scaled
        return min(scaled, self.cap)

    def page(self, number):
        """A page whose rows all lie in the window is read from it (one index range)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if self.in_window is not None and top <= self.in_window:
            rows = self.object_list.filter(submitted_at__gte=self.window_start)[bottom:top]
        elif self.walk_capped and self.capped:
            rows = self.object_list[bottom:top]
        else:
            return super().page(number)
        if connections[rows.db].vendor == "postgresql":
            with _planner_settings(rows.db, **WALK):
                rows = list(rows)  # read here, with the planner told to walk
        return self._get_page(rows, number, self)

    def _capped_count(self, queryset: QuerySet, *, walk: bool = False) -> int:
        def count() -> int:
            return _count_within_time(queryset.order_by()[: self.cap + 1], self.cap, walk=walk)

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
        if connections[self.object_list.db].vendor != "postgresql":
            return None
        rows = _planner_rows(self.object_list)
        # The planner guesses badly for some filters (text search); a guess below what we
        # already counted says nothing.
        return rows if rows > self.cap else None

    @property
    def count_display(self) -> str:
        return f"{self.count:,}"

    @property
    def estimate_display(self) -> str:
        return f"{self.estimate:,}" if self.estimate else ""


def list_paginator(
    object_list,
    per_page: int | None = None,
    *,
    public: bool = True,
    window: QuerySet | None = None,
    searched: bool = False,
) -> CappedCountPaginator:
    """The paginator of a public or API list: pages within settings.LIST_MAX_ROWS rows; a public
    list's count shared between its pages (a private list's rows change without a data version);
    `window`: the whole list newest first, whose newest rows bound counts and pages.

    `searched` (a text search, answered by the trigram indexes): counted on them up to
    SEARCH_MAX_ROWS, what a search lists (the newest matches); a word found more often walks
    the newest rows for its pages (see `walk_capped`): both cost at most about that many rows
    whatever the table's size."""
    if searched:
        return CappedCountPaginator(
            object_list,
            per_page or settings.PAGE_SIZE,
            cap=min(settings.SEARCH_MAX_ROWS, settings.LIST_MAX_ROWS),
            cache_for=LIST_COUNT_FRESH_FOR if public else 0,
            walk_capped=True,
        )
    return CappedCountPaginator(
        object_list,
        per_page or settings.PAGE_SIZE,
        cap=settings.LIST_MAX_ROWS,
        cache_for=LIST_COUNT_FRESH_FOR if public else 0,
        window=window,
    )
