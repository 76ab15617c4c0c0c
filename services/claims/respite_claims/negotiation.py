"""The negotiation, as the agency leads it: one payment plan proposed to every creditor (with the
budget PDF where an office needs it), reconsiderations, the settlement, a termination, where it
stands, and what the agency records about a creditor (meter readings, an objection resolved).

Each function takes the caller and the parsed request and answers the model the API returns, or
raises the `Problem` it answers with.
"""

from typing import Any

from respite_claims import creditors, exchange
from respite_claims.access import agency_dossier, offices_named, the_agency
from respite_claims.models import (
    CreditorPart,
    MessagesSent,
    MeterReadingsRecorded,
    Negotiation,
    PlanQuery,
    ProposalKind,
    ProposalPreview,
    ProposeSettlement,
    Reconsider,
    RecordMeterReadings,
    ResolveObjection,
    Terminate,
)
from respite_claims.sending import budget_key, send_step
from respite_claims.store import ClaimsStore, DossierRecord
from respite_core.api import Problem
from respite_core.calendar import Country
from respite_core.callers import Caller
from respite_core.creditor_records import CreditorStandstill
from respite_core.domain import MessageType
from respite_core.ids import utc_now
from respite_core.store import documents
from respite_core.store.data_keys import DataKeyDestroyed, DataKeys
from respite_core.store.items import model_of


def propose(who: Caller, dossier_id: str, wanted: ProposeSettlement) -> MessagesSent:
    """Each creditor office its part of the plan; offices flagged `vtlb_required` only with the
    budget PDF. A budget PDF sealed for a proposal that is not sent goes again."""
    budget_id = wanted.budget_document_id
    store = ClaimsStore()
    try:
        record = agency_dossier(who, dossier_id, store)
    except Problem:
        if budget_id is not None:
            discard_budget_of_erased(dossier_id, budget_id)
        raise
    parts = offer_for(record, wanted).parts
    offices = offices_named([p.office_id for p in parts])
    budget, sealed_now = budget_document(record, budget_id)
    try:
        needing = sorted(o.office_id for o in offices.values() if o.vtlb_required)
        if needing and budget is None:
            raise Problem(
                422,
                f"These offices need the budget calculation PDF: {', '.join(needing)}.",
                kind="vtlb-required",
            )
        by_office = {p.office_id: p for p in parts}

        def body_for(office_id: str) -> dict[str, Any]:
            return proposal_body(wanted.kind, by_office[office_id], budget)

        return send_step(who, record, MessageType.PROPOSAL, list(by_office), body_for, store)
    except Exception:
        if sealed_now:  # sealed for this proposal, which was not sent: nothing half-written stays
            documents.delete(budget_key(dossier_id, str(budget_id)))
        raise


def offer_for(record: DossierRecord, wanted: ProposeSettlement | PlanQuery) -> exchange.Offer:
    """What a proposal with these figures offers on the dossier's claims today (422 when there is no plan)."""
    try:
        return exchange.proposal_offer(
            wanted.kind,
            record.claims,
            monthly_capacity=wanted.monthly_capacity,
            percentage_bp=wanted.percentage_bp,
        )
    except exchange.NotNow as error:
        raise Problem(422, str(error), kind="no-plan") from None


def preview(who: Caller, dossier_id: str, wanted: PlanQuery) -> ProposalPreview:
    """The plan `propose` would send with these figures, from the same calculation: nothing is stored
    or sent."""
    record = agency_dossier(who, dossier_id, ClaimsStore())
    offer = offer_for(record, wanted)
    offices = offices_named([p.office_id for p in offer.parts])
    return ProposalPreview(
        dossier_id=dossier_id,
        kind=wanted.kind,
        months=offer.months,
        total_outstanding=sum(p.outstanding for p in offer.parts),
        total_offered=sum(p.offered for p in offer.parts),
        parts=offer.parts,
        classes=offer.classes,
        vtlb_required=sorted(o.office_id for o in offices.values() if o.vtlb_required),
    )


def budget_document(record: DossierRecord, document_id: str | None) -> tuple[dict[str, Any] | None, bool]:
    """The budget PDF the proposal refers to, and whether it was sealed just now: confirmed from its
    upload the first time a proposal names it, the sealed document itself after that."""
    if document_id is None:
        return None, False
    key = budget_key(record.dossier.dossier_id, document_id)
    try:
        data_key = record.data_key
    except DataKeyDestroyed:
        documents.discard_upload(key)
        raise Problem(
            410, "Consent was withdrawn: this dossier's personal data is erased.", kind="erased"
        ) from None
    found = documents.sealed_document(key, data_key)
    sealed_now = found is None
    if found is None:
        try:
            found = documents.confirm_upload(key, data_key, frozenset({documents.DocumentType.PDF}))
        except documents.InvalidDocument as error:
            raise Problem(422, str(error), kind="invalid-document") from None
    return {"document_id": document_id, "sha256": found.sha256, "size_bytes": found.size_bytes}, sealed_now


