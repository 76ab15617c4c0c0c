"""Webhooks to office systems against moto and a real HTTP receiver on 127.0.0.1.

The receiver verifies every request with the `standardwebhooks` library, with each secret it was
given, and answers as told (fail N times, 410, ...). The webhook consumer runs as the local stack
runs it: `SqsPump` receives from the webhook queue and invokes the Lambda handler with SQS events.
Time is simulated: `RESPITE_WEBHOOKS_TIME_SCALE` shrinks the ~3-day schedule to a few milliseconds
(signatures still use the real clock, which the receiver checks).
"""

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from chalice.config import Config
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from respite_core import aws as aws_clients
from respite_core import clock, table_keys
from respite_core.api import Api
from respite_core.domain import MessageType, Office
from respite_core.ids import new_id, to_iso, utc_now
from respite_core.resources import KeyName, QueueName, TableName, env_var
from respite_core.ssrf import ALLOW_LOOPBACK_VARIABLE
from respite_core.store.directory import Directory
from respite_core.store.items import ENTITY
from respite_core.store.table import Table
from respite_infra.catalogue import CATALOGUE, Access, Function, QueueConsumer
from respite_infra.local.gateway import ApiGateway, authorizer_claims
from respite_infra.local.handlers import resolve
from respite_infra.local.moto_process import free_port
from respite_infra.local.provision import create_queue, provision
from respite_infra.local.pumps import SqsPump
from respite_notifications import webhook_admin
from respite_notifications.deliveries import OfficeDelivery
from respite_notifications.store import FeedStore
from respite_notifications.webhooks import deliver, payload, schedule, service
from respite_notifications.webhooks.redrive import main as redrive_main
from respite_notifications.webhooks.redrive import redrive
from respite_notifications.webhooks.store import Job, Status, WebhookStore, dead_letter_queue_url, send_job
from tests.integration.conftest import wait_for

WEBHOOK_CONSUMER = Function(
    name="notifications-webhook-deliveries",
    service="notifications",
    handler="respite_notifications.consumers.webhook_deliveries.handler",
    uses=(
        (TableName.DELIVERIES, Access.WRITE),
        (TableName.DIRECTORY, Access.READ),
        (TableName.DOSSIERS, Access.READ),
        (KeyName.DOSSIER_DATA, Access.READ),  # the offices' webhook secrets are sealed with it
        (QueueName.WEBHOOK_DELIVERIES, Access.WRITE),  # retries and hops are sent back to the queue
    ),
)  # what the catalogue should declare (with a send grant on the queue's DLQ)

# --- the receiver ---------------------------------------------------------------------------------


@dataclass
class Received:
    webhook_id: str
    answered: int
    verified_by: frozenset[str]  # the names of the secrets whose signature matched
    body: dict[str, Any] | None
    headers: dict[str, str]


@dataclass
class Receiver:
    """An office's system: verifies each POST with each secret it knows, answers per `script`."""

    secrets: dict[str, str] = field(default_factory=dict)  # name -> whsec_...
    script: list[int] = field(default_factory=list)  # answers to give first, in order
    then: int = 204  # the answer after the script (when a signature verified; else 401)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        verified = set()
        document = None
        for name, secret in self.secrets.items():
            try:
                document = Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
            verified.add(name)
        with self.lock:
            answer = self.script.pop(0) if self.script else (self.then if verified else 401)
            self.received.append(
                Received(headers.get("webhook-id", ""), answer, frozenset(verified), document, headers)
            )
        return answer

    def delivered(self) -> list[Received]:
        with self.lock:
            return [r for r in self.received if 200 <= r.answered < 300]


