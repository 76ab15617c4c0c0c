"""The platform's settings: every `RESPITE_*` variable that tunes how the services behave, each with its
one default, read from the environment and checked in one place.

Set by CDK in AWS (`respite_infra.cdk.wiring`) and by the local stack on this machine. Not here: the
physical names of resources (`RESPITE_TABLE_*`, ...), which are wiring (`respite_core.resources`), and
the local stack's clock (`RESPITE_CLOCK_*`, `respite_core.clock`). An empty variable is an unset one.

`current()` reads the environment again only when a `RESPITE_*` variable changed since it last did:
the local stack sets some (its public URL) once its gateway is up, and tests set them per test. Every
API checks the settings when its function starts (`respite_core.api.Api`), the local stack before it
starts: a bad value stops it with a message naming the variable (`SettingError`).
"""

import os
import threading
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    ValidationError,
    field_validator,
)

PREFIX = "RESPITE_"
DEFAULT_PUBLIC_URL = "https://respite.example"
DEFAULT_EMAIL_SENDER = "Respite <no-reply@respite.example>"
DEFAULT_INBOUND_DOMAIN = "inbound.respite.example"
DEFAULT_RETENTION = timedelta(days=30)  # how long a closed dossier is kept before it is erased

type Environment = tuple[tuple[str, str], ...]


class SettingError(ValueError):
    """A setting's value is not one the platform can run with (the message names the variable)."""


class Settings(BaseModel):
    """Every setting, by the variable that carries it."""

    model_config = ConfigDict(frozen=True, extra="ignore", validate_by_name=True)

    # where the platform is reached: email links, callbacks, documents and webhook links
    public_base_url: str = Field(DEFAULT_PUBLIC_URL, alias="RESPITE_PUBLIC_URL")
    email_sender: str = Field(DEFAULT_EMAIL_SENDER, alias="RESPITE_EMAIL_SENDER")  # a verified SES identity
    # the domain SES receives the offices' replies on
    inbound_domain: str = Field(DEFAULT_INBOUND_DOMAIN, alias="RESPITE_INBOUND_DOMAIN")
    # SES's configuration set whose bounce and complaint events come back (none: not asked for)
    ses_configuration_set: str | None = Field(None, alias="RESPITE_SES_CONFIGURATION_SET")
    # the browser front ends whose requests the APIs answer readably (CORS), comma-separated
    frontend_origins: frozenset[str] = Field(frozenset(), alias="RESPITE_FRONTEND_ORIGINS")
    lookups_per_hour: PositiveInt = Field(60, alias="RESPITE_LOOKUPS_PER_HOUR")  # one office's person lookups
    retention_days: NonNegativeInt = Field(DEFAULT_RETENTION.days, alias="RESPITE_RETENTION_DAYS")
    # tests only: multiplies every wait of the webhook retry schedule, in (0, 1]
    webhooks_time_scale: float = Field(1.0, alias="RESPITE_WEBHOOKS_TIME_SCALE")
    # only the local stack ("1"): offices' test receivers on this machine
    webhooks_allow_loopback: bool = Field(False, alias="RESPITE_WEBHOOKS_ALLOW_LOOPBACK")

    @field_validator("public_base_url")
    @classmethod
    def _an_http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL, e.g. https://api.respite.example")
        return value.rstrip("/")

    @field_validator("frontend_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return (
            frozenset(o.strip() for o in value.split(",") if o.strip()) if isinstance(value, str) else value
        )

    @field_validator("webhooks_time_scale")
    @classmethod
    def _a_fraction(cls, value: float) -> float:
        if not 0 < value <= 1:
            raise ValueError("must be in (0, 1]")
        return value

    @field_validator("webhooks_allow_loopback", mode="before")
    @classmethod
    def _exactly_one(cls, value: Any) -> Any:
        return value == "1" if isinstance(value, str) else value  # "true", "yes": not the local stack

    @property
    def retention(self) -> timedelta:
        """How long a closed dossier is kept before it is erased."""
        return timedelta(days=self.retention_days)

    def public_url(self, path: str) -> str:
        """The public URL of `path` (e.g. `/claims/inbox`): the one place such URLs are made."""
        return f"{self.public_base_url}/{path.lstrip('/')}"


def variable(field: str) -> str:
    """The environment variable that carries a setting: `variable("retention_days")`."""
    alias = Settings.model_fields[field].alias
    assert alias is not None
    return alias


def from_environment(environ: Mapping[str, str]) -> Settings:
    """The settings `environ` gives; SettingError naming each bad variable (and why, not its value)."""
    given = {name: value for name, value in environ.items() if name.startswith(PREFIX) and value}
    try:
        return Settings.model_validate(given)
    except ValidationError as error:
        reasons = "; ".join(
            f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}"
            for e in error.errors(include_input=False, include_url=False)
        )
        raise SettingError(f"invalid settings: {reasons}") from None


_lock = threading.Lock()
_read: tuple[Environment, Settings] | None = None


def current() -> Settings:
    """The settings of this process's environment as it is now (read again only when it changed)."""
    global _read
    environment = _respite_environment()
    read = _read
    if read is not None and read[0] == environment:
        return read[1]
    settings = from_environment(dict(environment))
    with _lock:
        _read = (environment, settings)
    return settings


def reset() -> None:
    """Forget the settings read: the next `current()` reads the environment."""
    global _read
    with _lock:
        _read = None


def public_url(path: str) -> str:
    """The public URL of `path`, under `RESPITE_PUBLIC_URL`."""
    return current().public_url(path)


def _respite_environment() -> Environment:
    for _ in range(3):  # another thread (the local stack starting) may set a variable meanwhile
        try:
            return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(PREFIX)))
        except RuntimeError:
            continue
    return tuple(sorted((k, v) for k, v in os.environ.copy().items() if k.startswith(PREFIX)))
