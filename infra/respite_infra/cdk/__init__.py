"""The CDK app of Respite, synthesised from the wiring catalogue (`respite_infra.catalogue`).

`RespiteStack(scope, id, catalogue=..., stage=..., code_root=...)` builds one stage from any
catalogue. One construct per concern: `data` (KMS key, tables, buckets, keys, secrets),
`messaging` (queues and DLQs), `identity` (Cognito user pools), `functions` (consumers,
schedules), `apis` (HTTP APIs and their Cognito authorizers); `wiring` gives every function the
environment and grants of what it `uses`.
"""

from respite_infra.cdk.settings import STAGES, StageSettings, cdk_context
from respite_infra.cdk.stack import DEFAULT_CODE_ROOT, RespiteStack, check_catalogue

__all__ = ["DEFAULT_CODE_ROOT", "STAGES", "RespiteStack", "StageSettings", "cdk_context", "check_catalogue"]
