"""gunicorn settings for production and for `make bench` (which serves the app exactly like this).

Run: gunicorn -c quanshan/gunicorn.conf.py quanshan.wsgi. Environment variables:
WEB_CONCURRENCY (workers, default 3), GUNICORN_THREADS (threads per worker, default 1: sync
workers), GUNICORN_BIND (default 127.0.0.1:8000),
GUNICORN_TIMEOUT (seconds, default 60), GUNICORN_MAX_REQUESTS (recycle a worker after this
many requests, default 5000; 0 disables).
"""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: every request is short (cached pages, indexed lists), so a worker per core
# plus one keeps the CPU busy without the memory of threads or the risk of a blocked event loop.
# With GUNICORN_THREADS > 1, threaded workers (gthread): a slow request (an upload refused after
# its body arrived, a page computed cold) then holds one thread, not a whole worker, so /healthz
# and cached pages are not queued behind it.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
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
