"""What the deadline sweeper reads (the sparse deadline index, GSI2) and marks."""

from datetime import date, timedelta
from typing import Any

from botocore.exceptions import ClientError

from respite_core import aws, table_keys
from respite_core.resources import TableName
from respite_core.store.dossier_partition import DossierItems
from respite_core.store.items import Item
from respite_core.store.table import Table

_AWAITING = {"notified", "negotiating", "settled"}  # the dossier states that take replies


class DeadlineStore:
    def __init__(self) -> None:
        self._dossiers = Table(TableName.DOSSIERS)

    def _due(self, kind: str, before: str) -> list[Item]:
        return self._dossiers.query(
            "GSI2PK = :kind AND GSI2SK < :before",
            {":kind": kind, ":before": before},
            index=table_keys.DEADLINE_INDEX,
        )

    def past_due_replies(self, today: date) -> list[Item]:
        """Requests whose reply was due before today (the due day itself is still in time)."""
        return self._due(table_keys.REPLY_DUE, today.isoformat())

    def past_due_acks(self, today: date) -> list[Item]:
        return self._due(table_keys.ACK_DUE, today.isoformat())

    def standstills_to_announce(self, today: date) -> list[Item]:
        """Standstills whose two-weeks warning day has come (today included)."""
        return self._due(table_keys.STANDSTILL_DUE, (today + timedelta(days=1)).isoformat())

    def takes_replies(self, dossier_id: str) -> bool:
        """Whether the dossier still awaits answers (a closed or terminated one does not)."""
        meta = self._dossiers.get(table_keys.dossier(dossier_id), table_keys.DOSSIER_META)
        return meta is not None and str(meta.get("state")) in _AWAITING

    def mark_reply_overdue(self, request: Item, today: date) -> bool:
        if not self.takes_replies(str(request["dossier_id"])):
            self._leave_index(request["PK"], request["SK"])  # nobody waits for it any more
            return False
        return self._mark(request["PK"], request["SK"], "overdue_on", today)

    def mark_not_acknowledged(self, pointer: Item, today: date) -> bool:
        """On the message (its dossier's partition names the agency), and the pointer leaves the index.
        A message the office answered was received, whether it called `/acknowledgement` or not: an
        answer by API, CSV, link page or callback (it stamped the message) or a mail linked to it."""
        dossier_id, message_id = str(pointer["dossier_id"]), str(pointer["message_id"])
        if not self.takes_replies(dossier_id) or self._answered(dossier_id, message_id):
            self._leave_index(pointer["PK"], pointer["SK"])
            return False
        marked = self._mark(
            table_keys.dossier(dossier_id),
            table_keys.message(message_id),
            "ack_overdue_on",
            today,
            in_index=False,
            unless=("acknowledged_at", "answered_at"),
        )
        self._leave_index(pointer["PK"], pointer["SK"])
        return marked

    def _answered(self, dossier_id: str, message_id: str) -> bool:
        """Whether a reply or a linked mail of the office answers the message."""
        items = self._dossiers.query_partition(table_keys.dossier(dossier_id))
        return DossierItems(items).answers(message_id)

    def warn_standstill(self, dossier: Item, today: date) -> bool:
        # only while the standstill is still what the dossier is due for: closing it meanwhile put its
        # erasure in the index, which this mark must not take out
        return self._mark(
            dossier["PK"], dossier["SK"], "standstill_warned_on", today, still=table_keys.STANDSTILL_DUE
        )

    def _mark(
        self,
        pk: str,
        sk: str,
        attribute: str,
        today: date,
        *,
        in_index: bool = True,
        still: str | None = None,
        unless: tuple[str, ...] = (),
    ) -> bool:
        """Set the mark once (and leave the index); False when someone was first, the item is gone,
        (with `still`) it is no longer in the index under that kind, or it has an `unless` attribute."""
        changes: dict[str, Any] = {attribute: today.isoformat()}
        if in_index:
            changes |= {"GSI2PK": None, "GSI2SK": None}
        op = self._dossiers.update_op(pk, sk, changes=changes)["Update"]
        for absent in (attribute, *unless):
            op["ConditionExpression"] += f" AND attribute_not_exists({absent})"
        if still is not None:
            op["ConditionExpression"] += " AND GSI2PK = :still"
            op.setdefault("ExpressionAttributeValues", {})[":still"] = {"S": still}
        try:
            aws.dynamodb().update_item(**op)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _leave_index(self, pk: str, sk: str) -> None:
        op = self._dossiers.update_op(pk, sk, changes={"GSI2PK": None, "GSI2SK": None})["Update"]
        try:
            aws.dynamodb().update_item(**op)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
