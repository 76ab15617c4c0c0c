"""What the notifications service must deliver to an office: "message X of dossier D is for office O".

The dossier table's stream says so when an agency's message to an office appears; the outbox
consumer then emails the office (with a reference link) and calls its webhook. The event holds ids
only: what an email or webhook says is read, and opened with the dossier's key, when it is sent.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from respite_core.domain import MessageType
from respite_core.ids import parse_iso
from respite_core.store.items import ENTITY, Entity


class OfficeDelivery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dossier_id: str
    message_id: str
    office_id: str
    agency_id: str
    message_type: MessageType
    created_at: datetime


def delivery_for(event_name: str, new: Mapping[str, Any] | None) -> OfficeDelivery | None:
    """The delivery a change of the dossier table asks for: a new message from the agency to an office."""
    if event_name != "INSERT" or not new or new.get(ENTITY) != Entity.MESSAGE or new.get("in_reply_to"):
        return None
    if new.get("sender") != new.get("agency_id"):
        return None  # an office's own message: nothing to deliver to it
    return OfficeDelivery(
        dossier_id=str(new["dossier_id"]),
        message_id=str(new["message_id"]),
        office_id=str(new["receiver"]),
        agency_id=str(new["agency_id"]),
        message_type=MessageType(new["type"]),
        created_at=parse_iso(str(new["created_at"])),
    )
