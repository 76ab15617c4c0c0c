"""Who signs in: one Cognito user pool per catalogue `UserPool`, its web client, resource server
and (optionally) its Cognito domain.

People (caseworkers, agency admins, supervisors, operators) sign in through the `web` app client with SRP and
send the ID token to the APIs; API Gateway's Cognito authorizer verifies it (`apis.Apis`) and the
APIs read `custom:agency_id` and `custom:role` from its claims. Only an administrator (the admin
API, with `Access.WRITE` on the pool) sets those two attributes: the web client may read them but
not write them.

Office systems sign in with OAuth2 client credentials: one app client per office, created at run
time by the admin API (a later issue), never here. They ask the Cognito domain's token endpoint
for the resource server's scopes (`respite/office.read`, ...).
"""

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from respite_core.resources import UserPoolName, physical_name
from respite_infra.catalogue import Catalogue, UserPool
from respite_infra.cdk.nag import acknowledge
from respite_infra.cdk.settings import StageSettings, construct_id

WEB_CLIENT_NAME = "web"
RESOURCE_SERVER = "respite"  # scopes are `respite/<scope>`, as office systems request them
PASSWORD_MIN_LENGTH = 12
PASSWORD_HISTORY = 5  # no reuse of the last five passwords (needs the Essentials plan)
ID_TOKEN_VALIDITY = cdk.Duration.hours(1)
ACCESS_TOKEN_VALIDITY = cdk.Duration.hours(1)
# A working day: after it a caseworker signs in again (with MFA). Cognito's default is 30 days.
REFRESH_TOKEN_VALIDITY = cdk.Duration.hours(12)


def domain_prefix(settings: StageSettings, account: str) -> str:
    """`respite-<stage>-<account>`: Cognito domain prefixes are unique per region across accounts."""
    return settings.name(account)


