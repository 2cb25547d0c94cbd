"""Short-lived caching of public pages and expensive reads: prompt refresh, no stampede.

The promise to readers: a cached page or value is never more than `FRESHNESS` (60 s) behind the
database, and usually only as far behind as one recomputation.

- Every entry keeps the time it was computed and the *data versions* it depends on at that
  moment: one for projects (`PROJECTS`: projects, their milestones, 进展 and photos) and one for
  published requests (`REQUESTS`); areas, departments and programmes change both. Each domain
  app connects its own models (`invalidate_on_change` in its `apps.py`); a saved or deleted row
  asks for its versions to be bumped when the transaction commits (`invalidate`), once per
  transaction however many rows it writes, and costs no cache round trip before that. Writes
  that bypass the ORM's signals (`QuerySet.update`, `bulk_update`, COPY) call `invalidate`
  themselves. A submitted request that nobody may see yet bumps nothing. An entry is also stale
  `fresh_for` seconds (≤ 30 by default) after it was computed, which bounds what a missed
  invalidation (raw SQL by hand) can cost.
- A stale entry is recomputed by exactly one caller, which takes a short lock with `cache.add`;
  meanwhile everybody else is served the stale copy (stale-while-revalidate), so the first
  request after a change is not the slow path for everybody at once.
- A stale copy older than `FRESHNESS` is never served: callers then wait for the one
  recomputation (like a miss) or, if it takes too long, compute themselves.
- A missing entry is computed by one caller while the others wait up to `wait` seconds for it.
- Each process keeps what it last read for LOCAL_FOR (2) seconds in memory when the shared
  cache is across the network (Redis): a hot page then costs no round trip at all. Writes in the
  process clear that memory; other processes see them at most LOCAL_FOR seconds later.
- If the cache itself fails (Redis down or hanging), values are computed directly: slower, never
  wrong; apps.common.cache_backend makes a failing Redis fail fast.

Shared pages and API answers of COMPRESS_MIN_BYTES or more are also kept gzip-compressed,
compressed once when they are rendered, and sent so to clients that accept gzip (every browser
and HTTP library): a phone on a slow network loads the dashboard in a tenth of the bytes, and
Open311's 1,000-request list shrinks from about 860 KB to under 100 KB. Only anonymous shared
responses are compressed, so no secret (session, CSRF token) is ever compressed next to text an
attacker controls (BREACH).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial, wraps
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from apps.common.cache_backend import cache_is_bypassed

logger = logging.getLogger(__name__)

T = TypeVar("T")

FRESHNESS = 60  # seconds: the most a reader may lag behind a change
DEFAULT_FRESH_FOR = 30  # seconds before an entry counts as stale even without a write
# A page is rebuilt on every write, but may embed whole-table aggregates cached by time only
# (AGGREGATE_FRESH_FOR): together they stay within FRESHNESS.
PAGE_FRESH_FOR = 20
AGGREGATE_FRESH_FOR = 30
LOCK_TIMEOUT = 30  # seconds: a crashed recomputation frees its lock after this long
KEEP_FOR = 10 * 60  # seconds an entry stays in the cache (stale copies are useful until FRESHNESS)
POLL_INTERVAL = 0.05
LOCAL_FOR = 2.0  # seconds a process reuses what it read from a networked cache
LOCAL_MAX_ENTRIES = 256
# And at most this many bytes of rendered pages: 256 Open311 documents of 860 KB each (random
# URLs) once grew a worker by 200 MB. A popular big page stays; random ones push each other out.
LOCAL_MAX_BYTES = 24 * 1024 * 1024
# What a cached entry may depend on: each has its own version in the cache.
PROJECTS = "projects"
REQUESTS = "requests"
ALL_DATA = (PROJECTS, REQUESTS)
# Every write to a request or its co-assignments, published or not: what the officials' counts
# (今日待办) follow. Public pages do not (a new submission would drop them all).
OFFICE = "office"
EVERY_TOPIC = (*ALL_DATA, OFFICE)
# Part of every entry's key: bump it when the shape of what is stored changes, so a new release
# never reads an older release's entries.
ENTRY_FORMAT = 3
COMPRESS_MIN_BYTES = 1024

_MISSING = object()
# This process's recent reads: key -> (valid until, value). See LOCAL_FOR.
_local: dict[str, tuple[float, Any, int]] = {}  # key -> (valid until, value, bytes)
_local_bytes = 0
# Stored in place of a value that `cache_if` refused, so callers compute it without waiting.
UNCACHEABLE = "__uncacheable__"


def _is_uncacheable(value: object) -> bool:
    return isinstance(value, str) and value == UNCACHEABLE


def _now() -> float:
    return time.time()


def _initial_version() -> int:
    # Time-based, so a version re-created after the cache lost it never equals an older one.
    return int(_now() * 1000)


def _local_enabled() -> bool:
    # In-process memory only saves something in front of a cache across the network.
    backend = settings.CACHES["default"]["BACKEND"]
    return LOCAL_FOR > 0 and not backend.endswith(("LocMemCache", "DummyCache"))


def _bytes_of(value: Any) -> int:
    """The size of a rendered page or text kept in the cache (0 for other values: small ones)."""
    if isinstance(value, SharedResponse):
        return len(value.content) + len(value.compressed or b"")
    if isinstance(value, bytes | str):
        return len(value)
    return 0


def _remember(full_key: str, value: Any, valid_until: float) -> None:
    global _local_bytes
    size = _bytes_of(value)
    if size > LOCAL_MAX_BYTES // 4:
        return
    if len(_local) >= LOCAL_MAX_ENTRIES or _local_bytes + size > LOCAL_MAX_BYTES:
        now = _now()
        for key in [k for k, (until, _v, _b) in list(_local.items()) if until <= now]:
            _local.pop(key, None)
        # Counted afresh: threads may have raced on the running total.
        _local_bytes = sum(b for _u, _v, b in list(_local.values()))
        if len(_local) >= LOCAL_MAX_ENTRIES or _local_bytes + size > LOCAL_MAX_BYTES:
            local_clear()
    _local[full_key] = (valid_until, value, size)
    _local_bytes += size


def local_clear() -> None:
    """Forget this process's recent reads (after a write, and between tests)."""
    global _local_bytes
    _local.clear()
    _local_bytes = 0


