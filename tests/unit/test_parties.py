from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from respite_core.calendar import add_months
from respite_core.domain import (
    Address,
    Agency,
    AgencyKind,
    Consent,
    ConsentChannel,
    Country,
    DebtorIdentity,
    Language,
    Office,
    OfficeKind,
)
from respite_core.ids import utc_now
from respite_core.national_number import parse_national_number


def test_agency() -> None:
    agency = Agency(
        agency_id="ocmw-gent",
        name="OCMW Gent",
        kind=AgencyKind.OCMW,
        country=Country.BE,
        language=Language.NL,
        contact_email="schuldbemiddeling@ocmw.gent.example",
    )
    assert agency.kind is AgencyKind.OCMW
    with pytest.raises(ValidationError, match="contact_email"):
        Agency.model_validate({**agency.model_dump(), "contact_email": "not-an-address"})
    with pytest.raises(ValidationError, match="language"):
        Agency.model_validate({**agency.model_dump(), "language": "de"})


def office_fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "office_id": "office-42",
        "name": "Gerechtsdeurwaarders Peeters & Janssens",
        "kind": "bailiff",
        "country": "BE",
        "registration_number": "BE 0403.170.701",
        "language": "nl",
        "contact_emails": ["dossiers@peeters.example"],
    }
    fields.update(changes)
    return fields


def test_belgian_office_has_a_kbo_number() -> None:
    office = Office.model_validate(office_fields())
    assert office.registration_number == "0403170701"
    assert office.kind is OfficeKind.BAILIFF
    assert (office.public, office.utility, office.vtlb_required) == (False, False, False)
    assert office.webhook_url is None
    with pytest.raises(ValidationError, match="KBO"):
        Office.model_validate(office_fields(registration_number="0403170702"))


def test_dutch_office_has_a_kvk_number() -> None:
    office = Office.model_validate(
        office_fields(country="NL", registration_number="1234 5678", kind="creditor", public=True)
    )
    assert office.registration_number == "12345678"
    assert office.public is True
    with pytest.raises(ValidationError, match="KvK"):
        Office.model_validate(office_fields(country="NL", registration_number="1234567"))
    with pytest.raises(ValidationError, match="KvK"):
        Office.model_validate(office_fields(country="NL", registration_number="0403170701"))


def test_office_contacts_and_webhook() -> None:
    office = Office.model_validate(office_fields(webhook_url="https://hooks.peeters.example/respite"))
    assert str(office.webhook_url) == "https://hooks.peeters.example/respite"
    with pytest.raises(ValidationError, match="contact_emails"):
        Office.model_validate(office_fields(contact_emails=[]))
    with pytest.raises(ValidationError, match="contact_emails"):
        Office.model_validate(office_fields(contact_emails=["a@b.example", "no at sign"]))
    with pytest.raises(ValidationError, match="webhook_url"):
        Office.model_validate(office_fields(webhook_url="ftp://peeters.example"))


@pytest.mark.parametrize(
    ("country", "raw", "postal_code"),
    [
        ("BE", "9000", "9000"),
        ("BE", " 1000 ", "1000"),
        ("NL", "2601dc", "2601 DC"),
        ("NL", "2601 DC", "2601 DC"),
    ],
)
def test_postal_codes_per_country(country: str, raw: str, postal_code: str) -> None:
    address = Address.model_validate(
        {"country": country, "street": "Kerkstraat", "number": "1", "postal_code": raw, "city": "X"}
    )
    assert address.postal_code == postal_code


@pytest.mark.parametrize(
    ("country", "raw"), [("BE", "900"), ("BE", "0999"), ("NL", "9000"), ("NL", "2611 SS")]
)
def test_bad_postal_codes(country: str, raw: str) -> None:
    with pytest.raises(ValidationError, match="postal code"):
        Address.model_validate(
            {"country": country, "street": "Kerkstraat", "number": "1", "postal_code": raw, "city": "X"}
        )


def identity(**changes: Any) -> DebtorIdentity:
    fields: dict[str, Any] = {
        "national_number": {"country": "BE", "number": "85.07.30-033.28"},
        "given_names": "Jan Pieter",
        "family_name": "Claes",
        "birth_date": date(1985, 7, 30),
        "address": {"country": "BE", "street": "Veldstraat", "number": "12 bus 3", "postal_code": "9000",
                    "city": "Gent"},
    }  # fmt: skip
    fields.update(changes)
    return DebtorIdentity.model_validate(fields)


