"""What the fault suites share: a whole negotiation through the APIs, the consumers run over its
events, and the end state, snapshotted, put back and compared."""

import copy
import email
import json
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from respite_core import aws as aws_clients
from respite_core.resources import QueueName, TableName
from tests.e2e.test_slice import EXAMPLE
from tests.faults.conftest import (
    Stage,
    Taps,
    context_for,
    failed_ids,
    handler_of,
    record_id,
)

CONSOLIDATION = "respite_claims.consumers.consolidation.handler"
DOSSIER_EVENTS = "respite_notifications.consumers.dossier_events.handler"
OUTBOX = "respite_notifications.consumers.outbox.handler"

# values that differ between two runs by design: when a consumer claimed, finished or issued
# something, and the dates derived from those (a reference token's validity, 30 days; the TTL of
# delivery records), and the id SES gave a sent email. The reference token itself is random and
# appears only as its hash, which `RANDOM` masks.
VOLATILE = frozenset({"claimed_at", "done_at", "issued_at", "valid_until", "expires_at", "ses_message_id"})
SNAPSHOT_TABLES = (TableName.DOSSIERS, TableName.FEED, TableName.DELIVERIES)
# what the consumers write: put back before the second run (the idempotency records too, or the
# second run would be a redelivery of the first, not a run of its own)
WRITTEN_TABLES = (*SNAPSHOT_TABLES, TableName.IDEMPOTENCY)

Deliver = Callable[[str, QueueName | TableName, list[dict[str, Any]]], None]


def negotiate(stage: Stage) -> str:
    """A whole negotiation through the APIs; returns the dossier's id."""
    apis = stage.apis
    dossier_id = str(apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"])
    apis.ok("POST", f"/claims/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove", "lambert"]})
    claims = {
        "vanhove": [
            {"office_reference": "VH/2026/1", "principal_creditor": "Stad Gent", "principal": 120_000},
            {
                "office_reference": "VH/2026/2",
                "principal_creditor": "Fluvius",
                "principal": 8_150,
                "costs": 990,
            },
        ],
        "lambert": [{"office_reference": "L-77", "principal_creditor": "SWDE", "principal": 81_240}],
    }
    for office_id, office in stage.offices.items():
        notice = message_for(stage, office_id, dossier_id, "notice")
        base = f"/claims/dossiers/{dossier_id}/messages/{notice}"
        apis.ok("POST", f"{base}/acknowledgement", claims=office)
        apis.ok("POST", f"{base}/replies", {"type": "notice_ack", "claims": claims[office_id]}, claims=office)
    apis.ok(
        "POST",
        f"/claims/dossiers/{dossier_id}/proposals",
        {"kind": "instalments", "monthly_capacity": 25_000},
    )
    for office_id, office in stage.offices.items():
        proposal = message_for(stage, office_id, dossier_id, "proposal")
        path = f"/claims/dossiers/{dossier_id}/messages/{proposal}/replies"
        apis.ok("POST", path, {"type": "proposal_accept"}, claims=office)
    apis.ok("POST", f"/claims/dossiers/{dossier_id}/settlement")
    return dossier_id


def message_for(stage: Stage, office_id: str, dossier_id: str, kind: str) -> str:
    inbox = stage.apis.ok("GET", "/claims/inbox", claims=stage.offices[office_id])
    return str(
        next(
            m["message_id"] for m in inbox["messages"] if m["dossier_id"] == dossier_id and m["type"] == kind
        )
    )


# --- the state -------------------------------------------------------------------------------------------


Key = tuple[str, ...]


def key_names(stage: Stage, table: TableName) -> list[str]:
    schema = stage.session.client("dynamodb").describe_table(TableName=stage.table(table))["Table"][
        "KeySchema"
    ]
    return [k["AttributeName"] for k in sorted(schema, key=lambda k: k["KeyType"])]  # HASH, then RANGE


def scan(stage: Stage, table: TableName) -> dict[Key, dict[str, Any]]:
    client, names = stage.session.client("dynamodb"), key_names(stage, table)
    items: dict[Key, dict[str, Any]] = {}
    for page in client.get_paginator("scan").paginate(TableName=stage.table(table), ConsistentRead=True):
        for item in page["Items"]:
            items[tuple(str(next(iter(item[n].values()))) for n in names)] = dict(item)
    return items


