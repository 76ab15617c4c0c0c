"""Signed webhooks to office systems (Standard Webhooks): see `service` for the flow, `schedule` for
the retries, `ssrf` for where a webhook may go, `signing` and `payload` for what it says."""

from respite_notifications.webhooks.service import deliver, deliver_termination

__all__ = ["deliver", "deliver_termination"]