@contextmanager
def serving(state: Receiver) -> Iterator[str]:
    """`state` behind a real HTTP server on 127.0.0.1; yields the endpoint's URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = state.handle(body, {k.lower(): v for k, v in self.headers.items()})
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/respite"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()
    with serving(state) as url:
        yield state, url


# --- the stage ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wired(aws: boto3.Session) -> Iterator[dict[str, str]]:
    """One provisioned stage for the module (each test uses its own office); this process is the
    webhook consumer, the outbox consumer and the notifications API of that stage."""
    stage = f"t{uuid.uuid4().hex[:10]}"
    environment = provision(CATALOGUE, stage, aws)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        patch.setenv(ALLOW_LOOPBACK_VARIABLE, "1")  # the receiver listens on 127.0.0.1, as locally
        patch.setenv(schedule.TIME_SCALE_VARIABLE, "0.00001")  # ~3 days → ~2.5 s
        patch.setenv("RESPITE_PUBLIC_URL", "https://api.respite.example")
        patch.setenv("POWERTOOLS_LOG_LEVEL", "WARNING")
        aws_clients.forget_clients()
        yield environment
    aws_clients.forget_clients()


@pytest.fixture
def queue_url(wired: dict[str, str], aws: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> str:
    """A webhook queue (and its DLQ) of this test's own: what one test leaves there stays there."""
    queue = CATALOGUE.queue(QueueName.WEBHOOK_DELIVERIES)
    url = create_queue(aws.client("sqs"), queue, f"q{uuid.uuid4().hex[:10]}")
    monkeypatch.setenv(env_var(QueueName.WEBHOOK_DELIVERIES), url)
    return url


@pytest.fixture
def pump(queue_url: str, aws: boto3.Session) -> SqsPump:
    queue = CATALOGUE.queue(QueueName.WEBHOOK_DELIVERIES)
    return SqsPump(
        QueueConsumer(WEBHOOK_CONSUMER, queue=QueueName.WEBHOOK_DELIVERIES, batch_size=2),
        queue,
        queue_url,
        resolve(WEBHOOK_CONSUMER.handler),
        aws.client("sqs"),
        retry_delay_s=0,
        wait_time_s=0,
    )


def run_until[T](pump: SqsPump, probe: Callable[[], T], timeout_s: float = 60.0) -> T:
    """Play the event-source mapping (in this thread) until `probe()` is truthy."""

    def step() -> T:
        pump.poll_once()
        return probe()

    return wait_for(step, timeout_s=timeout_s, every_s=0.01)


def queue_counts(aws: boto3.Session, url: str) -> tuple[int, int, int]:
    attributes = aws.client("sqs").get_queue_attributes(
        QueueUrl=url,
        AttributeNames=[
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ],
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
        int(attributes["ApproximateNumberOfMessagesDelayed"]),
    )


def queue_is_empty(aws: boto3.Session, url: str) -> bool:
    return queue_counts(aws, url) == (0, 0, 0)


@dataclass
class Scene:
    office_id: str
    secret: str


def an_office(url: str | None) -> Scene:
    office_id = f"office-{uuid.uuid4().hex[:8]}"
    directory = Directory()
    directory.put_office(
        Office.model_validate(
            {
                "office_id": office_id,
                "name": "Gerechtsdeurwaarders Test",
                "kind": "bailiff",
                "country": "BE",
                "registration_number": "0403170701",
                "language": "nl",
                "contact_emails": ["dossiers@test.example"],
                "webhook_url": url,
            }
        )
    )
    return Scene(office_id, directory.add_webhook_secret(office_id, utc_now()).secret)


def a_message(office_id: str, *, stored: bool = True) -> OfficeDelivery:
    """A notice from the agency to the office, as the dossier table holds it (ids, type, dates)."""
    dossier_id, message_id, created = new_id(), new_id(), utc_now()
    if stored:
        key = table_keys.data_key(dossier_id)  # the dossier lives: its data key exists (the fence)
        Table(TableName.KEY_STORE).put({"PK": key, "SK": key, "wrapped": b"key"})
        Table(TableName.DOSSIERS).put(
            {
                "PK": table_keys.dossier(dossier_id),
                "SK": table_keys.DOSSIER_META,
                ENTITY: "dossier",
                "dossier_id": dossier_id,
                "agency_id": "ocmw-gent",
                "state": "notified",
            }
        )
        Table(TableName.DOSSIERS).put(
            {
                "PK": table_keys.dossier(dossier_id),
                "SK": table_keys.message(message_id),
                ENTITY: "message",
                "message_id": message_id,
                "conversation_id": message_id,
                "dossier_id": dossier_id,
                "sender": "ocmw-gent",
                "receiver": office_id,
                "agency_id": "ocmw-gent",
                "office_id": office_id,
                "type": "notice",
                "created_at": to_iso(created),
                "reply_due_on": "2026-03-16",
                "sealed_body": "ciphertext that the webhook never reads",
            }
        )
    return OfficeDelivery(
        dossier_id=dossier_id,
        message_id=message_id,
        office_id=office_id,
        agency_id="ocmw-gent",
        message_type=MessageType.NOTICE,
        created_at=created,
    )


