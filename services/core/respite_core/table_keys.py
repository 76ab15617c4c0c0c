"""Every partition and sort key of every table, built here and nowhere else.

The dossier table is single-table: one partition per dossier (`DOSSIER#<id>`) holds the dossier,
the sealed person, the consent evidence, claims and messages, so the dossier view is one Query.
Lookups that must not reveal a national number use its keyed hash (`PERSON#<pseudonym>`): the
person's registrations live in the key store, not here, so no stream record or backup of the dossier
table links a pseudonym to a dossier.
"""

DOSSIER_META = "META"
DOSSIER_PERSON = "PERSON"
DOSSIER_CONSENT = "CONSENT"


def dossier(dossier_id: str) -> str:
    return f"DOSSIER#{dossier_id}"


def agency(agency_id: str) -> str:
    return f"AGENCY#{agency_id}"


def office(office_id: str) -> str:
    return f"OFFICE#{office_id}"


def person(pseudonym: str) -> str:
    """The registration of one person at one agency, in the key store: PK person(pseudonym), SK
    agency(agency_id)."""
    return f"PERSON#{pseudonym}"


PERSON_STANDSTILL = "STANDSTILL"  # SK of a person's standstill, beside their registrations (key store)


def registration_of(dossier_id: str) -> str:
    """The key store's pointer from a dossier to its person's registrations (PK = SK; attribute
    `person_key`): what lets a transfer move them and an erasure find them once the key is gone."""
    return f"REGISTERED#{dossier_id}"


def agency_dossier_listing(opened_at_iso: str, dossier_id: str) -> str:
    """GSI1 sort key of a dossier under its agency: newest last, ids break ties."""
    return f"DOSSIER#{opened_at_iso}#{dossier_id}"


def feed(agency_id: str) -> str:
    return f"FEED#{agency_id}"


def feed_item(item_id: str) -> str:
    return f"ITEM#{item_id}"


AGENCIES = "DIRECTORY#AGENCIES"  # the directory's partition of agencies: SK agency(agency_id)
OFFICES = "DIRECTORY#OFFICES"  # and of offices: SK office(office_id); one Query lists them all


def data_key(dossier_id: str) -> str:
    return f"KEY#{dossier_id}"


def claim(office_id: str, office_reference_hash: str) -> str:
    """A claim in its dossier's partition, named by the office's file reference (hashed: no PII in keys)."""
    return f"CLAIM#{office_id}#{office_reference_hash}"


def message(message_id: str) -> str:
    return f"MSG#{message_id}"


def claims_intake(intake_id: str) -> str:
    """Claims received and not yet consolidated, in their dossier's partition (SK): the trigger of the
    consolidation, written with the claims (`respite_core.store.claims_intake`)."""
    return f"INTAKE#{intake_id}"


CLAIMS_VERSION = "CLAIMS_VERSION"  # SK in a dossier's partition: counts the writes of its claims


def creditor_record(kind: str, office_id: str) -> str:
    """What the agency keeps about one creditor of the dossier (SK): `METERS` (a utility's meter
    readings) or `OBJECTION` (its office's objection to the standstill)."""
    return f"CREDITOR#{office_id}#{kind}"


def claim_receipts(agency_id: str) -> str:
    """An agency's log of received claims, for the status overview: SK = receipt(...)."""
    return f"RECEIPTS#{agency_id}"


def receipt(received_at_iso: str, claim_id: str) -> str:
    return f"{received_at_iso}#{claim_id}"


def access_log(dossier_id: str) -> str:
    return f"ACCESS#{dossier_id}"


def office_lookups(office_id: str) -> str:
    """An office's lookups that matched no dossier (a match is in that dossier's access log): SK
    access_entry(...)."""
    return f"LOOKUPS#{office_id}"


def access_entry(at_iso: str, entry_id: str) -> str:
    return f"{at_iso}#{entry_id}"


def inbox(office_id: str) -> str:
    """An office's unacknowledged messages (pointers into dossier partitions): SK inbox_entry(...)."""
    return f"INBOX#{office_id}"


def inbox_entry(created_at_iso: str, message_id: str) -> str:
    return f"{created_at_iso}#{message_id}"


