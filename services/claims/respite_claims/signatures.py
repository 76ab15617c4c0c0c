"""Signed callbacks from office systems, per Standard Webhooks (the `standardwebhooks` library):
HMAC-SHA256 over `webhook-id.webhook-timestamp.body`, a timestamp within 5 minutes, and any of the
office's valid secrets (during a rotation an office may sign with the old or the new one)."""

import binascii
from collections.abc import Mapping, Sequence

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


class BadSignature(ValueError):
    """The callback is not signed by the office, is stale or replayed out of its window."""


def verify(body: bytes, headers: Mapping[str, str], secrets: Sequence[str]) -> str:
    """The callback's `webhook-id` (its idempotency key) once a valid secret's signature matches."""
    lowered = {name.lower(): value for name, value in headers.items()}
    webhook_id = lowered.get("webhook-id", "")
    if not webhook_id or not lowered.get("webhook-signature") or not lowered.get("webhook-timestamp"):
        raise BadSignature("The callback needs webhook-id, webhook-timestamp and webhook-signature headers.")
    for secret in secrets:
        try:
            Webhook(secret).verify(body, lowered, json_parse=False)
        except (WebhookVerificationError, ValueError, binascii.Error):
            continue
        return webhook_id
    raise BadSignature(
        "The signature does not match a valid secret of this office, or the timestamp is stale."
    )
