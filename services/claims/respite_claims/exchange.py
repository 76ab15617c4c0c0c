"""The exchange between an agency and the offices, as pure decisions: which messages a step sends,
how the dossier's state and standstill move, whether a reply may answer a request, what is still
pending, where the negotiation stands. The store writes what these decide."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from respite_claims.models import (
    ClaimInput,
    ClassPart,
    CreditorPart,
    ProposalAnswer,
    ProposalKind,
    Reply,
    Tally,
)
from respite_claims.plan import Debt, PlanPart, buy_out, instalment_plan
from respite_core.calendar import Country, local_date
from respite_core.domain import (
    ANSWERS,
    Agency,
    Claim,
    Dossier,
    DossierEvent,
    DossierState,
    Enforcement,
    Message,
    MessageType,
    Title,
    check_reply,
    ended_standstill,
    message_to_office,
    reply_due_on,
    standstill_ends_on,
)

type NewId = Callable[[], str]

_EVENT_OF = {
    MessageType.NOTICE: DossierEvent.NOTICES_SENT,
    MessageType.PROPOSAL: DossierEvent.PROPOSAL_SENT,
    MessageType.RECONSIDERATION: DossierEvent.RECONSIDERATION_SENT,
    MessageType.SETTLEMENT_AGREED: DossierEvent.SETTLEMENT_AGREED,
    MessageType.TERMINATION: DossierEvent.TERMINATED,
}
# a request that changes nothing in the dossier may still only go out while it is in these states
_SENDABLE_IN = {
    MessageType.BALANCE_REQUEST: {DossierState.NOTIFIED, DossierState.NEGOTIATING},
    MessageType.STATUS_REQUEST: {DossierState.NOTIFIED, DossierState.NEGOTIATING, DossierState.SETTLED},
}
ANSWERABLE_IN = {DossierState.NOTIFIED, DossierState.NEGOTIATING, DossierState.SETTLED}
PROPOSAL_REQUESTS = (MessageType.PROPOSAL, MessageType.RECONSIDERATION)
STANDSTILL_WARNING = timedelta(days=14)  # the caseworker is warned two weeks before a standstill ends
# the messages that tell each office where the standstill stands: when it ends, or that it ended today
TELLS_STANDSTILL = (MessageType.NOTICE, MessageType.SETTLEMENT_AGREED, MessageType.TERMINATION)


class NotNow(ValueError):
    """The step is not possible in the dossier's state or with these offices."""


@dataclass(frozen=True)
class Outgoing:
    dossier: Dossier  # the dossier after the step
    messages: list[Message]


def send(
    kind: MessageType,
    dossier: Dossier,
    agency: Agency,
    office_ids: Sequence[str],
    now: datetime,
    new_id: NewId,
    body_for: Callable[[str], dict[str, Any]] = lambda office_id: {},
    *,
    persons_standstill_ends_on: date | None = None,
) -> Outgoing:
    """One message of `kind` from the agency to each office, and the dossier's state after it.
    `persons_standstill_ends_on`: the last day of the person's standstill started elsewhere (another
    agency, an earlier dossier), which a first notice's standstill cannot outlast."""
    office_ids = list(dict.fromkeys(office_ids))  # one message per office, however often it is named
    if not office_ids:
        raise NotNow("there is no office to send to")
    today = local_date(now, Country(agency.country))
    after = dossier
    if kind in _EVENT_OF:
        change = _standstill_change(kind, dossier, today, persons_standstill_ends_on)
        after = dossier.apply(_EVENT_OF[kind], **change)
    elif dossier.state not in _SENDABLE_IN.get(kind, set()):
        raise NotNow(f"a {kind.value} cannot be sent while the dossier is {dossier.state.value}")
    messages = [
        message_to_office(
            kind,
            dossier.dossier_id,
            agency.agency_id,
            office_id,
            message_id=new_id(),
            created_at=now,
            reply_due_on=reply_due_on(kind, today, Country(agency.country)),
            body=body_for(office_id) | _standstill_told(kind, after),
        )
        for office_id in office_ids
    ]
    return Outgoing(after, messages)


def _standstill_change(
    kind: MessageType, dossier: Dossier, today: date, persons_end: date | None
) -> dict[str, Any]:
    if kind is MessageType.NOTICE and dossier.standstill_starts_on is None:
        ends = standstill_ends_on(today)
        if persons_end is not None and today <= persons_end < ends:
            ends = persons_end  # one standstill per person: this one ends with the one running
        return {"standstill_starts_on": today, "standstill_ends_on": ends}
    if kind in (MessageType.SETTLEMENT_AGREED, MessageType.TERMINATION):
        return ended_standstill(dossier, today)  # the plan is agreed, or the debt help ends
    return {}


