"""What the agency keeps about one creditor of a dossier, beside the messages: a utility's meter
readings, and the standstill as it stands for that creditor (objected by its office or not).

Both are items of the dossier's partition (`table_keys.creditor_record`), their free text sealed
with the dossier's data key: erased with the dossier, shredded with its key.

- **Meter readings.** An office flagged `utility` (energy, water) needs the household's meter
  readings with the settlement: from the day the plan is agreed the utility bills new consumption
  apart from the debt in the plan (the Schuldenknooppunt's `utility` flag; in Belgium the supplier's
  final or split invoice). The caseworker records them (EAN or meter number, reading, date, kind);
  the settlement is refused until every utility creditor has them, and carries them to that office.
- **The standstill per creditor.** An office's `objection` to a notice (its principal objects to
  the standstill) marks that creditor's standstill as objected, with the objection's time and reason.
  An objection does not end the standstill: in both countries the pause is not the creditor's to
  refuse (the agency, or a court, decides). The caseworker deals with it — talks with the principal,
  who withdraws, or holds to the standstill — and records that it is resolved, with a note: the
  creditor's standstill reads `running` again and the objection stays on record.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from respite_core.domain import DomainModel, Dossier, Message, MessageType
from respite_core.overview import running_standstill_end

MAX_READINGS = 20  # meters of one household at one supplier (electricity day/night, gas, water ...)
READINGS_NOT_OLDER_THAN_DAYS = 366  # a reading for the settlement is of this year, not of a past move


class MeterKind(StrEnum):
    ELECTRICITY = "electricity"
    GAS = "gas"
    WATER = "water"
    HEAT = "heat"


UNIT_OF = {MeterKind.ELECTRICITY: "kWh", MeterKind.GAS: "m3", MeterKind.WATER: "m3", MeterKind.HEAT: "GJ"}

# an EAN (18 digits, BE/NL) or the number printed on the meter: letters, digits, a few separators
MeterId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9./ -]+$")
]


class MeterReading(DomainModel):
    """One meter's reading, in the unit of its kind (kWh, m3, GJ)."""

    kind: MeterKind
    meter_id: MeterId = Field(description="the EAN code or the meter's number")
    tariff: Literal["single", "day", "night", "injection"] = Field(
        default="single", description="electricity: the day or night register, or injection (solar panels)"
    )
    # as read off the meter, digits kept exactly (a string: no float rounds a reading; one schema in and out)
    reading: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,9}(\.[0-9]{1,3})?$")] = Field(
        description="the meter's figure in its unit, e.g. `12345.678`"
    )
    read_on: date

    @field_validator("read_on")
    @classmethod
    def _plausible_day(cls, day: date) -> date:
        if day.year < 2000:  # beyond the 366-day rule (checked against today when recorded): not a reading
            raise ValueError("a meter reading is of the last year")
        return day

    @property
    def unit(self) -> str:
        return UNIT_OF[self.kind]


def stale_readings(readings: Iterable[MeterReading], today: date) -> list[MeterReading]:
    """Readings of a day to come or of more than a year ago: not the household's state now."""
    return [
        r for r in readings if r.read_on > today or (today - r.read_on).days > READINGS_NOT_OLDER_THAN_DAYS
    ]


class UtilityReadings(DomainModel):
    """The meter readings recorded for one utility creditor of a dossier."""

    office_id: str
    readings: tuple[MeterReading, ...]
    recorded_at: datetime


class StandstillObjection(DomainModel):
    """An office's objection to the standstill, and (once the caseworker dealt with it) its resolution."""

    office_id: str
    message_id: str  # the objection reply
    objected_at: datetime
    reason: str | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None


class CreditorStandstill(BaseModel):
    """The standstill as it stands for one notified creditor."""

    model_config = ConfigDict(extra="forbid")

    office_id: str
    status: Literal["running", "objected", "ended"] = Field(
        description="running; objected (its office objected and the caseworker has not resolved it); "
        "ended (the dossier's standstill is over: settled, ended or its three months passed)"
    )
    ends_on: date | None = None
    objected_at: datetime | None = None
    objection_reason: str | None = None
    objection_message_id: str | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None


def creditor_standstills(
    dossier: Dossier, messages: Sequence[Message], objections: Iterable[StandstillObjection], today: date
) -> list[CreditorStandstill]:
    """Each notified creditor's standstill: the dossier's, marked where its office objected."""
    notified = sorted({m.receiver for m in messages if m.type is MessageType.NOTICE})
    by_office = {o.office_id: o for o in objections}
    ends = running_standstill_end(dossier)
    running = ends is not None and ends >= today  # its last day included
    views = []
    for office_id in notified:
        objection = by_office.get(office_id)
        open_objection = objection is not None and objection.resolved_at is None
        status: Literal["running", "objected", "ended"] = (
            "ended" if not running else "objected" if open_objection else "running"
        )
        views.append(
            CreditorStandstill(
                office_id=office_id,
                status=status,
                ends_on=dossier.standstill_ends_on,
                objected_at=objection.objected_at if objection else None,
                objection_reason=objection.reason if objection else None,
                objection_message_id=objection.message_id if objection else None,
                resolved_at=objection.resolved_at if objection else None,
                resolution=objection.resolution if objection else None,
            )
        )
    return views
