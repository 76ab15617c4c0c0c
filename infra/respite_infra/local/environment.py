"""The AWS environment variables that point every boto3 client of a process at the local moto."""

LOCAL_ACCOUNT = "123456789012"  # moto's default account id
DEFAULT_REGION = "eu-west-1"


def aws_environment(endpoint: str, region: str = DEFAULT_REGION) -> dict[str, str]:
    """Fake credentials, the region, `AWS_ENDPOINT_URL` = the moto endpoint, and tracing off.

    boto3 honours `AWS_ENDPOINT_URL` for every service, DynamoDB Streams included, so no client
    needs an explicit endpoint (and newer botocore's account-based endpoints never come into play).
    A service-specific `AWS_ENDPOINT_URL_<SERVICE>` already in the environment would still win:
    the local stack's processes must not carry one.
    """
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,  # what Lambda sets, and what Powertools reads
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_EC2_METADATA_DISABLED": "true",  # never probe an instance metadata service
        "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here (respite_core.observability)
    }
