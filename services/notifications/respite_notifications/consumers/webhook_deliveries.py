"""The webhook queue (SQS) → one signed POST per job to the office's endpoint.

Each job is attempted once per receive (`webhooks.service.attempt`): whatever the HTTP outcome the
job is done with — a retry is a new job sent with the schedule's delay, an exhausted one goes to the
DLQ with its reason. A job this consumer fails to handle (an AWS error) is reported alone in
`batchItemFailures` and comes back after the visibility timeout; after `maxReceiveCount` receives SQS
moves it to the same DLQ. Logs name ids and outcomes only.
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from respite_core.metrics import Metric, count, publishes_metrics
from respite_core.observability import traced
from respite_notifications.webhooks import service
from respite_notifications.webhooks.store import job_from

logger = Logger(service="notifications")
processor = BatchProcessor(event_type=EventType.SQS)
FAILED = ("failed", "gone")  # given up after the retries, or the endpoint answered 410 (disabled)


def on_job(record: SQSRecord, lambda_context: LambdaContext | None = None) -> None:
    job = job_from(record.body)
    time_left_s = lambda_context.get_remaining_time_in_millis() / 1000 if lambda_context else None
    result = service.attempt(job, time_left_s=time_left_s)
    if result in FAILED:
        count(Metric.WEBHOOK_DELIVERIES_FAILED)
    logger.info(
        "webhook job",
        extra={
            "webhook_id": job.webhook_id,
            "office_id": job.office_id,
            "round": job.round,
            "attempt": job.attempt,
            "result": result,
        },
    )


@traced
@logger.inject_lambda_context
@publishes_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=on_job, processor=processor, context=context)