def _version_key(topic: str) -> str:
    if topic not in EVERY_TOPIC:
        raise ValueError(f"unknown data topic {topic!r}")
    return f"data-version:{topic}"


def data_version(topic: str) -> int:
    """The current version of `topic` (one cache read; created on first use)."""
    key = _version_key(topic)
    version = cache.get(key)
    if version is None:
        cache.add(key, _initial_version(), None)
        version = cache.get(key)
    return version


def bump_data_version(*topics: str) -> None:
    """Mark the cached pages and values that depend on `topics` (default: all) stale, now.

    Writers call `invalidate` instead, which bumps when their transaction commits."""
    local_clear()
    for topic in topics or EVERY_TOPIC:
        key = _version_key(topic)
        try:
            cache.incr(key)
        except ValueError:
            if not cache.add(key, _initial_version(), None):
                cache.incr(key)
        except Exception:  # a cache outage must not break a write; entries expire by time anyway
            if not cache_is_bypassed():
                logger.warning("could not bump the %s data version", topic, exc_info=True)


# Topics written in this thread's transaction and not bumped yet (see `invalidate`).
_pending = threading.local()


def _pending_topics() -> set[str]:
    topics = getattr(_pending, "topics", None)
    if topics is None:
        topics = _pending.topics = set()
    return topics


def _bump_pending(topic: str) -> None:
    """On commit: the first callback for `topic` bumps it, the transaction's others find it done."""
    pending = _pending_topics()
    if topic in pending:
        pending.discard(topic)
        bump_data_version(topic)


