"""An agency's status overview — dossiers per state, claims received, the coming week's deadlines —
the same for the consent API and the weekly digest. No personal data: ids and the agency's own
file numbers."""

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from respite_core.domain import Dossier, DossierState

WEEK = timedelta(days=7)


class DeadlineSoon(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dossier_id: str
    agency_reference: str | None = None
    kind: str  # "reply" | "standstill_ends"
    due_on: date


class StatusOverview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency_id: str
    generated_at: datetime
    since: datetime
    dossiers_by_state: dict[DossierState, int]
    claims_received_since: int
    deadlines_this_week: list[DeadlineSoon]


def running_standstill_end(dossier: Dossier) -> date | None:
    """When the dossier's standstill ends, while one runs (notified or negotiating)."""
    running = dossier.state in (DossierState.NOTIFIED, DossierState.NEGOTIATING)
    return dossier.standstill_ends_on if running else None


def overview(
    agency_id: str, dossiers: Sequence[Dossier], claims_received: int, since: datetime, now: datetime
) -> StatusOverview:
    today = now.date()
    deadlines: list[DeadlineSoon] = []
    for dossier in dossiers:
        if dossier.next_deadline_on is not None and dossier.next_deadline_on <= today + WEEK:
            deadlines.append(_deadline(dossier, "reply", dossier.next_deadline_on))
        standstill_end = running_standstill_end(dossier)
        if standstill_end is not None and standstill_end <= today + WEEK:
            deadlines.append(_deadline(dossier, "standstill_ends", standstill_end))
    counts = Counter(d.state for d in dossiers)
    return StatusOverview(
        agency_id=agency_id,
        generated_at=now,
        since=since,
        dossiers_by_state={state: counts.get(state, 0) for state in DossierState},
        claims_received_since=claims_received,
        deadlines_this_week=sorted(deadlines, key=lambda d: (d.due_on, d.dossier_id, d.kind)),
    )


def _deadline(dossier: Dossier, kind: str, due_on: date) -> DeadlineSoon:
    return DeadlineSoon(
        dossier_id=dossier.dossier_id, agency_reference=dossier.agency_reference, kind=kind, due_on=due_on
    )
