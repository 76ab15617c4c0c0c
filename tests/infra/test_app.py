"""infra/app.py: the stage and its parameters come from the CDK context (`-c key=value`, cdk.json),
never from code changes. What each parameter builds is asserted on the synthesised stages."""

import importlib.util
from collections.abc import Callable
from typing import Any

import pytest

from respite_infra.cdk.apis import ApiDomain
from respite_infra.cdk.settings import INFRA_DIR
from respite_infra.cdk.site import SiteDomain

CERTIFICATE = "arn:aws:acm:eu-west-1:111111111111:certificate/test"


@pytest.fixture(scope="module")
def parameters() -> Callable[[dict[str, Any]], Any]:
    spec = importlib.util.spec_from_file_location("respite_cdk_app", INFRA_DIR / "app.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    read: Callable[[dict[str, Any]], Any] = module.parameters
    return read


def test_dev_is_the_default(parameters: Callable[[dict[str, Any]], Any]) -> None:
    given = parameters({})
    assert (given.stage, given.cognito_domain, given.alarm_email, given.api_domain) == (
        "dev",
        True,
        None,
        None,
    )


def test_prod_and_its_parameters_come_from_the_context(parameters: Callable[[dict[str, Any]], Any]) -> None:
    given = parameters(
        {
            "stage": "prod",
            "cognito_domain": "false",  # as the command line gives it; JSON gives false
            "alarm_email": "ops@respite.test",
            "api_domain": "api.respite.test",
            "api_certificate_arn": CERTIFICATE,
        }
    )
    assert given.stage == "prod"
    assert given.cognito_domain is False
    assert given.alarm_email == "ops@respite.test"
    assert given.api_domain == ApiDomain("api.respite.test", CERTIFICATE)
    assert parameters({"cognito_domain": False}).cognito_domain is False


@pytest.mark.parametrize(
    ("context", "refusal"),
    [
        ({"stage": "qa"}, "unknown stage"),
        ({"cognito_domain": "maybe"}, "true or false"),
        ({"api_domain": "api.respite.test"}, "go together"),
        ({"api_certificate_arn": CERTIFICATE}, "go together"),
    ],
)
def test_odd_context_is_refused(
    parameters: Callable[[dict[str, Any]], Any], context: dict[str, Any], refusal: str
) -> None:
    with pytest.raises(SystemExit, match=refusal):
        parameters(context)


def test_the_deployments_own_settings_come_from_the_context(
    parameters: Callable[[dict[str, Any]], Any],
) -> None:
    given = parameters(
        {
            "public_url": "https://api.respite.test/",
            "sending_domain": "Respite.TEST",
            "inbound_domain": "inbound.respite.test",
            "frontend_origins": "https://app.respite.test, https://admin.respite.test:8443,https://app.respite.test",
        }
    )
    assert given.public_url == "https://api.respite.test"
    assert (given.sending_domain, given.inbound_domain) == ("respite.test", "inbound.respite.test")
    assert given.frontend_origins == ("https://app.respite.test", "https://admin.respite.test:8443")
    assert parameters({"frontend_origins": ["https://app.respite.test"]}).frontend_origins == (
        "https://app.respite.test",
    )


def test_without_context_the_settings_are_placeholders_that_resolve_nowhere(
    parameters: Callable[[dict[str, Any]], Any],
) -> None:
    given = parameters({})
    assert given.public_url.endswith(".invalid")
    assert given.sending_domain.endswith(".invalid")
    assert given.inbound_domain.endswith(".invalid")
    assert given.frontend_origins == ()
    # with a custom domain for the APIs, that is the public URL unless told otherwise
    mounted = parameters({"api_domain": "api.respite.test", "api_certificate_arn": CERTIFICATE})
    assert mounted.public_url == "https://api.respite.test"


@pytest.mark.parametrize(
    ("context", "refusal"),
    [
        ({"public_url": "http://api.respite.test"}, "public_url must be https"),
        ({"public_url": "https://api.respite.test/claims"}, "public_url must be https"),
        ({"public_url": "https://api.respite.test/?x=1"}, "public_url must be https"),
        ({"public_url": "https://user@api.respite.test"}, "public_url must be https"),
        ({"public_url": "https://api..test"}, "public_url must be a domain"),
        ({"sending_domain": "no-reply@respite.test"}, "sending_domain must be a domain"),
        ({"sending_domain": "localhost"}, "sending_domain must be a domain"),
        ({"inbound_domain": "-bad.respite.test"}, "inbound_domain must be a domain"),
        ({"inbound_domain": "https://inbound.respite.test"}, "inbound_domain must be a domain"),
        ({"frontend_origins": "https://app.respite.test/app"}, "frontend_origins must be https"),
        ({"frontend_origins": "app.respite.test"}, "frontend_origins must be https"),
        ({"frontend_origins": "https://app.respite.test:99999"}, "frontend_origins must be https"),
    ],
)
def test_nonsense_settings_are_refused(
    parameters: Callable[[dict[str, Any]], Any], context: dict[str, Any], refusal: str
) -> None:
    with pytest.raises(SystemExit, match=refusal):
        parameters(context)


# --- the web front end's own domain; the APIs allow its origin -------------------------------------

SITE_CERTIFICATE = "arn:aws:acm:us-east-1:111111111111:certificate/site"


def test_without_a_site_domain_the_site_has_cloudfronts_name(
    parameters: Callable[[dict[str, Any]], Any],
) -> None:
    assert parameters({}).site_domain is None


def test_the_site_domain_is_allowed_by_the_apis(parameters: Callable[[dict[str, Any]], Any]) -> None:
    given = parameters(
        {
            "site_domain": "App.Respite.test",
            "site_certificate_arn": SITE_CERTIFICATE,
            "frontend_origins": "https://admin.respite.test,https://app.respite.test",
        }
    )
    assert given.site_domain == SiteDomain("app.respite.test", SITE_CERTIFICATE)
    assert given.frontend_origins == ("https://admin.respite.test", "https://app.respite.test")  # once


@pytest.mark.parametrize(
    ("context", "refusal"),
    [
        ({"site_domain": "app.respite.test"}, "go together"),
        ({"site_certificate_arn": SITE_CERTIFICATE}, "go together"),
        (
            {
                "site_domain": "app.respite.test",
                "site_certificate_arn": SITE_CERTIFICATE.replace("us-east-1", "eu-west-1"),
            },
            "us-east-1",
        ),
        ({"site_domain": "not a domain", "site_certificate_arn": SITE_CERTIFICATE}, "domain name"),
    ],
)
def test_a_site_domain_needs_its_certificate_in_us_east_1(
    parameters: Callable[[dict[str, Any]], Any],
    context: dict[str, Any],
    refusal: str,
) -> None:
    with pytest.raises(SystemExit, match=refusal):
        parameters(context)