def test_debtor_identity() -> None:
    debtor = identity()
    assert debtor.national_number == parse_national_number(Country.BE, "85073003328")
    assert "85073003328" not in repr(debtor)
    dutch = identity(national_number={"country": "NL", "number": "111222333"}, birth_date=date(1990, 1, 1))
    assert dutch.national_number.country is Country.NL


def test_birth_date_must_match_the_belgian_number() -> None:
    with pytest.raises(ValidationError, match="does not match") as caught:
        identity(birth_date=date(1985, 7, 31))
    assert "85073003328" not in str(caught.value)
    assert "Claes" not in str(caught.value)  # input values are hidden in errors


def test_birth_date_not_in_the_future() -> None:
    tomorrow = utc_now().date() + timedelta(days=1)
    with pytest.raises(ValidationError, match="future"):
        identity(national_number={"country": "NL", "number": "111222333"}, birth_date=tomorrow)


def test_birth_date_within_the_last_120_years() -> None:
    oldest = add_months(utc_now().date(), -12 * 120)
    dutch = {"country": "NL", "number": "111222333"}  # a Dutch BSN encodes no birth date
    assert identity(national_number=dutch, birth_date=oldest).birth_date == oldest
    for implausible in (oldest - timedelta(days=1), date(1850, 6, 1), date(1, 1, 1)):
        with pytest.raises(ValidationError, match="more than 120 years ago"):
            identity(national_number=dutch, birth_date=implausible)


@pytest.mark.parametrize(
    "name",
    [
        "Jan\x00",  # NUL
        "Jan\nPieter",  # a line break
        "\u202enaJ",  # a right-to-left override: shown as "Jan"
        "Jan\u2066Claes",  # a bidi isolate
        "\u200b\u200b",  # only zero-width spaces
        "\u200d\ufeff\u00ad",  # only a joiner, a byte order mark and a soft hyphen
        "Jan\u2028Claes",  # a line separator
    ],
)
def test_names_are_readable_lines(name: str) -> None:
    for field in ("given_names", "family_name"):
        with pytest.raises(ValidationError, match=r"control|bidirectional|visible") as caught:
            identity(**{field: name})
        assert name not in str(caught.value)
    with pytest.raises(ValidationError):
        identity(address={"country": "BE", "street": name, "number": "1", "postal_code": "9000", "city": "X"})


@pytest.mark.parametrize("name", ["Zoë D'Hondt-Van den Broeck", "Şükrü", "محمد", "क्\u200dष", "李 小龙"])
def test_names_in_any_script_are_readable(name: str) -> None:
    assert identity(given_names=name).given_names == name


def test_invalid_national_number_in_identity_is_not_echoed() -> None:
    with pytest.raises(ValidationError, match="check digits") as caught:
        identity(national_number={"country": "BE", "number": "85073003329"})
    assert "85073003329" not in str(caught.value)


def consent_fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "text_version": "2025-03",
        "language": "fr",
        "text_sha256": "a" * 64,
        "channel": "signed_paper_form",
        "captured_by": "caseworker-7",
        "captured_at": datetime(2025, 3, 3, 9, 0, tzinfo=UTC),
    }
    fields.update(changes)
    return fields


def test_consent() -> None:
    consent = Consent.model_validate(consent_fields())
    assert consent.channel is ConsentChannel.SIGNED_PAPER_FORM
    assert consent.language is Language.FR
    local = Consent.model_validate(
        consent_fields(captured_at=datetime(2025, 3, 3, 10, 0, tzinfo=timezone(timedelta(hours=1))))
    )
    assert local.captured_at == consent.captured_at
    assert local.captured_at.tzinfo is UTC


@pytest.mark.parametrize(
    "changes",
    [
        {"text_sha256": "A" * 64},
        {"text_sha256": "a" * 63},
        {"channel": "phone"},
        {"captured_at": datetime(2025, 3, 3, 9, 0)},  # naive on purpose
        {"text_version": ""},
    ],
)
def test_consent_rejects(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Consent.model_validate(consent_fields(**changes))
