"""Demo data for the local stack: two agencies, three offices, caseworkers for each agency, a person
at each office."""

from respite_core.domain import Agency, Office
from respite_core.store.directory import Directory
from respite_infra.local.identity import Caseworker, OfficeUser

DEMO_PASSWORD = "Respite-demo-2026!"  # noqa: S105 - local demo users only; never deployed

AGENCIES = (
    Agency.model_validate(
        {
            "agency_id": "ocmw-gent",
            "name": "OCMW Gent",
            "kind": "ocmw",
            "country": "BE",
            "language": "nl",
            "contact_email": "schuldbemiddeling@ocmw-gent.example",
            "postal_address": {
                "country": "BE",
                "street": "Onderbergen",
                "number": "86",
                "postal_code": "9000",
                "city": "Gent",
            },
        }
    ),
    Agency.model_validate(
        {
            "agency_id": "shv-utrecht",
            "name": "Gemeente Utrecht Schuldhulpverlening",
            "kind": "shv",
            "country": "NL",
            "language": "nl",
            "contact_email": "schuldhulp@utrecht.example",
            "postal_address": {
                "country": "NL",
                "street": "Stadsplateau",
                "number": "1",
                "postal_code": "3521 AZ",
                "city": "Utrecht",
            },
        }
    ),
)

OFFICES = (
    Office.model_validate(
        {
            "office_id": "vanhove",
            "name": "Gerechtsdeurwaarders Van Hove",
            "kind": "bailiff",
            "country": "BE",
            "registration_number": "0403170701",
            "language": "nl",
            "contact_emails": ["dossiers@vanhove.example"],
            "postal_address": {
                "country": "BE",
                "street": "Kortrijksesteenweg",
                "number": "1020",
                "postal_code": "9051",
                "city": "Gent",
            },
        }
    ),
    Office.model_validate(
        {
            "office_id": "lambert",
            "name": "Étude Lambert, huissiers de justice",
            "kind": "bailiff",
            "country": "BE",
            "registration_number": "0876543270",
            "language": "fr",
            "contact_emails": ["etude@lambert.example"],
            "postal_address": {
                "country": "BE",
                "street": "Rue de Namur",
                "number": "14",
                "postal_code": "5000",
                "city": "Namur",
            },
            "vtlb_required": False,
        }
    ),
    Office.model_validate(
        {
            "office_id": "waterbedrijf-noord",
            "name": "Waterbedrijf Noord",
            "kind": "creditor",
            "country": "NL",
            "registration_number": "12345678",
            "language": "nl",
            "contact_emails": ["incasso@wbnoord.example"],
            "postal_address": {
                "country": "NL",
                "street": "Postbus",
                "number": "2110",
                "postal_code": "9704 CC",
                "city": "Groningen",
            },
            "utility": True,
            "public": False,
            "vtlb_required": True,
        }
    ),
)

CASEWORKERS = (
    Caseworker("anna@ocmw-gent.example", DEMO_PASSWORD, "ocmw-gent", "caseworker"),
    Caseworker("bram@ocmw-gent.example", DEMO_PASSWORD, "ocmw-gent", "agency_admin"),
    Caseworker("dora@ocmw-gent.example", DEMO_PASSWORD, "ocmw-gent", "supervisor"),  # the DPO
    Caseworker("sanne@utrecht.example", DEMO_PASSWORD, "shv-utrecht", "caseworker"),
    Caseworker("olga@respite.example", DEMO_PASSWORD, "respite-operations", "operator"),
)


OFFICE_USERS = (
    OfficeUser("desk@vanhove.example", DEMO_PASSWORD, "vanhove"),
    OfficeUser("accueil@lambert.example", DEMO_PASSWORD, "lambert"),
    OfficeUser("incasso@wbnoord.example", DEMO_PASSWORD, "waterbedrijf-noord"),
)


def seed_directory() -> None:
    directory = Directory()
    for agency in AGENCIES:
        directory.put_agency(agency)
    for office in OFFICES:
        directory.put_office(office)
