"""Dossier table stream → the caseworker feed: registrations, replies, overdue replies, messages not
acknowledged in time and standstills about to end appear in the agency's feed (a transferred dossier's
items move to its new agency's feed, which hears of the move); every message
an agency sends an office goes to the outbox (its email and its webhook); and every intake of claims
(written with the claims) goes to the claims consolidation, which recomputes the dossier's totals.

Partial batch failures are reported (`batchItemFailures`), so one bad record is retried alone; a
feed item's id is derived from the change that caused it, so a redelivered record adds nothing.
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from respite_core.observability import traced
from respite_core.store.claims_intake import intake_in
from respite_core.store.items import ENTITY, Entity
from respite_notifications.deliveries import delivery_for
from respite_notifications.feed import FeedItem, feed_items_for, transferred
from respite_notifications.store import (
    Consolidations,
    FeedStore,
    Outbox,
    agency_name,
    dossier_agency,
    office_name,
)

logger = Logger(service="notifications")
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def on_record(record: DynamoDBRecord) -> None:
    change = record.dynamodb
    if change is None:
        return
    event_name = str(record.event_name.name if record.event_name else "")
    delivery = delivery_for(event_name, change.new_image)
    if delivery is not None:
        Outbox().put(delivery)
    intake = intake_in(event_name, change.new_image)
    if intake is not None:
        Consolidations().put(intake)
    store = FeedStore()
    move = transferred(event_name, change.old_image, change.new_image)
    if move is not None:  # before the new agency hears of it, what the old one heard goes there
        moved = store.move_dossier(move.dossier_id, move.from_agency_id, move.to_agency_id)
        logger.info("feed moved", extra={"dossier_id": move.dossier_id, "items": moved})
    items = feed_items_for(event_name, change.old_image, change.new_image, office_name, agency_name)
    if items and (change.new_image or {}).get(ENTITY) != Entity.DOSSIER:
        items = at_its_agency_now(items)
    for item in items:
        added = store.add(item)
        logger.info(
            "feed item", extra={"kind": item.kind.value, "dossier_id": item.dossier_id, "added": added}
        )


def at_its_agency_now(items: list[FeedItem]) -> list[FeedItem]:
    """A message or mail item names the agency the dossier was at when it was written: a mark on a
    request sent before a transfer (overdue, not acknowledged) goes to the agency it is at now."""
    now_at = {i.dossier_id: dossier_agency(i.dossier_id) for i in items}
    return [
        i.model_copy(update={"agency_id": now_at[i.dossier_id]})
        if now_at[i.dossier_id] not in (None, i.agency_id)
        else i
        for i in items
    ]


@traced
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=on_record, processor=processor, context=context
    )
