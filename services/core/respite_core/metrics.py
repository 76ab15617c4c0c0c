"""The platform's business metrics: their one namespace and their names, emitted by the services as
Powertools EMF metrics and read by the CloudWatch dashboards and alarms (`respite_infra.cdk.monitoring`).

A service emits with `count(metric, n)` inside a handler decorated with `metrics.log_metrics`;
Powertools adds the dimension `service` (POWERTOOLS_SERVICE_NAME), which is `Metric.service`.
"""

from enum import StrEnum

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

NAMESPACE = "Respite"  # POWERTOOLS_METRICS_NAMESPACE of every function
SERVICE_DIMENSION = "service"  # the dimension Powertools adds to every metric


class Metric(StrEnum):
    WEBHOOK_DELIVERIES_FAILED = "WebhookDeliveriesFailed"  # refused by the office's endpoint, or given up
    EMAILS_SENT = "EmailsSent"
    EMAILS_BOUNCED = "EmailsBounced"
    ERASURES_DONE = "ErasuresDone"  # dossiers whose personal data was erased (withdrawal, retention)
    DEADLINES_OVERDUE = "DeadlinesOverdue"  # replies, acknowledgements and standstills marked overdue

    @property
    def service(self) -> str:
        """The service that emits the metric (its `service` dimension)."""
        return _EMITTED_BY[self]


_EMITTED_BY = {
    Metric.WEBHOOK_DELIVERIES_FAILED: "notifications",
    Metric.EMAILS_SENT: "notifications",
    Metric.EMAILS_BOUNCED: "notifications",
    Metric.ERASURES_DONE: "retention",
    Metric.DEADLINES_OVERDUE: "claims",
}

metrics = Metrics(namespace=NAMESPACE)


def count(metric: Metric, value: int = 1) -> None:
    """Add `value` to `metric` in this invocation's EMF record (flushed by `metrics.log_metrics`)."""
    if value:
        metrics.add_metric(name=metric.value, unit=MetricUnit.Count, value=value)
