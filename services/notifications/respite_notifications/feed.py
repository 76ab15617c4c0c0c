"""The caseworker feed: in-app notifications of what happened to an agency's dossiers.

A feed item names a dossier and what happened, never the person: the feed is shown in lists
and may be read by every caseworker of the agency.
"""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from respite_core.ids import to_iso


class FeedKind(StrEnum):
    DOSSIER_REGISTERED = "dossier_registered"


class FeedItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    item_id: str  # derived from what caused it, so a redelivered event writes the same item
    agency_id: str
    kind: FeedKind
    dossier_id: str
    happened_at: datetime
    read: bool = False


def dossier_registered(agency_id: str, dossier_id: str, opened_at: datetime) -> FeedItem:
    return FeedItem(
        item_id=f"{to_iso(opened_at)}#{FeedKind.DOSSIER_REGISTERED}#{dossier_id}",
        agency_id=agency_id,
        kind=FeedKind.DOSSIER_REGISTERED,
        dossier_id=dossier_id,
        happened_at=opened_at,
    )
