"""Webhooks to office systems: enqueue one delivery per message, attempt it, retry it, give it up.

- `deliver` (the outbox consumer calls it): when the office has a webhook URL, store the delivery
  (`msg_<message_id>`, a conditional put: a redelivered outbox event enqueues nothing twice) and put
  its job on the webhook queue. An endpoint disabled by a 410 gets the delivery recorded as skipped.
- `attempt` (the webhook queue consumer calls it for each job): claim the attempt (a conditional
  update, so a duplicate SQS message never sends twice), check the endpoint (SSRF guard), build and
  sign the body, POST it, record the attempt, then:
  2xx → delivered; 410 → the endpoint is disabled (an event for the caseworker feed), no retry;
  anything else (5xx, 429, 3xx, timeouts, refused connections, DNS failures) → the next job is put
  on the queue with the schedule's delay (`schedule`), or, after the ninth attempt, the job goes to
  the DLQ with its reason and the delivery is `failed` (another event). An unsafe endpoint or an
  office without a secret fails at once (retrying would not help); the job goes to the DLQ too.
- `redeliver` / `enable_endpoint` (operators, the admin API and the redrive CLI): a new round of the
  schedule for a failed, gone, skipped (or delivered) delivery; the endpoint enabled again.

Retries are ours, not SQS's: a job is deleted from the queue whatever the HTTP outcome and its
successor is sent with `DelaySeconds`, so the schedule (and its jitter) is exact and the DLQ holds
exactly the jobs that exhausted it. SQS's own redrive (`maxReceiveCount` 8) remains for jobs our code
failed to handle (an AWS error, a bug): they reach the same DLQ, and the redrive CLI handles both.

At least once: if a consumer dies between a 2xx and recording it, the job is attempted again after
the claim's lease; the receiver sees the same `webhook-id` and, per Standard Webhooks, ignores it.
"""

import json
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from respite_core import table_keys
from respite_core.clock import real_now
from respite_core.domain import MessageType, Office
from respite_core.erasure import TERMINATION_RECORDS_KEPT, references_sealed_about
from respite_core.ids import parse_iso, to_iso, utc_now
from respite_core.resources import TableName
from respite_core.ssrf import (
    UnresolvableEndpoint,
    UnsafeEndpoint,
    loopback_allowed,
    resolve_endpoint,
)
from respite_core.store.directory import Directory, open_for_office
from respite_core.store.fence import is_alive
from respite_core.store.items import EXPIRES_AT, Item
from respite_core.store.table import Table
from respite_notifications.deliveries import OfficeDelivery
from respite_notifications.feed import FeedKind, webhook_trouble
from respite_notifications.store import FeedStore, dossier_agency, office_name
from respite_notifications.terminations import Termination, record_id
from respite_notifications.webhooks import payload, schedule, sender, signing
from respite_notifications.webhooks.store import (
    FINAL,
    ConditionFailed,
    EventKind,
    Job,
    Status,
    WebhookStore,
    send_job,
    send_to_dead_letter_queue,
)

LEASE = timedelta(seconds=120)  # > the consumer's timeout (30 s), < the queue's visibility timeout (180 s)
STUCK_AFTER = timedelta(hours=1)  # a pending job this late was lost (e.g. SQS gave it to the DLQ)
TIME_NEEDED_S = sender.TIMEOUT_S + 5  # an attempt is not started with less time left in the invocation


class NoSuchDelivery(LookupError):
    pass


class EndpointUnavailable(Exception):
    """The office has no webhook URL, or its endpoint is disabled: enable it first."""


class MessageErased(Exception):
    """The message no longer exists: there is nothing to deliver."""


def webhook_url(office: Office | None) -> str | None:
    return str(office.webhook_url) if office is not None and office.webhook_url is not None else None


# --- enqueueing -------------------------------------------------------------------------------------


def deliver(delivery: OfficeDelivery, *, now: datetime | None = None) -> None:
    """Enqueue the webhook for `delivery` once, when the office has an endpoint."""
    url = webhook_url(Directory().office(delivery.office_id))
    if url is None:
        return
    now = now or utc_now()
    store = WebhookStore()
    record: Item = {
        "webhook_id": payload.webhook_id_for(delivery.message_id),
        "office_id": delivery.office_id,
        "agency_id": delivery.agency_id,
        "dossier_id": delivery.dossier_id,
        "message_id": delivery.message_id,
        "message_type": delivery.message_type.value,
        "message_created_at": to_iso(delivery.created_at),
    }
    _store_and_enqueue(store, url, record, now)


