"""Data access of outbound email: the one `EMAIL#<message_id>` record per message (deliveries table),
and the send itself (SES v2).

The record makes sending at most once per message however often the outbox delivers it: a sender
first claims it (`sending`, with a lease), sends, then marks it `sent` with SES's message id. A
redelivery finds `sent` and does nothing; one that finds a live claim is retried later; one that finds
a claim whose lease ran out (its sender died) takes it over. It holds no address and no content.

A message's record is claimed behind the liveness fence (DataKeyDestroyed once its dossier is
erased) and only ever updated after, never recreated: none outlives the erasure. A termination's
record (its dossier erased already) is the documented residual, kept `TERMINATION_RECORDS_KEPT`.
"""

import contextlib
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from respite_core import aws, table_keys
from respite_core.ids import to_iso
from respite_core.resources import TableName, locate
from respite_core.store.fence import write_about
from respite_core.store.items import ENTITY, EXPIRES_AT, Entity, Item, from_dynamo, to_dynamo
from respite_core.store.table import TransactionConflict

LEASE = timedelta(minutes=2)  # longer than one send takes; shorter than the outbox's retry delay
KEPT = timedelta(days=60)  # far beyond the outbox's retention (a redelivery cannot come later)


class EmailState(StrEnum):
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"  # nothing to send (the dossier was erased first)


class EmailInProgress(Exception):
    """Another delivery of the same message is sending it right now: retry later."""


class EmailRecords:
    def __init__(self) -> None:
        self._table = locate(TableName.DELIVERIES)

    def _key(self, message_id: str) -> dict[str, Any]:
        key = table_keys.email_sent(message_id)
        return to_dynamo({"PK": key, "SK": key})

    def get(self, message_id: str) -> Item | None:
        response = aws.dynamodb().get_item(
            TableName=self._table, Key=self._key(message_id), ConsistentRead=True
        )
        return from_dynamo(response["Item"]) if "Item" in response else None

    def claim(
        self,
        message_id: str,
        office_id: str,
        now: datetime,
        *,
        kept: timedelta = KEPT,
        about_dossier: str | None = None,
    ) -> bool:
        """True when this sender may send now; False when the message is done (sent or skipped).
        Raises EmailInProgress while another sender's lease runs, DataKeyDestroyed when
        `about_dossier` (the message's dossier) is erased. The record expires after `kept`."""
        client = aws.dynamodb()
        key = table_keys.email_sent(message_id)
        item = {
            "PK": key,
            "SK": key,
            ENTITY: Entity.EMAIL,
            "message_id": message_id,
            "office_id": office_id,
            "state": EmailState.SENDING.value,
            "claimed_at": to_iso(now),
            "lease_until": int((now + LEASE).timestamp()),
            EXPIRES_AT: int((now + kept).timestamp()),
        }
        put: dict[str, Any] = {
            "TableName": self._table,
            "Item": to_dynamo(item),
            "ConditionExpression": "attribute_not_exists(PK) OR (#state = :sending AND lease_until < :now)",
            "ExpressionAttributeNames": {"#state": "state"},
            "ExpressionAttributeValues": to_dynamo(
                {":sending": EmailState.SENDING.value, ":now": int(now.timestamp())}
            ),
        }
        try:
            if about_dossier is None:
                client.put_item(**put)
            else:
                write_about(about_dossier, [{"Put": put}])
        except (client.exceptions.ConditionalCheckFailedException, TransactionConflict):
            current = self.get(message_id)
            if current is not None and current.get("state") in (EmailState.SENT, EmailState.SKIPPED):
                return False
            raise EmailInProgress(message_id) from None
        return True

    def mark(
        self,
        message_id: str,
        state: EmailState,
        now: datetime,
        *,
        ses_message_id: str = "",
        token_hash: str = "",
        reason: str = "",
    ) -> None:
        changes = {
            "state": state.value,
            "done_at": to_iso(now),
            **({"reason": reason} if reason else {}),
            **({"ses_message_id": ses_message_id} if ses_message_id else {}),
            **({"token_hash": token_hash} if token_hash else {}),
        }
        names = {f"#c{n}": name for n, name in enumerate(changes)}
        values = {f":c{n}": value for n, value in enumerate(changes.values())}
        client = aws.dynamodb()
        with contextlib.suppress(client.exceptions.ConditionalCheckFailedException):
            client.update_item(
                TableName=self._table,
                Key=self._key(message_id),
                UpdateExpression="SET "
                + ", ".join(f"#c{n} = :c{n}" for n in range(len(changes)))
                + " REMOVE lease_until",
                # only the claimed record: gone, it was erased with its dossier, and stays gone
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=to_dynamo(values),
            )

    def release(self, message_id: str) -> None:
        """Give up a claim after a failed send, so the retry need not wait for the lease."""
        client = aws.dynamodb()
        with contextlib.suppress(client.exceptions.ConditionalCheckFailedException):
            client.delete_item(
                TableName=self._table,
                Key=self._key(message_id),
                ConditionExpression="#state = :sending",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues=to_dynamo({":sending": EmailState.SENDING.value}),
            )


def send_raw(
    sender: str,
    to: tuple[str, ...],
    raw: bytes,
    configuration_set: str | None,
    tags: list[dict[str, str]] | None = None,
) -> str:
    """Send one MIME message through SES v2; SES's message id. The tags come back with the
    configuration set's bounce and complaint events (ids only: SES shows them to whoever reads them)."""
    request: dict[str, Any] = {
        "FromEmailAddress": sender,
        "Destination": {"ToAddresses": list(to)},
        "Content": {"Raw": {"Data": raw}},
    }
    if tags:
        request["EmailTags"] = tags
    if configuration_set:
        request["ConfigurationSetName"] = configuration_set  # bounces and complaints come back through it
    return str(aws.ses().send_email(**request)["MessageId"])
