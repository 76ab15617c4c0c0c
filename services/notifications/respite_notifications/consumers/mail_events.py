"""SES bounces and complaints (configuration set → SNS topic → this queue): the office's address is
flagged in the directory, so no further email goes to it, and the agency's feed hears of it for the
dossier the email was about (found by the email's SES message tags: ids, no personal data).

Idempotent: a flag already set is kept, and the feed item's id comes from SES's message id, so a
redelivered event changes nothing. A message that is not an SES event goes to the DLQ after its
retries (`batchItemFailures`); logs carry ids and counts, never an address.
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from respite_core.metrics import Metric, count, publishes_metrics
from respite_core.observability import traced
from respite_core.store.directory import ContactFlag, Directory
from respite_notifications.mail_events import (
    MailEvent,
    MailEventKind,
    addresses_to_flag,
    feed_item_for,
    flag_reason,
    mail_event_from,
)
from respite_notifications.store import FeedStore, dossier_agency, office_name

logger = Logger(service="notifications")
processor = BatchProcessor(event_type=EventType.SQS)


def on_event(event: MailEvent) -> str:
    """What became of one event: "ignored", "transient" or "flagged:<n>"."""
    if event.about is None:
        return "ignored"  # not an email of ours (no tags): nothing to flag it against
    if not event.permanent:
        return "transient"
    directory = Directory()
    office = directory.office(event.about.office_id)
    addresses = addresses_to_flag(event, office.contact_emails if office else ())
    for address in addresses:
        directory.flag_contact(
            event.about.office_id, ContactFlag(address, flag_reason(event).value, event.happened_at)
        )
    agency_id = dossier_agency(event.about.dossier_id)
    item = feed_item_for(event, flagged=len(addresses), agency_id=agency_id, office_name=office_name)
    if item is not None:
        FeedStore().add(item)
    return f"flagged:{len(addresses)}"


def on_record(record: SQSRecord) -> None:
    event = mail_event_from(record.body)
    if event is None:
        return
    outcome = on_event(event)
    if event.kind is MailEventKind.BOUNCE and event.permanent:
        count(Metric.EMAILS_BOUNCED)  # SES's bounce rate counts permanent (hard) bounces
    logger.info(
        "mail event",
        extra={
            "kind": event.kind.value,
            "ses_message_id": event.ses_message_id,
            "dossier_id": event.about.dossier_id if event.about else None,
            "office_id": event.about.office_id if event.about else None,
            "outcome": outcome,
        },
    )


@traced
@logger.inject_lambda_context
@publishes_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=on_record, processor=processor, context=context
    )
