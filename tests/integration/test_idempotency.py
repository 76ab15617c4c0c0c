"""Idempotency-Key handling (`respite_core.idempotency.once`) against the moto server."""

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest

from respite_core import aws as aws_clients
from respite_core import idempotency
from respite_core.idempotency import (
    IdempotencyKeyReused,
    IdempotentRequestInProgress,
    StoredResponse,
    once,
)
from respite_core.resources import TableName, locate
from respite_infra.catalogue import CATALOGUE
from respite_infra.local.provision import provision

SCOPE = "consent:POST:/dossiers:agency-1:user-1"
RAW_BODY = '{"national_number": "85073003328", "name": "Jan Peeters"}'
FINGERPRINT = hashlib.sha256(f"POST /dossiers {RAW_BODY}".encode()).hexdigest()
CREATED = StoredResponse(status=201, headers={"Location": "/dossiers/D1"}, body='{"dossier_id": "D1"}')


@pytest.fixture
def wired(aws: boto3.Session, stage: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process is a function of a freshly provisioned stage."""
    for name, value in provision(CATALOGUE, stage, aws).items():
        monkeypatch.setenv(name, value)
    aws_clients.forget_clients()
    idempotency.forget_persistence_layers()
    yield
    idempotency.forget_persistence_layers()
    aws_clients.forget_clients()


class Counted:
    """A `run` that counts its calls and answers `response`."""

    def __init__(self, response: StoredResponse = CREATED) -> None:
        self.calls = 0
        self.response = response

    def __call__(self) -> StoredResponse:
        self.calls += 1
        return self.response


def records() -> list[dict[str, Any]]:
    items = aws_clients.dynamodb().scan(TableName=locate(TableName.IDEMPOTENCY))["Items"]
    return [{name: next(iter(value.values())) for name, value in item.items()} for item in items]


def call(
    run: Callable[[], StoredResponse], *, key: str = "k-1", fingerprint: str = FINGERPRINT
) -> StoredResponse:
    return once(scope=SCOPE, key=key, request_fingerprint=fingerprint, run=run)


@pytest.mark.usefixtures("wired")
def test_a_repeated_request_replays_the_first_response_without_running_again() -> None:
    run = Counted()

    first = call(run)
    again = call(run)
    third = call(Counted(StoredResponse(201, {}, '{"dossier_id": "D2"}')))  # a second effect would differ

    assert first == again == third == CREATED
    assert run.calls == 1
    assert len(records()) == 1


@pytest.mark.usefixtures("wired")
def test_the_same_key_for_another_request_is_refused() -> None:
    call(Counted())
    other = Counted()

    with pytest.raises(IdempotencyKeyReused):
        call(other, fingerprint=hashlib.sha256(b"POST /dossiers {}").hexdigest())

    assert other.calls == 0
    assert call(Counted()) == CREATED  # the first request still replays


@pytest.mark.usefixtures("wired")
def test_a_repeat_while_the_first_runs_is_told_it_is_in_progress() -> None:
    started, release = threading.Event(), threading.Event()

    def slow() -> StoredResponse:
        started.set()
        assert release.wait(10)
        return CREATED

    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(call, slow)
        assert started.wait(10)
        second = Counted()
        with pytest.raises(IdempotentRequestInProgress):
            call(second)
        with pytest.raises(IdempotencyKeyReused):  # another request under the same key: reuse wins
            call(second, fingerprint="another-fingerprint")
        release.set()
        assert first.result(timeout=10) == CREATED

    assert second.calls == 0
    assert call(second) == CREATED
    assert second.calls == 0


@pytest.mark.usefixtures("wired")
def test_a_failed_run_stores_nothing_and_the_retry_runs() -> None:
    class Boom(Exception):
        pass

    failure = Boom("the store is down")

    def failing() -> StoredResponse:
        raise failure

    with pytest.raises(Boom) as raised:
        call(failing)
    assert raised.value is failure  # unchanged, not wrapped
    assert records() == []

    retry = Counted()
    assert call(retry) == CREATED
    assert retry.calls == 1


@pytest.mark.usefixtures("wired")
def test_an_error_response_is_returned_but_not_stored() -> None:
    conflict = Counted(StoredResponse(409, {"Content-Type": "application/problem+json"}, '{"status": 409}'))

    assert call(conflict) == conflict.response
    assert records() == []

    later = Counted()
    assert call(later) == CREATED  # the retry runs and its success is what replays from now on
    assert call(conflict) == CREATED
    assert (later.calls, conflict.calls) == (1, 1)


@pytest.mark.usefixtures("wired")
def test_scopes_with_the_same_key_are_independent() -> None:
    mine, theirs = Counted(), Counted(StoredResponse(201, {}, '{"dossier_id": "D9"}'))
    other_scope = "consent:POST:/dossiers:agency-2:user-7"

    assert call(mine) == CREATED
    assert once(scope=other_scope, key="k-1", request_fingerprint="another", run=theirs) == theirs.response

    assert (mine.calls, theirs.calls) == (1, 1)
    assert len({record["id"] for record in records()}) == 2


@pytest.mark.usefixtures("wired")
def test_an_expired_record_no_longer_replays() -> None:
    call(Counted())
    (record,) = records()
    aws_clients.dynamodb().update_item(  # as if 24 h had passed (moto never deletes it: TTL is lazy)
        TableName=locate(TableName.IDEMPOTENCY),
        Key={"id": {"S": record["id"]}},
        UpdateExpression="SET expiration = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
    )

    later = Counted(StoredResponse(201, {}, '{"dossier_id": "D3"}'))
    assert call(later) == later.response
    assert later.calls == 1
    assert call(Counted()) == later.response  # the new run is what replays now


@pytest.mark.usefixtures("wired")
def test_a_tiny_expiry_runs_again_once_it_has_passed() -> None:
    run = Counted()
    once(scope=SCOPE, key="k-1", request_fingerprint=FINGERPRINT, run=run, expires_after_s=1)
    once(scope=SCOPE, key="k-1", request_fingerprint=FINGERPRINT, run=run, expires_after_s=1)
    assert run.calls == 1

    time.sleep(2.1)  # Powertools' expiry is whole seconds and compared with `<`

    once(scope=SCOPE, key="k-1", request_fingerprint=FINGERPRINT, run=run, expires_after_s=1)
    assert run.calls == 2


@pytest.mark.usefixtures("wired")
@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "line\nbreak", "tab\there", "nul\x00"])
def test_an_invalid_key_is_refused_before_anything_runs(key: str) -> None:
    run = Counted()

    with pytest.raises(ValueError, match="Idempotency-Key"):
        call(run, key=key)

    assert run.calls == 0
    assert records() == []


@pytest.mark.usefixtures("wired")
def test_the_longest_and_widest_valid_keys_are_accepted() -> None:
    for key in ("k" * 255, "".join(chr(code) for code in range(0x20, 0x7F))):
        run = Counted()
        assert call(run, key=key) == CREATED
        assert run.calls == 1
    assert len(records()) == 2


@pytest.mark.usefixtures("wired")
def test_the_record_holds_hashes_and_the_response_but_not_the_request() -> None:
    before = int(time.time())
    call(Counted(), key="client-key-42")

    (record,) = records()
    scope_and_key = json.dumps([SCOPE, "client-key-42"], sort_keys=True).encode()
    assert record["id"] == f"http#{hashlib.sha256(scope_and_key).hexdigest()}"
    assert record["validation"] == hashlib.sha256(json.dumps(FINGERPRINT).encode()).hexdigest()
    assert record["status"] == "COMPLETED"
    assert json.loads(record["data"]) == {
        "status": 201,
        "headers": {"Location": "/dossiers/D1"},
        "body": CREATED.body,
    }
    assert before + 86_400 <= int(record["expiration"]) <= int(time.time()) + 86_400

    stored = json.dumps(record)
    for secret in (
        "85073003328",
        "Jan Peeters",
        RAW_BODY,
        FINGERPRINT,
        "client-key-42",
        "agency-1",
        "user-1",
    ):
        assert secret not in stored
