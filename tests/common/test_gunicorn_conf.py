"""quanshan/gunicorn.conf.py sets up each worker after the fork: the interpreter is handed between
threads every GUNICORN_SWITCH_INTERVAL_MS and the preloaded modules are frozen out of the garbage
collector's walks (README, "Serving in production"; measured in bench/adversarial.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "quanshan" / "gunicorn.conf.py"

# A fresh interpreter plays the forked worker: the hook changes process-wide state.
WORKER = """
import gc, runpy, sys
conf = runpy.run_path(sys.argv[1])
before = gc.get_freeze_count()
conf["post_fork"](None, None)
print(sys.getswitchinterval(), before, gc.get_freeze_count())
"""


def run_post_fork(**env: str) -> tuple[float, int, int]:
    output = subprocess.run(
        [sys.executable, "-c", WORKER, str(CONF)], env=env, check=True, text=True, capture_output=True
    ).stdout
    interval, before, after = output.split()
    return float(interval), int(before), int(after)


def test_post_fork_hands_the_interpreter_over_every_millisecond_and_freezes_the_loaded_modules():
    interval, before, after = run_post_fork()
    assert interval == 0.001  # Python's default is 0.005
    assert before == 0 and after > 1000  # the modules' objects are set aside


def test_the_switch_interval_is_a_setting():
    interval, _before, _after = run_post_fork(GUNICORN_SWITCH_INTERVAL_MS="2.5")
    assert interval == 0.0025
