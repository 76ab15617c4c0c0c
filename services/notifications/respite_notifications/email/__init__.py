"""Outbound email to offices: one per agency message, in the office's language, with its reference
link and a `reply+<token>@<inbound domain>` Reply-To (`deliver`); one per erased dossier the office
was notified of, with nothing of the person (`send_termination`)."""

from respite_notifications.email.sender import deliver
from respite_notifications.email.termination import send_termination

__all__ = ["deliver", "send_termination"]
