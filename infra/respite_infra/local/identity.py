"""Cognito on the local stack: the caseworker user pool, its web client, and sign-in.

moto's Cognito signs tokens with its own published key and serves the pool's JWKS, so the local
gateway verifies tokens exactly as API Gateway's Cognito authorizer does in AWS.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from respite_infra.local.gateway import TokenIssuer

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

CUSTOM_ATTRIBUTES = ("agency_id", "role")  # set by administrators only, never by the user


@dataclass(frozen=True)
class CaseworkerPool:
    pool_id: str
    pool_arn: str
    web_client_id: str
    endpoint: str
    region: str

    @property
    def issuer(self) -> TokenIssuer:
        return TokenIssuer(
            jwks_url=f"{self.endpoint}/{self.pool_id}/.well-known/jwks.json",
            issuer=f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}",
            audiences=(self.web_client_id,),
        )


def create_caseworker_pool(
    cognito: "CognitoIdentityProviderClient", stage: str, endpoint: str, region: str
) -> CaseworkerPool:
    pool = cognito.create_user_pool(
        PoolName=f"respite-{stage}-caseworkers",
        Schema=[{"Name": name, "AttributeDataType": "String", "Mutable": True} for name in CUSTOM_ATTRIBUTES],
        Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireNumbers": True, "RequireSymbols": True}},
    )["UserPool"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="web",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["email", *(f"custom:{name}" for name in CUSTOM_ATTRIBUTES)],
        WriteAttributes=["email"],
    )["UserPoolClient"]
    return CaseworkerPool(pool["Id"], pool["Arn"], client["ClientId"], endpoint, region)


@dataclass(frozen=True)
class Caseworker:
    username: str
    password: str
    agency_id: str
    role: str


def add_caseworker(cognito: "CognitoIdentityProviderClient", pool: CaseworkerPool, who: Caseworker) -> None:
    cognito.admin_create_user(
        UserPoolId=pool.pool_id,
        Username=who.username,
        UserAttributes=[
            {"Name": "email", "Value": who.username},
            {"Name": "custom:agency_id", "Value": who.agency_id},
            {"Name": "custom:role", "Value": who.role},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=pool.pool_id, Username=who.username, Password=who.password, Permanent=True
    )


def sign_in(
    cognito: "CognitoIdentityProviderClient", pool: CaseworkerPool, username: str, password: str
) -> dict[str, Any]:
    """The tokens a front end gets from Cognito; raises NotAuthorizedException on a wrong password."""
    result = cognito.initiate_auth(
        ClientId=pool.web_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )["AuthenticationResult"]
    return {"id_token": result["IdToken"], "expires_in": result["ExpiresIn"], "token_type": "Bearer"}


OFFICE_SCOPES = ("respite/office.read", "respite/office.write")


def add_office_client(
    cognito: "CognitoIdentityProviderClient", pool: CaseworkerPool, office_id: str
) -> tuple[str, str]:
    """An OAuth2 client-credentials app client for one office system: (client id, client secret)."""
    try:
        cognito.describe_resource_server(UserPoolId=pool.pool_id, Identifier="respite")
    except cognito.exceptions.ResourceNotFoundException:
        cognito.create_resource_server(
            UserPoolId=pool.pool_id,
            Identifier="respite",
            Name="Respite office API",
            Scopes=[
                {"ScopeName": "office.read", "ScopeDescription": "fetch the office inbox"},
                {"ScopeName": "office.write", "ScopeDescription": "answer requests, upload claims"},
            ],
        )
    client = cognito.create_user_pool_client(
        UserPoolId=pool.pool_id,
        ClientName=f"office-{office_id}",
        GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=list(OFFICE_SCOPES),
        AllowedOAuthFlowsUserPoolClient=True,
    )["UserPoolClient"]
    return client["ClientId"], client["ClientSecret"]
