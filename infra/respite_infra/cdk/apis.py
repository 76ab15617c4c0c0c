"""The HTTP APIs of the catalogue: for now one Lambda function behind one API Gateway REST API each.

TODO(chalice): a later issue replaces this with `chalice.cdk.Chalice` (DESIGN.md, Architecture):
that construct runs `chalice package` at synthesis time and brings Chalice's routes, authorizers
and API Gateway wiring. Until then every request of an API reaches the Chalice app through one
proxy resource (`ANY /{proxy+}`) and the app routes it itself (`app.app`: a Chalice app is a
Lambda handler). Whatever replaces it must keep what this gives: the environment and grants from
the API's `uses` (the same `Wiring.wire` as every function), tracing, access logs.
"""

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from respite_infra.catalogue import Catalogue, HttpApi
from respite_infra.cdk.functions import ServiceCode, respite_function
from respite_infra.cdk.settings import StageSettings, construct_id
from respite_infra.cdk.wiring import Wiring

API_HANDLER = "app.app"  # services/<service>/app.py: `app = Chalice(...)`
API_TIMEOUT_S = 29  # API Gateway gives up on an integration after 29 s
API_MEMORY_MB = 512
API_STAGE_NAME = "v1"


def api_function_name(api: HttpApi) -> str:
    """The catalogue-level name of the function that serves an API (unique among function names)."""
    return f"{api.prefix}-api"


class Apis(Construct):
    """One REST API per catalogue `HttpApi`, with access logs and tracing; outputs their URLs."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        catalogue: Catalogue,
        settings: StageSettings,
        wiring: Wiring,
        code: ServiceCode,
    ) -> None:
        super().__init__(scope, id)
        self._settings = settings
        self.functions: dict[str, lambda_.Function] = {}
        self.apis: dict[str, apigateway.LambdaRestApi] = {}
        if not catalogue.apis:
            return
        # API Gateway writes its logs with one role per account and region. The stack sets it
        # (instead of each API's `cloud_watch_role`) so that several APIs do not fight over it; it is
        # retained on deletion because other stacks' APIs in the account may rely on it.
        role = iam.Role(
            self,
            "CloudWatchRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                )
            ],
        )
        role.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        account = apigateway.CfnAccount(self, "Account", cloud_watch_role_arn=role.role_arn)
        account.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        for api in catalogue.apis:
            self._api(api, wiring=wiring, code=code, account=account)

    def _api(
        self, api: HttpApi, *, wiring: Wiring, code: ServiceCode, account: apigateway.CfnAccount
    ) -> None:
        base = construct_id(api.prefix)
        name = self._settings.name(api.prefix)
        function = respite_function(
            self,
            f"{base}Handler",
            function_name=self._settings.name(api_function_name(api)),
            description=f"Respite {api.service}: the /{api.prefix} API (Chalice app)",
            service=api.service,
            handler=API_HANDLER,
            uses=api.uses,
            timeout=cdk.Duration.seconds(API_TIMEOUT_S),
            memory_mb=API_MEMORY_MB,
            code=code,
            wiring=wiring,
            settings=self._settings,
        )
        access_logs = logs.LogGroup(
            self,
            f"{base}AccessLogs",
            log_group_name=f"/aws/apigateway/{name}/access",
            retention=self._settings.log_retention,
            removal_policy=self._settings.removal_policy,
        )
        rest_api = apigateway.LambdaRestApi(
            self,
            f"{base}Api",
            rest_api_name=name,
            description=f"Respite {self._settings.stage}: /{api.prefix} ({api.service})",
            handler=function,
            proxy=True,
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            cloud_watch_role=False,  # the stack's CfnAccount above
            deploy_options=apigateway.StageOptions(
                stage_name=API_STAGE_NAME,
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigateway.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # never log request or response bodies: personal data
                access_log_destination=apigateway.LogGroupLogDestination(access_logs),
                # No caller, user or source IP: logs carry no personal data (DESIGN.md, Privacy).
                # The resource path is the route template, not the path with its dossier ids.
                access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=False,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=False,
                ),
            ),
        )
        rest_api.deployment_stage.node.add_dependency(account)
        # The stack outputs each URL under a stable name below, instead of RestApi's own output.
        rest_api.node.try_remove_child("Endpoint")
        self.functions[api.prefix] = function
        self.apis[api.prefix] = rest_api
        cdk.CfnOutput(
            cdk.Stack.of(self),
            f"{base}ApiUrl",
            value=rest_api.url,
            description=f"URL of the /{api.prefix} API ({api.service})",
        )
