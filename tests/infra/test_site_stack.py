"""The web front end's stack: a private bucket read only by CloudFront through origin access control,
the site's security headers (the same as the local gateway's), the app's screens answered with its
document, caching per path, logs, and cdk-nag clean."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template

from respite_infra.cdk import cdk_context
from respite_infra.cdk.nag import REPORT_FILE, add_nag_checks
from respite_infra.cdk.site import RespiteSiteStack, SiteDomain
from respite_infra.site import (
    IMMUTABLE,
    REVALIDATE,
    cognito_origin,
    content_security_policy,
    security_headers,
)

API_ORIGIN = "https://api.respite.test"
# the app posts the signed consent form straight to the documents bucket (its name ends in the
# stack's account and region: written here as CloudFormation would resolve them)
DOCUMENTS = "respite-dev-documents-${AWS::AccountId}-${AWS::Region}"
DOCUMENTS_ORIGINS = (
    f"https://{DOCUMENTS}.s3.${{AWS::Region}}.amazonaws.com",
    f"https://{DOCUMENTS}.s3.amazonaws.com",
)


def resolved(value: Any) -> str:
    """A string of the template, its pseudo parameters written as `${AWS::...}`."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(resolved(part) for part in parts)
    return "${" + str(value["Ref"]) + "}"


# and signs in at Cognito's API in the stack's region
CONNECT = [API_ORIGIN, cognito_origin("${AWS::Region}"), *DOCUMENTS_ORIGINS]


@dataclass(frozen=True)
class Synthesised:
    template: Template
    validation_error: str | None


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Synthesised:
    outdir = tmp_path_factory.mktemp("site") / "cdk.out"
    app = cdk.App(context=cdk_context(), outdir=str(outdir))
    add_nag_checks(app)
    stack = RespiteSiteStack(app, "respite-dev-site", stage="dev", api_origins=[API_ORIGIN])
    error = None
    try:
        app.synth()
    except RuntimeError as failed:  # cdk-nag's unacknowledged errors
        error = str(failed)
        report = Path(outdir) / REPORT_FILE
        if report.is_file():
            error += "\n" + report.read_text(encoding="utf-8")
    template = json.loads((Path(outdir) / f"{stack.artifact_id}.template.json").read_text(encoding="utf-8"))
    return Synthesised(Template.from_json(template), error)


def test_cdk_nag_finds_nothing_unacknowledged(site: Synthesised) -> None:
    assert site.validation_error is None


def test_the_bucket_is_private_and_read_only_by_the_distribution(site: Synthesised) -> None:
    site.template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        },
    )
    site.template.resource_count_is("AWS::CloudFront::OriginAccessControl", 1)
    site.template.has_resource_properties(
        "AWS::CloudFront::OriginAccessControl",
        {"OriginAccessControlConfig": Match.object_like({"OriginAccessControlOriginType": "s3"})},
    )
    (bucket_id,) = site.template.find_resources(
        "AWS::S3::Bucket",
        {"Properties": {"LoggingConfiguration": {}}},
    )
    policies = site.template.find_resources(
        "AWS::S3::BucketPolicy", {"Properties": {"Bucket": {"Ref": bucket_id}}}
    )
    reads = [
        statement
        for policy in policies.values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Effect"] == "Allow"
    ]
    assert len(reads) == 1
    assert reads[0]["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert reads[0]["Action"] == "s3:GetObject"
    assert "AWS:SourceArn" in json.dumps(reads[0]["Condition"])  # this distribution only


def distribution(site: Synthesised) -> dict[str, Any]:
    (resource,) = site.template.find_resources("AWS::CloudFront::Distribution").values()
    config: dict[str, Any] = resource["Properties"]["DistributionConfig"]
    return config


def test_https_only_with_logs_and_the_document_at_the_root(site: Synthesised) -> None:
    config = distribution(site)
    assert config["DefaultRootObject"] == "index.html"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["CacheBehaviors"][0]["PathPattern"] == "/assets/*"
    assert config["CacheBehaviors"][0]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert "Logging" in config


def header_policies(site: Synthesised) -> dict[str, dict[str, Any]]:
    """Each response headers policy by its Cache-Control."""
    found = {}
    for resource in site.template.find_resources("AWS::CloudFront::ResponseHeadersPolicy").values():
        config = resource["Properties"]["ResponseHeadersPolicyConfig"]
        custom = {h["Header"]: h["Value"] for h in config["CustomHeadersConfig"]["Items"]}
        found[custom["Cache-Control"]] = config | {"custom": custom}
    return found


def test_the_security_headers_are_the_sites_and_the_policy_has_no_unsafe_inline(site: Synthesised) -> None:
    policies = header_policies(site)
    assert set(policies) == {IMMUTABLE, REVALIDATE}
    expected = security_headers(CONNECT)
    for config in policies.values():
        security = config["SecurityHeadersConfig"]
        policy = resolved(security["ContentSecurityPolicy"]["ContentSecurityPolicy"])
        assert policy == content_security_policy(CONNECT)
        assert "unsafe-inline" not in policy
        assert security["FrameOptions"]["FrameOption"] == expected["X-Frame-Options"]
        assert security["ReferrerPolicy"]["ReferrerPolicy"] == expected["Referrer-Policy"]
        assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31_536_000
        for name in ("Cross-Origin-Opener-Policy", "Permissions-Policy", "X-Robots-Tag"):
            assert config["custom"][name] == expected[name]


def test_the_apps_screens_are_answered_with_its_document(site: Synthesised) -> None:
    association = distribution(site)["DefaultCacheBehavior"]["FunctionAssociations"][0]
    assert association["EventType"] == "viewer-request"
    (function,) = site.template.find_resources("AWS::CloudFront::Function").values()
    code = function["Properties"]["FunctionCode"]
    assert 'request.uri = "/index.html"' in code
    assert 'indexOf(".") === -1' in code  # only paths without an extension, as the local gateway


def test_with_its_own_domain_the_site_takes_tls_1_2_at_least(tmp_path: Path) -> None:
    app = cdk.App(context=cdk_context(), outdir=str(tmp_path / "cdk.out"))
    add_nag_checks(app)
    certificate = "arn:aws:acm:us-east-1:111111111111:certificate/site"
    stack = RespiteSiteStack(
        app,
        "respite-prod-site",
        stage="prod",
        api_origins=[API_ORIGIN],
        domain=SiteDomain("app.respite.test", certificate),
    )
    app.synth()  # cdk-nag clean without the acknowledgement of the default certificate
    config = distribution(Synthesised(Template.from_stack(stack), None))
    assert config["Aliases"] == ["app.respite.test"]
    assert config["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert config["ViewerCertificate"]["AcmCertificateArn"] == certificate
