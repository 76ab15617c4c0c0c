"""Closing a dossier whose offices were told: the closure ends the debt help with them at once.

An office notified of a dossier must not learn of its end only when its data is erased a retention
period later. So a closure sends every notified office that was not told yet a `termination`, the
same message `POST /claims/dossiers/{id}/termination` sends (the outbox emails it and calls the
office's webhook), with the closure's reason and the standstill's end, in the closure's own
transaction: written once, with the closure, or not at all. The erasure then tells these offices
nothing more (`respite_retention.erasure.offices_to_tell`). Pure: the store writes what this decides.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from pydantic import JsonValue

from respite_core.domain import Agency, Dossier, Message, MessageType, message_to_office
from respite_core.store.items import Item


def offices_not_told(message_items: Iterable[Item]) -> list[str]:
    """The offices notified of the dossier that have had no termination (from the messages' plain
    attributes: nothing needs opening)."""
    items = list(message_items)
    told = {str(i["receiver"]) for i in items if i.get("type") == MessageType.TERMINATION}
    notified = {str(i["receiver"]) for i in items if i.get("type") == MessageType.NOTICE}
    return sorted(notified - told)


def terminations(
    closed: Dossier,
    offices: Iterable[str],
    agency: Agency,
    now: datetime,
    new_id: Callable[[], str],
    references: Mapping[str, Sequence[str]],
) -> list[Message]:
    """One `termination` to each office, from the agency, saying why and when the standstill ended,
    with the office's own references for the dossier (so that it finds its file)."""
    body: dict[str, JsonValue] = {"reason": closed.close_reason or ""}
    if closed.standstill_ends_on is not None:
        body["standstill_ends_on"] = closed.standstill_ends_on.isoformat()
    return [
        message_to_office(
            MessageType.TERMINATION,
            closed.dossier_id,
            agency.agency_id,
            office_id,
            message_id=new_id(),
            created_at=now,
            body=body | {"office_references": list(references.get(office_id, ()))},
        )
        for office_id in offices
    ]
