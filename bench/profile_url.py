"""Profile one URL in-process against the benchmark database: time, queries, slowest SQL, hot code.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/quanshan_bench \\
        .venv/bin/python bench/profile_url.py /stats/ [--login district] [--repeat 3] [--cprofile]

Prints each run's wall time and query count, then the slowest queries of the last run (and, with
--explain, PostgreSQL's EXPLAIN ANALYZE of the slowest one); --cprofile adds the top functions.
The cache is bypassed (a dummy cache), so what is measured is the uncached path.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanshan.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--login", default="")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative or tottime")
    parser.add_argument("--cached", action="store_true", help="keep the configured cache")
    args = parser.parse_args()

    import django
    from django.conf import settings

    if not args.cached:
        os.environ.pop("REDIS_URL", None)
    django.setup()
    if not args.cached:
        settings.CACHES["default"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False

    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    # As a gunicorn worker does after the fork (quanshan/gunicorn.conf.py): the loaded modules are
    # set aside from the garbage collector's walks, which would otherwise show up as pauses.
    import gc

    gc.freeze()
    if args.login:
        client.force_login(get_user_model().objects.get(username=args.login))

    for i in range(args.repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            if args.cprofile and i == args.repeat - 1:
                profiler = cProfile.Profile()
                response = profiler.runcall(client.get, args.path)
            else:
                response = client.get(args.path)
            elapsed = time.perf_counter() - started
        sql_time = sum(float(q["time"]) for q in captured.captured_queries)
        print(
            f"run {i + 1}: {elapsed * 1000:.0f} ms, HTTP {response.status_code}, "
            f"{len(captured.captured_queries)} queries ({sql_time * 1000:.0f} ms in SQL), {len(response.content)} bytes"
        )
    queries = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    print("\nslowest queries:")
    for q in queries[:8]:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:400]}")
    if args.explain and queries and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + queries[0]["sql"])
            print("\nEXPLAIN ANALYZE of the slowest:")
            for (line,) in cursor.fetchall():
                print("  " + line)
    if args.cprofile:
        print()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(30)


if __name__ == "__main__":
    main()
