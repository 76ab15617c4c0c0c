"""cdk-nag on the whole app, and the one way to acknowledge a finding: with its reason, next to the
construct it is about.

cdk-nag 3 runs as a CDK policy-validation plugin: `app.synth()` raises `ValidationFailed` while an
error stands that nobody acknowledged, and writes `validation-report.json` into the assembly.
`add_nag_checks(app)` registers the AWS Solutions and Serverless rule packs; `acknowledge` records
why a rule does not apply to one construct (and everything below it).
"""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks
from constructs import IConstruct

# What the AWS Solutions pack calls the wildcards CDK's grants write (granular finding ids).
WILDCARD_TRACING = "AwsSolutions-IAM5[Resource::*]"
KMS_GRANT_WILDCARDS = (
    "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
    "AwsSolutions-IAM5[Action::kms:ReEncrypt*]",
)
S3_GRANT_WILDCARDS = tuple(
    f"AwsSolutions-IAM5[Action::s3:{action}]"
    for action in ("Abort*", "DeleteObject*", "GetBucket*", "GetObject*", "List*")
)

REPORT_FILE = "validation-report.json"  # in the cloud assembly, written when a rule is violated


def add_nag_checks(app: cdk.App) -> None:
    """AWS Solutions and Serverless checks on every stack of `app`, run by `app.synth()`."""
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True), ServerlessChecks(app))


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """`rule` (`AwsSolutions-S1`, `Serverless-LambdaDLQ`, ...) does not apply to `scope`, because `reason`."""
    if len(reason) < 20:
        raise ValueError(f"acknowledging {rule} needs a reason, not {reason!r}")
    cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=rule, reason=reason))


def logical_id(construct: IConstruct) -> str:
    """The logical id of a construct's CloudFormation resource, as cdk-nag names it in a finding."""
    stack = cdk.Stack.of(construct)
    resource = construct.node.default_child
    assert isinstance(resource, cdk.CfnElement), construct.node.path
    return str(stack.resolve(stack.get_logical_id(resource)))


def table_indexes_finding(table: IConstruct) -> str:
    return f"AwsSolutions-IAM5[Resource::<{logical_id(table)}.Arn>/index/*]"


def bucket_objects_finding(bucket: IConstruct) -> str:
    return f"AwsSolutions-IAM5[Resource::<{logical_id(bucket)}.Arn>/*]"
