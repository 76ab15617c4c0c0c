"""Standard Webhooks signatures of what we send: `webhook-id`, `webhook-timestamp`, `webhook-signature`.

The signature is HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>` with the office's secret
(`whsec_...`), computed by the `standardwebhooks` library. During a rotation an office has two valid
secrets; the header then carries one `v1,` signature per secret, newest first, separated by spaces,
so a receiver that still knows only the old secret verifies, and so does one that has the new one.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from standardwebhooks import Webhook


def signature_headers(webhook_id: str, body: str, secrets: Sequence[str], *, at: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers for `body` sent at `at` (whole seconds, UTC)."""
    if not secrets:
        raise ValueError("no secret to sign with")
    moment = datetime.fromtimestamp(int(at.timestamp()), UTC)
    signatures = [Webhook(secret).sign(webhook_id, moment, body) for secret in secrets]
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
