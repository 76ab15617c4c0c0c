"""DynamoDB items in and out: plain dicts of str/int/bool/None/list/dict, never floats.

Every read goes through `live`, so no read path serves an item past its `expires_at`, even in the
days before DynamoDB's TTL (or the local TTL emulator) actually deletes it.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import BaseModel

ENTITY = "entity"  # what an item is ("dossier", "person", "claim", ...): several live in one partition
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
