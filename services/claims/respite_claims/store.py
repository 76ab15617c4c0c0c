"""The claims service's data access: messages, inbox pointers, claims, offices' accounts.

Sending is one transaction: the dossier's new state (guarded by the state it was decided on), every
message, every office's inbox pointer and the access-log entry. A reply is one transaction too: the
reply, the answered request leaving the deadline index, the dossier's next deadline and up to
`MAX_CLAIMS_PER_REPLY` claims. Claims are keyed by the office's file reference, so a repeated upload
overwrites and never duplicates. Claims are written with their intake item, in the same transaction:
the table's stream carries it on to the consolidation, which recomputes the dossier's totals
(`respite_core.store.claims_intake`), so no crash between the two can leave the totals stale.

Every write about a dossier carries the liveness fence (`write_about`): once its data key is
destroyed it raises DataKeyDestroyed and writes nothing, so nothing written during an erasure
outlives it.
"""

import contextlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from respite_core import aws, table_keys
from respite_core.access_log import AccessEntry, LookupMiss
from respite_core.callers import OFFICE_READ, OFFICE_WRITE, office_group
from respite_core.creditor_records import StandstillObjection, UtilityReadings
from respite_core.domain import Claim, DebtorIdentity, Dossier, Message
from respite_core.ids import to_iso
from respite_core.resources import TableName, UserPoolName, locate
from respite_core.store.access_log import AccessLog
from respite_core.store.claims_intake import ClaimsIntake, intake_ops
from respite_core.store.creditor_items import (
    objection_item,
    objection_key,
    objections_of,
    readings_item,
    readings_of,
    resolution_changes,
)
from respite_core.store.data_keys import DataKey, DataKeys
from respite_core.store.dossier_items import (
    claim_id_for,
    claim_item,
    inbox_item,
    message_item,
)
from respite_core.store.dossier_partition import DossierItems
from respite_core.store.fence import write_about
from respite_core.store.items import Entity, Item, model_of, to_dynamo
from respite_core.store.listing import Partition, listing
from respite_core.store.pseudonyms import pseudonym_key
from respite_core.store.registrations import Registrations, person_key
from respite_core.store.table import Table, TransactionConflict

MAX_CLAIMS_PER_REPLY = 50  # a transaction holds at most 100 writes; CSV uploads go in batches instead
ACKNOWLEDGED_AT = "acknowledged_at"  # on an inbox pointer: acknowledged, its answer still to come
CLAIMS_PER_BATCH = 97  # an upload's transactions: DynamoDB's 100 operations, less the fence and 2 intake ops
OFFICE_SCOPES = (OFFICE_READ, OFFICE_WRITE)
RATE_ATTEMPTS = 5  # reads and conditional writes of a rate counter before a busy subject is told to wait


class ChangedMeanwhile(Exception):
    """The dossier or the request changed between reading and writing."""


@dataclass(frozen=True)
class Outgoing:
    message: Message
    ack_due_on: date


@dataclass(frozen=True)
class DossierDates:
    """What the dossier item carries for lists and the deadline index, decided by the exchange."""

    next_deadline_on: date | None
    standstill_warning_on: date | None


@dataclass
class DossierRecord:
    """A dossier as the claims service reads it: one Query of its partition."""

    dossier: Dossier
    items: list[Item]
    _keys: DataKeys = field(repr=False)

    @cached_property
    def data_key(self) -> DataKey:
        return self._keys.open(self.dossier.dossier_id)  # DataKeyDestroyed once consent is withdrawn

    @cached_property
    def messages(self) -> list[Message]:
        return DossierItems(self.items).messages(self.data_key)

    @cached_property
    def claims(self) -> list[Claim]:
        return DossierItems(self.items).claims(self.data_key)

    @cached_property
    def meter_readings(self) -> list[UtilityReadings]:
        return readings_of(self.items, self.data_key)

    @cached_property
    def objections(self) -> list[StandstillObjection]:
        return objections_of(self.items, self.data_key)

    def message(self, message_id: str) -> Message | None:
        return next((m for m in self.messages if m.message_id == message_id), None)

    def person(self) -> DebtorIdentity:
        return DossierItems(self.items).person(self.data_key)