def _standstill_told(kind: MessageType, after: Dossier) -> dict[str, Any]:
    """Every office hears the standstill's last day with its notice, and that it ended with the
    settlement or the termination."""
    if kind not in TELLS_STANDSTILL or after.standstill_ends_on is None:
        return {}
    return {"standstill_ends_on": after.standstill_ends_on.isoformat()}


def notified_offices(messages: Iterable[Message]) -> list[str]:
    return sorted({m.receiver for m in messages if m.type is MessageType.NOTICE})


def not_yet_notified(office_ids: Sequence[str], messages: Iterable[Message]) -> list[str]:
    already = set(notified_offices(messages))
    twice = sorted(set(office_ids) & already)
    if twice:
        raise NotNow(f"already notified: {', '.join(twice)}")
    return list(dict.fromkeys(office_ids))


# --- replies --------------------------------------------------------------------------------------


def answer(
    request: Message,
    reply: Reply,
    dossier: Dossier,
    office_id: str,
    now: datetime,
    message_id: str,
    *,
    claims_received: int = 0,
) -> Message:
    """The office's reply as a message (ReplyNotAllowed / NotNow when it may not answer that request).
    `claims_received`: how many claims came with it (by API: those of `reply`; by CSV: the rows taken)."""
    if dossier.state not in ANSWERABLE_IN:
        raise NotNow(f"the dossier is {dossier.state.value}: it takes no replies")
    check_reply(request.type, reply.type)
    body: dict[str, Any] = {}
    if reply.reason is not None:
        body["reason"] = str(reply.reason)  # a listed reason's value, or the office's own words
    if reply.file_references:
        body["file_references"] = list(reply.file_references)
    if reply.comment:
        body["comment"] = reply.comment
    return Message(
        message_id=message_id,
        conversation_id=request.conversation_id,
        dossier_id=request.dossier_id,
        sender=office_id,
        receiver=request.sender,
        type=reply.type,
        created_at=now,
        in_reply_to=request.message_id,
        claims_received=(claims_received or len(reply.claims)) or None,
        body=body,
    )


def to_claim(claim: ClaimInput, dossier_id: str, office_id: str, claim_id: str) -> Claim:
    return Claim(
        claim_id=claim_id,
        dossier_id=dossier_id,
        office_id=office_id,
        office_reference=claim.office_reference,
        principal=claim.principal,
        interest=claim.interest,
        costs=claim.costs,
        paid=claim.paid,
        title=Title(kind=claim.title_kind, description=claim.title_description),
        creditor_class=claim.creditor_class,
        principal_creditor=claim.principal_creditor,
        enforcement=Enforcement(
            public_sale_announced_on=claim.public_sale_announced_on, garnishment_laid=claim.garnishment_laid
        ),
    )


def pending(messages: Sequence[Message]) -> list[Message]:
    """The agency's requests that no reply answers yet."""
    answered = {m.in_reply_to for m in messages if m.in_reply_to}
    return [m for m in messages if ANSWERS[m.type] and m.message_id not in answered]


def next_deadline(dossier: Dossier, messages: Sequence[Message]) -> date | None:
    """The earliest reply still awaited; none once the dossier takes no more replies."""
    if dossier.state not in ANSWERABLE_IN:
        return None
    due = [m.reply_due_on for m in pending(messages) if m.reply_due_on is not None]
    return min(due, default=None)


def standstill_warning_on(dossier: Dossier) -> date | None:
    """When the caseworker must hear that the standstill ends; None when none is running."""
    running = dossier.state in (DossierState.NOTIFIED, DossierState.NEGOTIATING)
    if not running or dossier.standstill_ends_on is None:
        return None
    return dossier.standstill_ends_on - STANDSTILL_WARNING


# --- the negotiation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """What a proposal offers: each office's part (what its message carries) and each class's."""

    parts: list[CreditorPart]
    classes: list[ClassPart]
    months: int | None  # instalments: the plan's length


def proposal_parts(
    kind: ProposalKind, claims: Sequence[Claim], *, monthly_capacity: int | None, percentage_bp: int | None
) -> list[CreditorPart]:
    """What the proposal offers each creditor office, exact to the cent."""
    return proposal_offer(kind, claims, monthly_capacity=monthly_capacity, percentage_bp=percentage_bp).parts