def feed_about(message: OfficeDelivery) -> list[tuple[str, str | None, str | None]]:
    """The agency's feed items about the message's dossier: what the caseworker hears (ids only)."""
    items = [
        item for item, _ in FeedStore().listing("ocmw-gent", None) if item.dossier_id == message.dossier_id
    ]
    assert all(url_free(item.model_dump_json()) for item in items)
    return [(item.kind.value, item.office_id, item.message_id) for item in items]


def url_free(text: str) -> bool:
    return "http" not in text and "127.0.0.1" not in text


def delivery_of(office_id: str, message: OfficeDelivery) -> dict[str, Any]:
    found = WebhookStore().delivery(office_id, f"msg_{message.message_id}")
    assert found is not None
    return found


def status_is(office_id: str, message: OfficeDelivery, status: Status) -> Callable[[], bool]:
    return lambda: delivery_of(office_id, message)["status"] == status


OPERATOR = authorizer_claims(
    {"sub": "olga", "token_use": "id", "custom:agency_id": "respite-operations", "custom:role": "operator"}
)
CASEWORKER = authorizer_claims(
    {"sub": "anna", "token_use": "id", "custom:agency_id": "ocmw-gent", "custom:role": "caseworker"}
)


@pytest.fixture
def admin(wired: dict[str, str]) -> ApiGateway:
    api = Api("notifications", title="test", description="the operators' webhook routes")
    webhook_admin.register(api)
    return ApiGateway(api.app, Config.create(chalice_stage="local"))


def call(
    gateway: ApiGateway, method: str, path: str, claims: dict[str, str] = OPERATOR, key: str | None = None
) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    status, _, body = gateway.invoke(method, path, headers, b"" if method == "POST" else None, claims)
    return status, json.loads(body)


# --- delivered, once ----------------------------------------------------------------------------------


def test_a_message_reaches_the_office_once_signed_and_without_personal_data(
    queue_url: str, aws: boto3.Session, pump: SqsPump, receiver: tuple[Receiver, str]
) -> None:
    office, url = receiver
    scene = an_office(url)
    office.secrets = {"current": scene.secret}
    message = a_message(scene.office_id)

    deliver(message)
    deliver(message)  # the outbox event redelivered: nothing is enqueued twice
    run_until(pump, lambda: office.delivered())
    run_until(pump, lambda: queue_is_empty(aws, queue_url))
    deliver(message)  # and again, after it was delivered
    assert queue_is_empty(aws, queue_url)

    [got] = office.received
    assert got.webhook_id == f"msg_{message.message_id}"
    assert got.verified_by == {"current"}
    assert got.headers["content-type"] == "application/json"
    assert got.body is not None
    assert got.body["type"] == "message.created"
    data = got.body["data"]
    assert {
        k: data[k] for k in ("office_id", "dossier_id", "message_id", "message_type", "reply_due_on")
    } == {
        "office_id": scene.office_id,
        "dossier_id": message.dossier_id,
        "message_id": message.message_id,
        "message_type": "notice",
        "reply_due_on": "2026-03-16",
    }
    assert data["links"]["inbox"] == "https://api.respite.example/claims/inbox"
    assert "ciphertext" not in json.dumps(got.body)
    assert "sealed" not in json.dumps(got.body)

    record = delivery_of(scene.office_id, message)
    assert (record["status"], record["attempt"], record["total_attempts"]) == ("delivered", 1, 1)
    assert record["last_status_code"] == 204
    assert record["delivered_at"]
    [attempt] = WebhookStore().attempts(scene.office_id, record["webhook_id"])
    assert (attempt["outcome"], attempt["status_code"]) == ("http_204", 204)
    assert set(attempt) <= {
        "PK", "SK", ENTITY, "webhook_id", "round", "attempt", "at", "outcome", "status_code", "duration_ms",
        "expires_at", "dossier_id",  # the dossier's id: erasing it finds the attempt (nothing else)
    }  # fmt: skip
    assert attempt["dossier_id"] == message.dossier_id


