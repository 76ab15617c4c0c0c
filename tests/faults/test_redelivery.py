"""Every event of a whole negotiation delivered twice and out of order ends in the same state as each
delivered once, in order.

The negotiation runs through the consent and claims APIs (register → notices to two offices →
acknowledgements and replies with claims → proposal → both accept → settlement). Then the
consumers run over what it produced, until nothing moves:

- the notifications consumer over the dossier table's stream (feed items, the outbox, the intakes
  of claims for the consolidation);
- the claims consolidation consumer over the consolidation queue's messages;
- the outbox consumer over the outbox queue's messages (emails to the offices).

Reference: each event once, in order, in batches of the catalogue's size. Then the tables are put back
as the APIs left them, and the same cascade runs with every event delivered twice: the first copies
shuffled, in batches of random sizes, the second copies held back and delivered, shuffled, after
the rest (a redelivery that arrives after later events). The end states must be equal — what the
consumers wrote to the dossier, feed and deliveries tables, and the emails SES was asked to send.

Only values that are random or stamped with the processing time by design differ between two runs
(`VOLATILE`); everything else is compared exactly.
"""

import random
from typing import Any

import pytest

from respite_core.resources import QueueName, TableName
from tests.faults.conftest import Stage, batches, seeds
from tests.faults.harness import cascade, invoke, rehearse


class TwiceShuffled:
    """Every record twice: the first copies shuffled now, the second held back for `flush`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.late: list[tuple[str, QueueName | TableName, dict[str, Any]]] = []

    def __call__(self, handler: str, source: QueueName | TableName, records: list[dict[str, Any]]) -> None:
        now = list(records)
        self.rng.shuffle(now)
        for batch in batches(now, self.rng, 10):
            assert invoke(handler, source, batch) == set()
        self.late.extend((handler, source, record) for record in records)

    def flush(self) -> int:
        late, self.late = self.late, []
        self.rng.shuffle(late)
        for handler, source, record in late:
            assert invoke(handler, source, [record]) == set()
        return len(late)


@pytest.mark.parametrize("seed", seeds(bounded=1, full=8))
def test_a_negotiation_delivered_twice_and_out_of_order_ends_in_the_same_state(
    stage_env: Stage, seed: int
) -> None:
    rehearsal = rehearse(stage_env)
    faulty = TwiceShuffled(random.Random(seed))
    cascade(rehearsal.taps, rehearsal.events, faulty, faulty.flush)
    rehearsal.assert_same_end_state()
