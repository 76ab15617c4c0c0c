"""Lambda functions of the catalogue and what invokes them: stream and queue consumers, schedules."""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from respite_infra.catalogue import Catalogue, Function, QueueConsumer, Schedule, StreamConsumer
from respite_infra.cdk.data import DataStores
from respite_infra.cdk.messaging import Messaging
from respite_infra.cdk.nag import KMS_GRANT_WILDCARDS, WILDCARD_TRACING, acknowledge
from respite_infra.cdk.settings import StageSettings, construct_id
from respite_infra.cdk.wiring import Uses, Wiring
from respite_infra.packaging import Platform, build_dependencies, stage_service_code

RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64
# SQS only lets a mapping take more than 10 messages at once when it may wait to fill a batch.
_SQS_BATCH_WITHOUT_WINDOW = 10
_NOT_ASYNC = (
    "Invoked only by an event-source mapping (an SQS queue or a DynamoDB stream), which polls and "
    "invokes synchronously, never asynchronously: a Lambda DLQ would never receive anything. Failed "
    "queue messages go to the queue's DLQ after maxReceiveCount; failed stream batches to the "
    "mapping's on-failure queue. Both are alarmed."
)
_ASYNC_ON_FAILURE = (
    "Invoked asynchronously (SES's receipt rule): an event Lambda gives up on after its retries "
    "goes to the function's on-failure destination (EventInvokeConfig), an alarmed SQS queue, "
    "which also records the error, so no Lambda DLQ is configured besides it."
)
ASYNC_RETRY_ATTEMPTS = 2  # Lambda's own retries of an asynchronous invocation, then the failure queue


class ServiceCode:
    """One code asset per service: its package, the kernel and the locked third-party dependencies
    built for `platform` (None: first-party code only), staged under `root/<service>/`.
    The dependencies are built once, under `root/../lambda-deps/` (`packaging.build_dependencies`).
    """

    def __init__(self, root: Path, *, platform: Platform | None) -> None:
        self.root = root
        self.platform = platform
        self._dependencies: Path | None = None
        self._staged: dict[str, Path] = {}
        self._code: dict[str, lambda_.Code] = {}

    def dependencies(self) -> Path | None:
        if self.platform is not None and self._dependencies is None:
            self._dependencies = build_dependencies(self.root.parent / "lambda-deps", platform=self.platform)
        return self._dependencies

    def directory(self, service: str) -> Path:
        if service not in self._staged:
            self._staged[service] = stage_service_code(service, self.root, dependencies=self.dependencies())
        return self._staged[service]

    def code(self, service: str) -> lambda_.Code:
        if service not in self._code:
            self._code[service] = lambda_.Code.from_asset(str(self.directory(service)))
        return self._code[service]

    def has_handler(self, service: str, handler: str) -> bool:
        """Whether `package.module.function` names a module present in the service's package."""
        module = handler.rpartition(".")[0]
        base = self.directory(service).joinpath(*module.split("."))
        return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def respite_function(
    scope: Construct,
    id: str,
    *,
    function_name: str,
    description: str,
    service: str,
    handler: str,
    uses: Uses,
    timeout: cdk.Duration,
    memory_mb: int,
    code: ServiceCode,
    wiring: Wiring,
    settings: StageSettings,
) -> lambda_.Function:
    """A Lambda function as every Respite function is built: Python 3.13 on arm64, X-Ray tracing,
    its own log group with a retention, the environment and grants of `uses` (`Wiring.wire`).
    """
    log_group = logs.LogGroup(
        scope,
        f"{id}Logs",
        log_group_name=f"/aws/lambda/{function_name}",
        retention=settings.log_retention,
        removal_policy=settings.removal_policy,
    )
    # An own role instead of CDK's default one, which attaches the AWS managed policy
    # AWSLambdaBasicExecutionRole (logs on every log group): this one may write to its log group only.
    role = iam.Role(
        scope,
        f"{id}Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"{function_name}: its log group, X-Ray, and what it uses",
    )
    log_group.grant_write(role)
    function = lambda_.Function(
        scope,
        id,
        function_name=function_name,
        role=role,
        description=description,
        runtime=RUNTIME,
        architecture=ARCHITECTURE,
        handler=handler,
        code=code.code(service),
        timeout=timeout,
        memory_size=memory_mb,
        tracing=lambda_.Tracing.ACTIVE,
        log_group=log_group,
    )
    if not code.has_handler(service, handler):
        cdk.Annotations.of(function).add_warning_v2(
            "respite:handler-missing",
            f"handler {handler!r} names no module in the staged package of service {service!r}",
        )
    wiring.wire(function, service=service, uses=uses)
    acknowledge(
        role, WILDCARD_TRACING, "X-Ray's PutTraceSegments and PutTelemetryRecords take no resource: *."
    )
    for finding in KMS_GRANT_WILDCARDS:
        acknowledge(
            role,
            finding,
            "CDK's grant on an encrypted table, queue or bucket: GenerateDataKey*/ReEncrypt* on the "
            "at-rest key only, which data keys of what the function uses need.",
        )
    for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion"):
        acknowledge(
            function,
            rule,
            "Python 3.13 is the platform's runtime (requires-python ==3.13 in pyproject.toml, the "
            "kernel and every lock pin built for cp313); moving to a newer runtime is its own change.",
        )
    return function