def snapshot(
    stage: Stage, tables: tuple[TableName, ...] = SNAPSHOT_TABLES
) -> dict[TableName, dict[Key, dict[str, Any]]]:
    return {table: scan(stage, table) for table in tables}


RANDOM = re.compile(r"\b[0-9a-f]{64}\b")  # a reference token's hash, in keys and attributes


def normalised(state: dict[TableName, dict[Key, dict[str, Any]]]) -> dict[str, dict[Key, list[str]]]:
    """Per table: each key, with its random parts masked, and the items under it (volatile
    attributes left out), as sorted JSON texts — so two runs' tokens compare as equal multisets."""
    result: dict[str, dict[Key, list[str]]] = {}
    for table, items in state.items():
        masked: dict[Key, list[str]] = {}
        for key, item in items.items():
            kept = {k: v for k, v in item.items() if k not in VOLATILE}
            text = RANDOM.sub("<random>", json.dumps(kept, sort_keys=True))
            masked.setdefault(tuple(RANDOM.sub("<random>", part) for part in key), []).append(text)
        result[str(table)] = {key: sorted(texts) for key, texts in masked.items()}
    return result


def differences(got: dict[str, dict[Key, list[str]]], wanted: dict[str, dict[Key, list[str]]]) -> list[str]:
    """Every key at which two normalised snapshots differ, readably."""
    found = []
    for table in sorted(set(got) | set(wanted)):
        mine, theirs = got.get(table, {}), wanted.get(table, {})
        for key in sorted(set(mine) | set(theirs)):
            if mine.get(key) != theirs.get(key):
                found.append(f"{table} {key}:\n  got    {mine.get(key)}\n  wanted {theirs.get(key)}")
    return found


def restore(stage: Stage, state: dict[TableName, dict[Key, dict[str, Any]]]) -> None:
    """Put every table back as `state` has it (the APIs' writes, before any consumer ran)."""
    client = stage.session.client("dynamodb")
    for table, wanted in state.items():
        name = stage.table(table)
        names = key_names(stage, table)
        for key, item in scan(stage, table).items():
            if key not in wanted:
                client.delete_item(TableName=name, Key={n: item[n] for n in names})
        for item in wanted.values():
            client.put_item(TableName=name, Item=item)


