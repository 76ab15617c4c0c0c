"""The platform's business metrics: their one namespace and their names, emitted by the services as
Powertools EMF metrics and read by the CloudWatch dashboards and alarms (`respite_infra.cdk.monitoring`).

A service emits with `count(metric, n)` inside a handler decorated with `publishes_metrics`;
Powertools adds the dimension `service` (POWERTOOLS_SERVICE_NAME), which is `Metric.service`.
"""

import functools
import os
from collections.abc import Callable
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
    INBOUND_MAIL_DROPPED = "InboundMailDropped"  # mail kept nowhere: no, unknown, revoked token; erased

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
    Metric.INBOUND_MAIL_DROPPED: "notifications",
}

metrics = Metrics(namespace=NAMESPACE)


def count(metric: Metric, value: int = 1) -> None:
    """Add `value` to `metric` in this invocation's EMF record (flushed by `metrics.log_metrics`)."""
    if value and in_lambda():
        metrics.add_metric(name=metric.value, unit=MetricUnit.Count, value=value)


def in_lambda() -> bool:
    """Whether this process is a Lambda function (the runtime sets AWS_LAMBDA_FUNCTION_NAME): only
    there do metrics become EMF records; the local stack and the tests emit none."""
    return "AWS_LAMBDA_FUNCTION_NAME" in os.environ


def publishes_metrics[**P, R](handler: Callable[P, R]) -> Callable[P, R]:
    """Decorate a Lambda handler that `count`s: its metrics are written as one EMF record when it returns."""
    published = metrics.log_metrics(handler)

    @functools.wraps(handler)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if in_lambda():
            # the dimension the dashboards read, whenever the module was imported
            metrics.set_default_dimensions(
                **{SERVICE_DIMENSION: os.environ.get("POWERTOOLS_SERVICE_NAME", "")}
            )
            result: R = published(*args, **kwargs)
            return result
        return handler(*args, **kwargs)

    return run