def invalidate(*topics: str) -> None:
    """The data behind `topics` (default: all) changed: bump their versions when the current
    transaction commits (at once outside a transaction), once per transaction and topic.

    Nothing is bumped for a transaction that rolls back. Until the commit, readers keep
    computing from the committed data, which is what they can see.
    """
    topics = topics or EVERY_TOPIC
    for topic in topics:
        _version_key(topic)  # refuse an unknown topic now, not at commit
    pending = _pending_topics()
    for topic in topics:
        pending.add(topic)
        transaction.on_commit(partial(_bump_pending, topic))


def invalidate_on_change(
    topics: Iterable[str],
    *models: type,
    when: Callable[[Any], bool] | None = None,
) -> None:
    """Connect `models` (and m2m through models) so that saving or deleting one of their rows
    invalidates `topics` when the transaction commits; with `when`, only rows for which
    `when(instance)` is true (e.g. a request residents may see).

    Connected per model, so the models left out (change history, events, counters, sessions)
    keep Django's fast delete and cost nothing on save.
    """
    topics = tuple(topics)

    def receiver(sender: type, instance: Any = None, **kwargs: Any) -> None:
        if when is None or instance is None or when(instance):
            invalidate(*topics)

    for model in models:
        # Per topics too: a model may be connected once per set of topics, each with its `when`.
        uid = f"common.cache.{'+'.join(topics)}.{model._meta.label_lower}"
        if model._meta.auto_created:  # an m2m through table: m2m_changed carries its changes
            m2m_changed.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}.m2m")
            continue
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}.save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}.delete")


def cached_aggregate(key: str, compute: Callable[[], T]) -> T:
    """A whole-table aggregate (三率, monthly counts): refreshed every AGGREGATE_FRESH_FOR seconds,
    by one caller at a time, not on every write."""
    return cached_value(f"agg:{key}", compute, fresh_for=AGGREGATE_FRESH_FOR, depends=())


def cached_value(
    key: str,
    compute: Callable[[], T],
    *,
    fresh_for: int = DEFAULT_FRESH_FOR,
    wait: float = 10.0,
    cache_if: Callable[[T], bool] | None = None,
    depends: Iterable[str] = ALL_DATA,
    stale_ok: bool = True,
    lag_for: float = 0,
) -> T:
    """The value under `key`, recomputed by `compute` when stale; see the module's docstring.

    `cache_if(value)` may refuse to store a value (it is still returned). `depends` names the
    data versions the value follows (`PROJECTS`, `REQUESTS`); with none, the value goes stale by
    time only (`fresh_for`), not on writes: for aggregates over the whole table, which would
    otherwise be recomputed after each resident's submission, while a change still shows within
    `fresh_for`.

    `stale_ok=False`: a value whose data versions moved on (or older than `fresh_for`) is never
    served, not even from this process's memory; callers wait for the one recomputation, so a
    write shows at once to everybody.

    `lag_for`: a value computed less than this many seconds ago stays fresh even after its data
    versions moved on (writes show within `lag_for`, at most FRESHNESS): for a costly value that
    frequent writes would otherwise have recomputed after every one.
    """
    if not 0 < fresh_for <= FRESHNESS:
        raise ValueError(f"fresh_for must be between 1 and {FRESHNESS} seconds")
    depends = tuple(depends)
    full_key = _full_key(key)
    lock_key = f"{full_key}:lock"
    try:
        fresh, entry, versions = _read_fresh(
            full_key, fresh_for=fresh_for, depends=depends, local=stale_ok, lag_for=min(lag_for, FRESHNESS)
        )
    except Exception:
        if not cache_is_bypassed():  # while the breaker is open, its one log line says it all
            logger.warning("cache unavailable; computing %s directly", key, exc_info=True)
        return compute()
    if fresh is not _MISSING:
        # A key whose last value was refused by `cache_if` is computed by each caller.
        return compute() if _is_uncacheable(fresh) else fresh

    now = _now()
    if entry is not _MISSING and stale_ok:
        value, computed_at, _versions = entry
        if now - computed_at < FRESHNESS and not _is_uncacheable(value):
            # Stale but within the promise: one caller refreshes, the others serve this copy.
            if _try_lock(lock_key):
                return _compute_and_store(full_key, lock_key, compute, versions, cache_if)
            return value

    # Missing (or too old to serve): one caller computes, the others wait for its result.
    deadline = now + wait
    while True:
        if _try_lock(lock_key):
            return _compute_and_store(full_key, lock_key, compute, versions, cache_if)
        if _now() >= deadline:
            return _compute_and_store(full_key, None, compute, versions, cache_if)
        time.sleep(POLL_INTERVAL)
        try:
            entry = cache.get(full_key, _MISSING)
        except Exception:
            return compute()
        if (
            entry is not _MISSING
            and len(entry[2]) == len(versions)
            and all(seen >= wanted for seen, wanted in zip(entry[2], versions, strict=True))
            and _now() - entry[1] < (FRESHNESS if stale_ok else fresh_for)
        ):
            return compute() if _is_uncacheable(entry[0]) else entry[0]


