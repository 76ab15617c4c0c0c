"""The deadline sweeper (scheduled): what is due gets marked, once, for the caseworker to hear of it.

- a request not answered within 10 working days (its `reply_due_on`) is marked `overdue_on`;
- a message neither acknowledged nor answered within 5 working days is marked `ack_overdue_on` (the Dutch
  hub silently deletes it; here the caseworker is told);
- two weeks before a standstill ends, the dossier is marked `standstill_warned_on`.

Each mark takes the item out of the deadline index (GSI2) in the same write, so a mark is made once
and the sweep only ever reads what is due. The notifications service sees the marks on the table
stream and puts them in the agency's feed.
"""

from datetime import date
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from respite_claims.deadline_store import DeadlineStore
from respite_core.ids import utc_now
from respite_core.metrics import Metric, count, publishes_metrics
from respite_core.observability import traced

logger = Logger(service="claims")


def sweep(today: date, store: DeadlineStore | None = None) -> dict[str, int]:
    store = store or DeadlineStore()
    marked = {
        "replies_overdue": sum(
            store.mark_reply_overdue(item, today) for item in store.past_due_replies(today)
        ),
        "not_acknowledged": sum(
            store.mark_not_acknowledged(item, today) for item in store.past_due_acks(today)
        ),
        "standstills_ending": sum(
            store.warn_standstill(item, today) for item in store.standstills_to_announce(today)
        ),
    }
    logger.info("deadlines swept", extra=marked)
    return marked


@traced
@logger.inject_lambda_context
@publishes_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    marked = sweep(utc_now().date())
    count(Metric.DEADLINES_OVERDUE, marked["replies_overdue"] + marked["not_acknowledged"])
    return marked
