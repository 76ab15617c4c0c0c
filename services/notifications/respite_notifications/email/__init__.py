"""Outbound email to offices: one per agency message, in the office's language, with its reference
link and a `reply+<token>@<inbound domain>` Reply-To (`deliver`)."""

from respite_notifications.email.sender import deliver

__all__ = ["deliver"]
