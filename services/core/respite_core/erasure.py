"""Erasure, as every service sees it: why a dossier is erased, when a closed one is due, and the
receipt that remains (no personal data). The retention service erases; the consent service schedules
the erasure of a dossier it closes and shows operators the receipts.
"""

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from respite_core import table_keys
from respite_core.ids import to_iso
from respite_core.store.items import EXPIRES_AT, Item

# The sweeper erases a closed dossier within minutes of its retention deadline; DynamoDB's TTL on
# the dossier's meta item, this much later, is the backstop (AWS deletes "within a few days").
TTL_BACKSTOP = timedelta(days=1)

# What telling an office of an erasure leaves at the notifications service (the email's "sent" record,
# the webhook delivery): ids and the reason, no personal data, kept as long as the termination can
# come back — the office-terminations queue's 4 days plus its DLQ's 14 — and then expired (TTL).
TERMINATION_RECORDS_KEPT = timedelta(days=18)


class ErasureReason(StrEnum):
    CONSENT_WITHDRAWN = "consent_withdrawn"  # the person withdrew consent: erased at once
    RETENTION_ENDED = "retention_ended"  # closed, and the retention period has passed (the sweeper)
    TTL_EXPIRED = "ttl_expired"  # DynamoDB TTL deleted the meta item first (the backstop)


def scheduled_erasure(dossier_id: str, retention_ends_at: datetime) -> Item:
    """The attributes that make a closed dossier's meta item due for erasure: in the sparse deadline
    index (the sweeper's) at its deadline, and expiring (TTL) a backstop period later."""
    return {
        "GSI2PK": table_keys.ERASURE_DUE,
        "GSI2SK": table_keys.erasure_due(to_iso(retention_ends_at), dossier_id),
        EXPIRES_AT: int((retention_ends_at + TTL_BACKSTOP).timestamp()),
    }


class ErasureReceipt(BaseModel):
    """What remains of an erased dossier: proof that it was erased, when and why, and how much.

    `subject` is the keyed hash (HMAC, the pseudonym key) of the dossier id: whoever knows the
    dossier id can find its receipt; the receipt alone names nobody and no dossier.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: str
    reason: ErasureReason
    requested_at: datetime  # withdrawal, the retention deadline, or the TTL deletion
    started_at: datetime
    completed_at: datetime | None = None  # None while the cascade runs (or was interrupted)
    items: int  # table items deleted (every table)
    objects: int  # stored objects deleted (documents, raw inbound mail)
    offices_told: int  # offices sent a termination

    @property
    def complete(self) -> bool:
        return self.completed_at is not None


def references_sealed_about(termination_id: str) -> str:
    """What an office's references in a termination are sealed for, besides the office (the seal's
    context, `directory.seal_for_office`): that termination and no other."""
    return f"termination:{termination_id}"
