"""One synthesised dev stage of the platform for the whole infra suite (synthesis takes a while).

The app is built as `infra/app.py` builds it (cdk.json's feature flags, cdk-nag's packs), with one
difference: the third-party dependencies in the function packages are built for this machine
(`HOST_PLATFORM`) instead of Lambda's arm64, so that tests/infra/test_packaging.py can import each
handler. The template is the same but for the code assets' hashes. The APIs are mounted under a
custom domain, as `-c api_domain=... -c api_certificate_arn=...` mounts them, and the alarm topic
mails an operator (`-c alarm_email=...`); the deployment's own settings are given as
`-c public_url=... -c sending_domain=... -c inbound_domain=... -c frontend_origins=...`.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from respite_infra.catalogue import CATALOGUE
from respite_infra.cdk import RespiteStack, cdk_context
from respite_infra.cdk.apis import ApiDomain
from respite_infra.cdk.nag import REPORT_FILE, add_nag_checks
from respite_infra.packaging import HOST_PLATFORM

ALARM_EMAIL = "ops@respite.test"
PUBLIC_URL = "https://api.respite.test"
SENDING_DOMAIN = "respite.test"
INBOUND_DOMAIN = "inbound.respite.test"
FRONTEND_ORIGINS = ("https://app.respite.test", "https://admin.respite.test")
API_DOMAIN = ApiDomain("api.respite.test", "arn:aws:acm:eu-west-1:111111111111:certificate/0000-test")


@dataclass(frozen=True)
class Synthesised:
    stack: RespiteStack
    template: Template
    assembly: Path  # the cloud assembly directory: templates, assets, validation report
    code_root: Path  # where each service's package was staged
    validation_error: str | None  # what `app.synth()` raised (cdk-nag), if anything


@pytest.fixture(scope="session")
def dev_stage(tmp_path_factory: pytest.TempPathFactory) -> Synthesised:
    root = tmp_path_factory.mktemp("dev-stage")
    app = cdk.App(context=cdk_context(), outdir=str(root / "cdk.out"))
    add_nag_checks(app)
    stack = RespiteStack(
        app,
        "respite-dev",
        catalogue=CATALOGUE,
        stage="dev",
        code_root=root / "lambda",
        platform=HOST_PLATFORM,
        api_domain=API_DOMAIN,
        alarm_email=ALARM_EMAIL,
        public_url=PUBLIC_URL,
        sending_domain=SENDING_DOMAIN,
        inbound_domain=INBOUND_DOMAIN,
        frontend_origins=FRONTEND_ORIGINS,
    )
    error = None
    try:
        app.synth()
    except RuntimeError as failed:  # jsii's ValidationFailed: cdk-nag found unacknowledged errors
        error = str(failed)
    assembly = root / "cdk.out"
    template = json.loads((assembly / f"{stack.artifact_id}.template.json").read_text(encoding="utf-8"))
    if error and (assembly / REPORT_FILE).is_file():
        error += "\n" + (assembly / REPORT_FILE).read_text(encoding="utf-8")
    return Synthesised(stack, Template.from_json(template), assembly, root / "lambda", error)