def deliver_termination(termination: Termination, *, now: datetime | None = None) -> None:
    """Enqueue the webhook telling the office that the dossier is erased, once, when it has an
    endpoint. It keeps the dossier's id (the office's handle on its file, which the body must
    carry on every attempt) and expires with the termination's other records."""
    url = webhook_url(Directory().office(termination.office_id))
    if url is None:
        return
    now = now or utc_now()
    record: Item = {
        "webhook_id": record_id(termination),
        "event": payload.TERMINATION_EVENT,
        "office_id": termination.office_id,
        "agency_id": termination.agency_id,
        "dossier_id": termination.dossier_id,
        "message_id": termination.termination_id,  # what the webhook's events name (a failure)
        "termination_id": termination.termination_id,
        "message_type": MessageType.TERMINATION.value,
        "reason": termination.reason.value,
        **({"sealed_references": termination.sealed_references} if termination.sealed_references else {}),
        "message_created_at": to_iso(now),
        EXPIRES_AT: int((now + TERMINATION_RECORDS_KEPT).timestamp()),
    }
    _store_and_enqueue(WebhookStore(), url, record, now)


def _store_and_enqueue(store: WebhookStore, url: str, record: Item, now: datetime) -> None:
    """Store the delivery (a conditional put: once) and put its first job on the queue."""
    office_id, webhook_id = str(record["office_id"]), str(record["webhook_id"])
    if store.is_disabled(office_id, url):
        store.create(record | {"status": Status.SKIPPED.value, "last_outcome": "endpoint_disabled"}, now)
        return
    if store.create(record | {"status": Status.PENDING.value}, now):
        _enqueue(store, office_id, webhook_id, round_=0, now=now)
        return
    existing = store.delivery(office_id, webhook_id)
    if existing is not None and existing["status"] == Status.PENDING and not existing.get("queued"):
        # stored by an earlier try that died before its job was sent: send it now (the claim makes
        # a second job harmless)
        _enqueue(store, office_id, webhook_id, round_=int(existing["round"]), now=now)


def _enqueue(store: WebhookStore, office_id: str, webhook_id: str, *, round_: int, now: datetime) -> None:
    send_job(Job(webhook_id=webhook_id, office_id=office_id, round=round_, attempt=1))
    with suppress(ConditionFailed):  # its attempt has begun already
        store.change(
            office_id,
            webhook_id,
            changes={"queued": True, "updated_at": to_iso(now)},
            condition="#round = :r AND #status = :pending",
            values={":r": round_, ":pending": Status.PENDING.value},
        )


# --- attempting --------------------------------------------------------------------------------------


def attempt(job: Job, *, now: datetime | None = None, time_left_s: float | None = None) -> str:
    """Handle one job from the queue; returns what happened (for the log): "hop", "deferred",
    "stale", "delivered", "retry", "failed", "gone", "skipped" or "cancelled"."""
    now = now or utc_now()
    if not schedule.is_due(job.not_before, now):
        send_job(job, delay_s=schedule.sqs_delay(job.not_before, now))  # a hop of a long wait
        return "hop"
    if time_left_s is not None and time_left_s < TIME_NEEDED_S:
        send_job(job)  # not enough time left in this invocation for a full attempt
        return "deferred"
    store = WebhookStore()
    record = store.delivery(job.office_id, job.webhook_id)
    if record is None or record["status"] in FINAL or int(record["round"]) != job.round:
        return "stale"
    try:
        _claim(store, job, now)
    except ConditionFailed:
        return "stale"  # a duplicate of a job that was (or is being) attempted
    try:
        return _attempt(store, job, record, now)
    except Exception:
        _release(store, job, now)  # SQS gives the job back; without this, only after the lease
        raise


def _release(store: WebhookStore, job: Job, now: datetime) -> None:
    """Undo the claim of an attempt that could not be completed (an AWS error), best effort."""
    with suppress(Exception):
        store.change(
            job.office_id,
            job.webhook_id,
            changes={"status": Status.PENDING.value, "attempt": job.attempt - 1, "updated_at": to_iso(now)},
            condition="#round = :r AND #attempt = :n AND #status = :sending",
            values={":r": job.round, ":n": job.attempt, ":sending": Status.SENDING.value},
        )


