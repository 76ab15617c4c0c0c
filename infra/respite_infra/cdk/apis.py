"""The HTTP APIs of the catalogue: for now one Lambda function behind one API Gateway REST API each.

An API with an `authorizer` (a catalogue user pool) has API Gateway verify the caller's Cognito
ID token before the function runs: a `CognitoUserPoolsAuthorizer` on that pool is the default of
every method (`ANY /` and `ANY /{proxy+}`), reading the `Authorization` header. The few paths of
`PUBLIC_PATHS` are explicit `GET` resources without authorization, so the proxy's default does not
cover them. The function gets the pool's ARN (`RESPITE_USER_POOL_<NAME>`) like any used resource:
the authorizer is a READ use of the pool (`api_uses`).

TODO(chalice): a later issue replaces this with `chalice.cdk.Chalice` (DESIGN.md, Architecture):
that construct runs `chalice package` at synthesis time and brings Chalice's routes, authorizers
and API Gateway wiring. Until then every request of an API reaches the Chalice app through one
proxy resource (`ANY /{proxy+}`) and the app routes it itself (`app.app`: a Chalice app is a
Lambda handler). Whatever replaces it must keep what this gives: the environment and grants from
the API's `uses` (the same `Wiring.wire` as every function), tracing, access logs, the Cognito
authorizer in front of every route but the public ones, and the RFC 9457 body of its 401.
"""

import json
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from respite_core.resources import ResourceName
from respite_infra.catalogue import Access, Catalogue, HttpApi
from respite_infra.cdk.functions import ServiceCode, respite_function
from respite_infra.cdk.identity import Identity
from respite_infra.cdk.nag import acknowledge
from respite_infra.cdk.settings import StageSettings, construct_id
from respite_infra.cdk.wiring import Wiring

API_HANDLER = "app.app"  # services/<service>/app.py: `app = Chalice(...)`
API_TIMEOUT_S = 29  # API Gateway gives up on an integration after 29 s
API_MEMORY_MB = 512
API_STAGE_NAME = "v1"
AUTHORIZATION_HEADER = "Authorization"  # carries the Cognito ID token

# Paths (below each API's base path, e.g. /consent/openapi.json behind the custom domain) that every
# API serves to anyone, with or without an authorizer: the API's own description, so a developer
# can read it before holding a token. GET only; each is an explicit resource, which API Gateway
# prefers to the proxy, so the authorizer of `ANY /{proxy+}` does not apply to it. The Chalice
# apps must declare these routes without roles (no authorizer) too, or Chalice asks for a token.
PUBLIC_PATHS = ("openapi.json", "docs")

PROBLEM_JSON = "application/problem+json"

# WAF: AWS's managed rule groups in front of every API, and a rate limit per client IP (requests
# in any 5 minutes) well above what one agency's caseworkers or one office system send.
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)
RATE_LIMIT_PER_IP = 2000
UNAUTHORIZED_PROBLEM = {
    "type": "https://respite.example/problems/unauthorized",
    "title": "Unauthorized",
    "status": 401,
    "detail": "A caseworker token is required.",
}


@dataclass(frozen=True)
class OfficeRoute:
    """An operation only office systems call: API Gateway verifies their access token's scope."""

    path: str  # below the API's base path, Chalice's form: "/dossiers/{dossier_id}/..."
    method: str
    scope: str  # "respite/office.read", as the resource server names it


@dataclass(frozen=True)
class ApiDomain:
    """The custom domain every API is mounted under (`https://<name>/<prefix>/...`), with its ACM
    certificate (in the stack's region). From the context: `-c api_domain=... -c api_certificate_arn=...`."""

    name: str
    certificate_arn: str


def office_routes(api: HttpApi) -> tuple[OfficeRoute, ...]:
    """The app's operations that take an office token and no caseworker's (`roles=()`).

    API Gateway's Cognito authorizer checks an ID token on a method without authorization scopes,
    and an access token carrying one of the scopes on a method with them: office systems hold access
    tokens, so each of their routes is a method of its own, with its scope, in front of the proxy.
    """
    from respite_infra.openapi import load_api  # imports the Chalice app: only when building APIs

    return tuple(
        OfficeRoute(path=op.path, method=op.method, scope=op.office_scope)
        for op in load_api(api).operations
        if op.office_scope is not None and not op.roles
    )


