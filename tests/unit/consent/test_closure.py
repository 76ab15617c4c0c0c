"""A closure after notices: which offices it terminates with, and what each hears."""

from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

from respite_consent import closure, dossiers
from respite_core.domain import Dossier, MessageType
from respite_infra.local.seed import AGENCIES

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
GENT = next(a for a in AGENCIES if a.agency_id == "ocmw-gent")


def sent(office: str, type_: MessageType) -> dict[str, Any]:
    return {"entity": "message", "sender": "ocmw-gent", "receiver": office, "type": type_.value}


def notified(**changes: Any) -> Dossier:
    return Dossier.model_validate(
        {
            "dossier_id": "D1",
            "agency_id": "ocmw-gent",
            "state": "negotiating",
            "opened_at": NOW - timedelta(days=40),
            "standstill_starts_on": date(2026, 10, 12),
            "standstill_ends_on": date(2027, 1, 12),
        }
        | changes
    )


def test_every_notified_office_not_yet_terminated_with_is_told() -> None:
    items = [
        sent("vanhove", MessageType.NOTICE),
        sent("lambert", MessageType.NOTICE),
        sent("vanhove", MessageType.PROPOSAL),
        sent("swde", MessageType.NOTICE),
        sent("swde", MessageType.TERMINATION),  # told already: not twice
    ]
    assert closure.offices_not_told(items) == ["lambert", "vanhove"]
    assert closure.offices_not_told([]) == []


def test_each_office_hears_why_that_the_standstill_ended_today_and_its_own_references() -> None:
    closed = dossiers.close(notified(), "schuldenvrij", NOW, today=date(2026, 11, 20))
    ids = (f"m{n}" for n in count())

    references = {"vanhove": ("VH/2026/1", "VH-7")}
    told = closure.terminations(closed, ["lambert", "vanhove"], GENT, NOW, lambda: next(ids), references)

    assert closed.standstill_ends_on == date(2026, 11, 20)
    assert [(m.receiver, m.type, m.sender) for m in told] == [
        ("lambert", MessageType.TERMINATION, "ocmw-gent"),
        ("vanhove", MessageType.TERMINATION, "ocmw-gent"),
    ]
    said = {"reason": "schuldenvrij", "standstill_ends_on": "2026-11-20"}
    assert [m.body for m in told] == [
        said | {"office_references": []},  # Lambert never answered
        said | {"office_references": ["VH/2026/1", "VH-7"]},  # Van Hove finds its file
    ]
    assert [m.conversation_id for m in told] == ["D1-lambert", "D1-vanhove"]
    assert all(m.reply_due_on is None for m in told)  # an announcement: nothing answers it


def test_a_standstill_that_ended_before_the_closure_keeps_its_end() -> None:
    settled = notified(state="settled", standstill_ends_on=date(2026, 11, 2))
    closed = dossiers.close(settled, "plan loopt", NOW, today=date(2026, 11, 20))
    assert closed.standstill_ends_on == date(2026, 11, 2)
