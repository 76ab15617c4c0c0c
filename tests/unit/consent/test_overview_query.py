"""The overview's `since` is a date-time as the document says (found by fuzzing: `?since=0.5` was
accepted, read by pydantic as half a second after 1970)."""

import pytest
from pydantic import ValidationError

from respite_consent.models import OverviewQuery


@pytest.mark.parametrize("written", ["0.5", "1700000000", "-1", "yesterday"])
def test_since_written_otherwise_is_refused(written: str) -> None:
    with pytest.raises(ValidationError, match="ISO 8601"):
        OverviewQuery.model_validate({"since": written})


def test_since_as_a_date_time_is_read_in_utc() -> None:
    query = OverviewQuery.model_validate({"since": "2026-11-16T01:00:00+01:00"})
    assert query.since is not None
    assert query.since.isoformat() == "2026-11-16T00:00:00+00:00"
    assert OverviewQuery.model_validate({}).since is None