def peek_value(key: str, *, fresh_for: int = DEFAULT_FRESH_FOR, depends: Iterable[str] = ALL_DATA) -> Any | None:
    """The value `cached_value(key, ...)` would return without computing, or None if it would compute."""
    try:
        fresh, _entry, _versions = _read_fresh(_full_key(key), fresh_for=fresh_for, depends=tuple(depends))
    except Exception:
        return None
    return None if fresh is _MISSING or _is_uncacheable(fresh) else fresh


def _read_fresh(
    full_key: str, *, fresh_for: int, depends: tuple[str, ...], local: bool = True, lag_for: float = 0
) -> tuple[Any, Any, tuple[int, ...]]:
    """(fresh value or _MISSING, the shared entry or _MISSING, the data versions) for `full_key`:
    fresh while its data versions are current and it is younger than `fresh_for`, or younger
    than `lag_for` whatever the versions.

    A fresh value comes from this process's memory when it has one (no round trip; the entry
    and versions are then not read), else from the shared cache, and is remembered locally
    (not with `local=False`).
    """
    local = local and _local_enabled()
    if local:
        hit = _local.get(full_key)
        if hit is not None and _now() < hit[0]:
            return hit[1], _MISSING, ()
    entry, versions = _read(full_key, depends)
    if entry is _MISSING:
        return _MISSING, entry, versions
    value, computed_at, entry_versions = entry
    now = _now()
    age = now - computed_at
    if 0 <= age < fresh_for and (entry_versions == versions or age < lag_for):
        if local and not _is_uncacheable(value):
            _remember(full_key, value, min(now + LOCAL_FOR, computed_at + fresh_for))
        return value, entry, versions
    return _MISSING, entry, versions


def _full_key(key: str) -> str:
    return f"cv{ENTRY_FORMAT}:{key}"


def _read(full_key: str, depends: tuple[str, ...]) -> tuple[Any, tuple[int, ...]]:
    """The entry and the current versions of what it depends on, in one round trip."""
    version_keys = [_version_key(topic) for topic in depends]
    found = cache.get_many([full_key, *version_keys])
    versions = tuple(
        found[key] if found.get(key) is not None else data_version(topic)
        for topic, key in zip(depends, version_keys, strict=True)
    )
    return found.get(full_key, _MISSING), versions


def _try_lock(lock_key: str) -> bool:
    try:
        return cache.add(lock_key, 1, LOCK_TIMEOUT)
    except Exception:
        return True


