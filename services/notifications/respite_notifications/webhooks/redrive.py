"""`python -m respite_notifications.webhooks.redrive`: give the webhook DLQ's jobs another round.

For operators, after the cause is fixed (the office's system is back, its URL corrected, its
endpoint enabled). Each DLQ message names a delivery; the delivery gets a new round of the retry
schedule (`service.redeliver`: the same `webhook-id`), and the message is deleted from the DLQ.
A delivery that was delivered meanwhile (or redelivered by the admin API) is not sent again. A
message is kept in the DLQ when its office's endpoint is still disabled or gone; an unreadable one
is kept too. Prints counts only. Needs the notifications functions' environment (the deliveries
and directory tables, the webhook queue) and AWS credentials, as any boto3 client does.
"""

import argparse
import sys
from collections import Counter
from typing import TYPE_CHECKING

from pydantic import ValidationError

from respite_core import aws
from respite_notifications.webhooks import service
from respite_notifications.webhooks.store import WebhookStore, dead_letter_queue_url, job_from

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import MessageTypeDef


def redrive(*, limit: int = 1000, dry_run: bool = False) -> Counter[str]:
    """Redeliver up to `limit` DLQ'd jobs; how many were "redelivered", "settled" (nothing to
    do), "kept_endpoint_disabled", "kept_unreadable", "dropped" (no delivery or message left)."""
    sqs, url = aws.sqs(), dead_letter_queue_url()
    counts: Counter[str] = Counter()
    seen, looked_at = 0, []
    while seen < limit:
        batch = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=min(10, limit - seen), WaitTimeSeconds=0, VisibilityTimeout=60
        ).get("Messages", [])
        if not batch:
            break
        for message in batch:
            seen += 1
            outcome = _one(message, dry_run=dry_run)
            counts[outcome] += 1
            if dry_run:
                looked_at.append(message["ReceiptHandle"])
            elif outcome in ("redelivered", "settled", "dropped"):
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    for handle in looked_at:  # a dry run leaves every message as it found it
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    return counts


def _one(message: "MessageTypeDef", *, dry_run: bool) -> str:
    try:
        job = job_from(message.get("Body", ""))
    except ValidationError:
        return "kept_unreadable"
    if dry_run:
        return "would_redeliver"
    try:
        before = WebhookStore().delivery(job.office_id, job.webhook_id)
        after = service.redeliver(job.office_id, job.webhook_id, resend_delivered=False)
    except (service.NoSuchDelivery, service.MessageErased):
        return "dropped"
    except service.EndpointUnavailable:
        return "kept_endpoint_disabled"
    changed = before is None or any(after.get(k) != before.get(k) for k in ("round", "queued"))
    return "redelivered" if changed else "settled"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m respite_notifications.webhooks.redrive", description=__doc__
    )
    parser.add_argument("--limit", type=int, default=1000, help="at most this many DLQ messages")
    parser.add_argument("--dry-run", action="store_true", help="read and count, change nothing")
    args = parser.parse_args(argv)
    counts = redrive(limit=args.limit, dry_run=args.dry_run)
    print(" ".join(f"{name}={count}" for name, count in sorted(counts.items())) or "the DLQ is empty")
    return 0


if __name__ == "__main__":
    sys.exit(main())
