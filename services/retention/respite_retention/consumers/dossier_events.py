"""Dossier table stream → erasure: consent withdrawn, a closed dossier's retention ended (the
sweeper's mark), or DynamoDB's TTL deleted a dossier (the backstop) — then every trace of the
dossier goes, and a receipt without personal data remains in the access log.

Partial batch failures are reported, so a failing erasure is retried alone; the cascade is
idempotent and resumable, so a retry completes what a crash left, and a record for an erased
dossier is a no-op. Logs carry the receipt's counts, never the dossier's content.
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from respite_core.metrics import Metric, count, publishes_metrics
from respite_core.observability import traced
from respite_retention.cascade import erase
from respite_retention.erasure import erasure_requested

logger = Logger(service="retention")
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def on_record(record: DynamoDBRecord) -> None:
    change = record.dynamodb
    if change is None:
        return
    principal = record.user_identity.get("principalId")
    event_name = str(record.event_name.name if record.event_name else "")
    request = erasure_requested(event_name, change.old_image, change.new_image, principal)
    if request is None:
        return
    receipt = erase(request)
    count(Metric.ERASURES_DONE)
    logger.info(
        "dossier erased",
        extra={
            "subject": receipt.subject,
            "reason": receipt.reason.value,
            "items": receipt.items,
            "objects": receipt.objects,
            "offices_told": receipt.offices_told,
        },
    )


@traced
@logger.inject_lambda_context
@publishes_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=on_record, processor=processor, context=context
    )