def _compute_and_store(
    full_key: str,
    lock_key: str | None,
    compute: Callable[[], T],
    versions: tuple[int, ...],
    cache_if: Callable[[T], bool] | None,
) -> T:
    # The time and versions are taken *before* computing: a write that lands during the
    # computation bumps a version past this one, so the result is already stale.
    computed_at = _now()
    try:
        value = compute()
        stored = value if cache_if is None or cache_if(value) else UNCACHEABLE
        try:
            cache.set(full_key, (stored, computed_at, versions), KEEP_FOR)
        except Exception:
            if not cache_is_bypassed():
                logger.warning("could not store %s in the cache", full_key, exc_info=True)
        else:
            if stored is value and _local_enabled():
                _remember(full_key, value, _now() + LOCAL_FOR)
        return value
    finally:
        if lock_key is not None:
            try:
                cache.delete(lock_key)
            except Exception:
                logger.warning("could not release %s", lock_key, exc_info=True)


# --- Shared responses -----------------------------------------------------------------------------

# One coding in Accept-Encoding: `gzip`, `*` or another, with an optional quality.
_CODING = re.compile(r"^\s*([\w*-]+)\s*(?:;\s*q\s*=\s*([0-9.]{1,5}))?\s*$")


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the client's Accept-Encoding allows gzip (`gzip;q=0` refuses it, `*` allows it)."""
    qualities: dict[str, float] = {}
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        match = _CODING.match(part)
        if match is None:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            quality = 0.0
        qualities.setdefault(match.group(1).lower(), quality)
    return qualities.get("gzip", qualities.get("*", 0.0)) > 0


class SharedResponse(NamedTuple):
    """A rendered response as kept in the cache, with its gzip form when that is worth sending."""

    status: int
    content: bytes
    compressed: bytes | None
    headers: tuple[tuple[str, str], ...]

    def to_response(self, request: HttpRequest, *, max_age: int | None = None) -> HttpResponse:
        """The response for `request`; with `max_age`, also for caches in front of the app
        (apps.common.http_cache sends it `public` with an ETag, and answers 304s)."""
        send_compressed = self.compressed is not None and accepts_gzip(request)
        response = HttpResponse(self.compressed if send_compressed else self.content, status=self.status)
        if max_age is not None:
            response.shared_max_age = max_age
        for name, value in self.headers:
            response[name] = value
        if self.compressed is not None:
            patch_vary_headers(response, ("Accept-Encoding",))
            if send_compressed:
                response["Content-Encoding"] = "gzip"
        return response


def shared_response(status: int, content: bytes, headers: Iterable[tuple[str, str]]) -> SharedResponse:
    """Compress once here, when the response is rendered for everybody, not on every request."""
    compressed = None
    if len(content) >= COMPRESS_MIN_BYTES:
        packed = gzip.compress(content, compresslevel=6, mtime=0)
        compressed = packed if len(packed) < len(content) else None
    return SharedResponse(status, content, compressed, tuple(headers))


# --- Whole pages ----------------------------------------------------------------------------------

# Cookies that make a page personal: with one of them, the page is neither served from nor
# stored in the shared cache.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# The view's own headers worth keeping; middleware adds the rest again on every response.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Cache-Control", "Content-Disposition", "Link")


ParamSpec = Iterable[Any] | Callable[[], Iterable[Any]]


def _field_params(fields: dict[str, Any]) -> list[str]:
    """The query parameters a form's fields read: their names (and a MultiWidget's parts)."""
    names = []
    for name, field in fields.items():
        widget = field.widget
        suffixes = getattr(widget, "widgets_names", None)
        names += [f"{name}{suffix}" for suffix in suffixes] if suffixes else [name]
    return names


def _filter_params(filterset: Any) -> list[str]:
    """The query parameters of a FilterSet class: its filters' names, suffixed for range widgets."""
    names = []
    for name, spec in filterset.base_filters.items():
        widget = spec.extra.get("widget") or getattr(spec.field_class, "widget", None)
        suffixes = getattr(widget, "suffixes", None)  # django-filter's SuffixedMultiWidget
        names += ["_".join(filter(None, (name, suffix))) for suffix in suffixes] if suffixes else [name]
    return names


