"""Consolidation: a dossier's totals per creditor, per class and overall, recomputed after its claims
changed, and the agency's receipt of the intake for its status overview.

The messages come from the dossier-events consumer, one per intake item the claims were written
with (`respite_core.store.claims_intake`); once consolidated, the intake's item is deleted.

Exactly once under redelivery: the totals are recomputed from the claims as they are (a second run
writes the same totals; side by side, the one that read the newer claims wins: see
`respite_core.store.claims_intake`), and the receipt's key comes from the intake, so it is written once; the
item's delete finds it gone. A message that fails is reported alone (`batchItemFailures`) and
retried; the others are not redone.
"""

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from respite_claims.totals_store import TotalsStore
from respite_core.observability import traced
from respite_core.store.claims_intake import ClaimsIntake
from respite_core.store.data_keys import DataKeyDestroyed
from respite_core.totals import totals_of

logger = Logger(service="claims")
processor = BatchProcessor(event_type=EventType.SQS)


def on_message(record: SQSRecord) -> None:
    change = ClaimsIntake.model_validate(json.loads(record.body))
    store = TotalsStore()
    version = store.claims_version(change.dossier_id)  # first: the claims read next are at least this new
    amounts = store.claim_amounts(change.dossier_id)
    if amounts is None:  # erased, and its intake with it
        logger.info("dossier gone; nothing to consolidate", extra={"dossier_id": change.dossier_id})
        return
    totals = totals_of(amounts)
    try:
        if not store.save(change.dossier_id, totals, version):
            logger.info("newer totals written meanwhile", extra={"dossier_id": change.dossier_id})
        store.receipt(
            change.agency_id, change.dossier_id, change.intake_id, change.received, change.received_at
        )
    except DataKeyDestroyed:  # the erasure has begun: the fence wrote nothing more; done with it
        logger.info("dossier erased; nothing to consolidate", extra={"dossier_id": change.dossier_id})
        return
    store.intake_done(change.dossier_id, change.intake_id)
    logger.info("consolidated", extra={"dossier_id": change.dossier_id, "claims": totals.claims})


@traced
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=on_message, processor=processor, context=context
    )
