"""The link page's form read as a typed reply: euros with a comma or a point, empty rows ignored, each
error named as the form labels the field, in the office's language, without the value typed."""

from respite_claims.by_token import reply_from
from respite_core.domain import CreditorClass, Language, MessageType, NoCooperationReason
from respite_core.forms import FormData
from respite_core.wording import PAGE

NL, FR = PAGE[Language.NL], PAGE[Language.FR]


def form(**fields: str) -> FormData:
    return FormData(fields={name.replace("__", "-"): [value] for name, value in fields.items()})


def test_a_filled_form_is_the_reply_the_api_would_take() -> None:
    reply, errors = reply_from(
        form(
            type="notice_ack",
            file_references="VH/1\n\n  VH/2  \n",
            claims__0__office_reference="VH-77",
            claims__0__principal_creditor="Stad Gent",
            claims__0__creditor_class="preferential",
            claims__0__principal="1234,56",
            claims__0__interest="12.5",
            claims__0__costs="7",
            claims__1__creditor_class="ordinary",  # an empty row: only its select has a value
            comment="  betaald in maart  ",
        ),
        NL,
    )

    assert errors == []
    assert reply is not None
    assert reply.type is MessageType.NOTICE_ACK
    assert reply.file_references == ["VH/1", "VH/2"]
    assert reply.comment == "betaald in maart"
    [claim] = reply.claims
    assert (claim.office_reference, claim.principal_creditor) == ("VH-77", "Stad Gent")
    assert claim.creditor_class is CreditorClass.PREFERENTIAL
    assert (claim.principal, claim.interest, claim.costs, claim.paid) == (123_456, 1_250, 700, 0)


def test_a_reason_counts_with_no_cooperation_only() -> None:
    refused, errors = reply_from(form(type="no_cooperation", reason="recent_attempt"), NL)
    assert errors == []
    assert refused is not None
    assert refused.reason is NoCooperationReason.RECENT_ATTEMPT

    acknowledged, errors = reply_from(form(type="notice_ack", reason="recent_attempt"), NL)
    assert errors == []
    assert acknowledged is not None
    assert acknowledged.reason is None  # the select's value is ignored for other answers

    missing, errors = reply_from(form(type="no_cooperation"), NL)
    assert missing is None
    assert errors == [f"{NL['reason']}: {NL['reason_required']}"]


def test_a_rejection_takes_the_offices_own_reason_and_no_listed_one() -> None:
    rejected, errors = reply_from(
        form(type="proposal_reject", reason="recent_attempt", rejection_reason=" Te weinig per maand. "), NL
    )
    assert errors == []
    assert rejected is not None
    assert rejected.reason == "Te weinig per maand."

    silent, errors = reply_from(form(type="proposal_reject"), NL)
    assert errors == []
    assert silent is not None
    assert silent.reason is None  # a rejection may give no reason

    accepted, errors = reply_from(form(type="proposal_accept", rejection_reason="ignored"), NL)
    assert errors == []
    assert accepted is not None
    assert accepted.reason is None


def test_errors_name_the_field_in_the_offices_language_and_never_the_value() -> None:
    reply, errors = reply_from(
        form(
            type="notice_ack",
            claims__0__office_reference="L-1",
            claims__0__principal_creditor="SWDE",
            claims__0__principal="1.234,56",
            claims__0__paid="-3",
            claims__2__costs="5",
        ),
        FR,
    )

    assert reply is None
    assert errors == [
        "Créance 1 - Principal (€): " + FR["field_amount"],
        "Créance 1 - Déjà payé (€): " + FR["field_amount"],
        "Créance 3 - Votre référence: " + FR["field_required"],
        "Créance 3 - Mandant: " + FR["field_required"],
        "Créance 3 - Principal (€): " + FR["field_required"],
    ]
    assert not any("1.234,56" in e or "-3" in e for e in errors)


def test_unknown_choices_are_refused_by_the_model() -> None:
    reply, errors = reply_from(
        form(
            type="pay_nothing",
            claims__0__office_reference="X",
            claims__0__principal_creditor="Y",
            claims__0__principal="1",
            claims__0__creditor_class="royal",
        ),
        NL,
    )

    assert reply is None
    assert f"{NL['reply_type']}: {NL['field_choice']}" in errors
    assert f"Vordering 1 - {NL['creditor_class']}: {NL['field_choice']}" in errors


def test_paid_more_than_owed_is_refused() -> None:
    reply, errors = reply_from(
        form(
            type="balance_reply",
            claims__0__office_reference="X",
            claims__0__principal_creditor="Y",
            claims__0__principal="10",
            claims__0__paid="11",
        ),
        NL,
    )
    assert reply is None
    assert errors == [f"Vordering 1 - {NL['paid']}: {NL['field_overpaid']}"]


def test_amounts_above_the_bound_of_every_path_are_refused_in_the_offices_language() -> None:
    at_most, too_large = "9999999999999,99", "10000000000000"
    accepted, none = reply_from(
        form(
            type="balance_reply",
            claims__0__office_reference="X",
            claims__0__principal_creditor="Y",
            claims__0__principal=at_most,
        ),
        NL,
    )
    reply, errors = reply_from(
        form(
            type="balance_reply",
            claims__0__office_reference="X",
            claims__0__principal_creditor="Y",
            claims__0__principal=too_large,
            claims__0__costs="1" + "0" * 40,
        ),
        NL,
    )

    assert none == []
    assert accepted is not None
    assert accepted.claims[0].principal == 10**15 - 1
    assert reply is None
    assert errors == [
        f"Vordering 1 - {NL['principal']}: {NL['field_too_large']}",
        f"Vordering 1 - {NL['costs']}: {NL['field_too_large']}",
    ]
    assert not any(too_large in e for e in errors)
