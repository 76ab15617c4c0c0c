"""The office directory as the claims API serves it: offices registered by operators with their
system's credentials, who sees an office's webhook URL, who may set it and what it must be, and
webhook secrets issued in rotation.

An office's webhook URL is its own: the office sets and changes it itself (`office.write`), an
operator may give one at registration, and only operators and the office see it — caseworkers
never do (it is not theirs, and a URL can carry a token). Every URL is checked against the SSRF
rules when it is set, as before every delivery (`respite_core.ssrf`): refused at once with the
reason, rather than failing at the first webhook.
"""

from datetime import datetime
from typing import Any

from pydantic import HttpUrl

from respite_claims.models import OfficeCredentials, OfficeListing, OfficeWebhook, WebhookSecretIssued
from respite_claims.store import OfficeAccounts
from respite_core.api import Problem
from respite_core.callers import Caller, Role
from respite_core.domain import Office
from respite_core.ssrf import UnresolvableEndpoint, UnsafeEndpoint, loopback_allowed, resolve_endpoint
from respite_core.store.directory import Directory


def listing_for(who: Caller, offices: list[Office]) -> dict[str, Any]:
    """The directory as `who` may see it: operators with the webhook URLs, agency staff without."""
    listing = OfficeListing(offices=offices)
    if who.role is Role.OPERATOR:
        return listing.model_dump(mode="json")
    return listing.model_dump(mode="json", exclude={"offices": {"__all__": {"webhook_url"}}})


def register(office: Office, now: datetime) -> OfficeCredentials:
    """The office in the directory, its system's OAuth2 client (client credentials, office scopes)
    and its first webhook secret: the secrets are in this answer only."""
    directory = Directory()
    if directory.office(office.office_id) is not None:
        raise Problem(409, "An office with this id exists.", kind="office-exists")
    check_webhook_url(office.webhook_url)  # as the sender will, before every delivery
    directory.put_office(office)
    accounts = OfficeAccounts()
    client_id, client_secret = accounts.create_client(office.office_id)
    accounts.create_group(office.office_id)
    directory.link_client(client_id, office.office_id)
    secret = directory.add_webhook_secret(office.office_id, now)
    return OfficeCredentials(
        office_id=office.office_id,
        client_id=client_id,
        client_secret=client_secret,
        webhook_secret=secret.secret,
    )


def check_webhook_url(url: HttpUrl | None) -> None:
    """422 unless the platform may post to `url` (the reason named, the URL never echoed)."""
    if url is None:
        return
    try:
        resolve_endpoint(str(url), loopback_allowed())
    except (UnsafeEndpoint, UnresolvableEndpoint) as error:
        raise Problem(
            422,
            "This webhook URL cannot be used: it must be https, to a public host, with no credentials in it.",
            kind="unsafe-webhook-url",
            extra={"reason": str(error)},  # which rule, in the guard's words (the URL is never echoed)
        ) from None


def set_webhook_url(office: Office, url: HttpUrl | None) -> OfficeWebhook:
    """The office's new webhook URL (None: no webhooks), checked first; its secrets stay."""
    check_webhook_url(url)
    Directory().put_office(office.model_copy(update={"webhook_url": url}))
    return OfficeWebhook(office_id=office.office_id, webhook_url=url)


def rotate_secret_of(office_id: str, now: datetime) -> WebhookSecretIssued:
    """An operator rotates an office's webhook secret (404 for an office not in the directory)."""
    if Directory().office(office_id) is None:
        raise Problem(404, "No such office.")
    return rotate_webhook_secret(office_id, now)


def rotate_webhook_secret(office_id: str, now: datetime) -> WebhookSecretIssued:
    """A new secret; the previous one stays valid for the overlap so the office switches without a gap."""
    directory = Directory()
    secret = directory.add_webhook_secret(office_id, now)
    previous = [
        s.retires_at for s in directory.webhook_secrets(office_id, now) if s.secret_id != secret.secret_id
    ]
    return WebhookSecretIssued(
        office_id=office_id,
        secret_id=secret.secret_id,
        webhook_secret=secret.secret,
        previous_valid_until=previous[0] if previous else None,
    )
