"""The deployed app's `/config.json` comes from the platform stack's outputs: the outputs it reads are
the ones the synthesized stack has, and the document read from a stack (moto's CloudFormation) is
the one the app expects (web/src/config.ts)."""

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from respite_infra.site_config import OutputMissing, config_from_outputs, main, output_keys
from tests.infra.conftest import Synthesised

POOL_ID = "eu-west-1_AbCdEf123"
CLIENT_ID = "4example5client6id"


def test_the_outputs_it_reads_are_the_platform_stacks(dev_stage: Synthesised) -> None:
    outputs = dev_stage.template.to_json()["Outputs"]
    for key in output_keys():
        assert key in outputs


def test_a_stack_without_them_is_said_and_nothing_is_written() -> None:
    with pytest.raises(OutputMissing, match="UserPoolId"):
        config_from_outputs({"Other": "x"}, "https://api.example.org")


@pytest.fixture
def deployed_stage() -> Iterator[None]:
    pool_key, client_key = output_keys()
    template = {
        "Resources": {"Nothing": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {pool_key: {"Value": POOL_ID}, client_key: {"Value": CLIENT_ID}},
    }
    with mock_aws():
        cloudformation = boto3.client("cloudformation", region_name="eu-west-1")
        cloudformation.create_stack(StackName="respite-prod", TemplateBody=json.dumps(template))
        yield


def test_the_config_of_a_deployed_stage(
    deployed_stage: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    main(["--stage", "prod", "--public-url", "https://api.example.org/"])
    written = json.loads(capsys.readouterr().out)
    assert written == {
        "api_url": "https://api.example.org",
        "user_pool_id": POOL_ID,
        "web_client_id": CLIENT_ID,
        "cognito_endpoint": None,  # the app calls Cognito in the pool's region
    }
