"""The writer of `make bench`'s mixed case: residents' requests submitted and moved through the
workflow at a steady rate, through the services (as the admin, the API and Open311 write).

Each write is one transaction: a resident submits a request (consenting to publication), an
official approves it for publication, then accepts, assigns, signs and resolves it — six writes
per request, five of them on a published request (they change public pages). Writes are paced
at `--rate` per second (steady, not in bursts); on SIGTERM or SIGINT the writer prints one JSON
line: writes done, errors, the rate achieved and the median and 90th-percentile write times.

bench/run.py pauses it (SIGSTOP) between measurements; it resumes at the rate, without
catching up. Run with the app's environment (DATABASE_URL, REDIS_URL, ...):
    python bench/writer.py --rate 5
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanshan.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=5.0, help="writes per second")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()

    import django

    django.setup()
    from apps.appeals.models import AppealKind
    from apps.appeals.services import appeal_set_publication, appeal_submit, appeal_transition
    from apps.places.models import Area, AreaLevel, Department

    rng = random.Random(options.seed)
    communities = list(Area.objects.filter(level=AreaLevel.COMMUNITY).select_related("parent"))
    departments = list(Department.objects.all()[:50])
    if not communities or not departments:
        sys.exit("the bench database has no communities or departments")

    def lifecycle():
        """One request's writes, one at a time."""
        area = rng.choice(communities)
        appeal = appeal_submit(
            kind=rng.choice([AppealKind.HELP, AppealKind.COMPLAINT, AppealKind.SUGGESTION]),
            area=area,
            title=f"{area.name}楼道灯坏了",
            content=f"{area.name}3号楼楼道灯坏了一个月，晚上老人上下楼不方便。（压测写入）",
            submitter_name="压测",
            submitter_phone="13900000000",
            consent_to_publish=True,
        )
        yield
        appeal_set_publication(appeal=appeal, approved=True)
        yield
        appeal = appeal_transition(appeal=appeal.pk, action="accept", reply="已受理。")
        yield
        appeal = appeal_transition(appeal=appeal.pk, action="assign", department=rng.choice(departments))
        yield
        appeal = appeal_transition(appeal=appeal.pk, action="sign")
        yield
        appeal_transition(appeal=appeal.pk, action="resolve", reply="已更换楼道灯。")
        yield

    stopping = False

    def stop(_signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    interval = 1.0 / options.rate
    started = time.monotonic()
    next_at = started
    writes = errors = 0
    durations: list[float] = []
    steps = lifecycle()
    while not stopping:
        now = time.monotonic()
        if now - next_at > 1.0:  # paused (SIGSTOP) or stalled: go on at the rate, no burst
            next_at = now
        if now < next_at:
            time.sleep(min(next_at - now, 0.2))
            continue
        next_at += interval
        began = time.monotonic()
        try:
            next(steps)
            writes += 1
        except StopIteration:
            steps = lifecycle()
            next_at -= interval  # the lifecycle ended without a write: take this slot again
            continue
        except Exception as exc:  # reported, and a fresh request takes over
            errors += 1
            print(f"write failed: {exc.__class__.__name__}: {exc}", file=sys.stderr, flush=True)
            steps = lifecycle()
        durations.append(time.monotonic() - began)
    elapsed = time.monotonic() - started
    durations.sort()
    # Median and 90th percentile: a write that was under way when run.py paused the writer
    # counts the pause too, so the slowest says nothing.
    median = durations[len(durations) // 2] if durations else 0.0
    p90 = durations[int(len(durations) * 0.9)] if durations else 0.0
    print(
        json.dumps(
            {
                "writes": writes,
                "errors": errors,
                "seconds": round(elapsed, 1),
                "rate": round(writes / elapsed, 2) if elapsed else 0,
                "median_ms": round(median * 1000),
                "p90_ms": round(p90 * 1000),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
