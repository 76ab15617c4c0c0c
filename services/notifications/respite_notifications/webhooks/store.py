"""Webhook deliveries in the deliveries table, and their jobs on the webhook queue (the data access).

Items, all in the office's partition `WEBHOOK#<office_id>` and none with personal data:

- `ENDPOINT`: the endpoint's state. `disabled` after a `410 Gone` (for the URL that answered it,
  by its SHA-256: a new URL is a new endpoint), until an operator enables it.
- `DELIVERY#<webhook_id>`: one per message sent to the office: ids, the message type, `status`,
  `round` (0, +1 per operator redelivery), `attempt` (the schedule's step of the round), `queued`
  (its job is on the queue), times, the last outcome (`http_503`, `timeout`, ...).
- `ATTEMPT#<webhook_id>#<round>#<attempt>`: one per HTTP attempt: when, how long, the outcome.
- `EVENT#<at>#<kind>#<webhook_id>`: what a caseworker may need to hear: `webhook_endpoint_disabled`,
  `webhook_delivery_failed` (with the agency, dossier and message ids), for the feed to pick up.

Every delivery item expires 30 days after it was created (DLQ messages live 14 days).

Erasure: every delivery, attempt and event names its dossier (`dossier_id`), so erasing the dossier
finds and deletes them in the office's partition (`respite_retention.erasure.partitions_to_search`);
each is written behind the liveness fence, so none is written once the dossier's data key is gone
(nothing outlives the erasure). A termination's delivery, written after the erasure to tell the
office of it, is the documented residual: no fence, kept as long as the termination's other records.
"""

import hashlib
import re
from collections.abc import Mapping
from contextlib import suppress
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from respite_core import aws, table_keys
from respite_core.ids import to_iso
from respite_core.resources import QueueName, TableName, locate
from respite_core.store.fence import DataKeyDestroyed, write_about
from respite_core.store.items import ENTITY, EXPIRES_AT, Entity, Item, to_dynamo
from respite_core.store.table import Table, TransactionConflict, write_together

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import MessageAttributeValueTypeDef

KEEP_FOR = timedelta(days=30)


class Status(StrEnum):
    PENDING = "pending"  # its job is (or is about to be) on the queue, waiting for its attempt
    SENDING = "sending"  # an attempt is in flight (claimed by a consumer)
    DELIVERED = "delivered"  # a 2xx answer
    FAILED = "failed"  # the schedule is exhausted (or the endpoint is unsafe): the job is in the DLQ
    GONE = "gone"  # the endpoint answered 410: it is disabled
    SKIPPED = "skipped"  # not sent: the endpoint was disabled or removed
    CANCELLED = "cancelled"  # not sent: the message no longer exists (its dossier was erased)


FINAL = frozenset({Status.DELIVERED, Status.FAILED, Status.GONE, Status.SKIPPED, Status.CANCELLED})


class EventKind(StrEnum):
    ENDPOINT_DISABLED = "webhook_endpoint_disabled"
    DELIVERY_FAILED = "webhook_delivery_failed"


