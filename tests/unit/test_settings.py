"""The platform's settings: one default each, checked at start, read again when the environment changes."""

from datetime import timedelta

import pytest

from respite_core import settings
from respite_core.settings import SettingError, Settings, from_environment, variable
from respite_infra.local.__main__ import main as local_main


def test_every_setting_has_its_default_when_nothing_is_set() -> None:
    defaults = from_environment({})
    assert defaults == Settings()
    assert defaults.public_base_url == "https://respite.example"
    assert defaults.retention == timedelta(days=30) == settings.DEFAULT_RETENTION
    assert defaults.lookups_per_hour == 60
    assert defaults.ses_configuration_set is None
    assert defaults.frontend_origins == frozenset()
    assert defaults.webhooks_time_scale == 1.0
    assert defaults.webhooks_allow_loopback is False


def test_each_setting_is_read_from_its_variable() -> None:
    read = from_environment(
        {
            "RESPITE_PUBLIC_URL": "https://api.respite.example/",
            "RESPITE_EMAIL_SENDER": "Respite <no-reply@mail.respite.example>",
            "RESPITE_INBOUND_DOMAIN": "in.respite.example",
            "RESPITE_SES_CONFIGURATION_SET": "respite-dev-mail",
            "RESPITE_FRONTEND_ORIGINS": "https://app.respite.example, https://admin.respite.example",
            "RESPITE_LOOKUPS_PER_HOUR": "5",
            "RESPITE_RETENTION_DAYS": "0",
            "RESPITE_WEBHOOKS_TIME_SCALE": "0.001",
            "RESPITE_WEBHOOKS_ALLOW_LOOPBACK": "1",
            "RESPITE_TABLE_DOSSIERS": "respite-dev-dossiers",  # wiring, not a setting: ignored here
            "HOME": "/root",
        }
    )
    assert read.public_base_url == "https://api.respite.example"
    assert read.email_sender == "Respite <no-reply@mail.respite.example>"
    assert read.inbound_domain == "in.respite.example"
    assert read.ses_configuration_set == "respite-dev-mail"
    assert read.frontend_origins == {"https://app.respite.example", "https://admin.respite.example"}
    assert read.lookups_per_hour == 5
    assert read.retention == timedelta(0)
    assert read.webhooks_time_scale == 0.001
    assert read.webhooks_allow_loopback is True


def test_an_empty_variable_is_an_unset_one() -> None:
    assert from_environment({"RESPITE_PUBLIC_URL": "", "RESPITE_RETENTION_DAYS": ""}) == Settings()


def test_public_urls_are_made_in_one_place() -> None:
    read = from_environment({"RESPITE_PUBLIC_URL": "http://127.0.0.1:8000/"})
    assert read.public_url("/claims/inbox") == "http://127.0.0.1:8000/claims/inbox"
    assert read.public_url("notifications/r/abc") == "http://127.0.0.1:8000/notifications/r/abc"


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("RESPITE_RETENTION_DAYS", "thirty", "valid integer"),
        ("RESPITE_RETENTION_DAYS", "-1", "greater than or equal to 0"),
        ("RESPITE_LOOKUPS_PER_HOUR", "0", "greater than 0"),
        ("RESPITE_WEBHOOKS_TIME_SCALE", "2", "must be in (0, 1]"),
        ("RESPITE_PUBLIC_URL", "api.respite.example", "http(s) URL"),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(name: str, value: str, reason: str) -> None:
    with pytest.raises(SettingError) as refused:
        from_environment({name: value})
    assert f"{name}: " in str(refused.value)
    assert reason in str(refused.value)


def test_only_exactly_1_allows_loopback() -> None:
    for value in ("true", "yes", "0"):
        assert from_environment({"RESPITE_WEBHOOKS_ALLOW_LOOPBACK": value}).webhooks_allow_loopback is False


def test_the_settings_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESPITE_PUBLIC_URL", "https://one.respite.example")
    assert settings.public_url("/x") == "https://one.respite.example/x"
    assert settings.current() is settings.current()  # read once while nothing changes
    monkeypatch.setenv("RESPITE_PUBLIC_URL", "https://two.respite.example")
    assert settings.public_url("/x") == "https://two.respite.example/x"
    settings.reset()
    assert settings.public_url("/x") == "https://two.respite.example/x"


def test_the_variables_are_named_once() -> None:
    assert variable("retention_days") == "RESPITE_RETENTION_DAYS"
    assert variable("public_base_url") == "RESPITE_PUBLIC_URL"


def test_a_bad_setting_stops_the_local_stack_before_it_starts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RESPITE_RETENTION_DAYS", "a month")
    assert local_main(["--port", "0"]) == 2
    assert "RESPITE_RETENTION_DAYS: Input should be a valid integer" in capsys.readouterr().err
