"""Business metrics: an EMF record in the namespace and with the `service` dimension the dashboards
and alarms read (respite_infra.cdk.monitoring), and nothing outside Lambda."""

import json
from typing import Any

import pytest

from respite_core.metrics import NAMESPACE, SERVICE_DIMENSION, Metric, count, publishes_metrics


@publishes_metrics
def sweep(event: dict[str, Any], context: object) -> str:
    count(Metric.DEADLINES_OVERDUE, 3)
    count(Metric.EMAILS_SENT, 0)  # nothing to say: no value
    return "swept"


def test_a_counted_metric_becomes_an_emf_record_the_alarms_read(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "respite-dev-claims-deadlines")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", Metric.DEADLINES_OVERDUE.service)
    assert sweep({}, None) == "swept"
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    (directive,) = record["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == NAMESPACE
    assert directive["Dimensions"] == [[SERVICE_DIMENSION]]
    assert directive["Metrics"] == [{"Name": "DeadlinesOverdue", "Unit": "Count"}]
    assert record[SERVICE_DIMENSION] == "claims"
    assert record["DeadlinesOverdue"] == [3.0]


def test_outside_lambda_nothing_is_emitted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    assert sweep({}, None) == "swept"
    assert '"_aws"' not in capsys.readouterr().out


def test_every_metric_names_the_service_that_emits_it() -> None:
    assert {m.service for m in Metric} <= {"consent", "claims", "notifications", "retention"}
