"""`make bench`: seed (or reuse) a 1,000,000-request PostgreSQL database, serve it with gunicorn as
in production, drive every benchmarked URL with wrk from loopback and write bench/results/latest.md.

The figure that counts is each URL's throughput as a ratio to /healthz measured in the same run
(this machine's absolute speed varies). /healthz is measured first and last; the ratio uses the
mean of the two, so a slow drift of the machine's load during the run cancels out.

Environment variables (all optional):
  BENCH_DB (quanshan_bench), BENCH_PROJECTS (5000), BENCH_REQUESTS (1000000), BENCH_SEED (1),
  BENCH_PORT (8765), BENCH_WORKERS (3), BENCH_CONNECTIONS (6), BENCH_THREADS (2),
  BENCH_DURATION (10 seconds per URL), BENCH_WARMUP (3 seconds per URL, excluded),
  BENCH_REDIS_DB (13), BENCH_REUSE (1: keep the seeded database even if the code changed),
  BENCH_ONLY (comma-separated labels to run, for profiling),
  BENCH_WRITES (5 writes per second for the mixed case, bench/writer.py; 0 skips it),
  BENCH_OUTPUT (bench/results/latest.md; "-" prints only),
  BENCH_SIZES (100000,1000000: the databases of the scale curve, each seeded and kept as
  quanshan_bench_<size>, the 1,000,000 one as BENCH_DB; the standard URLs and the adversarial
  case run on the largest; BENCH_REQUESTS alone means one size),
  BENCH_CASES (standard,adversarial,curve), BENCH_ADVERSARIAL_CONNECTIONS (6),
  BENCH_ADVERSARIAL_DURATION (20 seconds), BENCH_CURVE_DURATION (8 seconds per kind and size).
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")

BASE_DB_NAME = os.environ.get("BENCH_DB", "quanshan_bench")
DB_NAME = BASE_DB_NAME
PG_URL = "postgres://postgres@127.0.0.1:5432"
PROJECTS = int(os.environ.get("BENCH_PROJECTS", "5000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1000000"))
SIZES = sorted(
    int(n)
    for n in os.environ.get("BENCH_SIZES", "" if "BENCH_REQUESTS" in os.environ else "100000,1000000").split(",")
    if n.strip()
) or [REQUESTS]
CASES = {c.strip() for c in os.environ.get("BENCH_CASES", "standard,adversarial,curve").split(",") if c.strip()}
ADVERSARIAL_CONNECTIONS = int(os.environ.get("BENCH_ADVERSARIAL_CONNECTIONS", "6"))
ADVERSARIAL_DURATION = int(os.environ.get("BENCH_ADVERSARIAL_DURATION", "20"))
CURVE_DURATION = int(os.environ.get("BENCH_CURVE_DURATION", "8"))
SEED = int(os.environ.get("BENCH_SEED", "1"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "6"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "13"))
WRITES = float(os.environ.get("BENCH_WRITES", "5"))
# Mixed case: no read URL may lose more than a third of its throughput (ratio) under the writer.
MIXED_TARGET = 2 / 3
ONLY = {s.strip() for s in os.environ.get("BENCH_ONLY", "").split(",") if s.strip()}
OUTPUT = os.environ.get("BENCH_OUTPUT", str(ROOT / "bench" / "results" / "latest.md"))
ADMIN_USER, ADMIN_PASSWORD = "district", "quanshan-demo"

# Target ratios to /healthz from issue 5; the back office's pages have latency targets instead
# (p50 in ms: the request list from issue 5, the 今日待办 workbench as `district` from issue 13).
TARGETS = {"cached": 0.5, "lean": 0.3}
LATENCY_TARGETS_MS = {"admin": 1000, "workbench": 300}


@dataclass
class Target:
    label: str
    path: str
    kind: str  # "floor", "cached", "lean", "admin", "workbench" or "info" (shown, no target)
    authenticated: bool = False
    # As browsers and HTTP libraries (requests, OkHttp, Apache HttpClient) ask by default.
    accept_encoding: str = "gzip, deflate"


@dataclass
class Result:
    target: Target
    rps: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    requests: int = 0
    non_2xx_3xx: int = 0
    socket_errors: int = 0
    note: str = ""
    # Mean requests/s of the /healthz measurements just before and just after this URL.
    floor_rps: float = 0.0

    @property
    def ratio(self) -> float | None:
        return self.rps / self.floor_rps if self.floor_rps else None

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + self.socket_errors


@dataclass
class MemorySampler:
    """Peak resident memory of each gunicorn worker, read from /proc while the load runs."""

    master_pid: int
    interval: float = 0.2
    peaks_kb: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def children(self) -> list[int]:
        pids: list[int] = []
        for task in Path(f"/proc/{self.master_pid}/task").glob("*"):
            try:
                pids += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
        return pids

    @staticmethod
    def rss_kb(pid: int) -> int | None:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def sample(self) -> None:
        for pid in self.children():
            rss = self.rss_kb(pid)
            if rss is not None and rss > self.peaks_kb.get(pid, 0):
                self.peaks_kb[pid] = rss

    def run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()


def use_size(requests: int) -> None:
    """Point the run at the database of `requests` requests (BENCH_DB for a million)."""
    global DB_NAME, REQUESTS
    REQUESTS = requests
    DB_NAME = BASE_DB_NAME if requests == 1_000_000 else f"{BASE_DB_NAME}_{requests}"


def worker_kind() -> str:
    """How quanshan/gunicorn.conf.py runs the workers in this environment."""
    threads = int(os.environ.get("GUNICORN_THREADS", "8"))  # the default of quanshan/gunicorn.conf.py
    return f"threaded workers ({threads} threads each)" if threads > 1 else "sync workers"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def app_env(db: str | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{PG_URL}/{db or DB_NAME}",
        DEBUG="false",
        SECRET_KEY="bench-secret-key-not-for-production-0123456789abcdef",
        REQUIRE_SECRET_KEY="true",
        # Fixed keys for residents' personal data, so a reused benchmark database stays readable.
        PII_KEYS="bench1:YmVuY2gta2V5LWZvci1xdWFuc2hhbi1waWktMDAwMDA=",
        PII_KEY_ID="bench1",
        PII_INDEX_KEY="YmVuY2gtYmxpbmQtaW5kZXgta2V5LXBob25lcy0wMDA=",
        STATIC_MANIFEST="true",
        REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        CACHE_KEY_PREFIX="bench",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        # As behind a load balancer: wrk sends each request from another resident's address
        # (bench/residents.lua), so per-IP limits run as in production, without tripping.
        TRUSTED_PROXY_COUNT="1",
        # The bench measures what the back office's pages cost, not the second factor: here the
        # district official signs in with the password alone (production requires TOTP; with it,
        # every admin URL answered a 4 ms redirect to /accounts/2fa/ and looked fast).
        OFFICIAL_2FA_REQUIRED="false",
    )
    env.update(extra)
    return env


def manage(*args: str, capture: bool = False, db: str | None = None) -> str:
    proc = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=app_env(db),
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return proc.stdout or ""


def psql(sql: str, db: str = "postgres") -> str:
    proc = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
        check=True,
        text=True,
        stdout=subprocess.PIPE,
    )
    return proc.stdout.strip()


def ensure_tools() -> None:
    if shutil.which("wrk") is None:
        log("wrk is missing: installing Debian's package")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True)
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode != 0:
        sys.exit("PostgreSQL is not answering on 127.0.0.1:5432")
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError:
        sys.exit("Redis is not answering on 127.0.0.1:6379")


def fingerprint() -> str:
    """Changes whenever a migration, the seeder or the seed's arguments change."""
    digest = hashlib.sha256(f"projects={PROJECTS} requests={REQUESTS} seed={SEED}\n".encode())
    files = sorted(ROOT.glob("apps/*/migrations/*.py")) + sorted((ROOT / "apps" / "demo").rglob("*.py"))
    for path in files:
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def stored_meta() -> dict | None:
    if not psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"):
        return None
    if psql("SELECT to_regclass('public.bench_meta') IS NOT NULL", db=DB_NAME) != "t":
        return None
    row = psql("SELECT row_to_json(m) FROM bench_meta m ORDER BY seeded_at DESC LIMIT 1", db=DB_NAME)
    return json.loads(row) if row else None


