"""gunicorn settings for production and for `make bench` (which serves the app exactly like this).

Run: gunicorn -c quanshan/gunicorn.conf.py quanshan.wsgi. Environment variables:
WEB_CONCURRENCY (workers, default 3), GUNICORN_THREADS (threads per worker, default 8; 1: sync
workers), GUNICORN_BIND (default 127.0.0.1:8000),
GUNICORN_TIMEOUT (seconds, default 60), GUNICORN_MAX_REQUESTS (recycle a worker after this
many requests, default 5000; 0 disables), GUNICORN_SWITCH_INTERVAL_MS (how long a thread may hold
the interpreter while another waits, default 1).
"""

from __future__ import annotations

import gc
import os
import sys

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threaded workers (gthread), 8 threads each: a slow request (a refused upload, a page computed
# cold, a random period of /stats/) holds one thread, not a whole worker, so /healthz and cached
# pages are not queued behind it (bench/results/pixel_bombs.md, adversarial.md: /healthz p50
# 277 ms behind 6 clients of slow URLs with sync workers, 0.6 ms with threads). Each thread keeps
# its own database connection (DB_CONN_MAX_AGE): one app server holds up to WEB_CONCURRENCY ×
# GUNICORN_THREADS of them (24 by default), to be kept under PostgreSQL's max_connections with
# the other servers and Celery (README, "Serving in production"). GUNICORN_THREADS=1: sync workers.
# 8, not 4: a client's kept-alive connection stays with the worker that accepted it, and with 4
# threads a worker that happened to hold four slow clients queued the quick one behind them
# (/healthz p50 6.4 s in one adversarial run; 8 threads: p99 12–28 ms).
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
worker_class = "gthread" if threads > 1 else "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
# Import Django once in the master: workers fork with the code already loaded (faster start,
# shared read-only pages). No database connection is opened at import time.
preload_app = True
# A worker is recycled now and then, so a slow leak cannot grow a worker past its budget.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")


# Two settings keep a quick answer quick while slow ones run beside it (bench/adversarial.py:
# /healthz p99 under the adversarial load went from 124 ms to 24–31 ms with both, 71–125 ms
# with the first alone):
# - A worker's threads share one interpreter lock. While one renders a big page, a thread with a
#   quick answer (/healthz, a cached page) and the thread that accepts connections wait for it to
#   be handed over, by default every 5 ms, several times per request: 1 ms here.
# - The app's modules, loaded once in the master (preload_app), are hundreds of thousands of
#   objects that never die; every full garbage collection walked them all, a pause of tens of
#   milliseconds for every thread of the worker. gc.freeze() sets them aside after the fork, so a
#   collection walks only what requests made.
_switch_interval = float(os.environ.get("GUNICORN_SWITCH_INTERVAL_MS", "1")) / 1000


def post_fork(server, worker):
    sys.setswitchinterval(_switch_interval)
    gc.freeze()