# GSI2, sparse: what is due when. Only items with a pending deadline carry GSI2PK/GSI2SK.
DEADLINE_INDEX = "GSI2"
REPLY_DUE = "DUE#REPLY"  # a request waiting for its reply (message items)
ACK_DUE = "DUE#ACK"  # a message waiting to be fetched and acknowledged (inbox items)
STANDSTILL_DUE = "DUE#STANDSTILL"  # a running standstill (dossier items)


def deadline(due_on_iso: str, dossier_id: str, item_id: str = "") -> str:
    return f"{due_on_iso}#{dossier_id}#{item_id}"


def office_client(client_id: str) -> str:
    """The directory's mapping from an office system's OAuth2 client id to its office."""
    return f"CLIENT#{client_id}"


def contact_flags(office_id: str) -> str:
    """The directory's partition of an office's contact addresses that bounced or complained (SK:
    `contact_flag(address)`); email is not sent to them."""
    return f"CONTACTFLAGS#{office_id}"


def contact_flag(address: str) -> str:
    return f"ADDRESS#{address.lower()}"


def rate_window(subject: str, window_start_iso: str) -> str:
    return f"RATE#{subject}#{window_start_iso}"


def feed_counter(agency_id: str) -> str:
    """The agency's unread count, kept in the same transaction as every feed change."""
    return f"FEEDCOUNT#{agency_id}"


# --- the deliveries table: reference tokens and emails sent (no personal data) ---------------------


def reference_token(token_hash: str) -> str:
    """A reference token, by the SHA-256 of the token (the token itself is never stored). Also the SK
    of its pointer in the dossier's partition, so erasing a dossier finds its tokens."""
    return f"TOKEN#{token_hash}"


def token_for(message_id: str, office_id: str) -> str:
    """Which token opens one message for one office: at most one live token per pair."""
    return f"TOKENFOR#{message_id}#{office_id}"


def email_sent(message_id: str) -> str:
    """The email of one message to its office: sent once, however often the outbox delivers it."""
    return f"EMAIL#{message_id}"


def attachment(message_id: str, document_id: str) -> str:
    """A document attached to a reply, in the dossier's partition (SK)."""
    return f"ATTACHMENT#{message_id}#{document_id}"


# --- the deliveries table: webhook deliveries, their attempts and each office's endpoint ------------


def webhooks(office_id: str) -> str:
    """An office's webhook partition: its endpoint's state, deliveries, attempts and events."""
    return f"WEBHOOK#{office_id}"


WEBHOOK_ENDPOINT = "ENDPOINT"  # the office's endpoint: disabled after a 410, until an operator enables it


def webhook_delivery(webhook_id: str) -> str:
    return f"DELIVERY#{webhook_id}"


def webhook_attempt(webhook_id: str, round_: int, attempt: int) -> str:
    """One HTTP attempt: `round_` counts operator redeliveries (0 first), `attempt` the schedule's steps."""
    return f"ATTEMPT#{webhook_id}#{round_:03d}#{attempt:02d}"


def webhook_event(at_iso: str, kind: str, webhook_id: str) -> str:
    """Something a caseworker may need to hear (an endpoint disabled, a delivery given up)."""
    return f"EVENT#{at_iso}#{kind}#{webhook_id}"


# --- erasure (the retention service) ---------------------------------------------------------------

ERASURE_DUE = "DUE#ERASURE"  # GSI2PK of a closed dossier's meta item: the sweeper erases it when due


def erasure_due(retention_ends_at_iso: str, dossier_id: str) -> str:
    """GSI2SK of a closed dossier: when its retention ends (ISO, so the index sorts by time)."""
    return f"{retention_ends_at_iso}#{dossier_id}"


def idempotency_record(record_id: str) -> str:
    """A pointer in the dossier's partition to an idempotency record of a request about it (erasure)."""
    return f"IDEMPOTENCY#{record_id}"


def erasure_receipt(subject: str) -> str:
    """The access log's receipt of one erasure, by the keyed hash of the dossier id (SK: RECEIPT)."""
    return f"ERASED#{subject}"


ERASURE_RECEIPT = "RECEIPT"


def erasures_on(day_iso: str) -> str:
    """The access log's partition of the erasures started on one day (UTC): SK `<started_at>#<subject>`."""
    return f"ERASURES#{day_iso}"
