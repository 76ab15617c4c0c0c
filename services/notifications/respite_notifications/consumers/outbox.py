"""The outbox (SQS): for each message an agency sends an office, an email with its reference link and,
when the office has a webhook endpoint, a signed webhook call. One failing delivery is reported alone
(`batchItemFailures`); each channel is idempotent per message, so a redelivery sends nothing twice."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from respite_core.metrics import publishes_metrics
from respite_core.observability import traced
from respite_notifications import email, webhooks
from respite_notifications.deliveries import OfficeDelivery

logger = Logger(service="notifications")
processor = BatchProcessor(event_type=EventType.SQS)


def on_delivery(record: SQSRecord) -> None:
    delivery = OfficeDelivery.model_validate_json(record.body)
    email.deliver(delivery)
    webhooks.deliver(delivery)
    logger.info("delivered", extra={"message_id": delivery.message_id, "office_id": delivery.office_id})


@traced
@logger.inject_lambda_context
@publishes_metrics  # the emails sent (respite_notifications.email.sender)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=on_delivery, processor=processor, context=context
    )
