"""`make run`'s process: up with every component healthy, and Ctrl-C leaves nothing behind."""

import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

from tests.e2e.conftest import free_port, launch, stop, wait_until_ready


def processes_mentioning(text: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text in cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                found.append(int(cmdline.parent.name))
        except OSError:
            continue  # the process ended while we looked
    return found


def accepts_connections(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def moto_port_of(description: dict[str, object]) -> int:
    return int(str(description["aws_endpoint"]).rsplit(":", 1)[1])


def test_ctrl_c_stops_the_gateway_and_the_embedded_aws(tmp_path: Path) -> None:
    ready, port = tmp_path / "ready.json", free_port()
    stack = launch(ready, port, "--no-seed", stdout=subprocess.PIPE)
    try:
        moto_port = moto_port_of(wait_until_ready(stack, ready))
        assert requests.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200
        assert processes_mentioning(f"-p {moto_port}"), "moto runs as a child process"

        stack.send_signal(signal.SIGINT)
        output, _ = stack.communicate(timeout=30)
    finally:
        stop(stack)

    assert stack.returncode == 0
    assert b"Stopped." in output
    assert not accepts_connections(port)
    assert not accepts_connections(moto_port)
    assert processes_mentioning(f"-p {moto_port}") == []


def test_the_embedded_aws_dies_with_a_killed_stack(tmp_path: Path) -> None:
    """Even `kill -9` of the stack leaves no moto behind (PR_SET_PDEATHSIG)."""
    ready = tmp_path / "ready.json"
    stack = launch(ready, free_port(), "--no-seed", stdout=subprocess.DEVNULL)
    try:
        moto_port = moto_port_of(wait_until_ready(stack, ready))
        stack.kill()
        stack.wait(timeout=10)
    finally:
        stop(stack)

    deadline = time.monotonic() + 10
    while processes_mentioning(f"-p {moto_port}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_mentioning(f"-p {moto_port}") == []