class Functions(Construct):
    """One Lambda function per catalogue `Function`, and the event sources and rules that invoke it."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        catalogue: Catalogue,
        settings: StageSettings,
        data: DataStores,
        messaging: Messaging,
        wiring: Wiring,
        code: ServiceCode,
    ) -> None:
        super().__init__(scope, id)
        self._settings = settings
        self._data = data
        self._messaging = messaging
        self.functions: dict[str, lambda_.Function] = {}
        for function in catalogue.functions():
            if function.name not in self.functions:  # one function may have several triggers
                self.functions[function.name] = self._function(function, wiring=wiring, code=code)
        scheduled = {schedule.function.name for schedule in catalogue.schedules}
        inbound = catalogue.email.inbound.name if catalogue.email is not None else None
        for name, built in self.functions.items():
            if name not in scheduled and name != inbound:
                acknowledge(built, "Serverless-LambdaDLQ", _NOT_ASYNC)
        # SES invokes the inbound function asynchronously: what Lambda gives up on lands here.
        self.inbound_failed: sqs.Queue | None = None
        if inbound is not None:
            self.inbound_failed = messaging.dead_letter_queue(
                f"{construct_id(inbound)}Failed", f"{inbound}-failed"
            )
            self.functions[inbound].configure_async_invoke(
                retry_attempts=ASYNC_RETRY_ATTEMPTS,
                on_failure=destinations.SqsDestination(self.inbound_failed),
            )
            acknowledge(self.functions[inbound], "Serverless-LambdaDLQ", _ASYNC_ON_FAILURE)
            acknowledge(
                self.inbound_failed,
                "AwsSolutions-SQS3",
                "This queue is a dead-letter queue in all but name: the on-failure destination of the "
                "inbound function's asynchronous invocations (EventInvokeConfig), which cdk-nag does not "
                "recognise as one. Nothing consumes it; it is alarmed and redriven by an operator.",
            )
        for consumer in catalogue.stream_consumers:
            self._stream_consumer(consumer)
        for queue_consumer in catalogue.queue_consumers:
            self._queue_consumer(queue_consumer)
        # Scheduled invocations are asynchronous: what EventBridge or Lambda gives up on lands here.
        self.schedules_failed = (
            messaging.dead_letter_queue("SchedulesFailed", "schedules-failed")
            if catalogue.schedules
            else None
        )
        if self.schedules_failed is not None:
            # EventBridge writes to the (KMS-encrypted) DLQ itself: the at-rest key must let it.
            data.at_rest_key.grant(
                iam.ServicePrincipal("events.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey"
            )
        schedules_of: dict[str, int] = {}
        for schedule in catalogue.schedules:
            n = schedules_of[schedule.function.name] = schedules_of.get(schedule.function.name, 0) + 1
            self._schedule(schedule, n)

    def _function(self, function: Function, *, wiring: Wiring, code: ServiceCode) -> lambda_.Function:
        return respite_function(
            self,
            construct_id(function.name),
            function_name=self._settings.name(function.name),
            description=f"Respite {function.service}: {function.name}",
            service=function.service,
            handler=function.handler,
            uses=function.uses,
            timeout=cdk.Duration.seconds(function.timeout_s),
            memory_mb=function.memory_mb,
            code=code,
            wiring=wiring,
            settings=self._settings,
        )

    def _stream_consumer(self, consumer: StreamConsumer) -> None:
        function = self.functions[consumer.function.name]
        function.add_event_source(
            sources.DynamoEventSource(
                self._data.tables[consumer.table],
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=consumer.batch_size,
                # A failing batch is halved until the poison record stands alone; after
                # retry_attempts its coordinates go to the on-failure queue and the shard moves on.
                bisect_batch_on_error=True,
                retry_attempts=consumer.retry_attempts,
                on_failure=sources.SqsDlq(self._messaging.on_failure_destination(consumer.on_failure)),
                report_batch_item_failures=True,
                filters=[
                    lambda_.FilterCriteria.filter(
                        {"eventName": lambda_.FilterRule.or_(*consumer.event_names)}
                    )
                ],
            )
        )

    def _queue_consumer(self, consumer: QueueConsumer) -> None:
        function = self.functions[consumer.function.name]
        window = cdk.Duration.seconds(1) if consumer.batch_size > _SQS_BATCH_WITHOUT_WINDOW else None
        function.add_event_source(
            sources.SqsEventSource(
                self._messaging.queues[consumer.queue],
                batch_size=consumer.batch_size,
                max_batching_window=window,
                report_batch_item_failures=True,
            )
        )
        acknowledge(
            function,
            "Serverless-LambdaEventSourceMappingDestination",
            "SQS event-source mappings take no on-failure destination: a message that keeps failing "
            "moves to the queue's own DLQ after maxReceiveCount receives (its redrive policy).",
        )
        # a consumer may park a message it gave up on (with its reason) in its queue's DLQ itself
        self._messaging.dead_letter_queues[consumer.queue].grant_send_messages(function)

    def _schedule(self, schedule: Schedule, n: int) -> None:
        function = self.functions[schedule.function.name]
        if n == 1 and self.schedules_failed is not None:
            # After Lambda's own two retries of an asynchronous invocation, the event goes here.
            function.configure_async_invoke(
                retry_attempts=ASYNC_RETRY_ATTEMPTS,
                on_failure=destinations.SqsDestination(self.schedules_failed),
            )
            cfn = function.node.default_child
            assert isinstance(cfn, lambda_.CfnFunction)
            cfn.dead_letter_config = lambda_.CfnFunction.DeadLetterConfigProperty(
                target_arn=self.schedules_failed.queue_arn
            )
            self.schedules_failed.grant_send_messages(function)
        suffix = "" if n == 1 else str(n)
        events.Rule(
            self,
            f"{construct_id(schedule.function.name)}Schedule{suffix}",
            description=f"Respite: {schedule.function.name} {schedule.expression}",
            schedule=events.Schedule.expression(schedule.expression),
            targets=[
                targets.LambdaFunction(function, retry_attempts=2, dead_letter_queue=self.schedules_failed)
            ],
        )