def query_params(spec: ParamSpec) -> frozenset[str]:
    """The query parameters a view reads, from names, Django form classes and django-filter
    FilterSet classes (or a callable returning them, resolved on first use)."""
    items = spec() if callable(spec) else spec
    names: set[str] = set()
    for item in items:
        if isinstance(item, str):
            names.add(item)
        elif hasattr(item, "base_filters"):  # a django-filter FilterSet
            names.update(_filter_params(item))
        elif hasattr(item, "base_fields"):  # a Django form
            names.update(_field_params(item.base_fields))
        else:
            raise TypeError(f"cannot tell which query parameters {item!r} reads")
    return frozenset(names)


_resolved_params: dict[int, tuple[ParamSpec, frozenset[str]]] = {}


def _params_of(spec: ParamSpec) -> frozenset[str]:
    """`query_params(spec)`, resolved once per spec."""
    found = _resolved_params.get(id(spec))
    if found is None or found[0] is not spec:
        found = _resolved_params[id(spec)] = (spec, query_params(spec))
    return found[1]


def keep_only_params(request: HttpRequest, names: frozenset[str]) -> None:
    """Drop the query parameters the view does not read, from `request.GET` and the query string.

    A cached page is then a function of what its key holds: `/?x=<random>` is the page of `/`,
    served from the same entry (and links built from the request carry no junk either).
    """
    if all(name in names for name in request.GET):
        return
    kept = QueryDict(mutable=True)
    for name in request.GET:
        if name in names:
            kept.setlist(name, request.GET.getlist(name))
    request.META["QUERY_STRING"] = kept.urlencode()
    kept._mutable = False
    request.GET = kept


