"""The intake item that triggers a consolidation: what the stream announces of it, and nothing else."""

from datetime import UTC, datetime
from decimal import Decimal

from respite_core.store.claims_intake import ClaimsIntake, intake_in, intake_item

INTAKE = ClaimsIntake(
    dossier_id="d1",
    agency_id="ocmw-gent",
    intake_id="m1",
    received=14,
    received_at=datetime(2027, 1, 4, 9, 30, tzinfo=UTC),
)


def as_streamed(item: dict[str, object]) -> dict[str, object]:
    """As Powertools hands a stream image over: numbers as Decimals."""
    return {k: Decimal(v) if isinstance(v, int) else v for k, v in item.items()}


def test_an_intake_written_is_announced_as_it_was_written() -> None:
    assert intake_in("INSERT", as_streamed(intake_item(INTAKE))) == INTAKE


def test_only_an_intake_written_is_announced() -> None:
    item = as_streamed(intake_item(INTAKE))
    assert intake_in("MODIFY", item) is None
    assert intake_in("REMOVE", item) is None
    assert intake_in("INSERT", None) is None
    assert intake_in("INSERT", item | {"entity": "claim"}) is None


def test_the_item_lives_in_the_dossier_partition_and_expires() -> None:
    item = intake_item(INTAKE)
    assert (item["PK"], item["SK"]) == ("DOSSIER#d1", "INTAKE#m1")
    assert item["expires_at"] == int(datetime(2027, 1, 18, 9, 30, tzinfo=UTC).timestamp())