class Identity(Construct):
    """The catalogue's user pools, each with a `web` client, the `respite` resource server and a
    Cognito domain (`domain=False` leaves the domains out: no client-credentials token endpoint).

    `user_pools`, `web_clients`, `resource_servers`, `domains`: by pool name, for the wiring, the
    APIs' authorizers and tests.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        catalogue: Catalogue,
        settings: StageSettings,
        domain: bool = True,
    ) -> None:
        super().__init__(scope, id)
        self._settings = settings
        self.user_pools: dict[UserPoolName, cognito.UserPool] = {}
        self.web_clients: dict[UserPoolName, cognito.UserPoolClient] = {}
        self.resource_servers: dict[UserPoolName, cognito.UserPoolResourceServer] = {}
        self.domains: dict[UserPoolName, cognito.UserPoolDomain] = {}
        for pool in catalogue.user_pools:
            self._pool(pool, domain=domain)

    def _pool(self, pool: UserPool, *, domain: bool) -> None:
        settings = self._settings
        base = construct_id(pool.name.value)
        user_pool = cognito.UserPool(
            self,
            f"{base}UserPool",
            user_pool_name=physical_name(settings.stage, pool.name),
            # Administrators create every user (AdminCreateUser); nobody signs up on their own.
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            sign_in_case_sensitive=False,  # e-mail addresses: Jane@X and jane@x are one person
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            keep_original=cognito.KeepOriginalAttrs(email=True),  # a new address counts once verified
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            # Custom attributes can be neither changed nor removed once the pool exists.
            custom_attributes={
                name: cognito.StringAttribute(mutable=True) for name in pool.custom_attributes
            },
            # MFA is REQUIRED in every stage, dev included, with TOTP (an authenticator app) only:
            # no SMS (cost, SIM swapping, an SNS role). A dev pool is a real AWS pool reachable from
            # the internet, and dev is where the front end's MFA set-up and sign-in challenges get
            # tested; scripted sign-ins against dev compute TOTP codes from the secret that
            # AssociateSoftwareToken returns. Quick testing without MFA is what the local stack is
            # for (moto's pool, `make run`), so REQUIRED does not block it.
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False, email=False),
            enable_sms_role=False,
            password_policy=cognito.PasswordPolicy(
                min_length=PASSWORD_MIN_LENGTH,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                password_history_size=PASSWORD_HISTORY,
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            # ESSENTIALS, set explicitly (it is also what Cognito gives a new pool): a platform of
            # caseworkers stays within its free tier of monthly active users (at the time of
            # writing; office systems' client credentials are billed apart), and it allows the
            # password history above. Threat protection ("advanced security": compromised
            # credentials, adaptive authentication) needs the PLUS plan, which has no free tier and
            # is billed per monthly active user, so it is OFF here rather than a cost surprise.
            # Turning it on later is `feature_plan=PLUS` with `standard_threat_protection_mode`
            # (AUDIT_ONLY first), an in-place update.
            feature_plan=cognito.FeaturePlan.ESSENTIALS,
            # TODO(email): Cognito's own sender is limited to a few dozen messages a day; invitations
            # at scale need SES (`UserPoolEmail.with_ses`) with the platform's domain.
            user_invitation=cognito.UserInvitationConfig(
                email_subject="Your Respite account",
                email_body=(
                    "An administrator created your Respite account. Sign in with {username} and "
                    "the temporary password {####}, then set up your authenticator app."
                ),
            ),
            deletion_protection=settings.production,
            removal_policy=settings.removal_policy,
        )
        acknowledge(
            user_pool,
            "AwsSolutions-COG8",
            "ESSENTIALS on purpose: threat protection needs the PLUS plan, billed per monthly active "
            "user with no free tier; MFA (TOTP) is required for everyone instead. See feature_plan.",
        )
        web = user_pool.add_client(
            "WebClient",
            user_pool_client_name=WEB_CLIENT_NAME,
            generate_secret=False,  # a browser cannot keep a secret
            # USER_PASSWORD_AUTH only (CDK adds ALLOW_REFRESH_TOKEN_AUTH): the web app sends the
            # password over TLS to Cognito alone, never to Respite's APIs. Not SRP: moto, the local
            # model of Cognito, does not check an SRP proof (any password would sign in), so an app on
            # SRP could not be tested to refuse a wrong one; with this flow moto checks the password
            # and the MFA code as Cognito does. The local pool's client has the same flows.
            auth_flows=cognito.AuthFlow(user_password=True),
            # Sign-in is from the web app, not the hosted pages: no OAuth flows, so no callback
            # URLs (CDK would otherwise enable the implicit grant with example.com).
            disable_o_auth=True,
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
            id_token_validity=ID_TOKEN_VALIDITY,
            access_token_validity=ACCESS_TOKEN_VALIDITY,
            refresh_token_validity=REFRESH_TOKEN_VALIDITY,
            enable_token_revocation=True,
            prevent_user_existence_errors=True,
            # The ID token carries the agency and the role; the user may read them, never write
            # them (only the admin API sets them, with AdminUpdateUserAttributes).
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True)
            .with_custom_attributes(*pool.custom_attributes),
            write_attributes=cognito.ClientAttributes().with_standard_attributes(email=True),
        )
        resource_server = user_pool.add_resource_server(
            "ResourceServer",
            identifier=RESOURCE_SERVER,
            user_pool_resource_server_name=f"{settings.name(pool.name.value)} office API",
            scopes=[
                cognito.ResourceServerScope(scope_name=scope, scope_description=f"office systems: {scope}")
                for scope in pool.office_scopes
            ],
        )
        self.user_pools[pool.name] = user_pool
        self.web_clients[pool.name] = web
        self.resource_servers[pool.name] = resource_server

        stack = cdk.Stack.of(self)
        cdk.CfnOutput(
            stack,
            f"{base}UserPoolId",
            value=user_pool.user_pool_id,
            description=f"id of {physical_name(settings.stage, pool.name)} ({pool.purpose})",
        )
        cdk.CfnOutput(
            stack,
            f"{base}WebClientId",
            value=web.user_pool_client_id,
            description=f"the {WEB_CLIENT_NAME} app client of {physical_name(settings.stage, pool.name)}",
        )
        if domain:
            # The hosted domain serves `/oauth2/token`, where office systems trade their client id
            # and secret for an access token (client credentials). Nobody signs in on its pages.
            cognito_domain = user_pool.add_domain(
                "Domain",
                cognito_domain=cognito.CognitoDomainOptions(
                    domain_prefix=domain_prefix(settings, stack.account)
                ),
            )
            self.domains[pool.name] = cognito_domain
            cdk.CfnOutput(
                stack,
                f"{base}TokenUrl",
                value=f"{cognito_domain.base_url()}/oauth2/token",
                description=f"OAuth2 token endpoint of {physical_name(settings.stage, pool.name)}",
            )