class SentMail:
    """Counts the emails SES took, per recipients and subject (on the consumers' own client)."""

    def __init__(self) -> None:
        self.sent: Counter[tuple[str, str]] = Counter()
        events = aws_clients.ses().meta.events
        events.register("provide-client-params.sesv2.SendEmail", self._remember)
        events.register("after-call.sesv2.SendEmail", self._count)

    @staticmethod
    def _remember(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["respite_test_params"] = params

    def _count(self, http_response: Any, context: dict[str, Any], **_: Any) -> None:
        params = context.get("respite_test_params") or {}
        if http_response.status_code != 200:
            return
        destination = ",".join(sorted(params.get("Destination", {}).get("ToAddresses", [])))
        raw = params.get("Content", {}).get("Raw", {}).get("Data", b"")
        message = email.message_from_bytes(raw if isinstance(raw, bytes) else str(raw).encode())
        self.sent[(destination, str(message.get("Subject", "")))] += 1

    def take(self) -> Counter[tuple[str, str]]:
        taken, self.sent = self.sent, Counter()
        return taken


# --- delivery -----------------------------------------------------------------------------------------------


def invoke(handler: str, source: QueueName | TableName, batch: list[dict[str, Any]]) -> set[str]:
    """One invocation; the ids of the records to deliver again. A handler that raises (Powertools does
    when every record failed) fails the whole batch, as for Lambda's event-source mappings."""
    try:
        result = handler_of(handler)({"Records": copy.deepcopy(batch)}, context_for(source))
    except Exception:
        return {record_id(record) for record in batch}
    return failed_ids(result)


def once_in_order(handler: str, source: QueueName | TableName, records: list[dict[str, Any]]) -> None:
    size = 100 if isinstance(source, TableName) else 10
    for start in range(0, len(records), size):
        assert invoke(handler, source, records[start : start + size]) == set()


@dataclass
class Events:
    """What the negotiation itself put on the table stream (its claims' intakes among it: the APIs
    send nothing to the consolidation queue, the dossier-events consumer does)."""

    stream: list[dict[str, Any]]


def intakes(stream: list[dict[str, Any]]) -> int:
    """The stream's intakes of claims: each asks for a consolidation."""
    return sum(
        1
        for record in stream
        if record["eventName"] == "INSERT"
        and record["dynamodb"].get("NewImage", {}).get("entity") == {"S": "claims_intake"}
    )


def cascade(taps: Taps, first: Events, deliver: Deliver, flush: Callable[[], int] = lambda: 0) -> None:
    """Deliver the negotiation's events, then what the consumers make of them, until nothing moves."""
    events: Events | None = first
    for _ in range(20):
        stream = events.stream if events else taps.stream_records()
        deliver(DOSSIER_EVENTS, TableName.DOSSIERS, stream)
        consolidation = taps.messages(QueueName.CLAIMS_CONSOLIDATION)
        deliver(CONSOLIDATION, QueueName.CLAIMS_CONSOLIDATION, consolidation)
        outbox = taps.messages(QueueName.OUTBOX)
        deliver(OUTBOX, QueueName.OUTBOX, outbox)
        events = None
        if not (consolidation or stream or outbox or flush()):
            return
    pytest.fail("the consumers never settled")


@dataclass
class Rehearsal:
    """A negotiation, its consumers run once and in order (the reference), and the tables put back as
    the APIs left them: ready for the same events to be delivered again, under faults."""

    stage: Stage
    taps: Taps
    events: Events
    reference: dict[TableName, dict[Key, dict[str, Any]]]
    reference_mail: Counter[tuple[str, str]]
    mail: SentMail

    def assert_same_end_state(self) -> None:
        assert self.mail.take() == self.reference_mail
        found = differences(normalised(snapshot(self.stage)), normalised(self.reference))
        assert not found, "\n".join(found)


def rehearse(stage: Stage, negotiations: int = 1) -> Rehearsal:
    taps = Taps(stage)
    for _ in range(negotiations):
        negotiate(stage)
    as_the_apis_left_it = snapshot(stage, WRITTEN_TABLES)
    events = Events(taps.stream_records())
    assert not taps.messages(QueueName.CLAIMS_CONSOLIDATION), "the APIs ask the consolidation nothing"
    assert intakes(events.stream) >= 2 * negotiations, "each reply with claims writes an intake"
    mail = SentMail()

    cascade(taps, events, once_in_order)
    reference, reference_mail = snapshot(stage), mail.take()
    # what the reference run must have produced, or comparing with it proves nothing
    assert len(reference[TableName.FEED]) >= 6 * negotiations, "replies and accepts: each in the feed"
    assert sum(1 for item in reference[TableName.DOSSIERS].values() if "totals" in item) == negotiations
    assert sum(reference_mail.values()) == 6 * negotiations, reference_mail  # notice, proposal, settlement
    assert set(reference_mail.values()) == {1}, reference_mail  # to each of 2 offices, and none twice

    restore(stage, as_the_apis_left_it)
    taps.stream_records()  # the restore's own writes are no events of the negotiation
    return Rehearsal(stage, taps, events, reference, reference_mail, mail)


class Redelivering:
    """Delivers as an event-source mapping does: batches of what is there (1 to 10 records here, so
    that a run has many invocations); an SQS message reported failed comes back after the rest of
    the queue (its visibility timeout); a stream batch is retried from its first failed record, so
    the records after it are delivered again even when they had succeeded. `before` and `after`
    frame each invocation (where a test injects its fault and checks what was reported)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.invocations = 0

    def before(self, handler: str, batch: list[dict[str, Any]]) -> None:
        pass

    def after(self, handler: str, batch: list[dict[str, Any]], failed: set[str]) -> None:
        pass

    def __call__(self, handler: str, source: QueueName | TableName, records: list[dict[str, Any]]) -> None:
        pending = list(records)
        for _ in range(10 * len(records) + 10):
            if not pending:
                return
            size = self.rng.randint(1, 10)
            batch, rest = pending[:size], pending[size:]
            self.before(handler, batch)
            try:
                failed = invoke(handler, source, batch)
            finally:
                self.invocations += 1
            self.after(handler, batch, failed)
            ids = [record_id(record) for record in batch]
            if not failed:
                pending = rest
            elif isinstance(source, TableName):
                pending = batch[min(ids.index(i) for i in failed) :] + rest
            else:
                pending = rest + [r for r in batch if record_id(r) in failed]
        pytest.fail(f"{handler} never got through its records")
