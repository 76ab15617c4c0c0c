"""Email with offices through SES, from the catalogue's `Email`.

- **Sending**: the domain's email identity (DKIM signing: easy DKIM, its CNAMEs go in DNS), whose
  default configuration set is the catalogue's; the set publishes bounces and complaints to an SNS
  topic that the events queue subscribes to (its consumer flags the address). The functions in
  `sender_functions` may call ses:SendEmail on that identity and that configuration set only, from
  the platform's own address, and get the environment the sender reads.
- **Receiving**: the inbound domain's identity and a receipt rule set with one rule for the domain:
  TLS required, spam and virus scanning on, the raw MIME to the inbound-mail bucket (S3 action:
  CDK adds the bucket policy that lets SES put objects, for this account only), then the inbound
  function (Lambda action, asynchronous: CDK adds the permission for SES to invoke it).

SES writes into KMS-encrypted stores (the bucket's default key, the topic's own key), so both
keys let the SES service principal generate data keys, for this account only.

Deploy notes: CloudFormation cannot *activate* a receipt rule set (one is active per region):
`aws ses set-active-receipt-rule-set --rule-set-name respite-<stage>-<name>` once after the first
deployment. The inbound domain's MX record points at `inbound-smtp.<region>.amazonaws.com`.
"""

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_ses as ses
from aws_cdk import aws_ses_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from respite_infra.catalogue import Email
from respite_infra.cdk.data import DataStores
from respite_infra.cdk.messaging import Messaging
from respite_infra.cdk.settings import StageSettings

SENDER_LOCAL_PART = "no-reply"
EVENT_DESTINATION = "bounces-and-complaints"
RECEIPT_RULE = "replies"
SES_PRINCIPAL = "ses.amazonaws.com"


def sender_address(email: Email) -> str:
    return f"{SENDER_LOCAL_PART}@{email.sending_domain}"


class EmailResources(Construct):
    """The SES resources of one stage: identities, configuration set and its event destination,
    the bounce topic, the receipt rule set, and the send permission of the sender functions."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        email: Email,
        settings: StageSettings,
        data: DataStores,
        messaging: Messaging,
        functions: dict[str, lambda_.Function],
    ) -> None:
        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
        self._let_ses_use(data.at_rest_key, stack)  # the inbound bucket's default encryption

        self.configuration_set = ses.ConfigurationSet(
            self,
            "ConfigurationSet",
            configuration_set_name=settings.name(email.configuration_set),
            reputation_metrics=True,
            tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE,
        )
        # A key of its own: the subscription lets SNS use the queue's key (the at-rest key) for this
        # topic only, so the at-rest key refers to the topic, which therefore cannot use it.
        self.events_key = kms.Key(
            self,
            "EventsKey",
            alias=f"alias/{settings.name(email.events_topic)}",
            description=f"Respite {settings.stage}: SES bounce and complaint events in SNS",
            enable_key_rotation=True,
            removal_policy=settings.removal_policy,
        )
        self._let_ses_use(self.events_key, stack)
        self.events_topic = sns.Topic(
            self,
            "EventsTopic",
            topic_name=settings.name(email.events_topic),
            display_name="Respite: SES bounces and complaints",
            master_key=self.events_key,
            enforce_ssl=True,
        )
        # The SNS envelope is kept (no raw delivery): the consumer reads both shapes, and the
        # envelope says which topic it came from.
        self.events_topic.add_subscription(
            subscriptions.SqsSubscription(
                messaging.queues[email.events_queue],
                # what SNS cannot deliver to the queue (cdk-nag Serverless-SNSRedrivePolicy)
                dead_letter_queue=messaging.dead_letter_queues[email.events_queue],
            )
        )
        ses.ConfigurationSetEventDestination(
            self,
            "BouncesAndComplaints",
            configuration_set=self.configuration_set,
            configuration_set_event_destination_name=EVENT_DESTINATION,
            destination=ses.EventDestination.sns_topic(self.events_topic),
            events=[getattr(ses.EmailSendingEvent, name) for name in email.event_types],
        )
        self.sending_identity = ses.EmailIdentity(
            self,
            "SendingIdentity",
            identity=ses.Identity.domain(email.sending_domain),
            configuration_set=self.configuration_set,  # the default set: no email leaves without it
            dkim_signing=True,
        )
        self.inbound_identity = ses.EmailIdentity(
            self, "InboundIdentity", identity=ses.Identity.domain(email.inbound_domain)
        )

        inbound = functions[email.inbound.name]
        self.receipt_rule_set = ses.ReceiptRuleSet(
            self,
            "ReceiptRuleSet",
            receipt_rule_set_name=settings.name(email.receipt_rule_set),
            rules=[
                ses.ReceiptRuleOptions(
                    receipt_rule_name=settings.name(RECEIPT_RULE),
                    recipients=[email.inbound_domain],
                    scan_enabled=True,  # spam and virus verdicts: the handler quarantines on FAIL
                    tls_policy=ses.TlsPolicy.REQUIRE,
                    actions=[
                        actions.S3(
                            bucket=data.buckets[email.inbound_bucket],
                            object_key_prefix=email.raw_prefix,
                        ),
                        actions.Lambda(function=inbound, invocation_type=actions.LambdaInvocationType.EVENT),
                    ],
                )
            ],
        )

        identity_arn = stack.format_arn(
            service="ses", resource="identity", resource_name=email.sending_domain
        )
        configuration_set_arn = stack.format_arn(
            service="ses",
            resource="configuration-set",
            resource_name=settings.name(email.configuration_set),  # the literal, not a Ref: readable
        )
        for name in email.sender_functions:
            sender = functions[name]
            sender.add_to_role_policy(
                iam.PolicyStatement(
                    sid="SendThroughTheConfigurationSet",
                    actions=["ses:SendEmail"],
                    resources=[identity_arn, configuration_set_arn],
                    conditions={"StringEquals": {"ses:FromAddress": sender_address(email)}},
                )
            )
            sender.add_environment("RESPITE_EMAIL_SENDER", f"Respite <{sender_address(email)}>")
            sender.add_environment("RESPITE_INBOUND_DOMAIN", email.inbound_domain)
            sender.add_environment("RESPITE_SES_CONFIGURATION_SET", settings.name(email.configuration_set))
            sender.node.add_dependency(self.configuration_set)  # it exists before anything is sent

    def _let_ses_use(self, key: kms.IKey, stack: cdk.Stack) -> None:
        """SES puts objects into the bucket (default encryption: the at-rest key) and publishes to
        the topic (its own key): it needs data keys, on this account's behalf only."""
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="SesWritesMailAndEvents",
                principals=[iam.ServicePrincipal(SES_PRINCIPAL)],
                actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                resources=["*"],  # in a key policy, "*" is this key
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            )
        )
