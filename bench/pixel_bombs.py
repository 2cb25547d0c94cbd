"""Pixel bombs against a running gunicorn: do the upload limits hold the workers' memory and keep
the site answering? (issue 10, item 1)

Three client processes post the residents' form (`/requests/new/`) for 30 s, each time with a PNG of
about 400 KB that declares 12000×12000 RGB pixels (432 MB once decoded). Each post comes from
another client address (X-Forwarded-For through one trusted proxy), as a botnet would send them,
so the per-address limit does not stop them: the pixel budget must. Meanwhile a fourth process
asks for /healthz without pause; the script reports its p50/p99, each worker's peak resident
memory and what the bombs got back. Targets: every worker under 250 MB, /healthz p99 under 100 ms.

    .venv/bin/python bench/pixel_bombs.py               # starts gunicorn like bench/run.py
    BOMB_URL=http://127.0.0.1:8000 BOMB_SERVER_PID=1234 .venv/bin/python bench/pixel_bombs.py

Environment variables: BOMB_URL (a running server; then memory is sampled only with
BOMB_SERVER_PID, gunicorn's master), BOMB_DB (quanshan_bombs: a small PostgreSQL database, made
and seeded when missing), BOMB_CLIENTS (3), BOMB_DURATION (30 s), BOMB_SIDE (12000 pixels),
BOMB_BASELINE (10 s of /healthz alone first),
BOMB_PORT (8766), BOMB_WORKERS (3), BOMB_REDIS_DB (12), BOMB_SAME_ADDRESS (1: every post from one
address, so the per-address limit answers 429 after PUBLIC_SUBMIT_LIMIT), BOMB_OUTPUT
(bench/results/pixel_bombs.md, where each run is appended as a dated section; "-" prints only).
GUNICORN_THREADS is passed on to the server as in production (quanshan/gunicorn.conf.py).
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import random
import re
import struct
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
import zlib
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import run  # bench/run.py: the same gunicorn, environment and memory sampler as `make bench`

URL = os.environ.get("BOMB_URL", "")
SERVER_PID = int(os.environ.get("BOMB_SERVER_PID", "0"))
DB = os.environ.get("BOMB_DB", "quanshan_bombs")
CLIENTS = int(os.environ.get("BOMB_CLIENTS", "3"))
DURATION = float(os.environ.get("BOMB_DURATION", "30"))
SIDE = int(os.environ.get("BOMB_SIDE", "12000"))
PORT = int(os.environ.get("BOMB_PORT", "8766"))
WORKERS = int(os.environ.get("BOMB_WORKERS", "3"))
BASELINE = float(os.environ.get("BOMB_BASELINE", "10"))
REDIS_DB = int(os.environ.get("BOMB_REDIS_DB", "12"))
SAME_ADDRESS = os.environ.get("BOMB_SAME_ADDRESS", "0") == "1"
OUTPUT = os.environ.get("BOMB_OUTPUT", str(run.ROOT / "bench" / "results" / "pixel_bombs.md"))
TARGET_RSS_MB, TARGET_P99_MS = 250, 100


def png_bomb(side: int) -> bytes:
    """A valid side×side 8-bit RGB PNG, all black: about 1/1000 of its decoded size."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    row = bytes(1 + 3 * side)  # filter byte + RGB pixels
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def form_fields(base: str) -> tuple[dict[str, str], str, str]:
    """The form's fields as a resident fills them in, the CSRF cookie and token, from a GET."""
    with urllib.request.urlopen(f"{base}/requests/new/", timeout=30) as response:
        html = response.read().decode()
        cookie = next(
            value.split(";")[0]
            for name, value in response.headers.items()
            if name.lower() == "set-cookie" and value.startswith("csrftoken=")
        )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    subdistrict = re.search(r'<select name="subdistrict"[^>]*>.*?<option value="(\d+)"', html, re.S).group(1)
    fields = {
        "csrfmiddlewaretoken": token,
        "kind": "help",
        "subdistrict": subdistrict,
        "title": "楼道灯坏了",
        "content": "3号楼2单元楼道灯坏了一个月。",
        "submitter_name": "王秀英",
        "submitter_phone": "13912345678",
    }
    return fields, cookie, token