class ClaimsStore:
    def __init__(self) -> None:
        self._dossiers = Table(TableName.DOSSIERS)
        self._keys = DataKeys()
        self._log = AccessLog()
        self._registrations = Registrations()

    # --- reading --------------------------------------------------------------------------------

    def dossier(self, dossier_id: str) -> DossierRecord | None:
        items = self._dossiers.query_partition(table_keys.dossier(dossier_id))
        meta = DossierItems(items).of(Entity.DOSSIER)
        if not meta:
            return None
        dossier = model_of(Dossier, meta[0])
        return DossierRecord(dossier, items, self._keys)

    def dossiers_of_messages(self, wanted: Sequence[tuple[str, str]]) -> dict[str, DossierRecord]:
        """For an inbox page, (dossier id, message id) pairs: each dossier with its meta, its person
        and the messages asked for, never its claims (a dossier may hold thousands), in one batch
        read. A dossier gone (erased) is not in the answer."""
        keys = [
            (table_keys.dossier(dossier_id), sk)
            for dossier_id, message_id in wanted
            for sk in (table_keys.DOSSIER_META, table_keys.DOSSIER_PERSON, table_keys.message(message_id))
        ]
        by_partition: dict[str, list[Item]] = defaultdict(list)
        for item in self._dossiers.get_many(keys):
            by_partition[str(item["PK"])].append(item)
        records: dict[str, DossierRecord] = {}
        for dossier_id, _ in wanted:
            items = by_partition.get(table_keys.dossier(dossier_id), [])
            meta = DossierItems(items).meta
            if meta is not None and dossier_id not in records:
                records[dossier_id] = DossierRecord(model_of(Dossier, meta), items, self._keys)
        return records

    def persons_standstill_ends_on(self, dossier_id: str) -> date | None:
        """The last day of the standstill the dossier's person has already (any agency, any dossier)."""
        person = self._registrations.person_of(dossier_id)
        return None if person is None else self._registrations.standstill_ends_on(person)

    def message_item(self, dossier_id: str, message_id: str) -> Item | None:
        return self._dossiers.get(table_keys.dossier(dossier_id), table_keys.message(message_id))

    # --- sending --------------------------------------------------------------------------------

    def send(
        self,
        before: Dossier,
        after: Dossier,
        outgoing: Sequence[Outgoing],
        record: DossierRecord,
        dates: DossierDates,
        log: AccessEntry,
    ) -> None:
        """The dossier's step, its messages and the offices' inbox pointers, all or nothing; with a
        first notice, the person's standstill (in the key store) that later first notices end with."""
        key = record.data_key
        operations = [self._dossier_update(before, after, dates), self._log.append_op(log)]
        if before.standstill_starts_on is None and after.standstill_ends_on is not None:
            person = self._registrations.person_of(before.dossier_id)
            if person is not None:  # none: the dossier is being erased, and the fence refuses it all
                operations.append(self._registrations.standstill_op(person, after.standstill_ends_on))
        for sent in outgoing:
            message = sent.message
            item = message_item(message, key, agency_id=after.agency_id, office_id=message.receiver)
            operations.append(self._dossiers.put_op(item))
            operations.append(
                self._dossiers.put_op(inbox_item(message, message.receiver, sent.ack_due_on.isoformat()))
            )
        try:
            write_about(before.dossier_id, operations)
        except TransactionConflict:
            raise ChangedMeanwhile from None

    def _dossier_update(self, before: Dossier, after: Dossier, dates: DossierDates) -> dict[str, Any]:
        changes: dict[str, Any] = {
            name: value
            for name, value in after.model_dump(mode="json").items()
            if value != before.model_dump(mode="json")[name]
        }
        changes["next_deadline_on"] = dates.next_deadline_on.isoformat() if dates.next_deadline_on else None
        if dates.standstill_warning_on is None:
            changes |= {"GSI2PK": None, "GSI2SK": None}
        else:  # a running standstill is in the deadline index from the day its end must be announced
            position = table_keys.deadline(
                dates.standstill_warning_on.isoformat(), after.dossier_id, "standstill"
            )
            changes |= {"GSI2PK": table_keys.STANDSTILL_DUE, "GSI2SK": position}
        return self._dossiers.update_op(
            table_keys.dossier(before.dossier_id),
            table_keys.DOSSIER_META,
            changes=changes,
            expected={"state": before.state.value, "agency_id": before.agency_id},
        )

    # --- replies and claims ---------------------------------------------------------------------

    def claim_id(self, dossier_id: str, office_id: str, office_reference: str) -> str:
        return claim_id_for(dossier_id, office_id, office_reference, pseudonym_key())

    def reply(
        self,
        record: DossierRecord,
        request: Message,
        reply: Message,
        claims: Sequence[Claim],
        *,
        dates: DossierDates,
        now: datetime,
        log: AccessEntry,
        objection: StandstillObjection | None = None,
    ) -> None:
        """The reply, the request answered (and so acknowledged: it leaves the office's inbox), the
        next deadline, the claims with their intake (named by the reply) and, for an objection, its
        mark on the creditor's standstill: all or nothing."""
        if len(claims) > MAX_CLAIMS_PER_REPLY:
            raise ValueError(f"at most {MAX_CLAIMS_PER_REPLY} claims in one reply")
        dossier, key = record.dossier, record.data_key
        operations = [
            self._dossiers.put_op(
                message_item(reply, key, agency_id=dossier.agency_id, office_id=reply.sender)
                | {"received_at": to_iso(now)}
            ),
            self._answered_op(request, now),
            self._inbox_pointer_delete_op(request),
            self._dossier_update(dossier, dossier, dates),
            self._log.append_op(log),
            *(
                self._dossiers.put_op(claim_item(c, key, agency_id=dossier.agency_id, received_at=now))
                for c in claims
            ),
        ]
        if claims:
            operations.extend(self._intake_ops(dossier, reply.message_id, len(claims), now))
        if objection is not None:
            item = objection_item(dossier.dossier_id, objection, key, agency_id=dossier.agency_id)
            operations.append(self._dossiers.put_op(item))
        try:
            write_about(dossier.dossier_id, operations)
        except TransactionConflict:
            raise ChangedMeanwhile from None

    # --- what the agency records about a creditor ---------------------------------------------

    def record_readings(self, record: DossierRecord, readings: UtilityReadings, log: AccessEntry) -> None:
        """The creditor's meter readings (replacing earlier ones), while the dossier is in the state
        they were decided in; ChangedMeanwhile otherwise."""
        dossier = record.dossier
        item = readings_item(dossier.dossier_id, readings, record.data_key, agency_id=dossier.agency_id)
        operations = [
            self._dossiers.put_op(item),
            self._dossier_unchanged_op(dossier),
            self._log.append_op(log),
        ]
        try:
            write_about(dossier.dossier_id, operations)
        except TransactionConflict:
            raise ChangedMeanwhile from None

    def resolve_objection(
        self, record: DossierRecord, office_id: str, resolution: str, now: datetime, log: AccessEntry
    ) -> None:
        """The objection resolved, once: ChangedMeanwhile when it was resolved (or gone) meanwhile."""
        dossier = record.dossier
        pk, sk = objection_key(dossier.dossier_id, office_id)
        update = self._dossiers.update_op(
            pk, sk, changes=resolution_changes(now, resolution, office_id, record.data_key)
        )
        update["Update"]["ConditionExpression"] += " AND attribute_not_exists(resolved_at)"
        try:
            write_about(dossier.dossier_id, [update, self._log.append_op(log)])
        except TransactionConflict:
            raise ChangedMeanwhile from None

    def _dossier_unchanged_op(self, dossier: Dossier) -> dict[str, Any]:
        """A check, writing nothing, that the dossier is still at its agency in the state read."""
        op = self._dossiers.exists_op(table_keys.dossier(dossier.dossier_id), table_keys.DOSSIER_META)
        check = op["ConditionCheck"]
        check["ConditionExpression"] += " AND #state = :state AND agency_id = :agency"
        check["ExpressionAttributeNames"] = {"#state": "state"}
        check["ExpressionAttributeValues"] = to_dynamo(
            {":state": dossier.state.value, ":agency": dossier.agency_id}
        )
        return op

    def _answered_op(self, request: Message, now: datetime) -> dict[str, Any]:
        """The request leaves the deadline index; only an unanswered request can be answered. An
        answer is an acknowledgement: the office has the request, whether it called
        `/acknowledgement` or not (fetched and acknowledged now, unless it was before)."""
        op = self._dossiers.update_op(
            table_keys.dossier(request.dossier_id),
            table_keys.message(request.message_id),
            changes={"answered_at": to_iso(now), "GSI2PK": None, "GSI2SK": None},
            if_absent={"fetched_at": to_iso(now), "acknowledged_at": to_iso(now)},
        )
        op["Update"]["ConditionExpression"] += " AND attribute_not_exists(answered_at)"
        return op

    def _inbox_pointer_delete_op(self, request: Message) -> dict[str, Any]:
        """The request's pointer leaves the office's inbox (and the acknowledgement deadline with it);
        gone already when the office acknowledged it first."""
        return self._dossiers.delete_op(
            table_keys.inbox(request.receiver),
            table_keys.inbox_entry(to_iso(request.created_at), request.message_id),
        )

    def put_claims(
        self, record: DossierRecord, claims: Sequence[Claim], now: datetime, intake_id: str
    ) -> None:
        """Claims of an upload, `CLAIMS_PER_BATCH` to a fenced transaction (idempotent: the same
        reference overwrites), the last with the upload's intake. DataKeyDestroyed once the dossier
        is erased: the batches written before are found by the erasure, none is written after."""
        dossier, key = record.dossier, record.data_key
        puts = [
            self._dossiers.put_op(claim_item(c, key, agency_id=dossier.agency_id, received_at=now))
            for c in claims
        ]
        for start in range(0, len(puts), CLAIMS_PER_BATCH):
            batch = puts[start : start + CLAIMS_PER_BATCH]
            if start + CLAIMS_PER_BATCH >= len(puts):  # the last: consolidated once all are in
                batch.extend(self._intake_ops(dossier, intake_id, len(claims), now))
            write_about(dossier.dossier_id, batch)

    def _intake_ops(
        self, dossier: Dossier, intake_id: str, received: int, now: datetime
    ) -> list[dict[str, Any]]:
        """The trigger of the dossier's consolidation, written with the claims (no personal data)."""
        intake = ClaimsIntake(
            dossier_id=dossier.dossier_id,
            agency_id=dossier.agency_id,
            intake_id=intake_id,
            received=received,
            received_at=now,
        )
        return intake_ops(self._dossiers, intake)

    # --- the office's inbox ---------------------------------------------------------------------

    def inbox(
        self, office_id: str, cursor: str | None, *, acknowledged: bool = False
    ) -> Iterator[tuple[Item, str]]:
        """The office's message pointers awaiting it, oldest first, each with its cursor: the
        unacknowledged ones, and with `acknowledged` also those acknowledged and not yet answered."""
        inbox = Partition(table_keys.inbox(office_id))
        return (
            (pointer, position)
            for pointer, position in listing(self._dossiers, inbox, cursor, consistent=True)
            if acknowledged or ACKNOWLEDGED_AT not in pointer
        )

    def mark_fetched(self, dossier_id: str, message_id: str, now: datetime) -> None:
        """Stamp an existing message (no fence needed: an update that cannot recreate what the
        erasure deleted); fetched before, the first time counts."""
        op = self._dossiers.update_op(
            table_keys.dossier(dossier_id),
            table_keys.message(message_id),
            changes={"fetched_at": to_iso(now)},
        )["Update"]
        op["ConditionExpression"] += " AND attribute_not_exists(fetched_at)"
        try:
            aws.dynamodb().update_item(**op)
        except aws.dynamodb().exceptions.ConditionalCheckFailedException:
            pass  # fetched before: the first time counts

    def acknowledge(self, office_id: str, message: Message, now: datetime) -> None:
        """The pointer is marked acknowledged (it leaves the acknowledgement deadlines, and the inbox
        unless acknowledged ones are asked for, until the answer removes it) and the message stamped;
        ChangedMeanwhile if it was gone or acknowledged already."""
        dossier_id, message_id = message.dossier_id, message.message_id
        pointer = self._dossiers.update_op(
            table_keys.inbox(office_id),
            table_keys.inbox_entry(to_iso(message.created_at), message_id),
            changes={ACKNOWLEDGED_AT: to_iso(now), "GSI2PK": None, "GSI2SK": None},
        )
        pointer["Update"]["ConditionExpression"] += f" AND attribute_not_exists({ACKNOWLEDGED_AT})"
        stamp = self._dossiers.update_op(
            table_keys.dossier(dossier_id),
            table_keys.message(message_id),
            changes={"acknowledged_at": to_iso(now)},
            if_absent={"fetched_at": to_iso(now)},
        )
        operations = [pointer, stamp]
        try:
            write_about(dossier_id, operations)
        except TransactionConflict:
            raise ChangedMeanwhile from None

    # --- lookups ----------------------------------------------------------------------------------

    def registrations(self, country: str, compact_number: str) -> list[Item]:
        """The person's registrations, one per agency (in the key store, by their pseudonym)."""
        return Registrations().of_person(person_key(country, compact_number))

    def dossier_summary(self, dossier_id: str) -> Dossier | None:
        item = self._dossiers.get(table_keys.dossier(dossier_id), table_keys.DOSSIER_META)
        return None if item is None else model_of(Dossier, item)

    def log(self, entry: AccessEntry) -> None:
        """Behind the fence: DataKeyDestroyed (nothing logged) once the dossier is erased."""
        self._log.append(entry)

    def log_lookup_miss(self, miss: LookupMiss) -> None:
        self._log.append_lookup_miss(miss)

    def take_rate(self, subject: str, limit: int, window: timedelta, now: datetime) -> timedelta | None:
        """Count one use of `subject` in the window that ends `now` (a sliding window, not a clock
        hour): None when it is within `limit`, else how long until the oldest use leaves the window
        (a refused use is not counted, so a caller that waits that long gets through).

        One item per subject holds its uses in the window; it is replaced only if nobody else
        replaced it since it was read (a version), so concurrent uses are each counted."""
        client = aws.dynamodb()
        table, key = locate(TableName.IDEMPOTENCY), {"id": {"S": f"rate#{subject}"}}
        at, span = int(now.timestamp() * 1000), int(window.total_seconds() * 1000)
        for _ in range(RATE_ATTEMPTS):
            found = client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item", {})
            version = int(found["version"]["N"]) if "version" in found else 0
            uses = sorted(int(u["N"]) for u in found.get("uses", {}).get("L", []) if int(u["N"]) > at - span)
            if len(uses) >= limit:  # room again once the use `limit` places back leaves the window
                return timedelta(milliseconds=uses[len(uses) - limit] + span - at)
            try:
                client.put_item(
                    TableName=table,
                    Item=key
                    | {
                        "uses": {"L": [{"N": str(u)} for u in [*uses, at]]},
                        "version": {"N": str(version + 1)},
                        "expiration": {"N": str((at + span) // 1000 + 1)},  # TTL: gone when all are out
                    },
                    ConditionExpression="attribute_not_exists(id) OR version = :seen",
                    ExpressionAttributeValues={":seen": {"N": str(version)}},
                )
                return None
            except client.exceptions.ConditionalCheckFailedException:
                continue  # another use came in between: count again
        return timedelta(seconds=1)  # still contended: ask the caller to come back in a moment


class OfficeAccounts:
    """Office systems' OAuth2 clients in the user pool (client credentials, office scopes), and the
    offices' groups of people."""

    def create_client(self, office_id: str) -> tuple[str, str]:
        pool_id = locate(UserPoolName.CASEWORKERS).rsplit("/", 1)[-1]
        client = aws.cognito().create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=f"office-{office_id}",
            GenerateSecret=True,
            AllowedOAuthFlows=["client_credentials"],
            AllowedOAuthScopes=list(OFFICE_SCOPES),
            AllowedOAuthFlowsUserPoolClient=True,
        )["UserPoolClient"]
        return client["ClientId"], client["ClientSecret"]

    def create_group(self, office_id: str) -> None:
        """The group of the office's people (`office-<id>`): ops add users to it, the office's
        routes read it from their tokens. Made with the office, so that adding a person is one step."""
        pool_id = locate(UserPoolName.CASEWORKERS).rsplit("/", 1)[-1]
        cognito = aws.cognito()
        # registered again after a failure: the group is the same
        with contextlib.suppress(cognito.exceptions.GroupExistsException):
            cognito.create_group(
                UserPoolId=pool_id,
                GroupName=office_group(office_id),
                Description="The people of this office (Respite's office portal)",
            )


def claims_from(items: Iterable[Item], key: DataKey) -> list[Claim]:
    return DossierItems(items).claims(key)
