"""moto in server mode, as a child process that never outlives its parent.

The local stack's embedded AWS: `python -m moto.server` on 127.0.0.1. On Linux the child asks the
kernel (`prctl(PR_SET_PDEATHSIG, SIGTERM)`) to be terminated when its parent dies, so a killed
local stack leaves no moto behind. The kernel sends that signal when the *thread* that started the
child exits: start the server from a thread that lives as long as the stack (the main thread).
"""

import contextlib
import ctypes
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Self

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


SENT_MAIL_PATH = "/moto-api/ses/sent-mail.json"  # served by moto_main: SES's sent mail, nothing else


def sent_mail(endpoint: str, timeout_s: float = 30) -> list[str]:
    """The raw MIME of every email the embedded SES sent, oldest first."""
    host, port = endpoint.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout_s)
    try:
        connection.request("GET", SENT_MAIL_PATH)
        response = connection.getresponse()
        if response.status != 200:
            raise RuntimeError(f"moto answered {response.status} on {SENT_MAIL_PATH}")
        return [str(sent["raw_data"]) for sent in json.load(response)]
    finally:
        connection.close()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS's choice; another process may take it later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _die_with_parent(parent_pid: int) -> Callable[[], None]:
    """The child's preexec_fn: SIGTERM when the parent dies, and at once if it died already."""

    def preexec() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent_pid:  # the parent died between fork and prctl
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


class MotoServer:
    """`with MotoServer() as moto: ... moto.endpoint ...` — started, answering, and stopped at the end."""

    def __init__(
        self,
        port: int | None = None,
        *,
        host: str = "127.0.0.1",
        log_path: Path | None = None,
        startup_timeout_s: float = 30.0,
    ) -> None:
        self.host = host
        self.port = port if port is not None else free_port(host)
        self._log_path = log_path
        self._startup_timeout_s = startup_timeout_s
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> Self:
        if self.is_running():
            return self
        server = "respite_infra.local.moto_main"  # moto.server, with atomic DynamoDB transactions
        command = [sys.executable, "-m", server, "-H", self.host, "-p", str(self.port)]
        if self._log_path is not None:
            self._log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self._log_path.open("ab")
        output: IO[bytes] | int = self._log if self._log is not None else subprocess.DEVNULL
        preexec = _die_with_parent(os.getpid()) if sys.platform.startswith("linux") else None
        self._process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            preexec_fn=preexec,
        )
        try:
            self._wait_until_answering()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + self._startup_timeout_s
        while True:
            assert self._process is not None
            code = self._process.poll()
            if code is not None:
                raise RuntimeError(f"moto server exited with code {code} before answering on {self.endpoint}")
            if self._answers():
                return
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"moto server did not answer on {self.endpoint} in {self._startup_timeout_s}s"
                )
            time.sleep(0.05)

    def _answers(self) -> bool:
        return self._request("GET", "/moto-api/") == 200

    def _request(self, method: str, path: str) -> int | None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=2)
        try:
            connection.request(method, path)
            response = connection.getresponse()
            response.read()
            return response.status
        except OSError:
            return None
        finally:
            connection.close()

    def reset(self) -> None:
        """Forget every resource (moto's `/moto-api/reset`)."""
        status = self._request("POST", "/moto-api/reset")
        if status != 200:
            raise RuntimeError(f"moto reset answered {status}")

    def stop(self, grace_s: float = 5.0) -> None:
        """Terminate, wait `grace_s`, then kill. Safe to call twice."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            with contextlib.suppress(OSError):
                self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