def test_on_a_moved_clock_the_signature_keeps_the_real_time(
    queue_url: str, aws: boto3.Session, pump: SqsPump, receiver: tuple[Receiver, str]
) -> None:
    """The local stack's clock may be years ahead; the office checks the signature's timestamp against
    its own clock (within 5 minutes), so that one stays real, while the event says when it happened."""
    office, url = receiver
    scene = an_office(url)
    office.secrets = {"current": scene.secret}
    message = a_message(scene.office_id)
    ahead = utc_now() + timedelta(days=400)
    clock.install(clock.LocalClock(ahead))
    try:
        deliver(message)
        run_until(pump, lambda: office.delivered())
    finally:
        clock.install(None)

    [got] = office.received
    assert got.verified_by == {"current"}
    assert got.body is not None
    assert got.body["timestamp"] >= to_iso(ahead)


def test_an_office_without_a_webhook_url_gets_none(queue_url: str, aws: boto3.Session) -> None:
    scene = an_office(None)
    message = a_message(scene.office_id)
    deliver(message)
    assert WebhookStore().delivery(scene.office_id, f"msg_{message.message_id}") is None
    assert queue_is_empty(aws, queue_url)


def test_a_duplicate_job_sends_nothing_twice(
    queue_url: str, aws: boto3.Session, pump: SqsPump, receiver: tuple[Receiver, str]
) -> None:
    office, url = receiver
    scene = an_office(url)
    office.secrets = {"current": scene.secret}
    message = a_message(scene.office_id)
    deliver(message)
    send_job(Job(webhook_id=f"msg_{message.message_id}", office_id=scene.office_id))  # SQS's "at least once"

    run_until(pump, lambda: queue_is_empty(aws, queue_url))
    assert len(office.received) == 1


# --- retried until it recovers -----------------------------------------------------------------------


def test_an_endpoint_that_fails_for_a_while_gets_the_event_once_it_recovers(
    queue_url: str, pump: SqsPump, receiver: tuple[Receiver, str]
) -> None:
    office, url = receiver
    scene = an_office(url)
    office.secrets = {"current": scene.secret}
    office.script = [503, 500, 429]
    message = a_message(scene.office_id)

    deliver(message)
    run_until(pump, status_is(scene.office_id, message, Status.DELIVERED))

    assert [r.answered for r in office.received] == [503, 500, 429, 204]
    assert {r.webhook_id for r in office.received} == {f"msg_{message.message_id}"}  # one idempotency key
    assert all(r.verified_by == {"current"} for r in office.received)  # every attempt signed anew
    assert len(office.delivered()) == 1
    record = delivery_of(scene.office_id, message)
    assert (record["attempt"], record["total_attempts"], record["last_outcome"]) == (4, 4, "http_204")
    attempts = WebhookStore().attempts(scene.office_id, record["webhook_id"])
    assert [a["outcome"] for a in attempts] == ["http_503", "http_500", "http_429", "http_204"]


def test_a_refused_connection_is_retried_on_the_schedule(queue_url: str, aws: boto3.Session) -> None:
    scene = an_office(f"http://127.0.0.1:{free_port()}/nobody-listens")
    message = a_message(scene.office_id)
    deliver(message)
    webhook_id = f"msg_{message.message_id}"

    before = utc_now()
    assert service.attempt(Job(webhook_id=webhook_id, office_id=scene.office_id), now=before) == "retry"

    record = delivery_of(scene.office_id, message)
    assert (record["status"], record["attempt"], record["last_outcome"]) == (
        "pending",
        1,
        "connection_refused",
    )
    waited = (datetime.fromisoformat(record["next_attempt_at"]) - before).total_seconds()
    assert 0 < waited <= 60 * 0.00001 + 1e-6  # the first step (1 min), scaled
    sqs, url = aws.client("sqs"), queue_url
    queued = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    for m in queued:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    jobs = sorted((j.attempt, j.round) for j in (Job.model_validate_json(m["Body"]) for m in queued))
    assert jobs == [(1, 0), (2, 0)]  # the one `deliver` sent (handled above, by hand) and the retry
    assert service.attempt(Job(webhook_id=webhook_id, office_id=scene.office_id)) == "stale"


