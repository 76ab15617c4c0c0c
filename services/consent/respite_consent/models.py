"""What the consent API accepts and answers (the stored shapes live in `store`)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from respite_core.domain import ConsentChannel, DebtorIdentity, DossierState, Language, UtcDatetime


class ConsentGiven(BaseModel):
    """The consent the caseworker captured: which text, in which language, how, and when."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    text_version: str = Field(min_length=1, max_length=20, examples=["v1"])
    language: Language
    channel: ConsentChannel
    given_at: UtcDatetime | None = Field(default=None, description="when the person consented; default: now")


class RegisterDossier(BaseModel):
    """Register a person who asked for debt help, with their consent; opens their dossier."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    person: DebtorIdentity
    consent: ConsentGiven


class DossierRegistered(BaseModel):
    dossier_id: str
    agency_id: str
    state: DossierState
    opened_at: datetime
