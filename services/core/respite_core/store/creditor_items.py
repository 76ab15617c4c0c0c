"""The creditor records of a dossier (`respite_core.creditor_records`) as items of its partition,
shared by the claims service (which writes them) and the consent service (the dossier view).

Readings and the objection's texts are sealed with the dossier's data key, each bound to its
creditor; ids, kinds and times stay readable."""

import json
from collections.abc import Iterable
from datetime import datetime

from respite_core import table_keys
from respite_core.creditor_records import MeterReading, StandstillObjection, UtilityReadings
from respite_core.ids import parse_iso, to_iso
from respite_core.store.data_keys import DataKey
from respite_core.store.items import ENTITY, Entity, Item

_METERS, _OBJECTION = "METERS", "OBJECTION"


def readings_item(dossier_id: str, readings: UtilityReadings, data_key: DataKey, *, agency_id: str) -> Item:
    office_id = readings.office_id
    opened = json.dumps([r.model_dump(mode="json") for r in readings.readings])
    return {
        "PK": table_keys.dossier(dossier_id),
        "SK": table_keys.creditor_record(_METERS, office_id),
        ENTITY: Entity.METER_READINGS,
        "agency_id": agency_id,
        "office_id": office_id,
        "recorded_at": to_iso(readings.recorded_at),
        "sealed_readings": data_key.seal(f"meter-readings:{office_id}", opened),
    }


def readings_from_item(item: Item, data_key: DataKey) -> UtilityReadings:
    office_id = str(item["office_id"])
    opened = json.loads(data_key.open(f"meter-readings:{office_id}", str(item["sealed_readings"])))
    return UtilityReadings(
        office_id=office_id,
        readings=tuple(MeterReading.model_validate(r) for r in opened),
        recorded_at=parse_iso(str(item["recorded_at"])),
    )


def objection_item(
    dossier_id: str, objection: StandstillObjection, data_key: DataKey, *, agency_id: str
) -> Item:
    office_id = objection.office_id
    item: Item = {
        "PK": table_keys.dossier(dossier_id),
        "SK": table_keys.creditor_record(_OBJECTION, office_id),
        ENTITY: Entity.STANDSTILL_OBJECTION,
        "agency_id": agency_id,
        "office_id": office_id,
        "message_id": objection.message_id,
        "objected_at": to_iso(objection.objected_at),
    }
    if objection.reason:
        item["sealed_reason"] = data_key.seal(f"objection-reason:{office_id}", objection.reason)
    return item


def resolution_changes(resolved_at: datetime, resolution: str, office_id: str, data_key: DataKey) -> Item:
    """What resolving an objection writes onto its item."""
    return {
        "resolved_at": to_iso(resolved_at),
        "sealed_resolution": data_key.seal(f"objection-resolution:{office_id}", resolution),
    }


def objection_key(dossier_id: str, office_id: str) -> tuple[str, str]:
    return table_keys.dossier(dossier_id), table_keys.creditor_record(_OBJECTION, office_id)


def objection_from_item(item: Item, data_key: DataKey) -> StandstillObjection:
    office_id = str(item["office_id"])
    reason = item.get("sealed_reason")
    resolution = item.get("sealed_resolution")
    return StandstillObjection(
        office_id=office_id,
        message_id=str(item["message_id"]),
        objected_at=parse_iso(str(item["objected_at"])),
        reason=data_key.open(f"objection-reason:{office_id}", str(reason)) if reason else None,
        resolved_at=parse_iso(str(item["resolved_at"])) if item.get("resolved_at") else None,
        resolution=data_key.open(f"objection-resolution:{office_id}", str(resolution))
        if resolution
        else None,
    )


def readings_of(items: Iterable[Item], data_key: DataKey) -> list[UtilityReadings]:
    return [readings_from_item(i, data_key) for i in items if i.get(ENTITY) == Entity.METER_READINGS]


def objections_of(items: Iterable[Item], data_key: DataKey) -> list[StandstillObjection]:
    return [objection_from_item(i, data_key) for i in items if i.get(ENTITY) == Entity.STANDSTILL_OBJECTION]
