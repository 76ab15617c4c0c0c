"""The catalogue's queues, each with its dead-letter queue; and the register of every queue where
failed work ends (`failure_queues`), which the monitoring alarms, one alarm each."""

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from respite_core.resources import QueueName, physical_name
from respite_infra.catalogue import Catalogue, Queue
from respite_infra.cdk.nag import acknowledge
from respite_infra.cdk.settings import StageSettings, construct_id

DLQ_RETENTION_DAYS = 14  # SQS's maximum: time for an operator to look and redrive


class Messaging(Construct):
    """One SQS queue per catalogue `Queue`, and its DLQ `<name>-dlq`, both encrypted with `key`."""

    def __init__(
        self, scope: Construct, id: str, *, catalogue: Catalogue, settings: StageSettings, key: kms.IKey
    ) -> None:
        super().__init__(scope, id)
        self._settings = settings
        self._key = key
        self.queues: dict[QueueName, sqs.Queue] = {}
        self.dead_letter_queues: dict[QueueName, sqs.Queue] = {}
        # every DLQ and on-failure destination, by its name without `respite-<stage>-`
        self.failure_queues: dict[str, sqs.Queue] = {}
        for queue in catalogue.queues:
            self.queues[queue.name], self.dead_letter_queues[queue.name] = self._queue(queue)

    def _queue(self, queue: Queue) -> tuple[sqs.Queue, sqs.Queue]:
        name = physical_name(self._settings.stage, queue.name)
        base = construct_id(queue.name.value)
        dlq = self.dead_letter_queue(
            f"{base}Dlq", f"{queue.name.value}-dlq", retention_days=queue.dlq_retention_days
        )
        main = self._encrypted(
            f"{base}Queue",
            name,
            retention_days=queue.retention_days,
            visibility_timeout=cdk.Duration.seconds(queue.visibility_timeout_s),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=queue.max_receive_count, queue=dlq),
        )
        return main, dlq

    def dead_letter_queue(self, id: str, name: str, *, retention_days: int = DLQ_RETENTION_DAYS) -> sqs.Queue:
        """A queue at the end of the line, `respite-<stage>-<name>`: what lands here waits for an
        operator (its runbook entry); registered in `failure_queues`, so it is alarmed."""
        dlq = self._encrypted(id, self._settings.name(name), retention_days=retention_days)
        self.failure_queues[name] = dlq
        acknowledge(
            dlq,
            "Serverless-SQSRedrivePolicy",
            "This queue is itself a dead-letter queue: nothing consumes it automatically, an operator "
            "inspects and redrives its messages (docs/runbook.md), so there is nowhere further to drive.",
        )
        return dlq

    def on_failure_destination(self, name: QueueName) -> sqs.Queue:
        """The catalogue queue `name` as where failed work goes (a stream mapping's on-failure
        destination): registered in `failure_queues`, so it is alarmed."""
        self.failure_queues[name.value] = self.queues[name]
        return self.queues[name]

    def _encrypted(
        self,
        id: str,
        queue_name: str,
        *,
        retention_days: int,
        visibility_timeout: cdk.Duration | None = None,
        dead_letter_queue: sqs.DeadLetterQueue | None = None,
    ) -> sqs.Queue:
        return sqs.Queue(
            self,
            id,
            queue_name=queue_name,
            retention_period=cdk.Duration.days(retention_days),
            visibility_timeout=visibility_timeout,
            dead_letter_queue=dead_letter_queue,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self._key,
            enforce_ssl=True,
            removal_policy=self._settings.removal_policy,
        )
