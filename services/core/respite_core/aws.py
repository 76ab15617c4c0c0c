"""boto3 clients, one per service per process (creating a client costs tens of milliseconds).

Only the data-access layer (`respite_core.store` and each service's own store module) calls these.
`AWS_ENDPOINT_URL` in the environment points every client at the local stack's moto server.
"""

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sqs import SQSClient


@cache
def _client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    retries = Config(retries={"mode": "standard", "max_attempts": 5})
    return boto3.client(service, config=retries)  # type: ignore[call-overload]


def dynamodb() -> "DynamoDBClient":
    return _client("dynamodb")  # type: ignore[no-any-return]


def kms() -> "KMSClient":
    return _client("kms")  # type: ignore[no-any-return]


def secrets() -> "SecretsManagerClient":
    return _client("secretsmanager")  # type: ignore[no-any-return]


def sqs() -> "SQSClient":
    return _client("sqs")  # type: ignore[no-any-return]


def s3() -> "S3Client":
    return _client("s3")  # type: ignore[no-any-return]


def ses() -> "SESV2Client":
    """SES, through its v2 API (outbound email)."""
    return _client("sesv2")  # type: ignore[no-any-return]


def forget_clients() -> None:
    """Drop cached clients (tests that point the process at another endpoint)."""
    _client.cache_clear()


def cognito() -> "CognitoIdentityProviderClient":
    return _client("cognito-idp")  # type: ignore[no-any-return]
