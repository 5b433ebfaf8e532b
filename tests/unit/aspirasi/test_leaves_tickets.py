"""What leaves LAKSA, key by key: the public ticket view and its history entries, the
officer's views, the Open311 request, and each event. The expected sets are written out
here; a new key in any of them fails until it is added on purpose (and its reader asked)."""
import hashlib
from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree

import pytest
from nameko.testing.services import worker_factory

from services.aspirasi import domain, open311
from services.aspirasi.domain import Category
from services.aspirasi.fake_repository import FakeOutbox as TicketOutbox
from services.aspirasi.fake_repository import FakeTicketRepository
from services.aspirasi.service import AspirasiService
from services.gateway.laksa.open311_xml import definition_to_xml, to_xml
from services.servicekit.caller import Caller
from services.servicekit.regions import get_region

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # a Monday, 10:00 in Tangerang
TANGERANG = get_region("36.71")
CATEGORIES = {"sampah": Category("sampah", "Sampah", "DLH")}
REPORT = {"category": "sampah", "description": "Sampah menumpuk",
          "location": {"lat": -6.17, "long": 106.63, "address": "Jl. Merdeka 1"},
          "reporter": {"name": "Budi", "nik": "3671011708900001", "phone": "081234567890",
                       "email": "budi@example.org"}, "show_name": True}
ADMIN = Caller("admin-7", "region_admin", "36.71")
OFFICER = Caller("officer-9", "opd_officer", "36.71", opd="DLH")

PUBLIC_TICKET = {"number", "region", "category", "opd", "description", "location", "photos",
                 "status", "status_label", "reporter_name", "submitted_at", "updated_at",
                 "verify_due_at", "opd_due_at", "sla", "overdue", "duplicate_of", "history"}
# No `actor`: the acting officer's account id stays inside the service.
PUBLIC_HISTORY_ENTRY = {"from", "to", "action", "role", "note", "at"}
OFFICER_TICKET = PUBLIC_TICKET | {"reporter", "version", "likely_duplicates",
                                  "nik_outside_region", "nik_note"}
OFFICER_PAGE = OFFICER_TICKET | {"due_at", "actions", "note_readers"}
OFFICER_HISTORY_ENTRY = PUBLIC_HISTORY_ENTRY | {"actor", "readers"}  # who may read its note
QUEUE_ITEM = {"number", "category", "opd", "status", "status_label", "submitted_at", "due_at",
              "overdue", "nik_outside_region"}
OPEN311_REQUEST = {"service_request_id", "status", "status_notes", "service_name", "service_code",
                   "description", "agency_responsible", "service_notice", "requested_datetime",
                   "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
                   "lat", "long", "media_url"}
OPEN311_SERVICE = {"service_code", "service_name", "description", "metadata", "type", "keywords",
                   "group"}
ENVELOPE = {"event_id", "event_type", "schema_version", "source", "region",
            "occurred_at", "payload"}
EVENT_PAYLOADS = {
    "aspirasi_submitted": {"number", "category", "opd", "submitted_at", "location", "receipt"},
    "aspirasi_status_changed": {"number", "category", "opd", "from", "to", "action", "role", "at",
                                "on_time", "note"},
    "aspirasi_sla_breached": {"number", "category", "opd", "clock", "due_at", "status"},
}
# Events travel to every subscriber: the point only, never the address.
EVENT_LOCATION = {"lat", "long"}


def submitted():
    fields = domain.validate_submission(REPORT, TANGERANG, CATEGORIES)
    return domain.submitted("LAKSA-3671-2026-000001", TANGERANG, fields, NOW, "hash", None)


def verified():
    return domain.transition(submitted().record, "verify", ADMIN, NOW, "dicek", region=TANGERANG)


def started():
    ticket = domain.transition(verified().record, "dispatch", ADMIN, NOW, opd="DLH", opds={"DLH"},
                               region=TANGERANG).record
    return domain.transition(ticket, "start", OFFICER, NOW, "mulai", region=TANGERANG).record