def prepare_database() -> dict:
    """Reuse the seeded database while the fingerprint matches; otherwise build it afresh.

    A new database is built under a temporary name and swapped in only once seeded, so a failed
    seed leaves the previous one in place. BENCH_REUSE=1 keeps an existing database even if the
    code changed (for profiling while the seeder is being edited).
    """
    wanted = fingerprint()
    meta = stored_meta()
    if meta and (meta["fingerprint"] == wanted or os.environ.get("BENCH_REUSE") == "1"):
        stale = "" if meta["fingerprint"] == wanted else " — BENCH_REUSE=1: migrations or seeder changed since"
        log(f"reusing {DB_NAME} (seeded {meta['seeded_at'][:16]}, seed took {meta['seed_seconds']:.0f} s){stale}")
        return {**meta, "seeded_now": False}
    building = f"{DB_NAME}_building"
    log(f"building {DB_NAME}: " + ("migrations or seeder changed" if meta else "no seeded database yet"))
    psql(f"DROP DATABASE IF EXISTS {building} WITH (FORCE)")
    psql(f"CREATE DATABASE {building}")
    started = time.monotonic()
    manage("migrate", "--noinput", "-v", "0", db=building)
    migrate_seconds = time.monotonic() - started
    log(f"migrated in {migrate_seconds:.1f} s; seeding {PROJECTS} projects and {REQUESTS} requests")
    started = time.monotonic()
    manage(
        "seed_demo",
        "--projects",
        str(PROJECTS),
        "--requests",
        str(REQUESTS),
        "--seed",
        str(SEED),
        "--demo-accounts",  # DEBUG is off here; the admin list is measured as `district`
        db=building,
    )
    seed_seconds = time.monotonic() - started
    log(f"seeded in {seed_seconds:.1f} s")
    psql("VACUUM ANALYZE", db=building)
    psql(
        "CREATE TABLE bench_meta (fingerprint text, seeded_at timestamptz DEFAULT now(),"
        " seed_seconds double precision, migrate_seconds double precision, requests integer, projects integer);"
        f"INSERT INTO bench_meta (fingerprint, seed_seconds, migrate_seconds, requests, projects)"
        f" VALUES ('{wanted}', {seed_seconds}, {migrate_seconds}, {REQUESTS}, {PROJECTS})",
        db=building,
    )
    psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    psql(f"ALTER DATABASE {building} RENAME TO {DB_NAME}")
    return {**(stored_meta() or {}), "seeded_now": True}


