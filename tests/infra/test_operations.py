"""The dev stage passes cdk-nag and cfn-lint; its alarms, dashboards and runbook agree; the APIs sit
behind WAF with request validation and throttling; scheduled runs that fail are kept."""

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from respite_core.metrics import NAMESPACE, Metric
from respite_infra.catalogue import CATALOGUE
from respite_infra.cdk.apis import MANAGED_RULE_GROUPS, RATE_LIMIT_PER_IP
from respite_infra.cdk.monitoring import ALARM_KINDS, RUNBOOK, render_runbook
from respite_infra.cdk.nag import acknowledge
from tests.infra.conftest import ALARM_EMAIL, API_DOMAIN, FRONTEND_ORIGINS, Synthesised

STAGE = "dev"


def resources(template: Template, type_: str) -> dict[str, dict[str, Any]]:
    return {k: dict(v) for k, v in template.find_resources(type_).items()}


def props(template: Template, type_: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in resources(template, type_).values()]


# --- cdk-nag and cfn-lint -------------------------------------------------------------------------


def test_cdk_nag_finds_no_unacknowledged_error(dev_stage: Synthesised) -> None:
    # AwsSolutionsChecks and ServerlessChecks run in `app.synth()` and fail it on any error left.
    assert dev_stage.validation_error is None, dev_stage.validation_error


def test_an_acknowledgment_without_a_written_reason_is_refused() -> None:
    # Every acknowledgment in the stack goes through `acknowledge`, next to its construct.
    stack = cdk.Stack(cdk.App(), "nag-reasons")
    with pytest.raises(ValueError, match="needs a reason"):
        acknowledge(stack, "AwsSolutions-S1", "not needed")
    acknowledge(stack, "AwsSolutions-S1", "this bucket holds the other buckets' access logs")


def test_cfn_lint_reports_no_error_on_the_template(dev_stage: Synthesised) -> None:
    template = dev_stage.assembly / f"{dev_stage.stack.artifact_id}.template.json"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--format", "parseable", "--", str(template)],
        capture_output=True,
        text=True,
        check=False,
    )
    # parseable: path:line:column:line:column:RULE:message; E... are errors, W... and I... are advice.
    errors = [line for line in result.stdout.splitlines() if re.search(r":E\d{4}:", line)]
    assert not errors, "\n".join(errors)
    assert result.returncode & 2 == 0, result.stdout + result.stderr  # bit 2: errors found


# --- alarms, dashboards, runbook ------------------------------------------------------------------


def test_the_runbook_is_generated_from_the_alarm_kinds() -> None:
    assert RUNBOOK.read_text(encoding="utf-8") == render_runbook(), "run `make runbook`"


def alarms(template: Template) -> dict[str, dict[str, Any]]:
    return {p["AlarmName"]: p for p in props(template, "AWS::CloudWatch::Alarm")}


def test_every_alarm_notifies_the_encrypted_topic_and_links_its_runbook_section(template: Template) -> None:
    ((topic_id, topic),) = [
        (k, r)
        for k, r in resources(template, "AWS::SNS::Topic").items()
        if r["Properties"]["TopicName"] == f"respite-{STAGE}-alarms"
    ]
    assert "KmsMasterKeyId" in topic["Properties"]
    subscriptions = [
        p for p in props(template, "AWS::SNS::Subscription") if p["TopicArn"] == {"Ref": topic_id}
    ]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", ALARM_EMAIL)]
    found = alarms(template)
    assert found
    runbook = RUNBOOK.read_text(encoding="utf-8")
    kinds_used = set()
    for name, alarm in found.items():
        assert alarm["AlarmActions"] == [{"Ref": topic_id}], name
        (link,) = re.findall(r"docs/runbook\.md#([a-z0-9-]+)", alarm["AlarmDescription"])
        assert f'<a id="{link}"></a>' in runbook, name
        assert name.startswith(f"respite-{STAGE}-{link}-")
        kinds_used.add(link)
    assert kinds_used == {k.key for k in ALARM_KINDS}  # no kind without an alarm, no alarm without a kind


def alarm(template: Template, name: str) -> dict[str, Any]:
    return alarms(template)[f"respite-{STAGE}-{name}"]


