"""Loaded by scripts/at-date only (via PYTHONPATH), for runs under libfaketime with a real monotonic clock.

libfaketime 0.9.10's clock_nanosleep then fails with EINVAL, so time.sleep waits on an Event instead.
"""

import threading
import time


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    threading.Event().wait(seconds)


time.sleep = _sleep
