"""Every function is traced (X-Ray through the Powertools Tracer, boto3 patched) and every API logs each
request as one JSON line by route template and status, as the consumers log: never a body or a value."""

import importlib
import io
import json
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

from respite_core.observability import TRACED
from respite_infra.catalogue import CATALOGUE, REPO_ROOT
from respite_infra.openapi import load_api

FUNCTIONS = sorted({function.handler for function in CATALOGUE.functions()})


@pytest.mark.parametrize("handler", FUNCTIONS)
def test_every_functions_handler_is_traced(handler: str) -> None:
    module, _, name = handler.rpartition(".")
    assert getattr(getattr(importlib.import_module(module), name), TRACED, False) is True


def rest_event(method: str, resource: str, path: str, body: str | None = None) -> dict[str, Any]:
    """The event API Gateway's REST integration sends for one method (what Chalice reads of it)."""
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json", "Accept": "application/json"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "requestId": "req-7f3a",
            "stage": "v1",
        },
        "body": body,
        "isBase64Encoded": False,
    }


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the APIs' Powertools loggers write, as their own JSON formatter writes it."""
    stream = io.StringIO()
    added = []
    for http_api in CATALOGUE.apis:
        logger = logging.getLogger(load_api(http_api).name)
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logger.handlers[0].formatter)
        logger.addHandler(handler)
        added.append((logger, handler, logger.level))
        logger.setLevel(logging.INFO)
    yield stream
    for logger, handler, level in added:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.mark.parametrize("http_api", CATALOGUE.apis, ids=lambda a: a.prefix)
def test_every_api_logs_each_request_as_json_by_route_and_status(
    http_api: Any, log_lines: io.StringIO
) -> None:
    app = load_api(http_api).app
    secret = "Jan Peeters 85073003328"

    answered = app(rest_event("GET", "/openapi.json", "/openapi.json"), None)
    refused = app(rest_event("POST", "/openapi.json", "/openapi.json", json.dumps({"name": secret})), None)

    assert answered["statusCode"] == 200
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    requests = [line for line in lines if line.get("message") == "request"]
    assert [(r["method"], r["route"], r["status"]) for r in requests] == [
        ("GET", "/openapi.json", 200),
        ("POST", "/openapi.json", refused["statusCode"]),
    ]
    assert {r["service"] for r in requests} == {http_api.prefix}
    assert {r["correlation_id"] for r in requests} == {"req-7f3a"}
    assert secret not in log_lines.getvalue()


TRACE = textwrap.dedent(
    """
    import json, sys
    from aws_xray_sdk.core import xray_recorder

    emitted = []

    class Memory:
        def send_entity(self, entity):
            emitted.append(json.loads(entity.serialize()))

        def set_daemon_address(self, address):
            pass

    xray_recorder.configure(emitter=Memory())

    import boto3
    from moto import mock_aws
    from respite_core.observability import traced
    from respite_infra.catalogue import CATALOGUE
    from respite_infra.openapi import load_api

    @traced
    def handler(event, context):
        boto3.client("sqs", region_name="eu-west-1").list_queues()
        return {"secret": "Jan Peeters"}

    with mock_aws():
        handler({}, None)
    [http_api] = [a for a in CATALOGUE.apis if a.prefix == "claims"]
    load_api(http_api).app(json.loads(sys.argv[1]), None)
    print(json.dumps(emitted))
    """
)


def test_with_tracing_on_each_invocation_and_request_is_a_subsegment_and_boto3_calls_are_traced() -> None:
    environment = {
        **os.environ,
        "LAMBDA_TASK_ROOT": "/var/task",  # as in Lambda: the Tracer is on
        "AWS_LAMBDA_FUNCTION_NAME": "respite-test",
        "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        "POWERTOOLS_TRACE_DISABLED": "false",
        "POWERTOOLS_SERVICE_NAME": "claims",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    environment.pop("AWS_ENDPOINT_URL", None)
    event = rest_event("GET", "/openapi.json", "/openapi.json")
    ran = subprocess.run(
        [sys.executable, "-c", TRACE, json.dumps(event)],
        env=environment,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    emitted = json.loads(ran.stdout.splitlines()[-1])

    def subsegments(entity: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield entity
        for child in entity.get("subsegments", []):
            yield from subsegments(child)

    every = [s for entity in emitted for s in subsegments(entity)]
    names = [s["name"] for s in every]
    assert "## handler" in names
    assert "sqs" in names  # boto3 is patched: the call is its own subsegment
    [request] = [s for s in every if s["name"] == "## GET /openapi.json"]
    assert request["annotations"]["route"] == "/openapi.json"
    assert request["annotations"]["status"] == "200"
    assert request["annotations"]["Service"] == "claims"
    assert request["annotations"]["ColdStart"] is True  # the first request of this environment
    assert "Jan Peeters" not in ran.stdout  # responses are not recorded
