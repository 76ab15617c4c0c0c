"""The fault suites: the platform's consumers against moto (one moto server per session, as in
`tests/integration`), with faults injected where AWS would cause them — in the delivery of events
(duplicates, reordering, a crash mid-batch), at the HTTP boundary of botocore (throttling) and in a
real HTTP receiver (an office's endpoint that is down).

This process plays every part: the Chalice APIs (through the local gateway's `ApiGateway`, with the
claims API Gateway's Cognito authorizer would pass), and the Lambda consumers, invoked with
Lambda-shaped events. What those events carry is captured from the real stream and queues; how they
are delivered (once and in order, or twice and shuffled) is the test's choice.

Profiles: `make test` runs the bounded one; `make faults` sets `RESPITE_FAULTS_PROFILE=full` (more
orderings, seeds and repetitions).
"""

import json
import os
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from chalice.config import Config

from respite_core import aws as aws_clients
from respite_core.resources import QueueName, TableName, env_var
from respite_core.store.directory import Directory
from respite_infra.catalogue import CATALOGUE
from respite_infra.local.gateway import ApiGateway, authorizer_claims, load_app
from respite_infra.local.handlers import LambdaContext, resolve
from respite_infra.local.provision import provision, verify_email_identities
from respite_infra.local.pumps import SqsPump, StreamPump
from respite_infra.local.seed import seed_directory
from respite_infra.local.ttl import TtlMarks
from tests.integration.conftest import aws, moto_server  # noqa: F401 - the session's moto server

FULL = os.environ.get("RESPITE_FAULTS_PROFILE", "") == "full"
SENDER = "Respite <no-reply@respite.example>"

Handler = Callable[[dict[str, Any], Any], Any]


def seeds(bounded: int, full: int) -> list[int]:
    """The random seeds a test runs with: a few in `make test`, many in `make faults`."""
    return list(range(full if FULL else bounded))


# --- the APIs, in this process -------------------------------------------------------------------------


CASEWORKER = authorizer_claims(
    {"sub": "anna", "token_use": "id", "custom:agency_id": "ocmw-gent", "custom:role": "caseworker"}
)


def office_claims(client_id: str) -> dict[str, str]:
    return authorizer_claims(
        {
            "sub": client_id,
            "client_id": client_id,
            "token_use": "access",
            "scope": "respite/office.read respite/office.write",
        }
    )


class Apis:
    """The consent, claims and notifications APIs of the stage, called as API Gateway calls them."""

    def __init__(self) -> None:
        self._gateways = {
            api.prefix: ApiGateway(load_app(api), Config.create(chalice_stage="local"))
            for api in CATALOGUE.apis
            if api.service in ("consent", "claims", "notifications")
        }

    def raw(
        self,
        method: str,
        path: str,
        body: Any = None,
        claims: dict[str, str] = CASEWORKER,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        """Status, headers and the JSON body of one call."""
        raw = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        sent = {"content-type": "application/json"} if body is not None else {}
        status, answered, answer = self.send(method, path, sent | (headers or {}), raw, claims)
        return status, answered, json.loads(answer) if answer else None

    def send(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        raw: bytes | None,
        claims: dict[str, str] | None = CASEWORKER,
    ) -> tuple[int, dict[str, str], bytes]:
        """One call as sent (any body, any headers): status, headers and the body's bytes."""
        prefix, _, rest = path.lstrip("/").partition("/")
        return self._gateways[prefix].invoke(method, f"/{rest}", headers, raw, claims)

    def call(
        self, method: str, path: str, body: Any = None, claims: dict[str, str] = CASEWORKER
    ) -> tuple[int, Any]:
        status, _, answer = self.raw(method, path, body, claims)
        return status, answer

    def ok(self, method: str, path: str, body: Any = None, claims: dict[str, str] = CASEWORKER) -> Any:
        status, answer = self.call(method, path, body, claims)
        assert 200 <= status < 300, (method, path, status, answer)
        return answer


# --- the stage ----------------------------------------------------------------------------------------------


@dataclass
class Stage:
    session: boto3.Session
    environment: dict[str, str]
    apis: Apis
    offices: dict[str, dict[str, str]]  # office_id -> its token's claims

    def table(self, name: TableName) -> str:
        return self.environment[env_var(name)]

    def queue(self, name: QueueName) -> str:
        return self.environment[env_var(name)]


@pytest.fixture
def stage_env(aws: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stage]:  # noqa: F811
    """A freshly provisioned stage; this process is its APIs and its consumers."""
    name = f"f{uuid.uuid4().hex[:10]}"
    environment = provision(CATALOGUE, name, aws)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("RESPITE_EMAIL_SENDER", SENDER)
    monkeypatch.setenv("RESPITE_PUBLIC_URL", "https://api.respite.example")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "WARNING")
    verify_email_identities(aws, SENDER)
    aws_clients.forget_clients()
    seed_directory()
    directory = Directory()
    offices = {}
    for office_id in ("vanhove", "lambert"):
        client_id = f"client-{office_id}-{uuid.uuid4().hex[:6]}"
        directory.link_client(client_id, office_id)
        offices[office_id] = office_claims(client_id)
    yield Stage(aws, environment, Apis(), offices)
    aws_clients.forget_clients()


