"""One moto server (a child process on a free port) for the whole integration session.

Every test works in its own stage (`respite-<stage>-...` names), so tests share the server without
sharing resources.
"""

import time
import uuid
from collections.abc import Callable, Iterator

import boto3
import pytest

from respite_infra.local.environment import aws_environment
from respite_infra.local.moto_process import MotoServer, free_port

REGION = "eu-west-1"


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    with MotoServer(free_port()) as server:
        yield server


@pytest.fixture(scope="session")
def aws(moto_server: MotoServer) -> Iterator[boto3.Session]:
    """A session whose clients reach the moto server (AWS_ENDPOINT_URL), never AWS."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in aws_environment(moto_server.endpoint, REGION).items():
            patch.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SQS"):
            patch.delenv(name, raising=False)
        yield boto3.Session(region_name=REGION)


@pytest.fixture
def stage() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


def wait_for[T](probe: Callable[[], T], *, timeout_s: float = 10.0, every_s: float = 0.02) -> T:
    """`probe()` once it is truthy; fails the test at the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout_s}s (last: {result!r})")
        time.sleep(every_s)
