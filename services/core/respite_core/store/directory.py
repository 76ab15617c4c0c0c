"""The directory: agencies and offices (`AGENCY#<id>` / `OFFICE#<id>`, `PROFILE`), which OAuth2 client
is which office (`CLIENT#<client_id>`), and each office's webhook secrets.

Webhook secrets (Standard Webhooks, `whsec_...`) sign the callbacks an office posts and the webhooks
it receives. They are stored encrypted with the platform's KMS key, bound to their office by the
encryption context, and several can be valid at once so an office can rotate without a gap.
"""

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from respite_core import aws, table_keys
from respite_core.domain import Agency, Office
from respite_core.ids import new_id, parse_iso, to_iso
from respite_core.resources import KeyName, TableName, locate
from respite_core.store.items import ENTITY, Entity, model_of
from respite_core.store.table import Table

SECRET_OVERLAP = timedelta(days=7)  # how long a replaced secret stays valid after rotation
MAX_SECRETS = 2


@dataclass(frozen=True)
class WebhookSecret:
    secret_id: str
    secret: str  # "whsec_<base64>"
    created_at: datetime
    retires_at: datetime | None = None

    def __repr__(self) -> str:  # never print the secret
        return f"WebhookSecret({self.secret_id})"


@dataclass(frozen=True)
class ContactFlag:
    address: str
    reason: str  # "bounced" (a permanent bounce) or "complained"
    flagged_at: datetime