def page_cache_key(request: HttpRequest, vary_cookies: Iterable[str] = ()) -> str:
    """Host, path, sorted query, language and the display cookies that change the page.

    Callers first drop the parameters the view does not read (`keep_only_params`)."""
    query = sorted((k, v) for k in request.GET for v in request.GET.getlist(k))
    cookies = [(name, request.COOKIES.get(name, "")) for name in vary_cookies]
    raw = repr((request.scheme, request.get_host(), request.path, query, get_language(), cookies))
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _page_is_cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A page with a CSRF token (Django >= 4.1 marks it so; CSRF_COOKIE_USED is gone).
        and "CSRF_COOKIE_NEEDS_UPDATE" not in request.META
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def cached_page(
    *,
    depends: Iterable[str] = ALL_DATA,
    params: ParamSpec = (),
    fresh_for: int = PAGE_FRESH_FOR,
    vary_cookies: Iterable[str] = (),
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Cache an anonymous GET page's rendered response per path, query, language and `vary_cookies`.

    `depends`: the data versions the page follows (`PROJECTS`, `REQUESTS`). `params`: the query
    parameters the view reads (names, form or FilterSet classes); the view gets only those, and
    the page is kept per their values, so any other parameter shares the entry. Pages that set
    cookies, use a CSRF token, fail, or are seen by a logged-in user (or one with pending
    messages) are never shared.
    """
    vary_cookies = tuple(vary_cookies)
    depends = tuple(depends)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or any(name in request.COOKIES for name in PERSONAL_COOKIES):
                return view(request, *args, **kwargs)
            keep_only_params(request, _params_of(params))
            uncached: list[HttpResponse] = []

            def render() -> SharedResponse | None:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                if not _page_is_cacheable(request, response):
                    uncached.append(response)
                    return None
                headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
                return shared_response(response.status_code, response.content, headers)

            page = cached_value(
                page_cache_key(request, vary_cookies),
                render,
                fresh_for=fresh_for,
                depends=depends,
                cache_if=lambda p: p is not None,
            )
            if page is None:
                # This caller rendered a page that must not be shared; send it as it is.
                return uncached[0]
            return page.to_response(request, max_age=fresh_for)

        return wrapper

    return decorator


# --- Public REST API reads ------------------------------------------------------------------------


def _api_key(request: Any, media_type: str) -> str:
    return f"api:{media_type}:{page_cache_key(request)}"


def cached_api_response(
    view: Any,
    request: Any,
    handler: Callable[..., Any],
    *args: Any,
    depends: Iterable[str] = ALL_DATA,
    params: ParamSpec = (),
    **kwargs: Any,
) -> HttpResponse:
    """Run a public DRF read once and share its rendered JSON, per host, path, query and language.

    Call it from a DRF handler (`list`, `get`): authentication, throttles and content
    negotiation have already run for this caller. Only anonymous JSON reads are shared: an API
    key may see more, and the browsable API is HTML. `depends` and `params` as for
    `cached_page` (`depends=()` for whole-table statistics). Wrap the view in `lean_api_reads`
    too, with the same arguments, so that later callers get the shared answer without going
    through the framework.
    """
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or renderer.format != "json" or request.auth is not None:
        return handler(request, *args, **kwargs)
    keep_only_params(request._request, _params_of(params))
    uncached: list[HttpResponse] = []
    media_type = request.accepted_media_type
    if renderer.charset and "charset" not in media_type:
        media_type = f"{media_type}; charset={renderer.charset}"

    def render() -> SharedResponse | None:
        response = handler(request, *args, **kwargs)
        if response.status_code != 200 or not hasattr(response, "data"):
            uncached.append(response)
            return None
        content = renderer.render(response.data, request.accepted_media_type, view.get_renderer_context())
        headers = {"Content-Type": media_type, **view.default_response_headers}
        return shared_response(200, content, headers.items())

    depends = tuple(depends)
    fresh_for = PAGE_FRESH_FOR if depends else AGGREGATE_FRESH_FOR
    answer = cached_value(
        _api_key(request, request.accepted_media_type),
        render,
        fresh_for=fresh_for,
        depends=depends,
        cache_if=lambda a: a is not None,
    )
    if answer is None:
        return uncached[0]
    return answer.to_response(request, max_age=fresh_for)


def _plain_json_reader(request: HttpRequest) -> bool:
    """An anonymous GET that DRF would answer with plain `application/json`."""
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META or "HTTP_X_API_KEY" in request.META:
        return False
    accept = request.META.get("HTTP_ACCEPT", "")
    ranges = [part.strip() for part in accept.split(",") if part.strip()]
    return all(r in ("*/*", "application/*", "application/json") for r in ranges)


def lean_api_reads(
    view_func: Callable[..., Any], *, depends: Iterable[str] = ALL_DATA, params: ParamSpec = ()
) -> Callable[..., Any]:
    """Serve an anonymous JSON read that `cached_api_response` already shares without running DRF.

    The view's throttles still run for every caller (same counters, same limits); anything
    else — an API key, another media type, a query parameter the view does not read (the
    framework checks those), a throttled caller, an answer not in the cache — goes through the
    framework as usual.
    """
    throttle_classes = view_func.cls.throttle_classes
    depends = tuple(depends)

    @wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        names = _params_of(params)
        if _plain_json_reader(request) and all(name in names for name in request.GET):
            fresh_for = PAGE_FRESH_FOR if depends else AGGREGATE_FRESH_FOR
            answer = peek_value(_api_key(request, "application/json"), fresh_for=fresh_for, depends=depends)
            if answer is not None and _throttles_allow(request, throttle_classes):
                return answer.to_response(request, max_age=fresh_for)
        return view_func(request, *args, **kwargs)

    return wrapper


def _throttles_allow(request: HttpRequest, throttle_classes: Iterable[type]) -> bool:
    request.auth = None  # what the throttles read: no API key
    try:
        return all(throttle().allow_request(request, None) for throttle in throttle_classes)
    finally:
        del request.auth
