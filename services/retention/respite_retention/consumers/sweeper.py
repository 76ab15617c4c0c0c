"""The retention sweeper (scheduled, every few minutes): each closed dossier whose retention
deadline passed is marked for erasure, once; the mark travels the table stream to the erasure
consumer, like a withdrawal. It reads only the sparse index of what is due."""

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from respite_core.ids import utc_now
from respite_core.observability import traced
from respite_retention.erasure import due_for_erasure
from respite_retention.store import ErasureStore

logger = Logger(service="retention")


def sweep(now: datetime, store: ErasureStore | None = None) -> int:
    """Mark every due dossier; how many were marked."""
    store = store or ErasureStore()
    marked = sum(
        store.request_erasure(meta, now) for meta in store.closed_and_due(now) if due_for_erasure(meta, now)
    )
    logger.info("retention swept", extra={"marked": marked})
    return marked


@traced
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    return {"marked": sweep(utc_now())}