def proposal_offer(
    kind: ProposalKind, claims: Sequence[Claim], *, monthly_capacity: int | None, percentage_bp: int | None
) -> Offer:
    """What the proposal offers each creditor office and each creditor class, exact to the cent."""
    owing = [c for c in claims if c.outstanding > 0]  # an office owed nothing more gets no proposal
    debts = [Debt.from_claim(c) for c in owing]
    if not debts:
        raise NotNow("there are no claims with anything outstanding to propose a plan for")
    by_office: dict[str, list[Claim]] = {}
    for claim in owing:
        by_office.setdefault(claim.office_id, []).append(claim)
    months: int | None = None
    if kind is ProposalKind.INSTALMENTS:
        if monthly_capacity is None:
            raise NotNow("an instalment proposal needs the monthly capacity")
        plan = instalment_plan(monthly_capacity, debts)
        months = plan.months
        monthly = _monthly_by(plan.parts, lambda p: p.office_id)
        class_monthly = _monthly_by(plan.parts, lambda p: p.creditor_class)
        offered, class_offered = plan.by_office, plan.by_class
    else:
        if percentage_bp is None:
            raise NotNow("a buy-out proposal needs the percentage")
        offer = buy_out(percentage_bp, debts)
        monthly, class_monthly = {}, {}
        offered, class_offered = offer.by_office, offer.by_class
    parts = [
        CreditorPart(
            office_id=office,
            claim_ids=sorted(c.claim_id for c in office_claims),
            outstanding=sum(c.outstanding for c in office_claims),
            offered=offered.get(office, 0),
            monthly=monthly.get(office),
        )
        for office, office_claims in sorted(by_office.items())
    ]
    classes = [
        ClassPart(
            creditor_class=creditor_class,
            outstanding=sum(d.outstanding for d in debts if d.creditor_class is creditor_class),
            offered=amount,
            monthly=class_monthly.get(creditor_class),
        )
        for creditor_class, amount in class_offered.items()
        if any(d.creditor_class is creditor_class for d in debts)  # a class with no claims is not shown
    ]
    return Offer(parts, classes, months)


def _monthly_by[K](parts: Sequence[PlanPart], key: Callable[[PlanPart], K]) -> dict[K, list[int]]:
    """The plan's month-by-month amounts summed per `key` (an office, a class)."""
    grouped: dict[K, list[PlanPart]] = {}
    for part in parts:
        grouped.setdefault(key(part), []).append(part)
    return {
        group: [sum(month) for month in zip(*(p.monthly for p in members), strict=True)]
        for group, members in grouped.items()
    }


def latest_proposals(messages: Sequence[Message]) -> dict[str, Message]:
    """The latest proposal or reconsideration each office received."""
    latest: dict[str, Message] = {}
    for message in sorted(messages, key=lambda m: (m.created_at, m.message_id)):
        if message.type in PROPOSAL_REQUESTS:
            latest[message.receiver] = message
    return latest


def tally(messages: Sequence[Message]) -> Tally:
    """For each office, the answer to the latest proposal or reconsideration it received. An office that
    accepted in advance (`balance_reply_preapproved`) counts as accepting, until it answers otherwise."""
    latest = latest_proposals(messages)
    preapproved = {m.sender for m in messages if m.type is MessageType.BALANCE_REPLY_PREAPPROVED}
    answers = {m.in_reply_to: m.type for m in messages if m.in_reply_to}
    rejected_before = {m.sender for m in messages if m.type is MessageType.PROPOSAL_REJECT}
    accepted, rejected, waiting = [], [], []
    for office, proposal in sorted(latest.items()):
        verdict = answers.get(proposal.message_id)
        in_advance = verdict is None and office in preapproved and office not in rejected_before
        if verdict is MessageType.PROPOSAL_ACCEPT or in_advance:
            accepted.append(office)
        elif verdict is MessageType.PROPOSAL_REJECT:
            rejected.append(office)
        else:
            waiting.append(office)
    return Tally(accepted=accepted, rejected=rejected, pending=waiting, preapproved=sorted(preapproved))


def proposal_answers(messages: Sequence[Message]) -> list[ProposalAnswer]:
    """Each office's answer to the latest proposal or reconsideration it received, with its reason
    and comment; offices that have not answered are not listed (the tally names them)."""
    latest = {proposal.message_id for proposal in latest_proposals(messages).values()}
    return [
        ProposalAnswer(
            office_id=m.sender,
            message_id=m.message_id,
            type=m.type,
            answered_at=m.created_at,
            reason=_text(m.body.get("reason")),
            comment=_text(m.body.get("comment")),
        )
        for m in sorted(messages, key=lambda m: m.sender)
        if m.in_reply_to in latest
    ]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def settlement_blockers(messages: Sequence[Message]) -> list[str]:
    """Offices that have not accepted the latest proposal (a settlement needs every creditor)."""
    counted = tally(messages)
    return sorted([*counted.rejected, *counted.pending])
