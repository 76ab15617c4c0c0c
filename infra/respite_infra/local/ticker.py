"""A daemon thread that runs one step of a pump, sweeper or scheduler again and again until stopped."""

import logging
import threading
from collections.abc import Callable

from botocore.exceptions import ClientError

logger = logging.getLogger(__name__)


def describe_error(error: BaseException) -> str:
    """What may be logged about an error: its type, and an AWS error code — never its message,
    which can quote personal data (an item's key, a message body)."""
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "?")
        return f"{type(error).__name__}({code})"
    return type(error).__name__


class Ticker:
    """Runs `step` in a daemon thread until `stop()`.

    `step` returns how much work it did. With `again_while_busy`, a step that did work is followed
    at once by the next; otherwise (and always after an idle step) the thread waits `interval_s`.
    An exception in `step` is logged (type only) and the loop goes on.
    """

    def __init__(
        self, name: str, step: Callable[[], int], interval_s: float, *, again_while_busy: bool
    ) -> None:
        self.name = name
        self._step = step
        self._interval_s = interval_s
        self._again_while_busy = again_while_busy
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.is_running():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout_s)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                done = self._step()
            except Exception as error:
                logger.error("%s: step failed: %s", self.name, describe_error(error))
                done = 0
            if done and self._again_while_busy:
                continue
            self._stopping.wait(self._interval_s)
