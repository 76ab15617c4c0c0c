"""Operations: a CloudWatch dashboard per audience, alarms, and the encrypted topic they notify.

- `respite-<stage>-operations` (on call): every API's 4xx, 5xx and p99 latency; every function's
  errors, throttles and p99 duration; the stream consumers' iterator age; every DLQ's depth.
- `respite-<stage>-exchange` (the service owners): webhook deliveries failed, emails sent and
  bounced, erasures done, deadlines overdue (the services' Powertools EMF metrics,
  `respite_core.metrics`).

Every alarm is of one `AlarmKind`; its description links the kind's section of docs/runbook.md,
which `render_runbook()` writes from `ALARM_KINDS` (`python -m respite_infra.runbook`), so
the runbook and the alarms cannot drift apart (tests/infra/test_monitoring.py).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from respite_core.metrics import NAMESPACE, SERVICE_DIMENSION, Metric
from respite_infra.catalogue import CATALOGUE, REPO_ROOT, Catalogue
from respite_infra.cdk.nag import acknowledge
from respite_infra.cdk.settings import StageSettings, construct_id

RUNBOOK = REPO_ROOT / "docs" / "runbook.md"
CLOUDWATCH_PRINCIPAL = "cloudwatch.amazonaws.com"
FIVE_MINUTES = cdk.Duration.minutes(5)
HOUR = cdk.Duration.hours(1)
DAY = cdk.Duration.days(1)


@dataclass(frozen=True)
class AlarmKind:
    """One kind of alarm: what it watches, what it means when it fires, what to do."""

    key: str  # the runbook section's anchor and part of each alarm's name
    title: str
    means: str
    do: str


API_5XX = AlarmKind(
    "api-5xx",
    "API answers 5xx",
    "An API answered at least 5 server errors in 5 minutes: its function failed, timed out (29 s) or "
    "was throttled, or API Gateway could not reach it.",
    "Open the function's log group (`/aws/lambda/respite-<stage>-<prefix>-api`) and X-Ray traces for "
    "the failing requests; check the `lambda-errors`/`lambda-throttles` alarms of the same function. "
    "Roll back the last deployment if it started with one.",
)
API_4XX = AlarmKind(
    "api-4xx",
    "API answers many 4xx",
    "An API answered at least 200 client errors in 5 minutes, twice in a row: a client broke (expired "
    "tokens, a changed request shape), or someone probes the API.",
    "Read the API's access log (`/aws/apigateway/respite-<stage>-<prefix>/access`): which routes and "
    "statuses. 401/403 from one office system: contact the office. Many IPs or odd paths: check the WAF "
    "web ACL's sampled requests and tighten its rate limit.",
)
API_LATENCY = AlarmKind(
    "api-latency",
    "API p99 latency high",
    "An API's 99th percentile latency stayed above 3 s for 15 minutes.",
    "Look at X-Ray for the slow segment (DynamoDB, KMS, Secrets Manager, cold starts). Throttled "
    "DynamoDB or KMS requests show up there; raise the function's memory if it is CPU-bound.",
)
LAMBDA_ERRORS = AlarmKind(
    "lambda-errors",
    "Function errors",
    "A function failed at least 3 invocations in 5 minutes (an unhandled exception or a timeout). For a "
    "consumer the failed records are retried, then land in a DLQ.",
    "Open the function's log group and search for `ERROR`; the structured log names the record ids. "
    "Fix or roll back, then redrive the DLQ (`dlq-depth`).",
)
LAMBDA_THROTTLES = AlarmKind(
    "lambda-throttles",
    "Function throttled",
    "Lambda refused to run a function at least once in 5 minutes: the account's concurrency is used up.",
    "Find the function that uses the concurrency (Lambda's ConcurrentExecutions by function). Ask AWS "
    "for a higher account limit, or set reserved concurrency on a runaway consumer.",
)
LAMBDA_DURATION = AlarmKind(
    "lambda-duration",
    "Function near its timeout",
    "A function's p99 duration stayed above 80 % of its timeout for 15 minutes: it will soon time out.",
    "X-Ray shows where the time goes. Raise the timeout in the catalogue (and the queue's visibility "
    "timeout with it: at least 6 times the function's) or make the work smaller.",
)
ITERATOR_AGE = AlarmKind(
    "stream-iterator-age",
    "Stream consumer falls behind",
    "The oldest record a stream consumer has not processed is more than 5 minutes old: the feed, the "
    "outbox or erasures are late.",
    "Check the consumer's `lambda-errors` alarm: a failing batch is retried (bisected) before it moves "
    "on. Without errors the consumer is too slow: raise its memory or batch size.",
)
DLQ_DEPTH = AlarmKind(
    "dlq-depth",
    "Messages in a dead-letter or failure queue",
    "A DLQ or on-failure destination holds at least one message: work the platform gave up on (a queue "
    "message after maxReceiveCount receives, a stream batch's coordinates, an asynchronous invocation "
    "of a scheduled or SES-invoked function).",
    "Find the queue in the alarm's name (`respite-<stage>-dlq-depth-<queue>`) and follow its entry under "
    "[Failure queues](#failure-queues): what lands there and how to redrive it. Read the messages (ids "
    "only, but for the inbound-mail failures: a mail's headers) and the consumer's logs around "
    "their time; fix the cause first. Never "
    "delete a message without knowing what it was.",
)
WEBHOOKS_FAILED = AlarmKind(
    "webhook-deliveries-failed",
    "Webhook deliveries failing",
    "At least 10 webhook deliveries to office systems failed in an hour (the endpoint answered an error, "
    "timed out, or gave up after ~3 days of retries).",
    "Find the offices in the notifications logs (`webhook job`, result): one office failing is theirs "
    "to fix (tell them; a 410 disabled the endpoint). Every office failing is ours: check the "
    "notifications-webhook-deliveries function.",
)
EMAIL_BOUNCES = AlarmKind(
    "email-bounce-rate",
    "Email bounce rate high",
    "More than 5 % of the emails sent in an hour bounced. SES reviews an account whose bounce rate "
    "stays above 5 % and may stop its sending.",
    "Find the bouncing addresses (mail events in the notifications logs) and correct the offices' "
    "contact addresses in the directory. Check the SES reputation dashboard.",
)
DEADLINES_OVERDUE = AlarmKind(
    "deadlines-overdue",
    "Many deadlines overdue",
    "At least 25 replies, acknowledgements or standstills went overdue in a day: offices do not answer, "
    "or do not receive the messages.",
    "Check `webhook-deliveries-failed` and `email-bounce-rate` first. Otherwise tell the agencies' "
    "caseworkers, whose feed lists each overdue item.",
)

ERASURE_SURGE = AlarmKind(
    "erasures-surge",
    "Unusually many erasures",
    "At least 100 dossiers were erased in a day. Erasure cannot be undone (the data keys are destroyed "
    "first): a surge is either an agency closing many dossiers on purpose, or a fault that withdraws, "
    "closes or expires dossiers it should not.",
    "Read the erasure receipts in the access log (reason: withdrawal, retention, ttl) and the agencies "
    "they belong to. One agency, withdrawals: ask it. Retention or TTL without closures behind them: "
    "disable the retention sweeper's schedule (EventBridge rule) and the erasure consumer's mapping "
    "until the cause is found.",
)

ALARM_KINDS = (
    API_5XX,
    API_4XX,
    API_LATENCY,
    LAMBDA_ERRORS,
    LAMBDA_THROTTLES,
    LAMBDA_DURATION,
    ITERATOR_AGE,
    DLQ_DEPTH,
    WEBHOOKS_FAILED,
    EMAIL_BOUNCES,
    DEADLINES_OVERDUE,
    ERASURE_SURGE,
)


@dataclass(frozen=True)
class FailureQueue:
    """A queue where failed work ends: what lands there and how to redrive it (runbook entry)."""

    name: str  # the queue is `respite-<stage>-<name>`; its alarm `respite-<stage>-dlq-depth-<name>`
    catches: str
    redrive: str


_MOVE_BACK = (
    "Fix the cause first (the consumer's log group, `ERROR`). Then move the messages back to the queue "
    "they came from: SQS console, the DLQ, 'Start DLQ redrive', or `aws sqs start-message-move-task "
    "--source-arn <this queue's ARN>` (without `--destination-arn` each message returns to its source "
    "queue). The messages carry ids, not content, and stay 14 days: the redrive works any time within "
    "them, the consumer reads the current state of what the ids name."
)


def failure_queues(catalogue: Catalogue) -> tuple[FailureQueue, ...]:
    """Every DLQ and on-failure destination the stack builds for `catalogue`, with its runbook entry.

    The stack registers each such queue as it builds it (`Messaging.failure_queues`) and
    `Monitoring` refuses a registered queue that has no entry here, so none goes unwatched or
    undocumented (tests/infra/test_operations.py checks the template too)."""
    on_failure: dict[str, list[str]] = {}
    for stream in catalogue.stream_consumers:
        on_failure.setdefault(stream.on_failure.value, []).append(stream.function.name)
    consumer_of = {c.queue.value: c.function.name for c in catalogue.queue_consumers}
    entries: list[FailureQueue] = []
    for queue in catalogue.queues:
        name = queue.name.value
        if name in on_failure:
            consumers = ", ".join(f"`{c}`" for c in on_failure[name])
            entries.append(
                FailureQueue(
                    name,
                    f"The coordinates of DynamoDB stream batches that {consumers} gave up on after their "
                    "retries (bisected down to the failing record): `DDBStreamBatchInfo` with the stream "
                    "ARN, shard id, first and last sequence numbers and arrival times, no keys and no "
                    "content. Nothing consumes this queue.",
                    "Within 24 h of `approximateArrivalOfFirstRecord` the stream still holds the records: "
                    "`python -m respite_infra.redrive stream --stage <stage>` (try `--dry-run` first) "
                    "reads each message's records back by its coordinates, invokes the function that "
                    "failed them (`requestContext.functionArn`) with them as its mapping would, and "
                    "deletes the message once the function reports no failure. After 24 h the coordinates "
                    "lead nowhere (the tool counts such messages as `expired` and leaves them); what "
                    "remains is the table's current state, which both consumers act on again. Erasures: "
                    "`python -m respite_infra.redrive erasures --stage <stage>` sends every dossier whose "
                    "erasure was asked for (withdrawn, or marked by the retention sweeper) and is not done "
                    "(a finished erasure deletes its meta item) to `retention-erasure` as the change that "
                    "asks for it; the cascade is idempotent and resumable. Feed items and office "
                    "deliveries: `python -m respite_infra.redrive record --stage <stage> --function "
                    "notifications-dossier-events --event INSERT --pk <PK> --sk <SK>` sends an item (a "
                    "message to an office) again as its INSERT; feed items are keyed by the change and the "
                    "outbox is idempotent per message, so nothing is doubled. Not recoverable from the "
                    "table: an erasure that a TTL deletion asked for (the meta item it carried is gone; "
                    "such dossiers are partitions without a `META` item, and the sweeper erases long "
                    "before the TTL backstop). Delete each message once its work is redriven.",
                )
            )
        if name in on_failure:
            catches = (
                f"Messages of `{name}` received {queue.max_receive_count} times without being deleted: "
                "an operator's tool reading that queue kept failing (nothing else consumes it)."
            )
        elif name in consumer_of:
            catches = (
                f"Messages of `{name}` that `{consumer_of[name]}` failed {queue.max_receive_count} times, "
                "or that it parked here itself with its reason (a webhook job whose retries ran out)."
            )
        else:
            catches = f"Messages of `{name}` that could not be delivered or processed."
        if catalogue.email is not None and name == catalogue.email.events_queue.value:
            catches += " Also SES events that SNS could not deliver to the queue (its subscription's DLQ)."
        entries.append(FailureQueue(f"{name}-dlq", catches, _MOVE_BACK))
    if catalogue.email is not None:
        inbound = catalogue.email.inbound.name
        bucket = next(b for b in catalogue.buckets if b.name == catalogue.email.inbound_bucket)
        inbound_days = bucket.expire_after_days
        entries.append(
            FailureQueue(
                f"{inbound}-failed",
                f"SES's asynchronous invocations of `{inbound}` (one received email each) that failed "
                "3 times (Lambda's 2 retries): the SES event with the message id and the receipt, the "
                "error in `responseContext`. Its headers name the office's address and the subject: "
                "read them only as the redrive needs. The raw MIME is still in the inbound-mail bucket.",
                "Fix the cause, then invoke the function again with the event each message keeps: "
                f"`aws lambda invoke --function-name respite-<stage>-{inbound} --invocation-type Event "
                "--cli-binary-format raw-in-base64-out --payload '<requestPayload of the message>' "
                "out.json`; the handler reads the mail from the bucket "
                "by its message id. The object stays until the mail is linked, but the bucket expires it "
                f"after {inbound_days} days: redrive within them (the messages stay 14 days). Delete the "
                "message once done.",
            )
        )
    if catalogue.schedules:
        entries.append(
            FailureQueue(
                "schedules-failed",
                "Scheduled runs that EventBridge could not deliver or that failed 3 times in Lambda (2 "
                "retries): the scheduled event, which carries nothing but the time and the rule.",
                "A scheduled job works on the current state (deadlines due, digests, dossiers due for "
                "erasure), so the next scheduled run does what the failed one missed: fix the cause and "
                "check the next run's log. To run one now: `aws lambda invoke --function-name "
                "respite-<stage>-<function> --invocation-type Event --cli-binary-format raw-in-base64-out "
                "--payload '{}' out.json`. Then delete the messages.",
            )
        )
    return tuple(entries)


def runbook_link(kind: AlarmKind) -> str:
    return f"docs/runbook.md#{kind.key}"


def render_runbook(catalogue: Catalogue = CATALOGUE) -> str:
    """docs/runbook.md: one section per alarm kind, then one entry per failure queue."""
    lines = [
        "# Runbook: Respite's alarms",
        "",
        "<!-- Generated by `python -m respite_infra.runbook` from ALARM_KINDS in",
        "     infra/respite_infra/cdk/monitoring.py; a test fails when this file is stale. -->",
        "",
        "Every alarm notifies the SNS topic `respite-<stage>-alarms` (encrypted with the stage's at-rest",
        "key; subscribe with `-c alarm_email=...` or in the console). Its name is",
        "`respite-<stage>-<kind>-<what>`; its description links the section below. Dashboards:",
        "`respite-<stage>-operations` (on call) and `respite-<stage>-exchange` (service owners).",
        "",
    ]
    for kind in ALARM_KINDS:
        lines += [
            f'<a id="{kind.key}"></a>',
            f"## {kind.key}: {kind.title}",
            "",
            f"**What it means.** {kind.means}",
            "",
            f"**What to do.** {kind.do}",
            "",
        ]
    lines += [
        '<a id="failure-queues"></a>',
        "## Failure queues",
        "",
        "Each queue is `respite-<stage>-<name>`, alarmed by `respite-<stage>-dlq-depth-<name>` (one",
        "message is enough). A DynamoDB stream keeps its records 24 h, SQS these messages 14 days.",
        "",
    ]
    for queue in failure_queues(catalogue):
        lines += [
            f'<a id="failure-{queue.name}"></a>',
            f"### {queue.name}",
            "",
            f"**What lands here.** {queue.catches}",
            "",
            f"**Redrive.** {queue.redrive}",
            "",
        ]
    return "\n".join(lines)


def business_metric(metric: Metric, period: cdk.Duration) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace=NAMESPACE,
        metric_name=metric.value,
        dimensions_map={SERVICE_DIMENSION: metric.service},
        statistic="Sum",
        period=period,
    )


class Monitoring(Construct):
    """Dashboards and alarms over what the stack built; `topic` is what the alarms notify."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: StageSettings,
        key: kms.IKey,
        functions: Mapping[str, lambda_.Function],
        stream_consumers: Mapping[str, lambda_.Function],
        apis: Mapping[str, apigateway.RestApi],
        dead_letter_queues: Mapping[str, sqs.IQueue],
        runbook_entries: Iterable[FailureQueue] = (),
        alarm_email: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        self._settings = settings
        undocumented = set(dead_letter_queues) - {entry.name for entry in runbook_entries}
        if undocumented:
            raise ValueError(
                f"failure queues without a runbook entry (failure_queues): {sorted(undocumented)}"
            )
        self.topic = sns.Topic(
            self,
            "AlarmTopic",
            topic_name=settings.name("alarms"),
            display_name=f"Respite {settings.stage} alarms",
            master_key=key,
            enforce_ssl=True,
        )
        # CloudWatch publishes this stage's alarms to the topic (the topic policy holds only the
        # TLS-only Deny otherwise), for this account's alarms only ...
        stack = cdk.Stack.of(self)
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublish",
                principals=[iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="cloudwatch",
                            resource="alarm",
                            resource_name=settings.name("*"),
                            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                        )
                    },
                },
            )
        )
        # ... and the topic is encrypted: the key lets CloudWatch make and use its data keys.
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsEncrypt",
                principals=[iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy, "*" is this key
            )
        )
        if alarm_email:
            mail = self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
            acknowledge(
                mail,
                "Serverless-SNSRedrivePolicy",
                "An operator's mailbox: an alarm mail SNS cannot deliver would wait in a queue nobody "
                "reads, while the alarm's state stays on the dashboards and in CloudWatch's history.",
            )
        self.alarms: list[cloudwatch.Alarm] = []

        operations: list[cloudwatch.IWidget] = []
        for prefix, api in apis.items():
            operations += self._api(prefix, api)
        for name, function in functions.items():
            operations += self._function(name, function)
        for name, function in stream_consumers.items():
            operations.append(self._iterator_age(name, function))
        for name, queue in dead_letter_queues.items():
            operations.append(self._dlq(name, queue))
        exchange = self._exchange()

        self.dashboards = {
            "operations": cloudwatch.Dashboard(
                self, "OperationsDashboard", dashboard_name=settings.name("operations"), widgets=[operations]
            ),
            "exchange": cloudwatch.Dashboard(
                self, "ExchangeDashboard", dashboard_name=settings.name("exchange"), widgets=[exchange]
            ),
        }

    def _alarm(
        self,
        kind: AlarmKind,
        subject: str,
        metric: cloudwatch.IMetric,
        *,
        threshold: float,
        periods: int = 1,
        missing: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING,
    ) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            f"{construct_id(kind.key)}{construct_id(subject)}Alarm",
            alarm_name=self._settings.name(f"{kind.key}-{subject}"),
            alarm_description=f"{kind.title}: {subject}. {kind.means} Runbook: {runbook_link(kind)}",
            metric=metric,
            threshold=threshold,
            evaluation_periods=periods,
            datapoints_to_alarm=periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=missing,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        self.alarms.append(alarm)
        return alarm

    def _api(self, prefix: str, api: apigateway.RestApi) -> list[cloudwatch.IWidget]:
        server = api.metric_server_error(period=FIVE_MINUTES, statistic="Sum")
        client = api.metric_client_error(period=FIVE_MINUTES, statistic="Sum")
        latency = api.metric_latency(period=FIVE_MINUTES, statistic="p99")
        alarms = [
            self._alarm(API_5XX, prefix, server, threshold=5),
            self._alarm(API_4XX, prefix, client, threshold=200, periods=2),
            self._alarm(API_LATENCY, prefix, latency, threshold=3000, periods=3),
        ]
        return [
            cloudwatch.GraphWidget(title=f"/{prefix}: 4xx and 5xx", left=[client, server], width=8),
            cloudwatch.GraphWidget(title=f"/{prefix}: p99 latency (ms)", left=[latency], width=8),
            cloudwatch.AlarmStatusWidget(title=f"/{prefix}: alarms", alarms=alarms, width=8),
        ]

    def _function(self, name: str, function: lambda_.Function) -> list[cloudwatch.IWidget]:
        errors = function.metric_errors(period=FIVE_MINUTES, statistic="Sum")
        throttles = function.metric_throttles(period=FIVE_MINUTES, statistic="Sum")
        duration = function.metric_duration(period=FIVE_MINUTES, statistic="p99")
        assert function.timeout is not None, f"{name}: every Respite function sets its timeout"
        timeout_ms = function.timeout.to_milliseconds()
        self._alarm(LAMBDA_ERRORS, name, errors, threshold=3)
        self._alarm(LAMBDA_THROTTLES, name, throttles, threshold=1)
        self._alarm(LAMBDA_DURATION, name, duration, threshold=0.8 * timeout_ms, periods=3)
        return [
            cloudwatch.GraphWidget(title=f"{name}: errors, throttles", left=[errors, throttles], width=12),
            cloudwatch.GraphWidget(title=f"{name}: p99 duration (ms)", left=[duration], width=12),
        ]

    def _iterator_age(self, name: str, function: lambda_.Function) -> cloudwatch.IWidget:
        age = function.metric(
            "IteratorAge", period=FIVE_MINUTES, statistic="Maximum", unit=cloudwatch.Unit.MILLISECONDS
        )
        self._alarm(ITERATOR_AGE, name, age, threshold=5 * 60 * 1000, periods=3)
        return cloudwatch.GraphWidget(title=f"{name}: stream iterator age (ms)", left=[age], width=12)

    def _dlq(self, name: str, queue: sqs.IQueue) -> cloudwatch.IWidget:
        depth = queue.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES, statistic="Maximum")
        self._alarm(DLQ_DEPTH, name, depth, threshold=1)
        return cloudwatch.GraphWidget(title=f"{name}: messages waiting", left=[depth], width=12)

    def _exchange(self) -> list[cloudwatch.IWidget]:
        failed = business_metric(Metric.WEBHOOK_DELIVERIES_FAILED, HOUR)
        sent = business_metric(Metric.EMAILS_SENT, HOUR)
        bounced = business_metric(Metric.EMAILS_BOUNCED, HOUR)
        erased = business_metric(Metric.ERASURES_DONE, DAY)
        overdue = business_metric(Metric.DEADLINES_OVERDUE, DAY)
        dropped = business_metric(Metric.INBOUND_MAIL_DROPPED, DAY)
        bounce_rate = cloudwatch.MathExpression(
            expression="IF(sent > 0, 100 * bounced / sent, 0)",
            using_metrics={"sent": sent, "bounced": bounced},
            label="bounce rate (%)",
            period=HOUR,
        )
        self._alarm(WEBHOOKS_FAILED, "all", failed, threshold=10)
        self._alarm(EMAIL_BOUNCES, "all", bounce_rate, threshold=5)
        self._alarm(DEADLINES_OVERDUE, "all", overdue, threshold=25)
        self._alarm(ERASURE_SURGE, "all", erased, threshold=100)
        return [
            cloudwatch.GraphWidget(title="Webhook deliveries failed (per hour)", left=[failed], width=12),
            cloudwatch.GraphWidget(
                title="Emails sent and bounced (per hour)",
                left=[sent, bounced],
                right=[bounce_rate],
                width=12,
            ),
            cloudwatch.GraphWidget(title="Erasures done (per day)", left=[erased], width=12),
            cloudwatch.GraphWidget(title="Deadlines overdue (per day)", left=[overdue], width=12),
            # mail for no living dossier, kept nowhere: a rise means offices answer stale or erased links
            cloudwatch.GraphWidget(title="Inbound mail dropped (per day)", left=[dropped], width=12),
        ]
