"""Starts the local stack (`python -m respite_infra.local`) on free ports, as `make run` does."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import boto3
import pytest
import requests

START_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningStack:
    base_url: str
    aws_endpoint: str
    environment: dict[str, str]
    password: str
    office_clients: list[dict[str, str]]
    process: subprocess.Popen[bytes]
    log_path: Path | None = None  # everything the stack logged (INFO), for tests that search it

    @classmethod
    def described(
        cls, info: dict[str, Any], process: subprocess.Popen[bytes], log_path: Path | None = None
    ) -> "RunningStack":
        """The stack that `info` (its ready file) describes."""
        return cls(
            base_url=info["base_url"],
            aws_endpoint=info["aws_endpoint"],
            environment=info["environment"],
            password=info["password"],
            office_clients=info["office_clients"],
            process=process,
            log_path=log_path,
        )

    def sign_in(self, username: str) -> str:
        response = requests.post(
            f"{self.base_url}/local/sign-in",
            json={"username": username, "password": self.password},
            timeout=10,
        )
        response.raise_for_status()
        return str(response.json()["id_token"])

    def office_token(self, office_id: str) -> str:
        """An office system's access token, by OAuth2 client credentials (HTTP Basic), as it gets one."""
        credentials = next(c for c in self.office_clients if c["office_id"] == office_id)
        response = requests.post(
            f"{self.base_url}/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(credentials["client_id"], credentials["client_secret"]),
            timeout=10,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def aws(self, service: str) -> Any:
        return boto3.client(  # type: ignore[call-overload]
            service,
            endpoint_url=self.aws_endpoint,
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def table_items(self, env_var: str) -> list[dict[str, Any]]:
        client = self.aws("dynamodb")
        pages = client.get_paginator("scan").paginate(TableName=self.environment[env_var])
        return [item for page in pages for item in page["Items"]]


def launch(
    ready: Path,
    port: int,
    *options: str,
    stdout: int | IO[bytes] | None = None,
    stderr: int | IO[bytes] | None = None,
    log_level: str = "WARNING",
    settings: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """`python -m respite_infra.local` as `make run` starts it, on `port`, describing itself in `ready`;
    `settings`: more environment variables (e.g. the clock's, RESPITE_CLOCK_START)."""
    command = [sys.executable, "-m", "respite_infra.local", "--port", str(port), "--ready-file", str(ready)]
    return subprocess.Popen(
        [*command, *options],
        env={**os.environ, "RESPITE_LOG_LEVEL": log_level, **(settings or {})},
        stdout=stdout,
        stderr=stderr,
        start_new_session=True,
    )


def wait_until_ready(process: subprocess.Popen[bytes], ready: Path) -> dict[str, Any]:
    """The stack's description (URLs, credentials) once it is up; fails the test after 90 s."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while not ready.exists():
        if process.poll() is not None:
            pytest.fail(f"the local stack exited with {process.returncode} before it was ready")
        if time.monotonic() > deadline:
            pytest.fail("the local stack was not ready within 90 s")
        time.sleep(0.2)
    return dict(json.loads(ready.read_text()))


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    ready = tmp_path_factory.mktemp("stack") / "ready.json"
    log_path = ready.with_name("stack.log")  # searched for personal data by the erasure tests
    log = log_path.open("wb")
    process = launch(
        ready, free_port(), "--ttl-every", "1", stdout=log, stderr=subprocess.STDOUT, log_level="INFO"
    )
    try:
        yield RunningStack.described(wait_until_ready(process, ready), process, log_path)
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as a person would; SIGKILL for the whole group if that does not end it."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise


def wait_for(probe: Any, timeout_s: float = 15.0, every_s: float = 0.2) -> Any:
    """Poll `probe()` until it returns something truthy (the pumps are asynchronous)."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            return result
        time.sleep(every_s)