def _claim(store: WebhookStore, job: Job, now: datetime) -> None:
    store.change(
        job.office_id,
        job.webhook_id,
        changes={
            "status": Status.SENDING.value,
            "attempt": job.attempt,
            "attempt_started_at": to_iso(now),
            "updated_at": to_iso(now),
        },
        add={"total_attempts": 1},
        condition=(
            "#round = :r AND ((#attempt = :previous AND #status IN (:pending, :sending))"
            " OR (#attempt = :n AND #status = :sending AND #attempt_started_at < :lease_over))"
        ),
        values={
            ":r": job.round,
            ":n": job.attempt,
            ":previous": job.attempt - 1,
            ":pending": Status.PENDING.value,
            ":sending": Status.SENDING.value,
            ":lease_over": to_iso(now - LEASE),
        },
    )


def _attempt(store: WebhookStore, job: Job, record: Item, now: datetime) -> str:
    directory = Directory()
    url = webhook_url(directory.office(job.office_id))
    if url is None or store.is_disabled(job.office_id, url):
        reason = "no_endpoint" if url is None else "endpoint_disabled"
        _settle(store, job, Status.SKIPPED, now, last_outcome=reason)
        return "skipped"
    body_at = _body_builder(record)
    if body_at is None:
        _settle(store, job, Status.CANCELLED, now, last_outcome="message_erased")
        return "cancelled"
    secrets = [s.secret for s in directory.webhook_secrets(job.office_id, now)]
    if not secrets:
        return _give_up(store, job, record, now, outcome="no_secret", status_code=None, ms=0)
    try:
        endpoint = resolve_endpoint(url, loopback_allowed())
    except UnsafeEndpoint:
        return _give_up(store, job, record, now, outcome="unsafe_endpoint", status_code=None, ms=0)
    except UnresolvableEndpoint:
        outcome = sender.Outcome(None, "dns_error", 0)
    else:
        body = body_at(utc_now())  # when it was sent (not when it was due)
        # the signature's timestamp is the real time even on a moved local clock: the receiver checks
        # it against its own
        headers = signing.signature_headers(job.webhook_id, body, secrets, at=real_now())
        outcome = sender.post(endpoint, body.encode(), headers)
    store.record_attempt(
        job, record, at=now, outcome=outcome.kind, status_code=outcome.status_code, ms=outcome.duration_ms
    )
    result = {"last_outcome": outcome.kind, "last_status_code": outcome.status_code}
    if outcome.delivered:
        _settle(store, job, Status.DELIVERED, now, delivered_at=to_iso(utc_now()), **result)
        return "delivered"
    if outcome.gone:
        store.disable(job.office_id, url, at=now, webhook_id=job.webhook_id, reason="410 Gone")
        _settle(store, job, Status.GONE, now, **result)
        store.add_event(EventKind.ENDPOINT_DISABLED, record | result, at=now)
        _tell_caseworker(FeedKind.WEBHOOK_DISABLED, record, job, now)
        return "gone"
    when = schedule.next_attempt_at(job.attempt, now)
    if when is None:
        return _give_up(
            store, job, record, now, outcome=outcome.kind, status_code=outcome.status_code, ms=None
        )
    following = job.model_copy(update={"attempt": job.attempt + 1, "not_before": when})
    send_job(following, delay_s=schedule.sqs_delay(when, now))
    _settle(store, job, Status.PENDING, now, next_attempt_at=to_iso(when), queued=True, **result)
    return "retry"


def termination_references(record: Item) -> list[str]:
    """The office's own references its termination hands back, opened from their seal."""
    sealed = record.get("sealed_references")
    if not sealed:
        return []
    office_id, termination_id = str(record["office_id"]), str(record["termination_id"])
    opened = open_for_office(office_id, str(sealed), about=references_sealed_about(termination_id))
    return [str(r) for r in json.loads(opened)]


def _body_builder(record: Item) -> Callable[[datetime], str] | None:
    """How this delivery's body is written at each attempt; None when its message is gone, or its
    dossier's data key (the erasure's first step: nothing is left to fetch). A message's webhook
    reads the message as it is then; a termination's says what its record says."""
    if record.get("event") == payload.TERMINATION_EVENT:
        references = termination_references(record)
        return lambda at: payload.termination_body(record, references, at=at)
    dossier_id = str(record["dossier_id"])
    message = Table(TableName.DOSSIERS).get(
        table_keys.dossier(dossier_id), table_keys.message(str(record["message_id"]))
    )
    if message is None or not is_alive(dossier_id):
        return None
    return lambda at: payload.body(record, message, at=at)