@pytest.mark.parametrize("api", CATALOGUE.apis, ids=lambda a: a.prefix)
def test_every_api_has_5xx_4xx_and_latency_alarms(template: Template, api: Any) -> None:
    server = alarm(template, f"api-5xx-{api.prefix}")
    assert (server["MetricName"], server["Namespace"], server["Statistic"]) == (
        "5XXError",
        "AWS/ApiGateway",
        "Sum",
    )
    assert alarm(template, f"api-4xx-{api.prefix}")["MetricName"] == "4XXError"
    latency = alarm(template, f"api-latency-{api.prefix}")
    assert (latency["MetricName"], latency["ExtendedStatistic"]) == ("Latency", "p99")
    assert {"Name": "ApiName", "Value": f"respite-{STAGE}-{api.prefix}"} in latency["Dimensions"]


def every_function() -> list[tuple[str, int]]:
    functions = {f.name: f.timeout_s for f in CATALOGUE.functions()}
    return [*functions.items(), *((f"{a.prefix}-api", 29) for a in CATALOGUE.apis)]


@pytest.mark.parametrize(("name", "timeout_s"), every_function(), ids=lambda v: str(v))
def test_every_function_has_errors_throttles_and_duration_alarms(
    template: Template, name: str, timeout_s: int
) -> None:
    assert alarm(template, f"lambda-errors-{name}")["MetricName"] == "Errors"
    assert alarm(template, f"lambda-throttles-{name}")["MetricName"] == "Throttles"
    duration = alarm(template, f"lambda-duration-{name}")
    assert (duration["MetricName"], duration["ExtendedStatistic"]) == ("Duration", "p99")
    assert duration["Threshold"] == pytest.approx(0.8 * timeout_s * 1000)


@pytest.mark.parametrize("consumer", CATALOGUE.stream_consumers, ids=lambda c: c.function.name)
def test_every_stream_consumer_has_an_iterator_age_alarm(template: Template, consumer: Any) -> None:
    age = alarm(template, f"stream-iterator-age-{consumer.function.name}")
    assert (age["MetricName"], age["Statistic"], age["Threshold"]) == ("IteratorAge", "Maximum", 300_000)