def discard_budget_of_erased(dossier_id: str, document_id: str) -> None:
    """An upload for an erased dossier goes at once; a dossier of another agency keeps its own."""
    if not DataKeys().exists(dossier_id):
        documents.discard_upload(budget_key(dossier_id, document_id))


def proposal_body(kind: ProposalKind, part: CreditorPart, budget: dict[str, Any] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": kind.value, **part.model_dump(mode="json", exclude_none=True)}
    if budget is not None:
        body["budget_document"] = budget
    return body


def reconsider(who: Caller, dossier_id: str, wanted: Reconsider) -> MessagesSent:
    """The latest proposal again, to the named offices or to every office that rejected it."""
    store = ClaimsStore()
    record = agency_dossier(who, dossier_id, store)
    latest = exchange.latest_proposals(record.messages)
    office_ids = list(wanted.office_ids) or exchange.tally(record.messages).rejected
    missing = sorted(set(office_ids) - set(latest))
    if missing or not office_ids:
        raise Problem(
            409, "Only an office that received a proposal can be asked to reconsider.", kind="not-now"
        )

    def body_for(office_id: str) -> dict[str, Any]:
        return {**latest[office_id].body, **({"comment": wanted.comment} if wanted.comment else {})}

    return send_step(who, record, MessageType.RECONSIDERATION, office_ids, body_for, store)


def settle(who: Caller, dossier_id: str) -> MessagesSent:
    """`settlement_agreed` to every notified office once every creditor agreed, each utility creditor
    with its meter readings."""
    store = ClaimsStore()
    record = agency_dossier(who, dossier_id, store)
    blockers = exchange.settlement_blockers(record.messages)
    if blockers:
        raise Problem(
            409,
            f"Not every creditor agreed: {', '.join(blockers)}.",
            kind="not-agreed",
            extra={"offices": blockers},
        )
    notified = exchange.notified_offices(record.messages)
    creditors.require_readings(record)
    return send_step(
        who,
        record,
        MessageType.SETTLEMENT_AGREED,
        notified,
        lambda office_id: creditors.settlement_body(record, office_id),
        store,
    )


def terminate(who: Caller, dossier_id: str, wanted: Terminate) -> MessagesSent:
    store = ClaimsStore()
    record = agency_dossier(who, dossier_id, store)
    offices = exchange.notified_offices(record.messages)
    return send_step(
        who, record, MessageType.TERMINATION, offices, lambda office_id: {"reason": wanted.reason}, store
    )


def where_it_stands(who: Caller, dossier_id: str) -> Negotiation:
    """The latest proposal's parts, the tally, each answer, each creditor's standstill and the
    meter readings a settlement still needs."""
    record = agency_dossier(who, dossier_id, ClaimsStore())
    latest = exchange.latest_proposals(record.messages)
    parts = [model_of(CreditorPart, m.body) for m in latest.values()]
    kinds = {str(m.body.get("kind")) for m in latest.values()}
    return Negotiation(
        dossier_id=dossier_id,
        state=record.dossier.state,
        standstill_ends_on=record.dossier.standstill_ends_on,
        proposal_kind=ProposalKind(kinds.pop()) if len(kinds) == 1 else None,
        total_outstanding=sum(c.outstanding for c in record.claims),
        total_offered=sum(p.offered for p in parts),
        parts=sorted(parts, key=lambda p: p.office_id),
        tally=exchange.tally(record.messages),
        answers=exchange.proposal_answers(record.messages),
        standstill=creditors.standstill_by_creditor(
            record, Country(the_agency(record.dossier).country), utc_now()
        ),
        meter_readings_missing=creditors.readings_missing(record),
    )


def record_meter_readings(who: Caller, dossier_id: str, wanted: RecordMeterReadings) -> MeterReadingsRecorded:
    store = ClaimsStore()
    record = agency_dossier(who, dossier_id, store)
    office = offices_named([wanted.office_id])[wanted.office_id]
    country = Country(the_agency(record.dossier).country)
    return creditors.record_meter_readings(who, record, office, wanted, country, utc_now(), store)


def resolve_objection(who: Caller, dossier_id: str, wanted: ResolveObjection) -> CreditorStandstill:
    store = ClaimsStore()
    record = agency_dossier(who, dossier_id, store)
    country = Country(the_agency(record.dossier).country)
    return creditors.resolve_objection(who, record, wanted, country, utc_now(), store)