def _give_up(
    store: WebhookStore,
    job: Job,
    record: Item,
    now: datetime,
    *,
    outcome: str,
    status_code: int | None,
    ms: int | None,
) -> str:
    """The job goes to the DLQ (with why), the delivery is failed, and the feed may hear of it."""
    if ms is not None:  # an attempt that made no HTTP call is recorded here; others were already
        store.record_attempt(job, record, at=now, outcome=outcome, status_code=status_code, ms=ms)
    exhausted = job.attempt >= schedule.MAX_ATTEMPTS
    send_to_dead_letter_queue(job, reason=f"exhausted:{outcome}" if exhausted else outcome)
    result = {"last_outcome": outcome, "last_status_code": status_code}
    _settle(store, job, Status.FAILED, now, failed_at=to_iso(now), **result)
    store.add_event(EventKind.DELIVERY_FAILED, record | result, at=now)
    _tell_caseworker(FeedKind.WEBHOOK_FAILED, record, job, now)
    return "failed"


def _tell_caseworker(kind: FeedKind, record: Item, job: Job, now: datetime) -> None:
    """The feed of the agency the dossier is at now (the deliveries table has no stream, so the
    event goes to the feed from here); nothing once the dossier is erased."""
    agency_id = dossier_agency(str(record["dossier_id"]))
    if agency_id is not None:
        trouble = webhook_trouble(
            kind, record, agency_id=agency_id, at=now, round_=job.round, office_name=office_name
        )
        FeedStore().add(trouble)


def _settle(store: WebhookStore, job: Job, status: Status, now: datetime, **changes: Any) -> None:
    """Record how the claimed attempt ended (only while this attempt still owns the delivery)."""
    with suppress(ConditionFailed):  # the lease ran out and another consumer took over: its record wins
        store.change(
            job.office_id,
            job.webhook_id,
            changes={"status": status.value, "updated_at": to_iso(now), "next_attempt_at": None, **changes},
            condition="#round = :r AND #attempt = :n AND #status = :sending",
            values={":r": job.round, ":n": job.attempt, ":sending": Status.SENDING.value},
        )


# --- operators ---------------------------------------------------------------------------------------


def is_stuck(record: Mapping[str, Any], now: datetime) -> bool:
    """An in-flight delivery whose job was lost (a consumer died, SQS dead-lettered it)."""
    status = record.get("status")
    if status == Status.SENDING:
        started = record.get("attempt_started_at")
        return started is None or parse_iso(str(started)) < now - LEASE
    if status == Status.PENDING:
        due = record.get("next_attempt_at") or record.get("updated_at")
        return due is None or parse_iso(str(due)) < now - STUCK_AFTER
    return False


def redeliver(
    office_id: str, webhook_id: str, *, now: datetime | None = None, resend_delivered: bool = True
) -> Item:
    """A new round of the schedule for the delivery (idempotent: while one is in flight, nothing
    changes); the delivery as it then is. A delivered one is sent again only with `resend_delivered`."""
    now = now or utc_now()
    store = WebhookStore()
    record = store.delivery(office_id, webhook_id)
    if record is None:
        raise NoSuchDelivery(webhook_id)
    if record["status"] == Status.CANCELLED:
        raise MessageErased(webhook_id)
    url = webhook_url(Directory().office(office_id))
    if url is None or store.is_disabled(office_id, url):
        raise EndpointUnavailable(office_id)
    status, round_ = str(record["status"]), int(record["round"])
    if status == Status.PENDING and not record.get("queued"):
        _enqueue(store, office_id, webhook_id, round_=round_, now=now)
        return store.delivery(office_id, webhook_id) or record
    if status in (Status.PENDING, Status.SENDING) and not is_stuck(record, now):
        return record  # in flight
    if status == Status.DELIVERED and not resend_delivered:
        return record
    try:
        store.change(
            office_id,
            webhook_id,
            changes={
                "round": round_ + 1,
                "attempt": 0,
                "status": Status.PENDING.value,
                "queued": False,
                "next_attempt_at": None,
                "redelivered_at": to_iso(now),
                "updated_at": to_iso(now),
            },
            condition="#round = :r AND #status = :s",
            values={":r": round_, ":s": status},
        )
    except ConditionFailed:
        return store.delivery(office_id, webhook_id) or record  # another operator was first
    _enqueue(store, office_id, webhook_id, round_=round_ + 1, now=now)
    return store.delivery(office_id, webhook_id) or record


def enable_endpoint(office_id: str, *, now: datetime | None = None) -> bool:
    """Enable the office's endpoint again; False when it was not disabled."""
    return WebhookStore().enable(office_id, at=now or utc_now())