def test_a_job_received_before_its_time_hops_back_with_at_most_fifteen_minutes(
    queue_url: str, aws: boto3.Session
) -> None:
    scene = an_office("https://hooks.office.example/respite")
    message = a_message(scene.office_id)
    now = utc_now()
    job = Job(
        webhook_id=f"msg_{message.message_id}",
        office_id=scene.office_id,
        attempt=8,
        not_before=now + timedelta(hours=20),
    )
    url = queue_url

    assert service.attempt(job, now=now) == "hop"
    assert service.attempt(job, now=now, time_left_s=3.0) == "hop"  # not due: a hop whatever the time left
    assert queue_counts(aws, url)[2] == 2  # delayed (900 s, SQS's limit), not attempted
    due = job.model_copy(update={"not_before": now})
    assert service.attempt(due, now=now, time_left_s=3.0) == "deferred"  # too little time for an attempt
    assert queue_counts(aws, url)[0] == 1  # sent back at once, for an invocation with time to spare


# --- 410 -----------------------------------------------------------------------------------------------


def test_410_disables_the_endpoint_and_later_deliveries_are_skipped_until_an_operator_enables_it(
    queue_url: str,
    aws: boto3.Session,
    pump: SqsPump,
    receiver: tuple[Receiver, str],
    admin: ApiGateway,
) -> None:
    office, url = receiver
    scene = an_office(url)
    office.secrets = {"current": scene.secret}
    office.script = [410]
    first, second = a_message(scene.office_id), a_message(scene.office_id)

    deliver(first)
    run_until(pump, status_is(scene.office_id, first, Status.GONE))
    deliver(second)
    run_until(pump, lambda: queue_is_empty(aws, queue_url))

    assert [r.answered for r in office.received] == [410]  # no retry, nothing more
    assert delivery_of(scene.office_id, second)["status"] == "skipped"
    store = WebhookStore()
    assert store.is_disabled(scene.office_id, url)
    [event] = store.events(scene.office_id)
    assert event["kind"] == "webhook_endpoint_disabled"
    assert (event["agency_id"], event["dossier_id"], event["message_id"]) == (
        "ocmw-gent",
        first.dossier_id,
        first.message_id,
    )
    assert feed_about(first) == [("webhook_disabled", scene.office_id, first.message_id)]
    assert feed_about(second) == []  # skipped, not failed: the endpoint's alert was enough
    status, listed = call(admin, "GET", f"/webhooks/{scene.office_id}/deliveries?status=gone")
    assert status == 200
    assert listed["endpoint"]["disabled"] is True
    assert [d["webhook_id"] for d in listed["deliveries"]] == [f"msg_{first.message_id}"]

    # redelivery is refused while the endpoint is disabled; an operator enables it (twice: idempotent)
    status, problem = call(
        admin, "POST", f"/webhooks/{scene.office_id}/deliveries/msg_{second.message_id}/redelivery"
    )
    assert (status, problem["type"]) == (409, "https://respite.example/problems/endpoint-disabled")
    for _ in range(2):  # with the same Idempotency-Key: the second is answered as the first
        status, endpoint = call(admin, "POST", f"/webhooks/{scene.office_id}/endpoint/enable", key="enable-1")
        assert (status, endpoint["disabled"]) == (200, False)
    status, redelivered = call(
        admin, "POST", f"/webhooks/{scene.office_id}/deliveries/msg_{second.message_id}/redelivery"
    )
    assert (status, redelivered["status"], redelivered["round"]) == (202, "pending", 1)
    run_until(pump, status_is(scene.office_id, second, Status.DELIVERED))
    assert [r.answered for r in office.received] == [410, 204]


# --- rotation -------------------------------------------------------------------------------------------