class Job(BaseModel):
    """A delivery job on the webhook queue: ids and where in the schedule it is, nothing else."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    webhook_id: str
    office_id: str
    round: int = 0
    attempt: int = 1
    not_before: datetime | None = None


def url_fingerprint(url: str) -> str:
    return hashlib.sha256(url.strip().encode()).hexdigest()


def _expires(now: datetime) -> int:
    return int((now + KEEP_FOR).timestamp())


class ConditionFailed(Exception):
    """The item was not as expected (another consumer or operator got there first)."""


class WebhookStore:
    def __init__(self) -> None:
        self._table = Table(TableName.DELIVERIES)

    # --- deliveries -----------------------------------------------------------------------------

    def create(self, delivery: Item, now: datetime) -> bool:
        """Store a new delivery; False when it exists already (a redelivered outbox event)."""
        office_id, webhook_id = str(delivery["office_id"]), str(delivery["webhook_id"])
        item: Item = {
            "PK": table_keys.webhooks(office_id),
            "SK": table_keys.webhook_delivery(webhook_id),
            ENTITY: Entity.WEBHOOK_DELIVERY,
            "round": 0,
            "attempt": 0,
            "total_attempts": 0,
            "queued": False,
            "created_at": to_iso(now),
            "updated_at": to_iso(now),
            EXPIRES_AT: _expires(now),
            **delivery,
        }
        try:
            self._write(item, unless_exists=True)
        except (TransactionConflict, DataKeyDestroyed):  # there already, or its dossier is erased
            return False
        return True

    def _write(self, item: Item, *, unless_exists: bool = False) -> None:
        """Put an item that names a dossier: behind the fence, but for a termination's (see above)."""
        put = self._table.put_op(item, unless_exists=unless_exists)
        if item.get("termination_id"):
            write_together([put])
        else:
            write_about(str(item["dossier_id"]), [put])

    def delivery(self, office_id: str, webhook_id: str) -> Item | None:
        return self._table.get(table_keys.webhooks(office_id), table_keys.webhook_delivery(webhook_id))

    def deliveries(self, office_id: str, *, limit: int = 1000) -> list[Item]:
        """The office's deliveries, newest first (their ids embed the message's sortable id)."""
        return self._table.query(
            "PK = :pk AND begins_with(SK, :prefix)",
            {":pk": table_keys.webhooks(office_id), ":prefix": table_keys.webhook_delivery("")},
            forward=False,
            limit=limit,
            consistent=True,
        )

    def attempts(self, office_id: str, webhook_id: str) -> list[Item]:
        return self._table.query(
            "PK = :pk AND begins_with(SK, :prefix)",
            {":pk": table_keys.webhooks(office_id), ":prefix": f"ATTEMPT#{webhook_id}#"},
            consistent=True,
        )

    def change(
        self,
        office_id: str,
        webhook_id: str,
        *,
        changes: Mapping[str, Any],
        condition: str,
        values: Mapping[str, Any],
        add: Mapping[str, int] | None = None,
    ) -> None:
        """Set `changes` where `condition` (over `#name` placeholders of the changed and the
        conditioned attributes, `:values`) holds; `ConditionFailed` otherwise."""
        names: dict[str, str] = {}
        placeholders: dict[str, Any] = dict(values)
        sets, removes, adds = [], [], []
        for n, (name, value) in enumerate(changes.items()):
            names[f"#c{n}"] = name
            if value is None:
                removes.append(f"#c{n}")
            else:
                placeholders[f":c{n}"] = value
                sets.append(f"#c{n} = :c{n}")
        for n, (name, by) in enumerate((add or {}).items()):
            names[f"#a{n}"], placeholders[f":a{n}"] = name, by
            adds.append(f"#a{n} :a{n}")
        for name in re.findall(r"#(\w+)", condition):
            names[f"#{name}"] = name
        expression = " ".join(
            part
            for part in (
                f"SET {', '.join(sets)}" if sets else "",
                f"REMOVE {', '.join(removes)}" if removes else "",
                f"ADD {', '.join(adds)}" if adds else "",
            )
            if part
        )
        client = aws.dynamodb()
        try:
            client.update_item(
                TableName=self._table.physical_name,
                Key=to_dynamo(
                    {"PK": table_keys.webhooks(office_id), "SK": table_keys.webhook_delivery(webhook_id)}
                ),
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=to_dynamo(placeholders),
            )
        except client.exceptions.ConditionalCheckFailedException:
            raise ConditionFailed(webhook_id) from None

    def record_attempt(
        self,
        job: Job,
        delivery: Mapping[str, Any],
        *,
        at: datetime,
        outcome: str,
        status_code: int | None,
        ms: int,
    ) -> None:
        """One attempt of `delivery`, naming its dossier (and expiring with a termination's delivery);
        nothing once the dossier is erased."""
        about = {k: delivery[k] for k in ("dossier_id", "termination_id") if delivery.get(k)}
        expires_at = delivery.get(EXPIRES_AT) if delivery.get("termination_id") else None
        with suppress(DataKeyDestroyed):
            self._write(
                {
                    "PK": table_keys.webhooks(job.office_id),
                    "SK": table_keys.webhook_attempt(job.webhook_id, job.round, job.attempt),
                    ENTITY: Entity.WEBHOOK_ATTEMPT,
                    "webhook_id": job.webhook_id,
                    "round": job.round,
                    "attempt": job.attempt,
                    "at": to_iso(at),
                    "outcome": outcome,
                    "status_code": status_code,
                    "duration_ms": ms,
                    EXPIRES_AT: expires_at or _expires(at),
                    **about,
                }
            )

    # --- the endpoint ---------------------------------------------------------------------------

    def endpoint(self, office_id: str) -> Item | None:
        return self._table.get(table_keys.webhooks(office_id), table_keys.WEBHOOK_ENDPOINT)

    def is_disabled(self, office_id: str, url: str) -> bool:
        state = self.endpoint(office_id)
        return bool(state and state.get("disabled") and state.get("url_sha256") == url_fingerprint(url))

    def disable(self, office_id: str, url: str, *, at: datetime, webhook_id: str, reason: str) -> None:
        self._table.put(
            {
                "PK": table_keys.webhooks(office_id),
                "SK": table_keys.WEBHOOK_ENDPOINT,
                ENTITY: Entity.WEBHOOK_ENDPOINT,
                "office_id": office_id,
                "disabled": True,
                "url_sha256": url_fingerprint(url),
                "disabled_at": to_iso(at),
                "disabled_reason": reason,
                "disabled_by_webhook_id": webhook_id,
            }
        )

    def enable(self, office_id: str, *, at: datetime) -> bool:
        """Enable the endpoint; False when it was not disabled (nothing changed)."""
        state = self.endpoint(office_id)
        if not (state and state.get("disabled")):
            return False
        self._table.put(
            {
                "PK": table_keys.webhooks(office_id),
                "SK": table_keys.WEBHOOK_ENDPOINT,
                ENTITY: Entity.WEBHOOK_ENDPOINT,
                "office_id": office_id,
                "disabled": False,
                "enabled_at": to_iso(at),
                "last_disabled_at": state.get("disabled_at"),
            }
        )
        return True

    # --- events for the caseworker feed ---------------------------------------------------------

    def add_event(self, kind: EventKind, delivery: Mapping[str, Any], *, at: datetime) -> None:
        """Nothing once the dossier is erased: there is nobody left to tell."""
        webhook_id = str(delivery["webhook_id"])
        about = {"termination_id": delivery["termination_id"]} if delivery.get("termination_id") else {}
        expires_at = delivery.get(EXPIRES_AT) if about else None
        with suppress(DataKeyDestroyed):
            self._write(
                {
                    "PK": table_keys.webhooks(str(delivery["office_id"])),
                    "SK": table_keys.webhook_event(to_iso(at), kind.value, webhook_id),
                    ENTITY: Entity.WEBHOOK_EVENT,
                    "kind": kind.value,
                    "happened_at": to_iso(at),
                    "webhook_id": webhook_id,
                    **{k: delivery[k] for k in ("office_id", "agency_id", "dossier_id", "message_id")},
                    "message_type": delivery.get("message_type"),
                    "last_outcome": delivery.get("last_outcome"),
                    EXPIRES_AT: expires_at or _expires(at),
                    **about,
                }
            )

    def events(self, office_id: str) -> list[Item]:
        return self._table.query(
            "PK = :pk AND begins_with(SK, :prefix)",
            {":pk": table_keys.webhooks(office_id), ":prefix": "EVENT#"},
            consistent=True,
        )


# --- the queue ------------------------------------------------------------------------------------


def queue_url() -> str:
    return locate(QueueName.WEBHOOK_DELIVERIES)


def dead_letter_queue_url() -> str:
    """The webhook queue's DLQ: `<queue>-dlq`, as the CDK stack and the local stack both name it."""
    return f"{queue_url()}-dlq"


def send_job(job: Job, *, delay_s: int = 0) -> None:
    aws.sqs().send_message(QueueUrl=queue_url(), MessageBody=job.model_dump_json(), DelaySeconds=delay_s)


def send_to_dead_letter_queue(job: Job, *, reason: str) -> None:
    """A job the schedule gave up on, with why (`exhausted: http_503`, `unsafe_endpoint`)."""
    attributes: dict[str, MessageAttributeValueTypeDef] = {
        "reason": {"DataType": "String", "StringValue": reason}
    }
    aws.sqs().send_message(
        QueueUrl=dead_letter_queue_url(), MessageBody=job.model_dump_json(), MessageAttributes=attributes
    )


def job_from(body: str) -> Job:
    return Job.model_validate_json(body)