def flush_cache() -> None:
    import redis

    redis.Redis.from_url(f"redis://127.0.0.1:6379/{REDIS_DB}").flushdb()


def start_server() -> subprocess.Popen:
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
    except OSError:
        pass
    else:  # another engineer's server would answer /healthz, and we would measure it
        sys.exit(f"127.0.0.1:{PORT} is already in use: set BENCH_PORT to a free port")
    server = subprocess.Popen(
        [GUNICORN, "-c", "quanshan/gunicorn.conf.py", "quanshan.wsgi"],
        cwd=ROOT,
        env=app_env(
            GUNICORN_BIND=f"127.0.0.1:{PORT}",
            WEB_CONCURRENCY=str(WORKERS),
            # No recycling during the run: each worker's peak memory is then its honest peak.
            GUNICORN_MAX_REQUESTS="0",
        ),
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def login_cookie() -> str:
    """Log in to the admin as the district official like a browser would; return the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"http://127.0.0.1:{PORT}/admin/login/?next=/admin/"
    with opener.open(login_url, timeout=30) as response:
        page = response.read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not match:
        raise RuntimeError("no CSRF token on the admin login page")
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match.group(1), "username": ADMIN_USER, "password": ADMIN_PASSWORD, "next": "/admin/"}
    ).encode()
    request = urllib.request.Request(login_url, data=data, headers={"Referer": login_url})
    with opener.open(request, timeout=30):
        pass
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"login as {ADMIN_USER} failed (does seed_demo create it?)")
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    # wrk counts a redirect as a success: make sure the admin answers its page, not a redirect.
    check = urllib.request.Request(f"http://127.0.0.1:{PORT}/admin/", headers={"Cookie": cookie})
    try:
        with urllib.request.build_opener(NoRedirect).open(check, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"the admin answers {exc.code} {exc.headers.get('Location', '')}") from None
    if status != 200:
        raise RuntimeError(f"the admin answers {status} instead of its page")
    return cookie


def a_project_path() -> str:
    """A published project's page: the lowest id, so every run measures the same page."""
    out = manage(
        "shell",
        "--no-imports",
        "-c",
        "from apps.projects.models import Project;"
        "print(Project.objects.filter(is_public=True).order_by('pk').values_list('pk', flat=True).first() or '')",
        capture=True,
    ).strip()
    return f"/projects/{out.splitlines()[-1] if out else 1}/"


def targets(project_path: str) -> list[Target]:
    return [
        Target("/", "/", "cached"),
        Target("/projects/?programme=lvse", "/projects/?programme=lvse", "lean"),
        Target("project page", project_path, "lean"),
        Target("/stats/", "/stats/", "cached"),
        Target("/api/v1/projects/?page_size=50", "/api/v1/projects/?page_size=50", "lean"),
        Target("/api/v1/stats/", "/api/v1/stats/", "cached"),
        Target("/open311/v2/requests.json", "/open311/v2/requests.json", "lean"),
        # For comparison: a client that cannot take gzip gets the whole 1,000 requests uncompressed.
        Target(
            "/open311/v2/requests.json, uncompressed", "/open311/v2/requests.json", "info", accept_encoding="identity"
        ),
        Target("admin request list", "/admin/appeals/appeal/", "admin", authenticated=True),
        Target("今日待办 (district)", "/admin/", "workbench", authenticated=True),
    ]


FLOOR = Target("/healthz", "/healthz", "floor")
FLOOR_DURATION = int(os.environ.get("BENCH_FLOOR_DURATION", "5"))


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(text)
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(output: str, result: Result) -> Result:
    if m := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result.rps = float(m.group(1))
    if m := re.search(r"^\s+50%\s+(\S+)", output, re.M):
        result.p50_ms = parse_duration_ms(m.group(1))
    if m := re.search(r"^\s+99%\s+(\S+)", output, re.M):
        result.p99_ms = parse_duration_ms(m.group(1))
    if m := re.search(r"(\d+) requests in", output):
        result.requests = int(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        result.non_2xx_3xx = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        result.socket_errors = sum(int(g) for g in m.groups())
    return result


def connections_for(target: Target) -> int:
    # The back office's latency target is one official's wait, not a queue behind a crowd of
    # officials: its list is driven with as many connections as there are workers.
    return min(CONNECTIONS, WORKERS) if target.kind in LATENCY_TARGETS_MS else CONNECTIONS


def wrk(target: Target, seconds: int, cookie: str) -> str:
    connections = connections_for(target)
    command = [
        "wrk",
        f"-t{min(THREADS, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "30s",
        "-H",
        "Accept-Language: zh-hans",
        "-H",
        f"Accept-Encoding: {target.accept_encoding}",
        "-s",
        str(ROOT / "bench" / "residents.lua"),
    ]
    if target.authenticated:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{PORT}{target.path}")
    return subprocess.run(command, check=True, text=True, stdout=subprocess.PIPE).stdout


def probe_status(target: Target, cookie: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{target.path}")
    if target.authenticated:
        request.add_header("Cookie", cookie)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 599


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def measure(target: Target, cookie: str, *, duration: int = DURATION, warmup: int = WARMUP) -> Result:
    result = Result(target)
    status = probe_status(target, cookie)
    if status >= 400:
        result.note = f"HTTP {status}"
    if warmup:
        wrk(target, warmup, cookie)
    parse_wrk(wrk(target, duration, cookie), result)
    if result.requests == 0 and not result.note:
        result.note = f"no response within {duration} s"
    return result


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def verdict(result: Result) -> str:
    kind = result.target.kind
    if result.errors or result.requests == 0:
        return "✗"
    if kind in LATENCY_TARGETS_MS:
        return "✓" if result.p50_ms is not None and result.p50_ms < LATENCY_TARGETS_MS[kind] else "✗"
    if kind not in TARGETS:
        return ""
    return "✓" if result.ratio is not None and result.ratio >= TARGETS[kind] else "✗"


def target_text(kind: str) -> str:
    if kind in LATENCY_TARGETS_MS:
        return f"p50 < {LATENCY_TARGETS_MS[kind]} ms"
    return f"≥ {TARGETS[kind]}" if kind in TARGETS else ""


def mixed_report(alone: list[Result], mixed: list[Result], writer: dict) -> list[str]:
    """The mixed read/write case: each URL's ratio alone and under the writer."""
    if not mixed:
        return []
    rate = writer.get("rate")
    lines = [
        "",
        f"## Mixed: reads while a writer writes {WRITES:g} times a second",
        "",
        "`bench/writer.py` submits requests and moves them through the workflow (publish, accept, assign,"
        f" sign, resolve: one transaction each) at a steady {WRITES:g} writes/s while the URL is driven; it is"
        " paused otherwise. Each URL is measured alone and then with the writer, each time between two /healthz"
        " measurements under the same conditions. Target: with the writer, a URL keeps at least"
        f" {MIXED_TARGET:.2f} of its ratio alone (loses at most a third).",
        "",
        f"Writer: {writer.get('writes', '?')} writes, {writer.get('errors', '?')} errors,"
        f" about {rate if rate is not None else '?'} writes/s while running,"
        f" a write takes {writer.get('median_ms', '?')} ms (median), {writer.get('p90_ms', '?')} ms (90th percentile).",
        "",
        "| URL | ratio alone | ratio with writer | kept | req/s alone | req/s with writer | p99 ms with writer"
        " | errors | |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    by_label = {r.target.label: r for r in alone}
    for w in mixed:
        a = by_label.get(w.target.label)
        if a is None or a.ratio is None or w.ratio is None:
            continue
        kept = w.ratio / a.ratio if a.ratio else 0.0
        ok = "✓" if kept >= MIXED_TARGET and not w.errors else "✗"
        lines.append(
            f"| {w.target.label} | {a.ratio:.2f} | {w.ratio:.2f} | {kept:.2f} | {a.rps:.0f} | {w.rps:.0f}"
            f" | {fmt_ms(w.p99_ms)} | {w.errors} | {ok} |"
        )
    return lines


def report(
    results: list[Result],
    floors: list[Result],
    meta: dict,
    peaks_kb: dict[int, int],
    started: datetime,
    load: float,
    mixed: list[Result] | None = None,
    writer: dict | None = None,
) -> str:
    floor_rps = [f.rps for f in floors]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True, stdout=subprocess.PIPE
    ).stdout.strip()
    lines = [
        "# Benchmark results",
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC at commit `{commit}` by `make bench`: gunicorn {WORKERS} {worker_kind()},"
        f" DEBUG off, whitenoise, Redis cache; wrk {CONNECTIONS} connections ({min(CONNECTIONS, WORKERS)} for the"
        f" admin list), {THREADS} threads, each request from another client address (X-Forwarded-For)"
        f" and with `Accept-Encoding: {FLOOR.accept_encoding}` as browsers send,"
        f" {DURATION} s per URL after a {WARMUP} s warm-up (excluded), from loopback."
        f" {os.cpu_count()} CPUs, load average at start {load:.1f}.",
        "",
        f"Data: PostgreSQL `{DB_NAME}`, `seed_demo --projects {PROJECTS} --requests {REQUESTS} --seed {SEED}`.",
        "",
        f"/healthz is measured ({FLOOR_DURATION} s) before the first URL and after every URL; ratio = the URL's"
        " requests/s ÷ the mean of the /healthz measurements just before and after it (this machine's speed"
        " drifts while others use it). Errors = non-2xx/3xx responses + socket errors.",
        "",
        "| URL | req/s | /healthz around it | ratio | target | p50 ms | p99 ms | errors | |",
        "|---|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    if floor_rps:
        lines.append(
            f"| /healthz ({len(floor_rps)} runs) | {sum(floor_rps) / len(floor_rps):.0f} |"
            f" {min(floor_rps):.0f}–{max(floor_rps):.0f} | 1 | | {fmt_ms(floors[0].p50_ms)}"
            f" | {fmt_ms(floors[0].p99_ms)} | {sum(f.errors for f in floors)} | |"
        )
    for r in results:
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "–"
        errors = f"{r.errors}" + (f" ({r.note})" if r.note else "")
        lines.append(
            f"| {r.target.label} | {r.rps:.0f} | {r.floor_rps:.0f} | {ratio} | {target_text(r.target.kind)}"
            f" | {fmt_ms(r.p50_ms)} | {fmt_ms(r.p99_ms)} | {errors} | {verdict(r)} |"
        )
    lines += mixed_report(results, mixed or [], writer or {})
    lines += ["", "Peak resident memory per gunicorn worker (sampled from /proc every 0.2 s; target < 250 MB):", ""]
    for pid, kb in sorted(peaks_kb.items()):
        lines.append(f"- worker {pid}: {kb / 1024:.0f} MB {'✓' if kb < 250 * 1024 else '✗'}")
    seed_seconds = meta.get("seed_seconds")
    lines.append("")
    if seed_seconds is not None:
        when = "in this run" if meta.get("seeded_now") else f"reused; seeded {str(meta.get('seeded_at'))[:16]}"
        lines.append(
            f"Seed: `seed_demo` took {seed_seconds:.0f} s ({when}; target < 180 s);"
            f" migrations took {meta.get('migrate_seconds', 0):.0f} s."
        )
    return "\n".join(lines) + "\n"


class Writer:
    """bench/writer.py in its own process, paused (SIGSTOP) except while a mixed measurement runs."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [PYTHON, str(ROOT / "bench" / "writer.py"), "--rate", str(WRITES), "--seed", str(SEED)],
            cwd=ROOT,
            env=app_env(),
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        time.sleep(5)  # Django's start-up, not counted
        self.pause()
        self.running_seconds = 0.0
        self._resumed_at: float | None = None

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)
        self._resumed_at = time.monotonic()

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)
        if getattr(self, "_resumed_at", None) is not None:
            self.running_seconds += time.monotonic() - self._resumed_at
            self._resumed_at = None

    def stop(self) -> dict:
        self.process.send_signal(signal.SIGCONT)
        self.process.send_signal(signal.SIGTERM)
        try:
            out, _err = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return {}
        lines = [line for line in out.splitlines() if line.startswith("{")]
        stats = json.loads(lines[-1]) if lines else {}
        if stats and self.running_seconds:
            # Writes made while running (start-up and the final lines aside): the rate readers saw.
            stats["rate"] = round(stats["writes"] / self.running_seconds, 2)
        return stats


def measured(target: Target, cookie: str, floors: list[Result], *, fresh_floor: bool = False) -> Result:
    """The URL between two /healthz measurements (the one before is the last of `floors`
    unless `fresh_floor`)."""
    if fresh_floor or not floors:
        floors.append(measure(FLOOR, cookie, duration=FLOOR_DURATION, warmup=1))
    result = measure(target, cookie)
    if target.authenticated and not cookie:
        result.note = "not logged in"
    # /healthz again right after each URL: the machine's speed drifts during a run.
    floors.append(measure(FLOOR, cookie, duration=FLOOR_DURATION, warmup=1))
    result.floor_rps = (floors[-2].rps + floors[-1].rps) / 2
    ratio = f"{result.ratio:.2f}" if result.ratio is not None else "–"
    log(
        f"  {result.rps:.0f} req/s (ratio {ratio}; /healthz around it {result.floor_rps:.0f}),"
        f" p50 {fmt_ms(result.p50_ms)} ms, errors {result.errors} {result.note}"
    )
    return result


def wrk_summary(output: str) -> dict:
    result = parse_wrk(output, Result(FLOOR))
    return {
        "requests": result.requests,
        "rps": result.rps,
        "p50_ms": result.p50_ms,
        "p99_ms": result.p99_ms,
        "errors": result.errors,
    }


def random_cases(size: int, *, largest: bool) -> tuple[list[str], dict]:
    """The scale curve's kinds at this size, and the adversarial case on the largest database."""
    from bench import adversarial as adv

    corpus = adv.Corpus.read(lambda sql: psql(sql, db=DB_NAME))
    urls = adv.kinds_of_urls(corpus, SEED)
    base = f"http://127.0.0.1:{PORT}"
    lines: list[str] = []
    curve: dict = {}
    if "curve" in CASES:
        for kind in urls:
            log(f"curve at {size:,}: {kind}")
        curve = adv.curve(
            base,
            urls,
            connections=ADVERSARIAL_CONNECTIONS,
            seconds=CURVE_DURATION,
            parse=wrk_summary,
            flush=flush_cache,
        )
        for kind, run in curve.items():
            log(f"  {kind}: p50 {adv.fmt(run.p50_ms)} ms, p99 {adv.fmt(run.p99_ms)} ms, errors {run.errors}")
    if largest and "adversarial" in CASES:
        flush_cache()
        load = os.getloadavg()[0]
        log(f"adversarial at {size:,}: {ADVERSARIAL_CONNECTIONS} clients, {ADVERSARIAL_DURATION} s")
        run, floor = adv.adversarial(
            base,
            urls,
            connections=ADVERSARIAL_CONNECTIONS,
            seconds=ADVERSARIAL_DURATION,
            parse=wrk_summary,
        )
        log(f"  random URLs p99 {adv.fmt(run.p99_ms)} ms, /healthz p99 {adv.fmt(floor.p99_ms)} ms")
        lines += adv.adversarial_report(size, run, floor, ADVERSARIAL_CONNECTIONS, ADVERSARIAL_DURATION, load)
    return lines, curve


def main() -> None:
    sys.path.insert(0, str(ROOT))
    started = datetime.now(timezone.utc)
    load = os.getloadavg()[0]
    ensure_tools()
    log("collectstatic (manifest storage)")
    manage("collectstatic", "--noinput", "-v", "0")
    extra: list[str] = []
    curves: dict[int, dict] = {}
    for size in SIZES[:-1]:
        use_size(size)
        prepare_database()
        flush_cache()
        log(f"starting gunicorn on 127.0.0.1:{PORT} with {WORKERS} workers ({size:,} requests)")
        server = start_server()
        try:
            _lines, curves[size] = random_cases(size, largest=False)
        finally:
            stop_server(server)
    use_size(SIZES[-1])
    meta = prepare_database()
    flush_cache()
    project_path = a_project_path()
    log(f"starting gunicorn on 127.0.0.1:{PORT} with {WORKERS} workers ({SIZES[-1]:,} requests)")
    server = start_server()
    sampler = MemorySampler(server.pid)
    sampler.start()
    results: list[Result] = []
    floors: list[Result] = []
    mixed: list[Result] = []
    mixed_floors: list[Result] = []
    writer: Writer | None = None
    writer_stats: dict = {}
    try:
        try:
            cookie = login_cookie()
        except (RuntimeError, OSError) as exc:
            log(f"admin login failed: {exc}")
            cookie = ""
        extra, curves[SIZES[-1]] = random_cases(SIZES[-1], largest=True)
        if WRITES > 0 and "standard" in CASES:
            log(f"starting the writer ({WRITES:g} writes/s, paused between mixed measurements)")
            writer = Writer()
        for target in targets(project_path):
            if "standard" not in CASES or (ONLY and target.label not in ONLY):
                continue
            if target.authenticated and not cookie:
                results.append(Result(target, socket_errors=1, note="(not measured: the admin login failed)"))
                continue
            log(f"{target.label}: {WARMUP} s warm-up, {DURATION} s measured")
            results.append(measured(target, cookie, floors))
            if writer is not None and target.kind != "floor":
                log(f"{target.label} with the writer")
                writer.resume()
                try:
                    mixed.append(measured(target, cookie, mixed_floors, fresh_floor=True))
                finally:
                    writer.pause()
    finally:
        if writer is not None:
            writer_stats = writer.stop()
            log(f"writer: {writer_stats}")
        sampler.sample()
        sampler.stop()
        stop_server(server)
    from bench import adversarial as adv

    text = report(results, floors, meta, sampler.peaks_kb, started, load, mixed, writer_stats)
    text += "\n".join([*extra, *adv.curve_report(curves, ADVERSARIAL_CONNECTIONS, CURVE_DURATION)]) + "\n"
    print()
    print(text)
    if OUTPUT != "-":
        Path(OUTPUT).parent.mkdir(parents=True, exist_ok=True)
        Path(OUTPUT).write_text(text)
        log(f"wrote {Path(OUTPUT).relative_to(ROOT) if Path(OUTPUT).is_relative_to(ROOT) else OUTPUT}")


if __name__ == "__main__":
    main()
