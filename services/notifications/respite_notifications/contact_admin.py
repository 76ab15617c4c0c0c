"""Operators' view of the office addresses SES reported as bouncing or complaining.

`register(api)` adds the routes to the notifications API (operators only). An address is flagged by
a permanent bounce or a complaint (`consumers.mail_events`); no email goes to it until an operator,
once the office has fixed its mailbox, takes the flag away:

- `GET  /offices/{office_id}/contact-flags` — the office's flagged addresses, why and since when;
- `POST /offices/{office_id}/contact-flags/removal` — `{"address": ...}`: email goes to it again.
  Idempotent. The address is in the body, never in the path (paths are logged).
"""

from datetime import datetime

from chalice.app import Response
from pydantic import BaseModel, ConfigDict

from respite_core.api import Api, Problem, caller, json_response, parse_body
from respite_core.callers import Role
from respite_core.domain import EmailAddress
from respite_core.store.directory import Directory


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


class ContactFlagView(_Model):
    address: str
    reason: str  # "bounced" or "complained"
    flagged_at: datetime


class ContactFlags(_Model):
    office_id: str
    flags: list[ContactFlagView]


class RemoveContactFlag(_Model):
    address: EmailAddress


def flags_of(directory: Directory, office_id: str) -> ContactFlags:
    if directory.office(office_id) is None:
        raise Problem(404, "No such office.")
    flags = sorted(directory.contact_flags(office_id), key=lambda f: f.address)
    return ContactFlags(
        office_id=office_id,
        flags=[ContactFlagView(address=f.address, reason=f.reason, flagged_at=f.flagged_at) for f in flags],
    )


def register(api: Api) -> None:
    """Add the operators' contact-flag routes to `api`."""

    @api.operation(
        "GET",
        "/offices/{office_id}/contact-flags",
        summary="An office's addresses that bounced or complained",
        responses={200: ContactFlags},
        problems=(404,),
        roles=(Role.OPERATOR,),
    )
    def list_contact_flags(office_id: str) -> Response:
        """Addresses SES reported with a permanent bounce or a complaint: no email is sent to them,
        and the caseworkers of the dossiers concerned were told in their feed."""
        caller(api.request)
        return json_response(flags_of(Directory(), office_id))

    @api.operation(
        "POST",
        "/offices/{office_id}/contact-flags/removal",
        summary="Send email to a flagged address again",
        body=RemoveContactFlag,
        responses={200: ContactFlags},
        problems=(404, 422),
        roles=(Role.OPERATOR,),
        idempotent=True,
    )
    def remove_contact_flag(office_id: str) -> Response:
        """Once the office has fixed its mailbox. Removing a flag that is not there changes nothing."""
        caller(api.request)
        command = parse_body(api.request, RemoveContactFlag)
        directory = Directory()
        flags_of(directory, office_id)  # 404 before anything changes
        directory.unflag_contact(office_id, str(command.address))
        return json_response(flags_of(directory, office_id))