def test_the_public_view_and_its_history_carry_exactly_the_allowed_keys():
    view = domain.public_view(started())
    assert set(view) == PUBLIC_TICKET
    assert len(view["history"]) == 4
    for entry in view["history"]:
        assert set(entry) == PUBLIC_HISTORY_ENTRY
    assert "officer-9" not in repr(view) and "admin-7" not in repr(view)
    assert "3671011708900001" not in repr(view) and "081234567890" not in repr(view)


def test_the_officer_views_add_exactly_their_keys():
    ticket = {**started(), "version": 4}  # the repository's count of stored writes
    assert set(domain.officer_view(ticket, [])) == OFFICER_TICKET
    page = domain.officer_ticket(ticket, [], OFFICER, NOW)
    assert set(page) == OFFICER_PAGE
    assert [set(entry) for entry in page["history"]] == [OFFICER_HISTORY_ENTRY] * 4
    row = {**ticket, "due_at": NOW, "overdue": False}
    assert set(domain.queue_item(row)) == QUEUE_ITEM


def test_the_notifications_service_gets_the_contact_and_nothing_else():
    assert domain.notification_contact(started()) == {"email": "budi@example.org",
                                                      "phone": "081234567890"}


def test_the_open311_request_and_service_entry_carry_exactly_the_georeport_keys():
    request = open311.service_request(domain.public_view(started()), {"sampah": "Sampah"})
    assert set(request) == OPEN311_REQUEST
    category = {"code": "sampah", "name": "Sampah", "opd": "DLH"}
    assert set(open311.service_entry(category)) == OPEN311_SERVICE
    assert set(open311.service_definition(category)) == {"service_code", "attributes"}


def breach():
    ticket = verified().record
    decision = domain.breached(ticket, ticket["verify_due_at"] + timedelta(seconds=1))
    assert decision is not None
    return decision


@pytest.mark.parametrize("decide", [submitted, verified, breach], ids=["submit", "verify", "breach"])
def test_each_event_carries_exactly_its_payload(decide):
    [event] = decide().events
    assert set(event) == ENVELOPE
    assert set(event["payload"]) == EVENT_PAYLOADS[event["event_type"]]
    if "location" in event["payload"]:
        assert set(event["payload"]["location"]) == EVENT_LOCATION


OPEN311_SUBMITTED = {"service_request_id", "token", "service_notice", "account_id"}
OPEN311_TOKEN = {"service_request_id", "token"}


def xml_fields(body, root, item):
    tree = ElementTree.fromstring(body)
    assert tree.tag == root
    return [{child.tag for child in node} for node in tree if node.tag == item]


def test_the_open311_xml_carries_exactly_the_json_fields():
    request = open311.service_request(domain.public_view(started()), {"sampah": "Sampah"})
    assert xml_fields(to_xml("requests", [request]), "service_requests", "request") == [OPEN311_REQUEST]
    entry = open311.service_entry({"code": "sampah", "name": "Sampah", "opd": "DLH"})
    assert xml_fields(to_xml("services", [entry]), "services", "service") == [OPEN311_SERVICE]
    definition = ElementTree.fromstring(definition_to_xml(open311.service_definition(
        {"code": "sampah", "name": "Sampah", "opd": "DLH"})))
    assert {child.tag for child in definition} == {"service_code", "attributes"}


def test_an_open311_submission_answers_exactly_the_georeport_fields():
    """Through the service's handlers (in-memory store): the submit, token and request answers."""
    repo = FakeTicketRepository(None)
    laksa = worker_factory(AspirasiService, repo=repo, outbox=TicketOutbox(repo))
    repo.add_api_key(hashlib.sha256(b"kunci-mitra").hexdigest(), "36.71", "mitra", NOW)
    code = next(iter(repo.categories("36.71")))
    [answer] = laksa.open311_submit("36.71", {"service_code": code, "description": "Jalan berlubang",
                                              "lat": "-6.17", "long": "106.63"}, "kunci-mitra")
    assert set(answer) == OPEN311_SUBMITTED
    [found] = laksa.open311_token("36.71", answer["token"])
    assert set(found) == OPEN311_TOKEN
    [request] = laksa.open311_requests("36.71", ids=[answer["service_request_id"]])
    assert set(request) == OPEN311_REQUEST
    assert [set(r) for r in laksa.open311_requests("36.71")] == [OPEN311_REQUEST]
