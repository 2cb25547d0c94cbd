"""The adversarial case and the scale curve of `make bench` (issue 16).

Adversarial: several clients ask anonymous URLs with random parameters — random periods for
/stats/ and /api/v1/stats/, random search words cut from the published requests' own text,
random filters, random pages up to the last reachable one, random Open311 date ranges — each
request from another address (X-Forwarded-For through the one trusted proxy the bench app
runs with, as bench/residents.lua does), while /healthz is asked at a steady pace beside them
(`paced_probe`: a health check's latency, without adding a seventh client of its own).
Targets: p99 under 300 ms for the random URLs, /healthz p99 under 50 ms, no errors.

Scale curve: the same kinds of URL, one kind at a time, on databases of each size in
BENCH_SIZES; each kind's p50 per size and the ratio of the largest to the smallest (target:
no kind grows by more than 1.5x).

The URLs are drawn in Python (seeded, BENCH_SEED) from what the database holds, written into
a wrk Lua script as a table, and wrk picks one at random for every request.
"""

from __future__ import annotations

import http.client
import random
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ADVERSARIAL_P99_MS = 300
HEALTHZ_P99_MS = 50
GROWTH_LIMIT = 1.5
PROBE_EVERY_MS = 20  # /healthz beside the adversarial load: 50 a second
WARMUP_SECONDS = 3
URLS_PER_KIND = 6000
LIST_MAX_ROWS = 10000  # settings.LIST_MAX_ROWS: pages reach this many rows
PAGE_SIZE = 20

PROGRAMMES = ["fumin", "bianmin", "lvse", "yiyang", "anquan", "chunyu"]
KINDS = ["inquiry", "help", "complaint", "suggestion", "praise"]
STATUSES = ["submitted", "accepted", "assigned", "in_progress", "resolved", "closed", "rejected", "returned"]
PROJECT_STATUSES = ["planned", "in_progress", "completed", "suspended"]
HEALTH = ["green", "yellow", "red"]

LUA = """
math.randomseed(os.time() + %(salt)d)
local paths = {%(paths)s}
local walk = %(walk)s
local at = math.random(#paths)
local function pick()
  if not walk then return paths[math.random(#paths)] end
  at = at %% #paths + 1  -- each thread walks the list from its own place: no URL twice in a row
  return paths[at]
end
request = function()
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  local a, b, c = math.random(0, 255), math.random(0, 255), math.random(1, 254)
  headers["X-Forwarded-For"] = string.format("10.%%d.%%d.%%d", a, b, c)
  return wrk.format("GET", pick(), headers)
end
"""


