"""Lambda handlers found by their dotted path, and the context object Lambda hands them."""

import importlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from respite_infra.catalogue import Function
from respite_infra.local.environment import DEFAULT_REGION, LOCAL_ACCOUNT

type Handler = Callable[[dict[str, Any], Any], Any]


def resolve(handler_path: str) -> Handler:
    """Import `"package.module.function"` and return the function."""
    module_name, _, attribute = handler_path.rpartition(".")
    if not module_name or not attribute:
        raise ValueError(f"handler path {handler_path!r} is not 'package.module.function'")
    module = importlib.import_module(module_name)
    try:
        handler = getattr(module, attribute)
    except AttributeError:
        raise LookupError(f"module {module_name!r} has no {attribute!r}") from None
    if not callable(handler):
        raise TypeError(f"{handler_path!r} is not callable")
    resolved: Handler = handler
    return resolved


def function_arn(function_name: str, region: str = DEFAULT_REGION, account: str = LOCAL_ACCOUNT) -> str:
    return f"arn:aws:lambda:{region}:{account}:function:{function_name}"


@dataclass
class LambdaContext:
    """What Lambda passes as `context`: enough for Powertools' Logger, batch and idempotency utilities."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    timeout_s: float
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    identity: Any = None
    client_context: Any = None
    tenant_id: str | None = None
    _deadline: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.log_group_name:
            self.log_group_name = f"/aws/lambda/{self.function_name}"
        self._deadline = time.monotonic() + self.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    @classmethod
    def for_function(
        cls, function: Function, *, region: str = DEFAULT_REGION, account: str = LOCAL_ACCOUNT
    ) -> "LambdaContext":
        """A fresh context (new request id, full timeout) for one invocation of `function`."""
        return cls(
            function_name=function.name,
            memory_limit_in_mb=function.memory_mb,
            invoked_function_arn=function_arn(function.name, region, account),
            timeout_s=function.timeout_s,
        )
