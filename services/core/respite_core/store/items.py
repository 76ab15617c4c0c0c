"""DynamoDB items in and out: plain dicts of str/int/bool/None/list/dict, never floats.

Every read goes through `live`, so no read path serves an item past its `expires_at`, even in the
days before DynamoDB's TTL (or the local TTL emulator) actually deletes it.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import BaseModel

ENTITY = "entity"  # what an item is (an `Entity`): several kinds live in one partition


class Entity(StrEnum):
    """What an item is, as its `entity` attribute says. The values are stored: never change one."""

    # a dossier's partition (`table_keys.dossier`), which erasure deletes whole
    DOSSIER = "dossier"  # its meta item: the dossier's state
    PERSON = "person"  # the person, sealed (`PERSON_FIELD`)
    CONSENT = "consent"
    MESSAGE = "message"  # either way: the agency's requests, the offices' replies
    CLAIM = "claim"
    ATTACHMENT = "attachment"  # a document an office attached to its reply
    MAIL = "mail"  # an office's mail linked to the request it answers
    QUARANTINED_MAIL = "quarantined_mail"  # a mail for a request that was not trusted
    METER_READINGS = "meter_readings"
    STANDSTILL_OBJECTION = "standstill_objection"
    REFERENCE_TOKEN = "reference_token"  # noqa: S105 (a kind, not a secret): a pointer to a token of the deliveries table (and the token)
    IDEMPOTENCY_RECORD = "idempotency_record"  # a pointer to a stored answer about the dossier
    CLAIMS_INTAKE = "claims_intake"  # claims stored, their consolidation to come (`store.claims_intake`)
    CLAIMS_VERSION = "claims_version"  # how many intakes wrote claims: orders consolidations (a number)
    # elsewhere
    INBOX = "inbox"  # an office's inbox entry
    RECEIPT = "receipt"  # an agency's receipt of a claims intake
    TOKEN_FOR = "token_for"  # noqa: S105 (a kind, not a secret): the token issued for a (message, office)
    REGISTRATION = "registration"
    REGISTRATION_POINTER = "registration_pointer"
    PERSON_STANDSTILL = "person_standstill"
    ERASURE_RECEIPT = "erasure_receipt"
    AGENCY = "agency"
    OFFICE = "office"
    OFFICE_CLIENT = "office_client"
    CONTACT_FLAG = "contact_flag"
    EMAIL = "email"
    WEBHOOK_DELIVERY = "webhook_delivery"
    WEBHOOK_ATTEMPT = "webhook_attempt"
    WEBHOOK_ENDPOINT = "webhook_endpoint"
    WEBHOOK_EVENT = "webhook_event"


PERSON_FIELD = "person"  # the sealed person item's attribute and seal field (written by consent)
EXPIRES_AT = "expires_at"  # epoch seconds; the TTL attribute of every table that expires items

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

type Item = dict[str, Any]


def to_dynamo(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items() if value is not None}


def from_dynamo(raw: Mapping[str, Any]) -> Item:
    return {name: _plain(_deserializer.deserialize(value)) for name, value in raw.items()}


def _plain(value: Any) -> Any:
    # DynamoDB numbers come back as Decimal; every number we store is an integer (cents, epochs)
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, set):
        return {_plain(v) for v in value}
    return value


def is_live(item: Mapping[str, Any], now_epoch: int) -> bool:
    expires_at = item.get(EXPIRES_AT)
    return expires_at is None or int(expires_at) > now_epoch


def live(items: Iterable[Item], now_epoch: int) -> list[Item]:
    return [item for item in items if is_live(item, now_epoch)]


def fields_of(item: Mapping[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """The attributes of a stored item that belong to `model` (keys, entity and bookkeeping dropped)."""
    return {name: value for name, value in item.items() if name in model.model_fields}


def model_of[M: BaseModel](model: type[M], item: Mapping[str, Any]) -> M:
    """`model` read from a stored item: its own attributes only."""
    return model.model_validate(fields_of(item, model))