def api_function_name(api: HttpApi) -> str:
    """The catalogue-level name of the function that serves an API (unique among function names)."""
    return f"{api.prefix}-api"


def api_uses(api: HttpApi) -> tuple[tuple[ResourceName, Access], ...]:
    """What the API's function is wired to: its `uses`, and its authorizer's pool (READ: the ARN)."""
    if api.authorizer is None or any(resource == api.authorizer for resource, _ in api.uses):
        return api.uses
    return (*api.uses, (api.authorizer, Access.READ))


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
        identity: Identity,
        code: ServiceCode,
        domain: ApiDomain | None = None,
    ) -> None:
        super().__init__(scope, id)
        self._settings = settings
        self._identity = identity
        self.domain: apigateway.DomainName | None = None
        self.functions: dict[str, lambda_.Function] = {}
        self.apis: dict[str, apigateway.LambdaRestApi] = {}
        self.authorizers: dict[str, apigateway.CognitoUserPoolsAuthorizer] = {}
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
        acknowledge(
            role,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
            "AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for API Gateway's "
            "account-wide logging role; it only lets API Gateway write its own log groups.",
        )
        self.web_acl = self._web_acl()
        account = apigateway.CfnAccount(self, "Account", cloud_watch_role_arn=role.role_arn)
        account.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        for api in catalogue.apis:
            self._api(api, wiring=wiring, code=code, account=account)
        if domain is not None:
            self._mount(domain)

    def _mount(self, domain: ApiDomain) -> None:
        """Every API under one custom domain, at its prefix as base path (as the local gateway)."""
        self.domain = apigateway.DomainName(
            self,
            "Domain",
            domain_name=domain.name,
            certificate=acm.Certificate.from_certificate_arn(self, "Certificate", domain.certificate_arn),
            endpoint_type=apigateway.EndpointType.REGIONAL,
            security_policy=apigateway.SecurityPolicy.TLS_1_2,
        )
        for prefix, rest_api in self.apis.items():
            self.domain.add_base_path_mapping(rest_api, base_path=prefix, stage=rest_api.deployment_stage)
        cdk.CfnOutput(
            cdk.Stack.of(self),
            "ApiDomainTarget",
            value=self.domain.domain_name_alias_domain_name,
            description=f"point {domain.name} here (a CNAME, or a Route 53 alias)",
        )

    def _office_routes(
        self, api: HttpApi, rest_api: apigateway.RestApi, validator: apigateway.RequestValidator
    ) -> None:
        """Explicit resources for the office routes (see `office_routes`). API Gateway routes a
        request to the most specific resource that matches, so every resource made here, and each
        of its parents, also gets `ANY` with the API's default (caseworker) authorizer: requests for
        other methods or other paths below them still reach the app as through the proxy."""
        for route in office_routes(api):
            resource: apigateway.IResource = rest_api.root.resource_for_path(route.path.strip("/"))
            resource.add_method(
                route.method,
                authorization_scopes=[route.scope],
                request_validator=validator,
            )
            while resource is not rest_api.root and resource.node.try_find_child("ANY") is None:
                resource.add_method("ANY", request_validator=validator)
                parent = resource.parent_resource
                if parent is None:
                    break
                resource = parent

    def _web_acl(self) -> wafv2.CfnWebACL:
        """One regional web ACL for every API stage: AWS's managed rules and a per-IP rate limit."""
        name = self._settings.name("apis")

        def visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
            return wafv2.CfnWebACL.VisibilityConfigProperty(
                cloud_watch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
            )

        rules = [
            wafv2.CfnWebACL.RuleProperty(
                name=group,
                priority=priority,
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=group
                    )
                ),
                visibility_config=visibility(group),
            )
            for priority, group in enumerate(MANAGED_RULE_GROUPS)
        ]
        rules.append(
            wafv2.CfnWebACL.RuleProperty(
                name="RateLimitPerIp",
                priority=len(rules),
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        limit=RATE_LIMIT_PER_IP, aggregate_key_type="IP"
                    )
                ),
                visibility_config=visibility("RateLimitPerIp"),
            )
        )
        return wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=name,
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=visibility(name),
            rules=rules,
        )

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
            uses=api_uses(api),
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
        authorizer = None
        if api.authorizer is not None:
            authorizer = apigateway.CognitoUserPoolsAuthorizer(
                self,
                f"{base}Authorizer",
                authorizer_name=f"{name}-{api.authorizer.value}",
                cognito_user_pools=[self._identity.user_pools[api.authorizer]],
                identity_source=apigateway.IdentitySource.header(AUTHORIZATION_HEADER),
            )
            self.authorizers[api.prefix] = authorizer
        rest_api = apigateway.LambdaRestApi(
            self,
            f"{base}Api",
            rest_api_name=name,
            description=f"Respite {self._settings.stage}: /{api.prefix} ({api.service})",
            handler=function,
            # The proxy is added below (`add_proxy`, as `proxy=True` would), so that the public
            # paths can be resources of their own: a proxying LambdaRestApi refuses `add_resource`.
            proxy=False,
            default_method_options=apigateway.MethodOptions(
                authorizer=authorizer, authorization_type=apigateway.AuthorizationType.COGNITO
            )
            if authorizer is not None
            else None,
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            cloud_watch_role=False,  # the stack's CfnAccount above
            deploy_options=apigateway.StageOptions(
                stage_name=API_STAGE_NAME,
                throttling_rate_limit=self._settings.api_rate_limit,
                throttling_burst_limit=self._settings.api_burst_limit,
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
        # Every method checks its declared parameters before the function runs (the body's shape is
        # the app's to check: each route parses it into its pydantic model and answers 422/400).
        validator = rest_api.add_request_validator(
            "RequestValidator", validate_request_body=True, validate_request_parameters=True
        )
        proxy = rest_api.root.add_proxy(
            any_method=False,
            default_method_options=apigateway.MethodOptions(request_validator=validator),
        )
        for resource in (rest_api.root, proxy):
            resource.add_method("ANY", request_validator=validator)
        if authorizer is not None:
            # API Gateway answers a missing or invalid token itself, before the function runs: in
            # the same RFC 9457 shape as the APIs' own 401 (`respite_core.api.caller`).
            rest_api.add_gateway_response(
                "Unauthorized",
                type=apigateway.ResponseType.UNAUTHORIZED,
                status_code="401",
                response_headers={"Content-Type": f"'{PROBLEM_JSON}'"},
                templates={"application/json": json.dumps(UNAUTHORIZED_PROBLEM)},
            )
        if authorizer is not None:
            self._office_routes(api, rest_api, validator)
        for path in PUBLIC_PATHS:
            resource = rest_api.root
            for part in path.split("/"):
                resource = resource.get_resource(part) or resource.add_resource(part)
            public = resource.add_method(
                "GET", authorization_type=apigateway.AuthorizationType.NONE, request_validator=validator
            )
            for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4"):
                acknowledge(
                    public,
                    rule,
                    f"GET /{path} is the API's own description (OpenAPI document or its page), public on "
                    "purpose so a developer can read it before holding a token; it holds no data.",
                )
        rest_api.deployment_stage.node.add_dependency(account)
        wafv2.CfnWebACLAssociation(
            self,
            f"{base}WebAclAssociation",
            resource_arn=rest_api.deployment_stage.stage_arn,
            web_acl_arn=self.web_acl.attr_arn,
        )
        acknowledge(
            function,
            "Serverless-LambdaDLQ",
            "API Gateway invokes the API's function synchronously and answers the caller with the "
            "outcome: there is no asynchronous event that a Lambda DLQ could keep.",
        )
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
