"""What the agency records about one creditor of a dossier (see `respite_core.creditor_records`):
a utility's meter readings, required for the settlement and carried to it; an office's objection to
the standstill, marked on that creditor's standstill until the caseworker resolves it."""

from datetime import datetime
from typing import Any

from respite_claims import exchange
from respite_claims.models import MeterReadingsRecorded, RecordMeterReadings, Reply, ResolveObjection
from respite_claims.store import ChangedMeanwhile, ClaimsStore, DossierRecord
from respite_core.access_log import Action, Purpose, entry
from respite_core.api import Problem
from respite_core.calendar import Country, local_date
from respite_core.callers import Caller
from respite_core.creditor_records import (
    CreditorStandstill,
    StandstillObjection,
    UtilityReadings,
    creditor_standstills,
    stale_readings,
)
from respite_core.domain import DossierState, Message, MessageType, Office
from respite_core.store.directory import Directory

# readings go with the settlement: they can be recorded until it is agreed
READINGS_RECORDED_IN = {DossierState.NOTIFIED, DossierState.NEGOTIATING}


# --- meter readings ---------------------------------------------------------------------------------


def record_meter_readings(
    who: Caller,
    record: DossierRecord,
    office: Office,
    wanted: RecordMeterReadings,
    country: Country,
    now: datetime,
    store: ClaimsStore,
) -> MeterReadingsRecorded:
    """The caseworker records (or corrects: the latest replaces) a utility creditor's readings."""
    dossier = record.dossier
    if not office.utility:
        raise Problem(
            422, f"{office.office_id} is not a utility: it takes no meter readings.", kind="not-a-utility"
        )
    if office.office_id not in exchange.notified_offices(record.messages):
        raise Problem(422, f"These offices were not notified: {office.office_id}.", kind="not-notified")
    if dossier.state not in READINGS_RECORDED_IN:
        raise Problem(
            409,
            f"the dossier is {dossier.state.value}: readings go with a settlement to come",
            kind="not-now",
        )
    stale = stale_readings(wanted.readings, local_date(now, country))
    if stale:
        raise Problem(
            422,
            "Meter readings must be of the last year, not of a day to come.",
            kind="implausible-reading-date",
            extra={"meters": [r.meter_id for r in stale]},
        )
    readings = UtilityReadings(office_id=office.office_id, readings=tuple(wanted.readings), recorded_at=now)
    log = entry(
        who,
        dossier.dossier_id,
        Action.CREDITOR_RECORDED,
        Purpose.CREDITOR_EXCHANGE,
        at=now,
        detail=f"meter readings for {office.office_id}",
    )
    try:
        store.record_readings(record, readings, log)
    except ChangedMeanwhile:
        raise Problem(409, "The dossier changed meanwhile. Read it again.") from None
    return MeterReadingsRecorded(
        dossier_id=dossier.dossier_id,
        office_id=office.office_id,
        readings=list(readings.readings),
        recorded_at=now,
    )


def readings_missing(record: DossierRecord) -> list[str]:
    """The utility creditors of the plan (the offices that received its proposal: a utility that
    holds no claim has nothing to settle) for which no readings are recorded."""
    recorded = {r.office_id for r in record.meter_readings}
    directory = Directory()
    in_plan = [directory.office(o) for o in exchange.latest_proposals(record.messages) if o not in recorded]
    return sorted(o.office_id for o in in_plan if o is not None and o.utility)


def require_readings(record: DossierRecord) -> None:
    """A settlement needs every utility creditor's meter readings (422 naming those lacking them)."""
    missing = readings_missing(record)
    if missing:
        raise Problem(
            422,
            f"Record the meter readings for these utility creditors first: {', '.join(missing)}.",
            kind="meter-readings-required",
            extra={"offices": missing},
        )


def settlement_body(record: DossierRecord, office_id: str) -> dict[str, Any]:
    """The settlement to one office: a utility's carries its meter readings (sealed, like every body)."""
    readings = next((r for r in record.meter_readings if r.office_id == office_id), None)
    if readings is None:
        return {}
    return {"meter_readings": [r.model_dump(mode="json") | {"unit": r.unit} for r in readings.readings]}


# --- objections to the standstill -------------------------------------------------------------------


def objection_of(reply: Reply, message: Message) -> StandstillObjection | None:
    """An `objection` reply marks its creditor's standstill objected, with its time and reason."""
    if message.type is not MessageType.OBJECTION:
        return None
    reason = str(reply.reason) if reply.reason is not None else reply.comment
    return StandstillObjection(
        office_id=message.sender, message_id=message.message_id, objected_at=message.created_at, reason=reason
    )


def standstill_by_creditor(
    record: DossierRecord, country: Country, now: datetime
) -> list[CreditorStandstill]:
    return creditor_standstills(record.dossier, record.messages, record.objections, local_date(now, country))


def resolve_objection(
    who: Caller,
    record: DossierRecord,
    wanted: ResolveObjection,
    country: Country,
    now: datetime,
    store: ClaimsStore,
) -> CreditorStandstill:
    """The caseworker dealt with the office's objection: its creditor's standstill runs on unmarked."""
    office_id = wanted.office_id
    objection = next((o for o in record.objections if o.office_id == office_id), None)
    if objection is None:
        raise Problem(404, "This office did not object to the standstill.")
    if objection.resolved_at is not None:
        raise Problem(409, "This objection is resolved already.", kind="resolved")
    log = entry(
        who,
        record.dossier.dossier_id,
        Action.CREDITOR_RECORDED,
        Purpose.CREDITOR_EXCHANGE,
        at=now,
        detail=f"objection of {office_id} resolved",
    )
    try:
        store.resolve_objection(record, office_id, wanted.resolution, now, log)
    except ChangedMeanwhile:
        raise Problem(409, "This objection is resolved already.", kind="resolved") from None
    resolved = objection.model_copy(update={"resolved_at": now, "resolution": wanted.resolution})
    [view] = [
        s
        for s in creditor_standstills(record.dossier, record.messages, [resolved], local_date(now, country))
        if s.office_id == office_id
    ]
    return view