def test_every_delivery_stays_verifiable_through_a_secret_rotation(
    queue_url: str, aws: boto3.Session, pump: SqsPump, receiver: tuple[Receiver, str]
) -> None:
    office, url = receiver
    scene = an_office(url)
    office.secrets = {"old": scene.secret}
    before_rotation = a_message(scene.office_id)
    deliver(before_rotation)
    run_until(pump, status_is(scene.office_id, before_rotation, Status.DELIVERED))

    rotated_at = utc_now()
    new = Directory().add_webhook_secret(scene.office_id, rotated_at)
    office.secrets = {"old": scene.secret, "new": new.secret}  # receivers on one secret or the other
    during_overlap = a_message(scene.office_id)
    deliver(during_overlap)
    run_until(pump, status_is(scene.office_id, during_overlap, Status.DELIVERED))

    first, second = office.received
    assert first.verified_by == {"old"}
    assert second.verified_by == {"old", "new"}  # two signatures: each receiver verifies on its own
    assert len(second.headers["webhook-signature"].split(" ")) == 2

    # once the overlap is over only the new secret signs: a receiver still on the old one refuses
    after_overlap = a_message(scene.office_id)
    deliver(after_overlap)
    office.secrets = {"old": scene.secret}
    job = Job(webhook_id=f"msg_{after_overlap.message_id}", office_id=scene.office_id)
    assert service.attempt(job, now=rotated_at + timedelta(days=8)) == "retry"
    assert office.received[-1].answered == 401
    assert office.received[-1].verified_by == frozenset()
    office.secrets = {"new": new.secret}
    retry = job.model_copy(update={"attempt": 2})
    assert service.attempt(retry, now=rotated_at + timedelta(days=8)) == "delivered"
    assert office.received[-1].verified_by == {"new"}
    assert len(office.received[-1].headers["webhook-signature"].split(" ")) == 1


# --- given up: the DLQ, then redelivery -------------------------------------------------------------------


def test_an_exhausted_schedule_ends_in_the_dlq_and_an_operator_redelivers_it(
    queue_url: str,
    aws: boto3.Session,
    pump: SqsPump,
    receiver: tuple[Receiver, str],
    admin: ApiGateway,
    capsys: pytest.CaptureFixture[str],
) -> None:
    office, url = receiver
    scene = an_office(url)
    office.secrets = {"current": scene.secret}
    office.then = 503  # down for the whole schedule
    message, other = a_message(scene.office_id), a_message(scene.office_id)
    webhook_id = f"msg_{message.message_id}"
    dlq = dead_letter_queue_url()

    deliver(message)
    deliver(other)
    run_until(pump, status_is(scene.office_id, message, Status.FAILED))
    run_until(pump, status_is(scene.office_id, other, Status.FAILED))

    assert len(office.received) == 2 * schedule.MAX_ATTEMPTS == 18
    record = delivery_of(scene.office_id, message)
    assert (record["attempt"], record["last_outcome"]) == (9, "http_503")
    dead = aws.client("sqs").receive_message(
        QueueUrl=dlq, MaxNumberOfMessages=10, MessageAttributeNames=["All"], VisibilityTimeout=0
    )["Messages"]
    mine = [m for m in dead if Job.model_validate_json(m["Body"]).office_id == scene.office_id]
    assert len(mine) == 2
    assert {m["MessageAttributes"]["reason"]["StringValue"] for m in mine} == {"exhausted:http_503"}
    assert {e["kind"] for e in WebhookStore().events(scene.office_id)} == {"webhook_delivery_failed"}
    assert feed_about(message) == [("webhook_failed", scene.office_id, message.message_id)]

    # the operator sees them (no personal data), the office recovers, one is redelivered by the API
    status, listed = call(admin, "GET", f"/webhooks/{scene.office_id}/deliveries")
    assert status == 200
    assert {d["webhook_id"] for d in listed["deliveries"]} == {webhook_id, f"msg_{other.message_id}"}
    assert set(listed["deliveries"][0]) == set(webhook_admin.WebhookDelivery.model_fields)
    assert call(admin, "GET", f"/webhooks/{scene.office_id}/deliveries", CASEWORKER)[0] == 403
    office.then = 204
    path = f"/webhooks/{scene.office_id}/deliveries/{webhook_id}/redelivery"
    first_answer = call(admin, "POST", path)
    second_answer = call(admin, "POST", path)  # while in flight: nothing more
    assert first_answer == second_answer
    assert first_answer[0] == 202
    assert first_answer[1]["round"] == 1
    assert call(admin, "POST", f"/webhooks/{scene.office_id}/deliveries/msg_nothing/redelivery")[0] == 404
    run_until(pump, status_is(scene.office_id, message, Status.DELIVERED))
    assert len(office.delivered()) == 1

    # the rest by the ops CLI: it redelivers the other and clears the settled one from the DLQ
    assert redrive_main(["--dry-run"]) == 0
    assert "would_redeliver=" in capsys.readouterr().out
    counts = redrive()
    assert counts["redelivered"] >= 1
    assert counts["settled"] >= 1
    run_until(pump, status_is(scene.office_id, other, Status.DELIVERED))
    assert len(office.delivered()) == 2
    assert [r.webhook_id for r in office.delivered()] == [webhook_id, f"msg_{other.message_id}"]
    left = aws.client("sqs").receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert not [
        m for m in left.get("Messages", []) if Job.model_validate_json(m["Body"]).office_id == scene.office_id
    ]


