"""The web front end in AWS: `web/dist` in a private S3 bucket, served by CloudFront through origin
access control, with the headers of `respite_infra.site` (the local gateway serves the same).

A stack of its own (`respite-<stage>-site`): the site changes and deploys apart from the platform,
and holds nothing personal. The files are uploaded after `make web` (`aws s3 sync web/dist
s3://<SiteBucketName>`); CloudFront sets the caching per path, so the upload needs no metadata.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from constructs import Construct

from respite_infra.cdk.data import upload_origins
from respite_infra.cdk.nag import acknowledge
from respite_infra.site import (
    HASHED_ASSETS_PREFIX,
    IMMUTABLE,
    REVALIDATE,
    SITE_ROOT_DOCUMENT,
    cognito_origin,
    security_headers,
)

LOG_DAYS = 90
# the app's screens are paths without an extension: CloudFront answers them with the document, as the
# local gateway does (respite_infra.local.site.is_screen)
SCREENS_TO_DOCUMENT = f"""function handler(event) {{
  var request = event.request;
  var last = request.uri.split("/").pop();
  if (last.indexOf(".") === -1) {{
    request.uri = "/{SITE_ROOT_DOCUMENT}";
  }}
  return request;
}}
"""
# the security headers CloudFront sets natively; the others of `security_headers` go as custom headers
NATIVE = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


@dataclass(frozen=True)
class SiteDomain:
    """The site's own name and its certificate (ACM, in us-east-1, as CloudFront requires)."""

    name: str
    certificate_arn: str


def private_bucket(scope: Construct, id: str, ownership: s3.ObjectOwnership, **more: Any) -> s3.Bucket:
    """No public access, TLS only, SSE-S3 (CloudFront's log delivery and OAC need no key policy for it:
    nothing here is personal), kept when the stack is deleted (never emptied by accident)."""
    return s3.Bucket(
        scope,
        id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=ownership,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        removal_policy=cdk.RemovalPolicy.RETAIN,
        **more,
    )


class WebSite(Construct):
    """The bucket, the distribution and its two behaviours: the document (never cached, so a deploy
    shows at once) and the hashed assets under `assets/` (cached for a year)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        api_origins: Sequence[str],
        logs: s3.IBucket,
        domain: SiteDomain | None = None,
    ) -> None:
        super().__init__(scope, id)
        headers = security_headers(api_origins)
        self.bucket = private_bucket(
            self,
            "Bucket",
            s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=logs,
            server_access_logs_prefix="site-bucket/",
        )
        origin = origins.S3BucketOrigin.with_origin_access_control(self.bucket)
        screens = cloudfront.Function(
            self,
            "Screens",
            code=cloudfront.FunctionCode.from_inline(SCREENS_TO_DOCUMENT),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="the app's screens (paths without an extension) are its document",
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Respite web front end",
            default_root_object=SITE_ROOT_DOCUMENT,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                response_headers_policy=self._headers("Document", headers, REVALIDATE),
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=screens, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
            ),
            additional_behaviors={
                f"/{HASHED_ASSETS_PREFIX}*": cloudfront.BehaviorOptions(
                    origin=origin,
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                    cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                    response_headers_policy=self._headers("Assets", headers, IMMUTABLE),
                )
            },
            domain_names=[domain.name] if domain else None,
            certificate=acm.Certificate.from_certificate_arn(self, "Certificate", domain.certificate_arn)
            if domain
            else None,
            # with CloudFront's default certificate its policy is fixed: only a site domain can set one
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if domain else None,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,  # Europe and North America: the users'
            enable_logging=True,
            log_bucket=logs,
            log_file_prefix="cloudfront/",
        )
        if domain is None:
            acknowledge(
                self.distribution,
                "AwsSolutions-CFR4",
                "Without a site domain the distribution answers on its *.cloudfront.net name, whose "
                "certificate's TLS policy CloudFront sets; a site domain sets TLS 1.2 at least.",
            )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR1",
            "The site is static and public by design (it holds no data; every call it makes is to the "
            "authorised APIs): no country is to be kept out.",
        )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR2",
            "The site serves static files only; the APIs it calls sit behind their own WAF.",
        )

    def _headers(
        self, id: str, headers: Mapping[str, str], cache_control: str
    ) -> cloudfront.ResponseHeadersPolicy:
        # CloudFront's native headers below say the same as `security_headers`
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
        custom = {name: value for name, value in headers.items() if name not in NATIVE}
        custom["Cache-Control"] = cache_control
        return cloudfront.ResponseHeadersPolicy(
            self,
            f"{id}Headers",
            comment=f"Respite web front end: security headers, {cache_control}",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=headers["Content-Security-Policy"], override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=cdk.Duration.days(365), include_subdomains=True, override=True
                ),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                custom_headers=[
                    cloudfront.ResponseCustomHeader(header=name, value=value, override=True)
                    for name, value in custom.items()
                ]
            ),
        )

    @property
    def url(self) -> str:
        return f"https://{self.distribution.distribution_domain_name}"


class RespiteSiteStack(cdk.Stack):
    """One stage's web front end. `api_origins`: where the app calls the APIs (the content security
    policy's connect-src); the APIs must allow the site's origin in turn (`-c frontend_origins=`)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        stage: str,
        api_origins: Sequence[str],
        domain: SiteDomain | None = None,
        env: cdk.Environment | None = None,
    ) -> None:
        super().__init__(scope, id, env=env, description=f"Respite ({stage}): the web front end")
        cdk.Tags.of(self).add("project", "respite")
        cdk.Tags.of(self).add("respite:stage", stage)
        logs = private_bucket(
            self,
            "LogsBucket",
            # CloudFront's standard logs are delivered with an ACL: the bucket must accept them
            s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[s3.LifecycleRule(id="expire", expiration=cdk.Duration.days(LOG_DAYS))],
        )
        acknowledge(
            logs,
            "AwsSolutions-S1",
            "This is the access-log bucket of the site's bucket and distribution: logging it into itself "
            "would log its own log deliveries without end.",
        )
        # the app calls the APIs, signs in at Cognito's API in this region (the platform's pool is in
        # the same env), and posts the signed consent form straight to the documents bucket
        connect = (*api_origins, cognito_origin(self.region), *upload_origins(stage))
        self.site = WebSite(self, "Site", api_origins=connect, logs=logs, domain=domain)
        cdk.CfnOutput(self, "SiteUrl", value=self.site.url, description="the web app")
        cdk.CfnOutput(
            self, "SiteBucketName", value=self.site.bucket.bucket_name, description="upload web/dist here"
        )