# --- capturing what the stream and the queues carry --------------------------------------------------------


@dataclass
class Capture:
    """Lambda-shaped records, read by the local stack's own pumps, handed to nobody yet."""

    records: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.records.extend(event["Records"])
        return {"batchItemFailures": []}

    def take(self) -> list[dict[str, Any]]:
        taken, self.records = self.records, []
        return taken


class Taps:
    """One capturing pump per event source the consumers under test read."""

    def __init__(self, stage: Stage) -> None:
        sqs = stage.session.client("sqs")
        self.stream = Capture()
        consumer = next(c for c in CATALOGUE.stream_consumers if c.table == TableName.DOSSIERS)
        self._stream_pump = StreamPump(
            consumer,
            stage.table(TableName.DOSSIERS),
            self.stream,
            stage.session.client("dynamodbstreams"),
            stage.session.client("dynamodb"),
            sqs,
            stage.queue(consumer.on_failure),
            TtlMarks(),
            refresh_s=0.0,
        )
        self.queues: dict[QueueName, tuple[Capture, SqsPump]] = {}
        for queue_consumer in CATALOGUE.queue_consumers:
            if queue_consumer.queue not in (QueueName.CLAIMS_CONSOLIDATION, QueueName.OUTBOX):
                continue
            capture = Capture()
            pump = SqsPump(
                queue_consumer,
                CATALOGUE.queue(queue_consumer.queue),
                stage.queue(queue_consumer.queue),
                capture,
                sqs,
                wait_time_s=0,
            )
            self.queues[queue_consumer.queue] = (capture, pump)

    def stream_records(self) -> list[dict[str, Any]]:
        while self._stream_pump.poll_once():
            pass
        return self.stream.take()

    def messages(self, queue: QueueName) -> list[dict[str, Any]]:
        capture, pump = self.queues[queue]
        while pump.poll_once():
            pass
        return capture.take()


def handler_of(function_handler: str) -> Handler:
    return resolve(function_handler)


def context_for(queue_or_table: QueueName | TableName) -> LambdaContext:
    for consumer in CATALOGUE.queue_consumers:
        if consumer.queue == queue_or_table:
            return LambdaContext.for_function(consumer.function)
    for stream in CATALOGUE.stream_consumers:
        if stream.table == queue_or_table:
            return LambdaContext.for_function(stream.function)
    raise LookupError(queue_or_table)


def failed_ids(result: Any) -> set[str]:
    return {str(f["itemIdentifier"]) for f in (result or {}).get("batchItemFailures", [])}


def record_id(record: dict[str, Any]) -> str:
    """The id a consumer reports a failed record by: SQS messageId, or the stream sequence number."""
    return str(record.get("messageId") or record["dynamodb"]["SequenceNumber"])


def batches(records: Sequence[dict[str, Any]], rng: random.Random, largest: int) -> Iterator[list[Any]]:
    """`records` cut into batches of random sizes (1 .. largest), in the given order."""
    i = 0
    while i < len(records):
        size = rng.randint(1, largest)
        yield list(records[i : i + size])
        i += size
