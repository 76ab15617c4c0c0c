"""An erased dossier's termination, as the notifications service reads it from the
`office-terminations` queue (the retention service puts one there per office the agency wrote to).

It names ids and why, nothing of the person: the dossier's data is gone by the time it is read.
`termination_id` is the same for the same dossier and office (the retention service derives it from
both), so it keys what is sent: one email and one webhook per (dossier, office), however often the
termination is queued or delivered.
"""

from pydantic import BaseModel, ConfigDict

from respite_core.erasure import ErasureReason


class Termination(BaseModel):
    model_config = ConfigDict(frozen=True)  # a tolerant reader: fields it does not know are ignored

    termination_id: str
    dossier_id: str
    office_id: str
    agency_id: str
    reason: ErasureReason
    # the office's own file references (from its replies), sealed for it with the platform's key:
    # opened for the signed webhook only (not the email), kept sealed until the records expire
    sealed_references: str | None = None


def record_id(termination: Termination) -> str:
    """The id its email record and webhook are kept under: no dossier id in it."""
    return f"term_{termination.termination_id}"