def multipart(fields: dict[str, str], photo: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="IMG_0001.png"\r\n'
        "Content-Type: image/png\r\n\r\n".encode()
        + photo
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def bomber(base: str, photo: bytes, until: float, results) -> None:
    fields, cookie, _token = form_fields(base)
    body, content_type = multipart(fields, photo)
    target = urllib.parse.urlsplit(base)
    statuses: Counter = Counter()
    times: list[float] = []
    rng = random.Random()
    while time.time() < until:
        address = (
            "198.51.100.7" if SAME_ADDRESS else f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        )
        headers = {
            "Content-Type": content_type,
            "Cookie": cookie,
            "X-Forwarded-For": address,
            "Referer": f"{base}/requests/new/",
        }
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
            connection.request("POST", "/requests/new/", body=body, headers=headers)
            response = connection.getresponse()
            page = response.read().decode(errors="replace")
            connection.close()
            refused = "照片像素过多" in page
            statuses[f"{response.status}{' (refused: too many pixels)' if refused else ''}"] += 1
        except OSError as exc:
            statuses[f"error {exc.__class__.__name__}"] += 1
        times.append(time.perf_counter() - started)
    results.put(("bomber", statuses, times))


def prober(base: str, until: float, results) -> None:
    target = urllib.parse.urlsplit(base)
    latencies: list[float] = []
    failures = 0
    while time.time() < until:
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status != 200:
                failures += 1
        except OSError:
            failures += 1
        latencies.append(time.perf_counter() - started)
        time.sleep(0.01)
    results.put(("prober", latencies, failures))


def commit() -> str:
    """The checkout's commit (with + when it has changes), so each run says what it measured."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=run.ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "apps", "quanshan"], cwd=run.ROOT)
    return head.stdout.strip() + ("+" if dirty.returncode else "")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def prepare_database() -> None:
    exists = run.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB}'")
    if not exists:
        run.psql(f'CREATE DATABASE "{DB}"')
    run.manage("migrate", "--noinput", "-v", "0", db=DB)
    run.manage("seed_demo", "--if-empty", "--projects", "20", "--requests", "50", db=DB)
    run.manage("collectstatic", "--noinput", "-v", "0", db=DB)


def start_server() -> subprocess.Popen:
    server = subprocess.Popen(
        [run.GUNICORN, "-c", "quanshan/gunicorn.conf.py", "quanshan.wsgi"],
        cwd=run.ROOT,
        env=run.app_env(
            DB,
            GUNICORN_BIND=f"127.0.0.1:{PORT}",
            WEB_CONCURRENCY=str(WORKERS),
            GUNICORN_MAX_REQUESTS="0",  # no recycling: each worker's peak is its honest peak
            REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
            CACHE_KEY_PREFIX="bombs",
        ),
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    run.stop_server(server)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def main() -> None:
    started_at = datetime.now(timezone.utc)
    load_at_start = os.getloadavg()[0]
    photo = png_bomb(SIDE)
    run.log(f"bomb: {SIDE}×{SIDE} RGB PNG, {len(photo) / 1024:.0f} KB ({SIDE * SIDE * 3 / 2**20:.0f} MB decoded)")
    server = None
    base = URL.rstrip("/")
    if not base:
        prepare_database()
        import redis

        redis.Redis.from_url(f"redis://127.0.0.1:6379/{REDIS_DB}").flushdb()
        server = start_server()
        base = f"http://127.0.0.1:{PORT}"
    master = server.pid if server is not None else SERVER_PID
    sampler = run.MemorySampler(master) if master else None
    baseline_kb: dict[int, int] = {}
    if sampler is not None:
        baseline_kb = {pid: run.MemorySampler.rss_kb(pid) or 0 for pid in sampler.children()}
        sampler.start()
    results: multiprocessing.Queue = multiprocessing.Queue()
    # /healthz alone first: this machine's own latency at the moment, to compare with.
    run.log(f"/healthz alone for {BASELINE:.0f} s")
    prober(base, time.time() + BASELINE, results)
    _label, baseline_latencies, baseline_failures = results.get()
    until = time.time() + DURATION
    processes = [multiprocessing.Process(target=bomber, args=(base, photo, until, results)) for _ in range(CLIENTS)]
    processes.append(multiprocessing.Process(target=prober, args=(base, until, results)))
    run.log(f"{CLIENTS} clients post bombs to {base}/requests/new/ for {DURATION:.0f} s; /healthz probed meanwhile")
    try:
        for process in processes:
            process.start()
        answers = [results.get(timeout=DURATION + 120) for _ in processes]
        for process in processes:
            process.join()
    finally:
        if sampler is not None:
            sampler.sample()
            sampler.stop()
        if server is not None:
            run.stop_server(server)
    statuses: Counter = Counter()
    post_times: list[float] = []
    latencies: list[float] = []
    failures = 0
    for answer in answers:
        if answer[0] == "bomber":
            statuses.update(answer[1])
            post_times += answer[2]
        else:
            latencies, failures = answer[1], answer[2]
    peaks = {pid: kb / 1024 for pid, kb in (sampler.peaks_kb.items() if sampler else [])}
    p50, p99 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000
    worst = max(peaks.values(), default=float("nan"))
    verdict = "met" if p99 < TARGET_P99_MS and not failures else "MISSED"
    lines = [
        f"## Run {started_at:%Y-%m-%d %H:%M} UTC: {WORKERS if server else '?'} {run.worker_kind()}, code `{commit()}`",
        "",
        f"Against {'gunicorn started by the script' if server else base}:"
        f" {WORKERS if server else '?'} {run.worker_kind()}, DEBUG off, PostgreSQL, Redis; load average"
        f" {load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (2 cores shared with other work).",
        f"{CLIENTS} clients posted a {len(photo) / 1024:.0f} KB PNG declaring {SIDE}×{SIDE} RGB pixels"
        f" for {DURATION:.0f} s, {'from one address' if SAME_ADDRESS else 'each post from another address'}.",
        "",
        f"- posts: {sum(statuses.values())}, answers: "
        + ", ".join(f"{status} × {count}" for status, count in sorted(statuses.items())),
        f"- a post took p50 {percentile(post_times, 0.5) * 1000:.0f} ms,"
        f" p99 {percentile(post_times, 0.99) * 1000:.0f} ms",
        f"- /healthz under the bombs: {len(latencies)} requests, {failures} failed, p50 {p50:.1f} ms,"
        f" p99 {p99:.1f} ms (target < {TARGET_P99_MS} ms): {verdict}",
        f"- /healthz alone just before ({BASELINE:.0f} s): {len(baseline_latencies)} requests,"
        f" {baseline_failures} failed, p50 {percentile(baseline_latencies, 0.5) * 1000:.1f} ms,"
        f" p99 {percentile(baseline_latencies, 0.99) * 1000:.1f} ms",
        "- peak resident memory per worker: "
        + (
            ", ".join(
                f"{mb:.0f} MB (at start {baseline_kb.get(pid, 0) / 1024:.0f} MB)" for pid, mb in sorted(peaks.items())
            )
            or "not sampled (give BOMB_SERVER_PID)"
        )
        + (f" (target < {TARGET_RSS_MB} MB): {'met' if worst < TARGET_RSS_MB else 'MISSED'}" if peaks else ""),
    ]
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    if OUTPUT != "-":
        output = Path(OUTPUT)
        output.parent.mkdir(parents=True, exist_ok=True)
        previous = output.read_text() if output.exists() else "# Pixel bombs (bench/pixel_bombs.py)\n"
        output.write_text(previous.rstrip("\n") + "\n\n" + text)
        run.log(f"appended to {OUTPUT}")


if __name__ == "__main__":
    main()
