"""The service's handlers with nameko's worker_factory: a real store, the WhatsApp channel
against a local stub of the provider's HTTP API that records requests; RPC proxies replaced."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from nameko.testing.services import worker_factory

from services.notifications.channels import DeliveryFailed, WhatsAppChannel
from services.notifications.repository import NotificationRepository
from services.notifications.service import NotificationsService
from services.servicekit.caller import Caller
from services.servicekit.envelope import contract, new_event
from services.servicekit.errors import Forbidden, ValidationFailed
from tests.helpers import signed

PHONE = "+6281234567890"


class Provider:
    """A WhatsApp provider stub: records every request; answers `status` with `answer(body)`."""

    def __init__(self):
        self.requests, self.status = [], 200
        self.answer = lambda body: b'{"messages": [{"id": "wamid.1"}]}'
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                provider.requests.append((self.path, dict(self.headers), json.loads(body)))
                self.send_response(provider.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(provider.answer(provider.requests[-1][2]))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v20.0/1234567890"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def provider():
    stub = Provider()
    yield stub
    stub.server.shutdown()


@pytest.fixture
def service(mongo_db, provider):
    worker = worker_factory(
        NotificationsService, repo=NotificationRepository(mongo_db),
        channels={"whatsapp": WhatsAppChannel(provider.url, "rahasia")},
        config={"PHONE_CHANNEL": "whatsapp", "PUBLIC_URL": "https://live.example", "OPT_OUT_SECRET": "s"})
    for name, proxy in (("aspirasi", worker.aspirasi.notification_recipient),
                        ("pencaker", worker.pencaker.notification_recipient)):
        proxy.service_name = name  # whom `call` signs the caller for, as nameko's proxy tells it
        proxy.call_async.return_value.result.return_value = {"phone": "0812-3456-7890"}
    return worker


def ticket_event(to="resolved"):
    return new_event("aspirasi_status_changed", "aspirasi", "36.71", {
        "number": "LAKSA-3671-2026-000042", "category": "sampah", "opd": "Dinas Lingkungan Hidup",
        "from": "in_progress", "to": to, "action": "resolve", "role": "opd_officer",
        "at": "2026-12-01T03:00:00+00:00", "on_time": True, "note": "Sudah diangkut."})


def test_whatsapp_goes_out_once_per_event_and_a_failure_is_retried(service, provider, mongo_db):
    event = ticket_event()
    provider.status = 503
    with pytest.raises(DeliveryFailed, match="503"):
        service.ticket_changed(event)
    assert mongo_db.deliveries.count_documents({}) == 0
    assert mongo_db.applied_events.count_documents({}) == 0  # so the retry does the work
    provider.status = 200
    service.ticket_changed(event)
    service.ticket_changed(event)  # redelivered
    mongo_db.applied_events.delete_many({})  # even without the handler's marker
    service.ticket_changed(event)
    assert len(provider.requests) == 2  # the refused one and the one that went out
    path, headers, body = provider.requests[-1]
    assert path == "/v20.0/1234567890/messages" and headers["Authorization"] == "Bearer rahasia"
    assert body["to"] == "6281234567890" and body["type"] == "text"
    assert body["text"]["body"].startswith("Laporan Anda LAKSA-3671-2026-000042 sudah diselesaikan oleh "
                                           "Dinas Lingkungan Hidup. Catatan petugas: Sudah diangkut.")
    args, kwargs = service.aspirasi.notification_recipient.call_async.call_args
    assert args == ("LAKSA-3671-2026-000042",)
    assert Caller.verify(kwargs["caller"], "aspirasi") == Caller.service("notifications")
    assert kwargs["acting_for"] == "36.71"  # the event's region: aspirasi refuses another's ticket


def test_a_refused_recipient_sends_nothing_and_is_not_retried(service, provider, mongo_db):
    # A Kab. Tangerang event naming a Kota Tangerang ticket (both kept at the hub; an edge
    # region's event is not asked about at all: test_forged_region, test_handlers).
    forged = {**ticket_event(), "region": "36.03"}
    service.aspirasi.notification_recipient.call_async.return_value.result.side_effect = Forbidden(
        "this call acts for region 36.03; the record is of region 36.71", {"field": "acting_for"})
    service.ticket_changed(forged)  # no exception: retrying would be refused again
    assert provider.requests == [] and mongo_db.deliveries.count_documents({}) == 0
    assert service.aspirasi.notification_recipient.call_async.call_args[1]["acting_for"] == "36.03"


def test_states_the_reporter_is_not_told_of_and_anonymous_reports_send_nothing(service, provider):
    service.ticket_changed(ticket_event("in_progress"))
    service.aspirasi.notification_recipient.call_async.return_value.result.return_value = None
    service.ticket_changed(ticket_event("verified"))
    assert provider.requests == []


def test_seekers_hear_of_applications_and_the_ak1_report(service, provider):
    service.application_changed(new_event("application_status_changed", "pencaker", "36.71", {
        "application_id": "LK-3671-2026-000042.S0123456789abcde", "vacancy_id": "LK-3671-2026-000042",
        "seeker_id": "S0123456789abcde", "from": "submitted", "to": "interview",
        "at": "2026-11-29T03:00:00Z"}))
    service.report_due(new_event("seeker_report_window_opened", "pencaker", "36.71", {
        "seeker_id": "S0123456789abcde", "due": "2027-05-27T03:00:00Z"}))
    texts = [body["text"]["body"] for _, _, body in provider.requests]
    assert texts[0].startswith("Kabar lamaran Anda untuk lowongan LK-3671-2026-000042: "
                               "Anda diundang wawancara")
    assert "paling lambat 2027-05-27" in texts[1]
    args, kwargs = service.pencaker.notification_recipient.call_async.call_args
    assert args == ("S0123456789abcde",)
    assert Caller.verify(kwargs["caller"], "pencaker") == Caller.service("notifications")
    assert kwargs["acting_for"] == "36.71"
    first = service.pencaker.notification_recipient.call_async.call_args_list[0][1]
    assert (first["acting_for"], first["application_id"]) == ("36.71", "LK-3671-2026-000042.S0123456789abcde")


def test_price_alerts_reach_the_regions_subscribers_until_they_stop(service, provider):
    alert = new_event("price_alert_raised", "prices", "36.71", {
        **contract("price_alert_raised")["x-example"]["payload"],
        "alert_id": "36.71:pasar-anyar:cabai-rawit-merah:2026-11-27"})
    inbox = Caller.service("sms_inbox").sign("notifications")
    with pytest.raises(ValidationFailed):
        service.subscribe_price_alerts("36.71", "whatsapp", "bukan nomor", caller=inbox)
    with pytest.raises(Forbidden):  # only a platform service subscribes a number
        service.subscribe_price_alerts("36.71", "whatsapp", "0812 9999 0000",
                                       caller=signed("citizen", "36.71"))
    service.subscribe_price_alerts("36.71", "whatsapp", "0812 3456 7890", caller=inbox)
    service.subscribe_price_alerts("36.03", "whatsapp", "0813 0000 0000", caller=inbox)
    service.price_alert(alert)
    [(_, _, body)] = provider.requests
    assert body["to"] == "6281234567890"
    assert body["text"]["body"].startswith("Harga Cabai rawit merah di Pasar Rangkasbitung (Kota Tangerang)")
    service.opt_out_phone(PHONE, caller=inbox)
    service.price_alert({**alert, "event_id": "another"})
    assert len(provider.requests) == 1
