"""Tracing and request logs, the same for every function: each consumer's handler is decorated with
`traced`, and every API (`respite_core.api.Api`) registers `request_observer(name)` as Chalice middleware.

- **X-Ray** (the Powertools Tracer): every function runs with active tracing (`respite_infra.cdk`); the
  Tracer patches boto3 and botocore only, so each DynamoDB, KMS, S3, SQS or SES call is its own
  subsegment, and each invocation (a consumer's) or request (an API's) gets a `## ...` subsegment
  annotated with the service, the cold start, and for a request its route and status. Neither responses
  nor exceptions are written into the trace: both can carry personal data. Outside Lambda (the local
  stack, the tests) the Tracer is off: Powertools turns it off without `LAMBDA_TASK_ROOT`, and the
  local environment also sets `POWERTOOLS_TRACE_DISABLED=true`.
- **Request logs** (the Powertools Logger, JSON as the consumers log): one line per API request with the
  method, the route template, the status and the duration; the correlation id is API Gateway's request
  id. Never the path's values, the query, a header or a body.
"""

import functools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from aws_lambda_powertools import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer
    from chalice.app import Request, Response

__all__ = ["TRACED", "TRACED_MODULES", "request_observer", "traced", "tracer"]

TRACED_MODULES: Final = ("boto3", "botocore")
TRACED: Final = "__respite_traced__"  # set on every handler `traced` returns


@functools.cache
def tracer() -> "Tracer":
    """The Powertools Tracer, made on first use: the X-Ray SDK costs about as much to import as boto3
    itself, so it is paid by the first invocation, not by every cold import. Patching boto3 and
    botocore patches botocore's client class, so clients made before are traced as well. Powertools
    shares the Tracer's state across instances; the service is POWERTOOLS_SERVICE_NAME."""
    from aws_lambda_powertools import Tracer

    return Tracer(patch_modules=list(TRACED_MODULES))


def traced[**P, R](handler: Callable[P, R]) -> Callable[P, R]:
    """Decorate a Lambda handler: its invocation is the `## handler` subsegment of the trace."""

    @functools.cache
    def captured() -> Callable[P, R]:
        wrapped: Callable[P, R] = tracer().capture_lambda_handler(
            handler, capture_response=False, capture_error=False
        )
        return wrapped

    @functools.wraps(handler)
    def invoke(*args: P.args, **kwargs: P.kwargs) -> R:
        return captured()(*args, **kwargs)

    setattr(invoke, TRACED, True)
    return invoke


_requests_seen: list[bool] = []  # empty until this environment's first request (its cold start)


def request_observer(service: str) -> Callable[["Request", Callable[["Request"], "Response"]], "Response"]:
    """The Chalice HTTP middleware of the API `service`: it traces and logs each request by its route
    template and status (registered first, so the status is the one the caller gets)."""
    logger = Logger(service=service)

    def observe_requests(request: "Request", get_response: Callable[["Request"], "Response"]) -> "Response":
        context: dict[str, Any] = request.context or {}
        route = str(context.get("resourcePath") or "?")
        method = request.method
        logger.set_correlation_id(context.get("requestId"))
        started = time.perf_counter()
        status = 500
        cold_start = not _requests_seen
        if cold_start:
            _requests_seen.append(True)
        try:
            with tracer().provider.in_subsegment(f"## {method} {route}") as subsegment:
                subsegment.put_annotation("ColdStart", cold_start)  # as Powertools annotates a handler
                subsegment.put_annotation("Service", service)
                subsegment.put_annotation("route", route)
                subsegment.put_annotation("method", method)
                response = get_response(request)
                status = response.status_code
                subsegment.put_annotation("status", str(status))
            return response
        finally:
            logger.info(
                "request",
                method=method,
                route=route,
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )

    return observe_requests
