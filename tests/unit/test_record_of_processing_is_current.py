"""`docs/record-of-processing.md` is what the catalogue says: regenerate it with
`make record-of-processing` when a store, its purpose or its retention changes."""

import dataclasses

import pytest

from respite_infra.catalogue import (
    CATALOGUE,
    LOG_RETENTION_DAYS,
    STREAM_RETENTION_HOURS,
    Bucket,
    Key,
    Queue,
    Secret,
    Table,
)
from respite_infra.record_of_processing import OUTPUT, render, stale_diff

SHOWN_DIFF_LINES = 40


def test_docs_record_of_processing_is_current() -> None:
    diff = stale_diff(render(), OUTPUT)
    if diff:
        shown = "".join(diff[:SHOWN_DIFF_LINES])
        pytest.fail(f"docs/record-of-processing.md is stale: run `make record-of-processing`\n\n{shown}")


def test_every_store_is_recorded_with_its_residual_copies() -> None:
    text = render()
    stores: list[Table | Queue | Bucket | Key | Secret] = [
        *CATALOGUE.tables,
        *CATALOGUE.queues,
        *CATALOGUE.buckets,
        *CATALOGUE.keys,
        *CATALOGUE.secrets,
    ]
    rows = {
        line.split(" | ")[0].removeprefix("| "): line for line in text.splitlines() if line.startswith("| ")
    }
    for store in stores:
        assert store.name.value in rows, store.name
        assert store.purpose in rows[store.name.value]
    for table in CATALOGUE.tables:
        assert f"point-in-time recovery {table.pitr_days} day" in rows[table.name.value]
        assert (f"stream {STREAM_RETENTION_HOURS} h" in rows[table.name.value]) is table.stream
    for queue in CATALOGUE.queues:
        assert f"dead-letter queue: {queue.dlq_retention_days} days" in rows[queue.name.value]
    assert f"| {LOG_RETENTION_DAYS} days |" in rows["logs"]


def test_a_change_in_the_catalogue_changes_the_record() -> None:
    longer = tuple(dataclasses.replace(t, pitr_days=t.pitr_days + 1) for t in CATALOGUE.tables)

    assert render(dataclasses.replace(CATALOGUE, tables=longer)) != render()