class Directory:
    def __init__(self) -> None:
        self._table = Table(TableName.DIRECTORY)

    # --- agencies and offices -----------------------------------------------------------------------

    def put_agency(self, agency: Agency) -> None:
        self._table.put(
            {"PK": table_keys.AGENCIES, "SK": table_keys.agency(agency.agency_id), ENTITY: Entity.AGENCY}
            | agency.model_dump(mode="json", exclude_none=True)
        )

    def put_office(self, office: Office) -> None:
        """Create or update an office's profile; its secrets and clients are kept."""
        pk, sk = table_keys.OFFICES, table_keys.office(office.office_id)
        profile = office.model_dump(mode="json", exclude_none=True)
        existing = self._table.get(pk, sk)
        kept = (
            {"webhook_secrets": existing["webhook_secrets"]}
            if existing and "webhook_secrets" in existing
            else {}
        )
        self._table.put({"PK": pk, "SK": sk, ENTITY: Entity.OFFICE} | profile | kept)

    def agency(self, agency_id: str) -> Agency | None:
        item = self._table.get(table_keys.AGENCIES, table_keys.agency(agency_id))
        return None if item is None else model_of(Agency, item)

    def office(self, office_id: str) -> Office | None:
        item = self._table.get(table_keys.OFFICES, table_keys.office(office_id))
        return None if item is None else model_of(Office, item)

    def agencies(self) -> list[Agency]:
        items = self._table.query_partition(table_keys.AGENCIES)
        return sorted((model_of(Agency, i) for i in items), key=lambda a: a.agency_id)

    def offices(self) -> list[Office]:
        items = self._table.query_partition(table_keys.OFFICES)
        return sorted((model_of(Office, i) for i in items), key=lambda o: o.office_id)

    # --- contact addresses that bounced or complained (SES events) -----------------------------------

    def flag_contact(self, office_id: str, flag: ContactFlag) -> None:
        """Mark one of the office's addresses as bouncing or complained: email is no longer sent to
        it. Flagging it again keeps the first reason and time (SES may report one event twice)."""
        pk, sk = table_keys.contact_flags(office_id), table_keys.contact_flag(flag.address)
        if self._table.get(pk, sk) is not None:
            return
        self._table.put(
            {
                "PK": pk,
                "SK": sk,
                ENTITY: Entity.CONTACT_FLAG,
                "office_id": office_id,
                "address": flag.address.lower(),
                "reason": flag.reason,
                "flagged_at": to_iso(flag.flagged_at),
            }
        )

    def contact_flags(self, office_id: str) -> list[ContactFlag]:
        items = self._table.query_partition(table_keys.contact_flags(office_id))
        return [
            ContactFlag(str(i["address"]), str(i["reason"]), parse_iso(str(i["flagged_at"]))) for i in items
        ]

    def unflag_contact(self, office_id: str, address: str) -> bool:
        """The office fixed its mailbox (an operator says so): email is sent to it again."""
        return self._table.delete(table_keys.contact_flags(office_id), table_keys.contact_flag(address))

    # --- which client is which office ---------------------------------------------------------------

    def link_client(self, client_id: str, office_id: str) -> None:
        key = table_keys.office_client(client_id)
        self._table.put({"PK": key, "SK": key, ENTITY: Entity.OFFICE_CLIENT, "office_id": office_id})

    def office_of_client(self, client_id: str) -> str | None:
        key = table_keys.office_client(client_id)
        item = self._table.get(key, key)
        return None if item is None else str(item["office_id"])

    # --- webhook secrets ----------------------------------------------------------------------------

    def add_webhook_secret(self, office_id: str, now: datetime) -> WebhookSecret:
        """A new secret for the office (returned once, in clear); the previous one retires after the
        overlap, older ones at once."""
        new = WebhookSecret(new_id(), "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(), now)
        kept = [s for s in self._stored_secrets(office_id) if _still_valid(s, now)]
        for stored in kept:
            stored["retires_at"] = stored.get("retires_at") or to_iso(now + SECRET_OVERLAP)
        stored_new = {
            "secret_id": new.secret_id,
            "sealed": _seal(office_id, new.secret),
            "created_at": to_iso(now),
            "retires_at": None,
        }
        secrets_now = [*kept[-(MAX_SECRETS - 1) :], stored_new]
        self._table.update(
            table_keys.OFFICES, table_keys.office(office_id), changes={"webhook_secrets": secrets_now}
        )
        return new

    def webhook_secrets(self, office_id: str, now: datetime) -> list[WebhookSecret]:
        """The office's valid secrets, newest first."""
        valid = [s for s in self._stored_secrets(office_id) if _still_valid(s, now)]
        return [
            WebhookSecret(
                s["secret_id"],
                _open(office_id, s["sealed"]),
                parse_iso(s["created_at"]),
                parse_iso(s["retires_at"]) if s.get("retires_at") else None,
            )
            for s in sorted(valid, key=lambda s: s["created_at"], reverse=True)
        ]

    def _stored_secrets(self, office_id: str) -> list[dict[str, Any]]:
        item = self._table.get(table_keys.OFFICES, table_keys.office(office_id))
        return [dict(s) for s in (item or {}).get("webhook_secrets", [])]


def _still_valid(stored: dict[str, Any], now: datetime) -> bool:
    return not stored.get("retires_at") or parse_iso(stored["retires_at"]) > now


def _seal(office_id: str, secret: str) -> str:
    return seal_for_office(office_id, secret)


def _open(office_id: str, sealed: str) -> str:
    return open_for_office(office_id, sealed)


def seal_for_office(office_id: str, text: str, *, about: str | None = None) -> str:
    """`text` sealed with the platform's KMS key, bound (encryption context) to the office and to what
    it is `about`: for what is the office's own and must outlive a dossier's data key (its webhook
    secrets; its references in a termination, until the termination's records expire)."""
    response = aws.kms().encrypt(
        KeyId=locate(KeyName.DOSSIER_DATA),
        Plaintext=text.encode(),
        EncryptionContext=_context(office_id, about),
    )
    return base64.b64encode(response["CiphertextBlob"]).decode()


def open_for_office(office_id: str, sealed: str, *, about: str | None = None) -> str:
    response = aws.kms().decrypt(
        CiphertextBlob=base64.b64decode(sealed), EncryptionContext=_context(office_id, about)
    )
    return response["Plaintext"].decode()


def _context(office_id: str, about: str | None) -> dict[str, str]:
    return {"office_id": office_id} | ({"about": about} if about else {})