# --- where a webhook may not go --------------------------------------------------------------------------


def test_an_unsafe_endpoint_is_never_called_and_its_job_goes_to_the_dlq(
    queue_url: str, aws: boto3.Session, receiver: tuple[Receiver, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    office, url = receiver
    metadata = an_office("https://169.254.169.254/latest/meta-data/")
    local = an_office(url)
    monkeypatch.delenv(ALLOW_LOOPBACK_VARIABLE)  # as in AWS: loopback is not allowed either
    for scene in (metadata, local):
        message = a_message(scene.office_id)
        deliver(message)
        assert (
            service.attempt(Job(webhook_id=f"msg_{message.message_id}", office_id=scene.office_id))
            == "failed"
        )
        record = delivery_of(scene.office_id, message)
        assert (record["status"], record["last_outcome"]) == ("failed", "unsafe_endpoint")
    assert office.received == []
    dead = aws.client("sqs").receive_message(
        QueueUrl=dead_letter_queue_url(),
        MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
        VisibilityTimeout=0,
    )["Messages"]
    reasons = {
        Job.model_validate_json(m["Body"]).office_id: m["MessageAttributes"]["reason"]["StringValue"]
        for m in dead
    }
    assert reasons[metadata.office_id] == reasons[local.office_id] == "unsafe_endpoint"


def test_a_message_erased_before_its_webhook_is_not_announced(
    queue_url: str, receiver: tuple[Receiver, str]
) -> None:
    office, url = receiver
    scene = an_office(url)
    erased = a_message(scene.office_id, stored=False)  # the dossier was erased before the outbox ran
    deliver(erased)
    assert WebhookStore().delivery(scene.office_id, f"msg_{erased.message_id}") is None  # the fence
    assert service.attempt(Job(webhook_id=f"msg_{erased.message_id}", office_id=scene.office_id)) == "stale"
    erasing = a_message(scene.office_id)
    deliver(erasing)
    key = table_keys.data_key(erasing.dossier_id)
    Table(TableName.KEY_STORE).delete(key, key)  # the erasure's first step, after the delivery was stored
    assert (
        service.attempt(Job(webhook_id=f"msg_{erasing.message_id}", office_id=scene.office_id)) == "cancelled"
    )
    assert WebhookStore().attempts(scene.office_id, f"msg_{erasing.message_id}") == []
    assert office.received == []


def test_a_job_the_consumer_fails_on_goes_back_to_sqs_and_is_attempted_again(
    queue_url: str,
    aws: boto3.Session,
    pump: SqsPump,
    receiver: tuple[Receiver, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    office, url = receiver
    scene = an_office(url)
    office.secrets = {"current": scene.secret}
    message = a_message(scene.office_id)
    deliver(message)

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("an AWS outage, say")

    monkeypatch.setattr(payload, "body", broken)
    pump.poll_once()  # the handler reports the job in batchItemFailures: SQS keeps it
    record = delivery_of(scene.office_id, message)
    assert (record["status"], record["attempt"]) == ("pending", 0)  # the claim was given back
    assert office.received == []

    monkeypatch.undo()
    run_until(pump, status_is(scene.office_id, message, Status.DELIVERED))
    assert len(office.received) == 1
