"""The weekly digest (scheduled): each agency's status overview as one item in its feed — dossiers per
state, claims received this week, deadlines of the coming week — with no personal data. One item per
agency per ISO week, so a repeated run adds nothing."""

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from respite_core.ids import utc_now
from respite_core.observability import traced
from respite_core.overview import WEEK, overview
from respite_core.store.agency_dossiers import AgencyDossiers
from respite_core.store.directory import Directory
from respite_notifications.feed import weekly_digest
from respite_notifications.store import FeedStore

logger = Logger(service="notifications")


def send_digests(now: datetime) -> int:
    dossiers, feed, sent = AgencyDossiers(), FeedStore(), 0
    for agency in Directory().agencies():
        since = now - WEEK
        summary = overview(
            agency.agency_id,
            dossiers.all(agency.agency_id),
            dossiers.claims_received(agency.agency_id, since),
            since,
            now,
        )
        sent += feed.add(weekly_digest(summary))
    logger.info("weekly digests", extra={"added": sent})
    return sent


@traced
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    return {"digests": send_digests(utc_now())}