@dataclass
class Corpus:
    """What the random URLs are drawn from, read from the benchmark database."""

    first_day: date
    last_day: date
    areas: list[int]
    words: list[str]
    project_years: list[int]
    project_pages: int

    @classmethod
    def read(cls, psql) -> Corpus:
        first, last = psql(
            "SELECT min(submitted_at)::date, max(submitted_at)::date FROM appeals_appeal"
            " WHERE consent_to_publish AND publish_approved"
        ).split("|")
        areas = [int(a) for a in psql("SELECT id FROM places_area WHERE level IN (2, 3) ORDER BY id").split()]
        texts = psql(
            "SELECT published_title || published_content FROM appeals_appeal TABLESAMPLE SYSTEM (1)"
            " WHERE consent_to_publish AND publish_approved LIMIT 400"
        ).splitlines()
        years = [int(y) for y in psql("SELECT DISTINCT year FROM projects_project ORDER BY 1").split()]
        top_level = int(psql("SELECT count(*) FROM projects_project WHERE is_public AND parent_id IS NULL"))
        return cls(
            first_day=date.fromisoformat(first),
            last_day=date.fromisoformat(last),
            areas=areas,
            words=search_words(texts, random.Random(1)),
            project_years=years or [date.today().year],
            project_pages=max(1, -(-min(top_level, LIST_MAX_ROWS) // PAGE_SIZE)),
        )


def search_words(texts: list[str], rng: random.Random, count: int = 600) -> list[str]:
    """Words of 2 to 4 characters cut from the requests' public text (the short ones search
    the newest requests only, the others go through the trigram index)."""
    words: list[str] = []
    pieces = [t for t in ("".join(ch if ch.isalnum() else " " for ch in text).split() for text in texts) for t in t]
    pieces = [p for p in pieces if len(p) >= 2]
    while pieces and len(words) < count:
        piece = rng.choice(pieces)
        size = rng.randint(2, min(4, len(piece)))
        start = rng.randint(0, len(piece) - size)
        words.append(piece[start : start + size])
    return words or ["路灯"]


def _period(rng: random.Random, corpus: Corpus, longest: int) -> tuple[date, date]:
    span = max(1, (corpus.last_day - corpus.first_day).days)
    start = corpus.first_day + timedelta(days=rng.randint(0, span))
    return start, min(corpus.last_day, start + timedelta(days=rng.randint(0, longest)))


def _pick(rng: random.Random, params: dict[str, list]) -> str:
    """A random subset of the filters, each with a random value."""
    chosen = [(name, rng.choice(values)) for name, values in params.items() if values and rng.random() < 0.5]
    return "&".join(f"{name}={value}" for name, value in chosen)


def _with(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def kinds_of_urls(corpus: Corpus, seed: int) -> dict[str, list[str]]:
    """The random URLs of each kind (the scale curve measures each kind alone)."""
    from urllib.parse import quote

    rng = random.Random(seed)

    def stats_page() -> str:
        start, end = _period(rng, corpus, 400)
        return f"/stats/?period=custom&start={start}&end={end}"

    def api_stats() -> str:
        start, end = _period(rng, corpus, 400)
        return f"/api/v1/stats/?start={start}&end={end}"

    def search() -> str:
        word = quote(rng.choice(corpus.words))
        if rng.random() < 0.5:
            return f"/requests/?q={word}"
        return f"/api/v1/requests/?q={word}&page_size={rng.choice([20, 50, 100])}"

    def request_filters() -> str:
        params = {
            "programme": PROGRAMMES,
            "area": corpus.areas,
            "status": STATUSES,
            "type": KINDS,
        }
        query = _pick(rng, params)
        if rng.random() < 0.5:
            return _with("/requests/", query)
        return _with("/api/v1/requests/", query)

    def project_filters() -> str:
        params = {
            "programme": PROGRAMMES,
            "status": PROJECT_STATUSES,
            "year": corpus.project_years,
            "health": HEALTH,
            "area": corpus.areas,
        }
        query = _pick(rng, params)
        return _with("/projects/" if rng.random() < 0.5 else "/api/v1/projects/", query)

    def deep_pages() -> str:
        roll = rng.random()
        if roll < 0.35:
            return f"/requests/?page={rng.randint(1, LIST_MAX_ROWS // PAGE_SIZE)}"
        if roll < 0.7:
            size = rng.choice([20, 50, 100, 200])
            return f"/api/v1/requests/?page_size={size}&page={rng.randint(1, LIST_MAX_ROWS // size)}"
        if roll < 0.85:
            return f"/projects/?page={rng.randint(1, corpus.project_pages)}"
        return f"/api/v1/projects/?page={rng.randint(1, corpus.project_pages)}"

    def open311() -> str:
        start, end = _period(rng, corpus, 89)  # at most 90 days with the end day's hours
        query = f"start_date={start}T00:00:00%2B08:00&end_date={end}T23:59:59%2B08:00"
        if rng.random() < 0.4:
            query += f"&service_code={rng.choice(['general', *PROGRAMMES])}.{rng.choice(KINDS)}"
        if rng.random() < 0.3:
            query += f"&status={rng.choice(['open', 'closed'])}"
        return f"/open311/v2/requests.json?{query}"

    draw = {
        "/stats/ random period": stats_page,
        "/api/v1/stats/ random period": api_stats,
        "search (site + API)": search,
        "request filters (site + API)": request_filters,
        "project filters (site + API)": project_filters,
        "pages up to the last": deep_pages,
        "Open311 random dates": open311,
    }
    return {kind: [make() for _ in range(URLS_PER_KIND)] for kind, make in draw.items()}


def lua_script(paths: list[str], folder: Path, name: str, salt: int = 0, *, walk: bool = False) -> Path:
    """A wrk script asking `paths` at random, or (`walk`) in turn from a random start per thread."""
    quoted = ",".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    path = folder / f"{name}.lua"
    path.write_text(LUA % {"paths": quoted, "salt": salt, "walk": "true" if walk else "false"})
    return path


@dataclass
class Run:
    label: str
    requests: int = 0
    rps: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0


def wrk_run(label: str, url: str, script: Path | None, *, connections: int, seconds: int, parse) -> Run:
    command = ["wrk", "-t1" if connections == 1 else "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["--timeout", "30s", "-H", "Accept-Language: zh-hans", "-H", "Accept-Encoding: gzip, deflate"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    output = subprocess.run(command, check=True, text=True, stdout=subprocess.PIPE).stdout
    parsed = parse(output)
    return Run(label, parsed["requests"], parsed["rps"], parsed["p50_ms"], parsed["p99_ms"], parsed["errors"])


def paced_probe(url: str, *, seconds: float, every_ms: float = PROBE_EVERY_MS) -> Run:
    """/healthz asked at a steady pace (every `every_ms`), as a load balancer's health check or a
    resident's quick request arrives, on one kept-alive connection: what a quick request costs
    while the slow ones run. Unlike a client asking again the moment it has an answer, the probe
    adds no load of its own. Each latency is counted from the moment the request was due, so a
    stalled server is charged for the requests it held back too (no coordinated omission)."""
    parts = urllib.parse.urlsplit(url)
    latencies: list[float] = []
    errors = 0
    connection: http.client.HTTPConnection | None = None
    started = time.monotonic()
    due = started
    while due < started + seconds:
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        try:
            if connection is None:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            connection.request("GET", parts.path, headers={"X-Forwarded-For": "10.254.0.1"})
            response = connection.getresponse()
            response.read()
            if response.status >= 400:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            connection = None
        latencies.append((time.monotonic() - due) * 1000)
        due += every_ms / 1000
    latencies.sort()

    def quantile(q: float) -> float | None:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else None

    elapsed = time.monotonic() - started
    return Run("/healthz beside them", len(latencies), len(latencies) / elapsed, quantile(0.5), quantile(0.99), errors)


def adversarial(base: str, urls: dict[str, list[str]], *, connections: int, seconds: int, parse) -> tuple[Run, Run]:
    """Every kind at once from `connections` clients, /healthz probed beside them: (random URLs,
    /healthz). A few seconds of the same load first warm the workers (not counted)."""
    with tempfile.TemporaryDirectory() as folder:
        mixed = [u for kind in urls.values() for u in kind]
        script = lua_script(mixed, Path(folder), "adversarial", salt=7)
        wrk_run("warm-up", base + "/", script, connections=connections, seconds=WARMUP_SECONDS, parse=parse)
        floor: list[Run] = []
        thread = threading.Thread(target=lambda: floor.append(paced_probe(f"{base}/healthz", seconds=seconds)))
        thread.start()
        label = "random anonymous URLs"
        run = wrk_run(label, base + "/", script, connections=connections, seconds=seconds, parse=parse)
        thread.join()
    return run, floor[0]


def curve(
    base: str, urls: dict[str, list[str]], *, connections: int, seconds: int, parse, flush: Callable[[], None]
) -> dict[str, Run]:
    """Each kind alone, from an empty cache, each distinct URL asked in turn: the p50 is then the
    cost of answering a new URL. (Asked at random, a kind with few distinct URLs is answered
    partly from the page cache, and its p50 jumps between a hit and a miss from run to run.)"""
    runs = {}
    with tempfile.TemporaryDirectory() as folder:
        for n, (kind, paths) in enumerate(urls.items()):
            flush()
            script = lua_script(list(dict.fromkeys(paths)), Path(folder), f"kind{n}", salt=n, walk=True)
            runs[kind] = wrk_run(kind, base + "/", script, connections=connections, seconds=seconds, parse=parse)
    return runs


def fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def adversarial_report(size: int, run: Run, floor: Run, connections: int, seconds: int, load: float) -> list[str]:
    ok_run = run.p99_ms is not None and run.p99_ms < ADVERSARIAL_P99_MS and not run.errors
    ok_floor = floor.p99_ms is not None and floor.p99_ms < HEALTHZ_P99_MS and not floor.errors
    return [
        "",
        f"## Adversarial: random anonymous URLs at {size:,} requests",
        "",
        f"{connections} clients for {seconds} s, each request a random URL of every kind below (random periods,"
        " search words, filters, pages up to the last, Open311 dates) from another address, after"
        f" {WARMUP_SECONDS} s of the same load (not counted); /healthz is asked every {PROBE_EVERY_MS:.0f} ms"
        f" meanwhile, each latency counted from when it was due. Load average before: {load:.1f} (2 CPUs shared"
        " with other work).",
        f" Targets: p99 < {ADVERSARIAL_P99_MS} ms for the random URLs, < {HEALTHZ_P99_MS} ms for /healthz, no errors.",
        "",
        "| | requests | req/s | p50 ms | p99 ms | errors | |",
        "|---|---:|---:|---:|---:|---:|---|",
        f"| {run.label} | {run.requests} | {run.rps:.0f} | {fmt(run.p50_ms)} | {fmt(run.p99_ms)} | {run.errors}"
        f" | {'✓' if ok_run else '✗'} |",
        f"| {floor.label} | {floor.requests} | {floor.rps:.0f} | {fmt(floor.p50_ms)} | {fmt(floor.p99_ms)}"
        f" | {floor.errors} | {'✓' if ok_floor else '✗'} |",
    ]


def curve_report(curves: dict[int, dict[str, Run]], connections: int, seconds: int) -> list[str]:
    sizes = sorted(curves)
    if not sizes:
        return []
    small, large = sizes[0], sizes[-1]
    header = " | ".join(f"p50 ms at {s:,}" for s in sizes)
    lines = [
        "",
        "## Scale curve: each kind of random URL alone, per database size",
        "",
        f"{connections} clients, {seconds} s per kind and size, from an empty cache, each distinct URL asked in turn"
        " (the cost of a new URL). Target: no kind's p50 grows by more than"
        f" {GROWTH_LIMIT}× from {small:,} to {large:,} requests.",
        "",
        f"| kind | {header} | ratio | p99 ms at {large:,} | errors | |",
        "|---|" + "---:|" * len(sizes) + "---:|---:|---:|---|",
    ]
    for kind in curves[small]:
        runs = [curves[s].get(kind) for s in sizes]
        first, last = runs[0], runs[-1]
        ratio = (last.p50_ms / first.p50_ms) if first and last and first.p50_ms and last.p50_ms else None
        errors = sum(r.errors for r in runs if r)
        ok = ratio is not None and ratio <= GROWTH_LIMIT and not errors
        cells = " | ".join(fmt(r.p50_ms if r else None) for r in runs)
        lines.append(
            f"| {kind} | {cells} | {'–' if ratio is None else f'{ratio:.2f}'} | {fmt(last.p99_ms if last else None)}"
            f" | {errors} | {'✓' if ok else '✗'} |"
        )
    return lines
