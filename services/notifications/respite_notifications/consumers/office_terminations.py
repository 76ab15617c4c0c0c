"""The office-terminations queue (SQS) → for each office told of an erased dossier, an email and,
when it has an endpoint, a signed `dossier.terminated` webhook (through the webhook queue, with its
retries). Each is keyed on the termination (one per dossier and office), so a redelivered or
re-queued termination sends nothing twice. One failing termination is reported alone
(`batchItemFailures`); after the queue's retries it goes to the DLQ. Logs name ids and outcomes.
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from respite_core.metrics import publishes_metrics
from respite_core.observability import traced
from respite_notifications import email, webhooks
from respite_notifications.terminations import Termination

logger = Logger(service="notifications")
processor = BatchProcessor(event_type=EventType.SQS)


def on_termination(record: SQSRecord) -> None:
    termination = Termination.model_validate_json(record.body)
    emailed = email.send_termination(termination)
    webhooks.deliver_termination(termination)
    logger.info(
        "termination",
        extra={
            "termination_id": termination.termination_id,
            "office_id": termination.office_id,
            "email": emailed.value,
        },
    )


@traced
@logger.inject_lambda_context
@publishes_metrics  # the emails sent (respite_notifications.email.termination)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=on_termination, processor=processor, context=context
    )
