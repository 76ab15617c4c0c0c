"""Dossier table stream → the caseworker feed: a newly registered dossier appears in its agency's feed.

Partial batch failures are reported (`batchItemFailures`), so one bad record is retried alone;
the feed item's id is derived from the dossier, so a redelivered record adds nothing twice.
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from respite_core.domain import Dossier
from respite_core.store.items import ENTITY
from respite_notifications.feed import dossier_registered
from respite_notifications.store import FeedStore

logger = Logger(service="notifications")
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def on_record(record: DynamoDBRecord) -> None:
    image = record.dynamodb.new_image if record.dynamodb else None
    if not image or image.get(ENTITY) != "dossier":
        return  # other item kinds of the dossier partition do not reach the feed
    dossier = Dossier.model_validate({k: v for k, v in image.items() if k in Dossier.model_fields})
    added = FeedStore().add(dossier_registered(dossier.agency_id, dossier.dossier_id, dossier.opened_at))
    logger.info("feed item", extra={"dossier_id": dossier.dossier_id, "added": added})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=on_record, processor=processor, context=context
    )