@pytest.mark.parametrize("queue", CATALOGUE.queues, ids=lambda q: q.name.value)
def test_every_dlq_has_a_depth_alarm(template: Template, queue: Any) -> None:
    depth = alarm(template, f"dlq-depth-{queue.dlq_name}")
    assert depth["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert depth["Threshold"] == 1
    assert depth["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_business_alarms_read_the_services_emf_metrics(template: Template) -> None:
    failed = alarm(template, "webhook-deliveries-failed-all")
    assert (failed["Namespace"], failed["MetricName"]) == (NAMESPACE, Metric.WEBHOOK_DELIVERIES_FAILED.value)
    assert failed["Dimensions"] == [{"Name": "service", "Value": "notifications"}]
    bounces = alarm(template, "email-bounce-rate-all")
    used = {m["MetricStat"]["Metric"]["MetricName"] for m in bounces["Metrics"] if "MetricStat" in m}
    assert used == {Metric.EMAILS_SENT.value, Metric.EMAILS_BOUNCED.value}
    assert alarm(template, "deadlines-overdue-all")["MetricName"] == Metric.DEADLINES_OVERDUE.value
    erased = alarm(template, "erasures-surge-all")
    assert (erased["MetricName"], erased["Period"], erased["Threshold"]) == (
        Metric.ERASURES_DONE.value,
        86400,
        100,
    )
    assert erased["Dimensions"] == [{"Name": "service", "Value": "retention"}]


def test_one_dashboard_per_audience_showing_what_the_issue_lists(template: Template) -> None:
    dashboards = {
        p["DashboardName"]: json.dumps(p["DashboardBody"])
        for p in props(template, "AWS::CloudWatch::Dashboard")
    }
    assert set(dashboards) == {f"respite-{STAGE}-operations", f"respite-{STAGE}-exchange"}
    operations = dashboards[f"respite-{STAGE}-operations"]
    for metric in ("4XXError", "5XXError", "Latency", "Errors", "Throttles", "Duration", "IteratorAge"):
        assert f'\\"{metric}\\"' in operations, metric
    assert "ApproximateNumberOfMessagesVisible" in operations
    exchange = dashboards[f"respite-{STAGE}-exchange"]
    for business in Metric:
        assert business.value in exchange, business


# --- the APIs' protections; failed scheduled runs ---------------------------------------------------


def test_every_api_stage_is_behind_the_web_acl(template: Template) -> None:
    ((acl_id, acl),) = resources(template, "AWS::WAFv2::WebACL").items()
    rules = {r["Name"]: r for r in acl["Properties"]["Rules"]}
    assert set(MANAGED_RULE_GROUPS) <= set(rules)
    assert rules["RateLimitPerIp"]["Statement"]["RateBasedStatement"]["Limit"] == RATE_LIMIT_PER_IP
    assert acl["Properties"]["Scope"] == "REGIONAL"
    associations = props(template, "AWS::WAFv2::WebACLAssociation")
    assert len(associations) == len(CATALOGUE.apis)
    assert all(a["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]} for a in associations)


def test_every_api_method_validates_requests_and_every_stage_throttles(template: Template) -> None:
    validators = {
        k: r["Properties"] for k, r in resources(template, "AWS::ApiGateway::RequestValidator").items()
    }
    assert len(validators) == len(CATALOGUE.apis)
    assert all(v["ValidateRequestBody"] and v["ValidateRequestParameters"] for v in validators.values())
    for method in props(template, "AWS::ApiGateway::Method"):
        if method["HttpMethod"] == "OPTIONS":  # a CORS preflight: API Gateway answers it (MOCK)
            assert method["Integration"]["Type"] == "MOCK"
            continue
        assert method["RequestValidatorId"]["Ref"] in validators
    for stage in props(template, "AWS::ApiGateway::Stage"):
        (settings,) = stage["MethodSettings"]
        assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (20, 40)  # dev


@pytest.mark.parametrize("schedule", CATALOGUE.schedules, ids=lambda s: s.function.name)
def test_a_failed_scheduled_run_is_kept_in_a_dlq(template: Template, schedule: Any) -> None:
    (dlq_id,) = [
        k
        for k, r in resources(template, "AWS::SQS::Queue").items()
        if r["Properties"]["QueueName"] == f"respite-{STAGE}-schedules-failed"
    ]
    (rule,) = [
        p for p in props(template, "AWS::Events::Rule") if p["ScheduleExpression"] == schedule.expression
    ]
    assert rule["Targets"][0]["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [dlq_id, "Arn"]}}
    (function,) = [
        p
        for p in props(template, "AWS::Lambda::Function")
        if p.get("FunctionName") == f"respite-{STAGE}-{schedule.function.name}"
    ]
    assert function["DeadLetterConfig"] == {"TargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]}}


@pytest.fixture(scope="module")
def template(dev_stage: Synthesised) -> Template:
    return dev_stage.template


def test_every_api_is_mounted_at_its_prefix_under_the_custom_domain(template: Template) -> None:
    ((domain_id, domain),) = resources(template, "AWS::ApiGateway::DomainName").items()
    assert domain["Properties"]["DomainName"] == API_DOMAIN.name
    assert domain["Properties"]["RegionalCertificateArn"] == API_DOMAIN.certificate_arn
    assert domain["Properties"]["SecurityPolicy"] == "TLS_1_2"
    assert domain["Properties"]["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    apis = {r["Properties"]["Name"]: k for k, r in resources(template, "AWS::ApiGateway::RestApi").items()}
    mappings = {m["BasePath"]: m for m in props(template, "AWS::ApiGateway::BasePathMapping")}
    assert set(mappings) == {a.prefix for a in CATALOGUE.apis}
    for prefix, mapping in mappings.items():
        assert mapping["DomainName"] == {"Ref": domain_id}
        assert mapping["RestApiId"] == {"Ref": apis[f"respite-{STAGE}-{prefix}"]}


# --- the promises of the event sources, read from the template ------------------------------------


def by_logical_id(template: Template, type_: str) -> dict[str, dict[str, Any]]:
    return {k: r["Properties"] for k, r in resources(template, type_).items()}


def test_every_sqs_consumer_has_a_dlq_after_5_receives_and_6x_its_timeout_of_visibility(
    template: Template,
) -> None:
    queues = by_logical_id(template, "AWS::SQS::Queue")
    functions = by_logical_id(template, "AWS::Lambda::Function")
    mappings = props(template, "AWS::Lambda::EventSourceMapping")
    sqs = [m for m in mappings if m["EventSourceArn"]["Fn::GetAtt"][0] in queues]
    assert len(sqs) >= len(CATALOGUE.queue_consumers)
    for mapping in sqs:
        queue = queues[mapping["EventSourceArn"]["Fn::GetAtt"][0]]
        function = functions[mapping["FunctionName"]["Ref"]]
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert queue["RedrivePolicy"]["maxReceiveCount"] >= 5, queue["QueueName"]
        assert queue["VisibilityTimeout"] >= 6 * function["Timeout"], queue["QueueName"]
        assert "KmsMasterKeyId" in queue


def test_every_stream_consumer_bisects_retries_a_bounded_number_of_times_and_keeps_failures(
    template: Template,
) -> None:
    queues = by_logical_id(template, "AWS::SQS::Queue")
    streams = [
        m
        for m in props(template, "AWS::Lambda::EventSourceMapping")
        if "StreamArn" in json.dumps(m["EventSourceArn"])
    ]
    assert len(streams) == len(CATALOGUE.stream_consumers)
    for mapping in streams:
        assert mapping["BisectBatchOnFunctionError"] is True
        assert 0 <= mapping["MaximumRetryAttempts"] <= 10  # never -1 (forever): a poison record
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        destination = mapping["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
        assert destination in queues


# --- failure paths: every DLQ and on-failure destination alarmed, documented; CloudWatch may publish


def _queue_ids(value: Any) -> set[str]:
    """The logical ids of the queues a CloudFormation value (GetAtt/Ref/Join ...) refers to."""
    return set(re.findall(r'"([A-Za-z0-9]+)"', json.dumps(value)))


def failure_destinations(template: Template) -> dict[str, set[str]]:
    """Every queue the template makes a DLQ or an on-failure destination: logical id -> how."""
    found: dict[str, set[str]] = {}
    for props_ in props(template, "AWS::SQS::Queue"):
        for q in _queue_ids(props_.get("RedrivePolicy", {}).get("deadLetterTargetArn")):
            found.setdefault(q, set()).add("a queue's redrive policy")
    for props_ in props(template, "AWS::SNS::Subscription"):
        for q in _queue_ids(props_.get("RedrivePolicy", {}).get("deadLetterTargetArn")):
            found.setdefault(q, set()).add("a subscription's redrive policy")
    for props_ in props(template, "AWS::Lambda::EventSourceMapping"):
        for q in _queue_ids(props_.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")):
            found.setdefault(q, set()).add("an event-source mapping's on-failure destination")
    for props_ in props(template, "AWS::Lambda::EventInvokeConfig"):
        for q in _queue_ids(props_.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")):
            found.setdefault(q, set()).add("an asynchronous invocation's on-failure destination")
    for props_ in props(template, "AWS::Lambda::Function"):
        for q in _queue_ids(props_.get("DeadLetterConfig", {}).get("TargetArn")):
            found.setdefault(q, set()).add("a function's DLQ")
    for props_ in props(template, "AWS::Events::Rule"):
        for target in props_.get("Targets", []):
            for q in _queue_ids(target.get("DeadLetterConfig", {}).get("Arn")):
                found.setdefault(q, set()).add("a rule target's DLQ")
    queues = resources(template, "AWS::SQS::Queue")
    return {q: how for q, how in found.items() if q in queues}


def test_the_template_has_failure_destinations_of_every_kind(template: Template) -> None:
    # the check below means something only if it sees each kind the stack builds
    assert set().union(*failure_destinations(template).values()) == {
        "a queue's redrive policy",
        "a subscription's redrive policy",
        "an event-source mapping's on-failure destination",
        "an asynchronous invocation's on-failure destination",
        "a function's DLQ",
        "a rule target's DLQ",
    }


def test_every_dlq_and_on_failure_destination_has_an_alarm_that_can_fire_and_a_runbook_entry(
    template: Template,
) -> None:
    queues = resources(template, "AWS::SQS::Queue")
    depth_alarms = [
        a
        for a in props(template, "AWS::CloudWatch::Alarm")
        if a.get("MetricName") == "ApproximateNumberOfMessagesVisible"
    ]
    runbook = RUNBOOK.read_text(encoding="utf-8")
    destinations = failure_destinations(template)
    assert len(destinations) >= len(CATALOGUE.queues) + 3  # DLQs, dossier-events-failed, inbound, schedules
    for queue_id, how in destinations.items():
        name = queues[queue_id]["Properties"]["QueueName"]
        watching = [
            a
            for a in depth_alarms
            if {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}} in a["Dimensions"]
        ]
        assert watching, f"{name} ({how}) has no depth alarm"
        for a in watching:  # one visible message is enough, and it has somewhere to go
            assert (a["Namespace"], a["Statistic"]) == ("AWS/SQS", "Maximum"), name
            assert (a["Threshold"], a["ComparisonOperator"]) == (1, "GreaterThanOrEqualToThreshold"), name
            assert a["EvaluationPeriods"] == 1, name
            assert a["AlarmActions"], name
            assert a.get("TreatMissingData") in (None, "notBreaching", "missing"), name
        short = name.removeprefix(f"respite-{STAGE}-")
        assert f'<a id="failure-{short}"></a>' in runbook, f"{name} has no runbook entry"


def test_the_stream_on_failure_queue_itself_is_alarmed_not_only_its_own_dlq(template: Template) -> None:
    failed = alarm(template, "dlq-depth-dossier-events-failed")
    assert failed["MetricName"] == "ApproximateNumberOfMessagesVisible"


def test_ses_invocations_of_the_inbound_function_that_fail_are_kept(template: Template) -> None:
    assert CATALOGUE.email is not None
    inbound = CATALOGUE.email.inbound.name
    (queue_id,) = [
        k
        for k, r in resources(template, "AWS::SQS::Queue").items()
        if r["Properties"]["QueueName"] == f"respite-{STAGE}-{inbound}-failed"
    ]
    (function_id,) = [
        k
        for k, r in resources(template, "AWS::Lambda::Function").items()
        if r["Properties"].get("FunctionName") == f"respite-{STAGE}-{inbound}"
    ]
    (config,) = [
        p
        for p in props(template, "AWS::Lambda::EventInvokeConfig")
        if p["FunctionName"] == {"Ref": function_id}
    ]
    assert config["MaximumRetryAttempts"] == 2
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [queue_id, "Arn"]}


def test_cloudwatch_may_publish_to_the_alarm_topic_and_use_its_key(template: Template) -> None:
    ((topic_id, topic),) = [
        (k, r)
        for k, r in resources(template, "AWS::SNS::Topic").items()
        if r["Properties"]["TopicName"] == f"respite-{STAGE}-alarms"
    ]
    (policy,) = [p for p in props(template, "AWS::SNS::TopicPolicy") if {"Ref": topic_id} in p["Topics"]]
    (allow,) = [
        s
        for s in policy["PolicyDocument"]["Statement"]
        if s["Effect"] == "Allow" and s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    ]
    assert allow["Action"] == "sns:Publish"
    assert allow["Resource"] == {"Ref": topic_id}
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    assert f":alarm:respite-{STAGE}-*" in json.dumps(allow["Condition"]["ArnLike"]["aws:SourceArn"])
    key_id = topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0]
    key = resources(template, "AWS::KMS::Key")[key_id]["Properties"]
    (use,) = [
        s
        for s in key["KeyPolicy"]["Statement"]
        if s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"} and s["Effect"] == "Allow"
    ]
    assert set(use["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def test_the_frontend_origins_reach_the_stack(dev_stage: Synthesised) -> None:
    assert dev_stage.stack.settings.frontend_origins == FRONTEND_ORIGINS
