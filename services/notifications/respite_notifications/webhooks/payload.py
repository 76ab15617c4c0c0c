"""What a webhook says: that a message is waiting for the office, and where to fetch and answer it.

The body names ids, the message's type and its dates, and links (the documents it carries too): no
personal data. The office's system fetches the person (as far as it needs to find its file) and the
documents from the claims API with its OAuth2 token, where each read is access-logged. The body is
built when it is sent (each attempt), from the message item as it is then; the `webhook-id` stays the
same across every attempt and redelivery, so the receiver can use it as its idempotency key.
"""

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from respite_core import settings
from respite_core.ids import to_iso

EVENT_TYPE = "message.created"
TERMINATION_EVENT = "dossier.terminated"  # an erased dossier's termination (`termination_body`)


def webhook_id_for(message_id: str) -> str:
    """The webhook's id: one per message (a message has one receiving office), stable across retries."""
    return f"msg_{message_id}"


def body(delivery: Mapping[str, Any], message: Mapping[str, Any], *, at: datetime) -> str:
    """The JSON body (Standard Webhooks' `type`, `timestamp`, `data`) for one delivery."""
    url = settings.current().public_url
    dossier_id, message_id = str(delivery["dossier_id"]), str(delivery["message_id"])
    about = url(f"/claims/dossiers/{dossier_id}/messages/{message_id}")
    data: dict[str, Any] = {
        "office_id": delivery["office_id"],
        "agency_id": delivery["agency_id"],
        "dossier_id": dossier_id,
        "message_id": message_id,
        "conversation_id": message.get("conversation_id"),
        "message_type": message.get("type", delivery["message_type"]),
        "created_at": message.get("created_at", delivery["message_created_at"]),
        "reply_due_on": message.get("reply_due_on"),
        "links": {
            "inbox": url("/claims/inbox"),
            "replies": f"{about}/replies",
            "claims_csv": f"{about}/claims.csv",
            "acknowledgement": f"{about}/acknowledgement",
            "callback": url(f"/claims/callbacks/{dossier_id}/{message_id}"),
        },
    }
    if message.get("standstill_ends_on"):  # a notice's standstill, or its end (settlement, termination)
        data["standstill_ends_on"] = message["standstill_ends_on"]
    documents = [str(d) for d in message.get("document_ids") or []]
    if documents:  # a proposal's budget PDF: each link gives a short-lived download (office token)
        data["documents"] = [{"document_id": d, "url": f"{about}/documents/{d}"} for d in documents]
    document = {"type": EVENT_TYPE, "timestamp": to_iso(at), "data": data}
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def termination_body(delivery: Mapping[str, Any], office_references: Sequence[str], *, at: datetime) -> str:
    """The JSON body of an erased dossier's termination: ids and why, and the office's own references
    for its file; no links (nothing is left to fetch), nothing else of the person."""
    data: dict[str, Any] = {
        "office_id": delivery["office_id"],
        "agency_id": delivery["agency_id"],
        "dossier_id": delivery["dossier_id"],
        "termination_id": delivery["termination_id"],
        "message_type": "termination",
        "reason": delivery["reason"],
        "office_references": list(office_references),
    }
    document = {"type": TERMINATION_EVENT, "timestamp": to_iso(at), "data": data}
    return json.dumps(document, separators=(",", ":"), sort_keys=True)
