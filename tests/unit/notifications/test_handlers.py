"""The notifications handlers with nameko's worker_factory, an in-memory repository
(services/notifications/fake_repository.py) and channels that record what they were given:
no broker, no store, no SMTP. The owners' RPC proxies answer a contact (or refuse)."""
import pytest
from nameko.testing.services import worker_factory

from services.notifications import domain, outgoing
from services.notifications.channels import DeliveryFailed, Message
from services.notifications.fake_repository import FakeNotificationRepo
from services.notifications.service import NotificationsService
from services.servicekit.caller import Caller
from services.servicekit.envelope import contract, new_event
from services.servicekit.errors import Forbidden, ValidationFailed


def inbox():
    """The SMS inbox's caller token, signed now: a token lives 60 s (signed at import, it
    expired before the test ran in a long suite)."""
    return Caller.service("sms_inbox").sign("notifications")
APPLICATION = {"application_id": "LK-3671-2026-000042.S0123456789abcde", "vacancy_id": "LK-3671-2026-000042",
               "seeker_id": "S0123456789abcde", "from": "submitted", "to": "interview",
               "at": "2026-11-29T03:00:00Z"}


class Recording:
    """A channel that keeps what it was asked to send, or refuses while `down`."""

    def __init__(self):
        self.sent: list[Message] = []
        self.down = False

    def send(self, message):
        if self.down:
            raise DeliveryFailed("channel down")
        self.sent.append(message)


@pytest.fixture
def world():
    repo = FakeNotificationRepo()
    channels = {"email": Recording(), "sms": Recording(), "whatsapp": Recording()}
    worker = worker_factory(NotificationsService, repo=repo, channels=channels, config={
        "PHONE_CHANNEL": "sms", "PUBLIC_URL": "https://live.example", "OPT_OUT_SECRET": "s"})
    for name, proxy in (("aspirasi", worker.aspirasi.notification_recipient),
                        ("pencaker", worker.pencaker.notification_recipient)):
        proxy.service_name = name
        proxy.call_async.return_value.result.return_value = {"email": "budi@example.id",
                                                             "phone": "0812-3456-7890"}
    return worker, repo, channels


def test_a_seeker_hears_of_an_interview_once_by_email_and_sms(world):
    service, repo, channels = world
    event = new_event("application_status_changed", "pencaker", "36.71", APPLICATION)
    service.application_changed(event)
    service.application_changed(event)  # redelivered
    repo.applied.clear()  # even without the handler's marker: the ledger holds
    service.application_changed(event)
    [mail], [sms] = channels["email"].sent, channels["sms"].sent
    assert (mail.address, sms.address) == ("budi@example.id", "+6281234567890")
    assert mail.subject == "Lamaran LK-3671-2026-000042: Anda diundang wawancara"
    assert "https://live.example/berhenti/" in mail.text and sms.text.endswith("Balas STOP untuk berhenti.")
    assert sorted(d["channel"] for d in repo.deliveries.values()) == ["email", "sms"]


def test_a_failed_channel_is_retried_and_what_went_out_is_not_sent_again(world):
    service, repo, channels = world
    event = new_event("application_status_changed", "pencaker", "36.71", APPLICATION)
    channels["sms"].down = True
    with pytest.raises(DeliveryFailed, match="sms: channel down"):
        service.application_changed(event)
    assert [d["channel"] for d in repo.deliveries.values()] == ["email"] and repo.applied == set()
    channels["sms"].down = False
    service.application_changed(event)
    assert (len(channels["email"].sent), len(channels["sms"].sent)) == (1, 1)


def test_a_refused_recipient_and_an_untold_state_send_nothing(world):
    service, repo, channels = world
    service.pencaker.notification_recipient.call_async.return_value.result.side_effect = Forbidden(
        "this call acts for region 36.01", {"field": "acting_for"})
    service.application_changed(new_event("application_status_changed", "pencaker", "36.01", APPLICATION))
    service.application_changed(new_event("application_status_changed", "pencaker", "36.71",
                                          {**APPLICATION, "to": "withdrawn"}))
    assert all(channel.sent == [] for channel in channels.values()) and repo.deliveries == {}


def test_price_alerts_reach_subscribers_until_they_stop(world):
    service, repo, channels = world
    alert = new_event("price_alert_raised", "prices", "36.71", {
        **contract("price_alert_raised")["x-example"]["payload"],
        "alert_id": "36.71:pasar-anyar:cabai-rawit-merah:2026-11-27"})
    with pytest.raises(ValidationFailed) as refused:
        service.subscribe_price_alerts("36.71", "telegram", "0812 3456 7890", caller=inbox())
    assert refused.value.details["fields"]["channel"]["code"] == "not_allowed"
    with pytest.raises(ValidationFailed) as refused:
        service.subscribe_price_alerts("36.71", "sms", "bukan nomor", caller=inbox())
    assert refused.value.details["fields"] == {"address": {
        "code": "bad_phone", "message": "'bukan nomor' is not a phone number; write it like 0812 3456 7890"}}
    assert repo.subscriptions == {}
    service.subscribe_price_alerts("36.71", "sms", "0812 3456 7890", caller=inbox())
    assert list(repo.subscriptions) == ["36.71:sms:+6281234567890"]
    service.price_alert(alert)
    service.opt_out_phone("+62 812-3456-7890", caller=inbox())
    service.price_alert({**alert, "event_id": "another"})
    assert [m.address for m in channels["sms"].sent] == ["+6281234567890"]
    assert repo.optouts == {"phone:+6281234567890": "sms"} and repo.subscriptions == {}


def test_the_plan_skips_opted_out_and_already_sent_addresses():
    notice = domain.report_due_notice({"due": "2027-05-27T03:00:00Z"})
    addresses = [("email", "a@b.id"), ("sms", "+6281234567890"), ("email", "c@d.id")]
    sent_key = domain.ledger_key("e1", "email", "c@d.id")
    plan = outgoing.plan("e1", notice, addresses, {"phone:+6281234567890"}, {sent_key}.__contains__,
                         lambda channel, address: f"https://x/berhenti/{address}")
    assert [(o.channel, o.address) for o in plan.send] == [("email", "a@b.id")]
    assert plan.send[0].text.endswith("Berhenti menerima e-mail: https://x/berhenti/a@b.id\n")
    assert plan.opted_out == [("sms", "+6281234567890")]
    assert [o.address for o in plan.already_sent] == ["c@d.id"]


def test_a_forged_opt_out_link_is_refused_with_its_code(world):
    service, repo, _ = world
    with pytest.raises(ValidationFailed) as refused:
        service.opt_out("Zm9v.0000")
    assert refused.value.details["fields"]["token"]["code"] == "bad_opt_out_link" and repo.optouts == {}
    service.opt_out(domain.opt_out_token("s", "email", "Budi@Example.id"))
    assert repo.optouts == {"email:budi@example.id": "link"}


def test_a_reporter_hears_of_a_resolved_ticket_and_an_anonymous_one_sends_nothing(world):
    service, repo, channels = world
    change = {"number": "LAKSA-3671-2026-000042", "category": "sampah", "opd": "Dinas Lingkungan Hidup",
              "from": "in_progress", "to": "resolved", "action": "resolve", "role": "opd_officer",
              "at": "2026-12-01T03:00:00+00:00", "on_time": True, "note": "Sudah diangkut."}
    service.ticket_changed(new_event("aspirasi_status_changed", "aspirasi", "36.71", change))
    [sms] = channels["sms"].sent
    assert sms.text.startswith("Laporan Anda LAKSA-3671-2026-000042 sudah diselesaikan oleh "
                               "Dinas Lingkungan Hidup. Catatan petugas: Sudah diangkut.")
    args, kwargs = service.aspirasi.notification_recipient.call_async.call_args
    assert args == ("LAKSA-3671-2026-000042",) and kwargs["acting_for"] == "36.71"
    service.aspirasi.notification_recipient.call_async.return_value.result.return_value = None
    service.ticket_changed(new_event("aspirasi_status_changed", "aspirasi", "36.71", change))
    assert len(channels["sms"].sent) == 1 and len(repo.deliveries) == 2  # the first event's e-mail and SMS


def test_an_edge_regions_ticket_relayed_to_the_hub_asks_nothing_and_sends_nothing(world, monkeypatch):
    """The hub (HOST_REGION 36.71) keeps no ticket of Pandeglang (36.01, an edge): before the
    fix it asked its aspirasi for LAKSA-3601-..., got NotFound, retried and dead-lettered."""
    monkeypatch.setenv("HOST_REGION", "36.71")
    worker, repo, channels = world
    payload = {**contract("aspirasi_status_changed")["x-example"]["payload"],
               "number": "LAKSA-3601-2026-000001", "from": "in_progress", "to": "resolved",
               "action": "resolve"}
    worker.ticket_changed(new_event("aspirasi_status_changed", "aspirasi", "36.01", payload))
    assert not worker.aspirasi.notification_recipient.call_async.called
    assert all(not c.sent for c in channels.values())
    monkeypatch.setenv("HOST_REGION", "36.01")  # at the edge itself: its own reporter is told
    worker.ticket_changed(new_event("aspirasi_status_changed", "aspirasi", "36.01", payload))
    assert worker.aspirasi.notification_recipient.call_async.called
    assert channels["email"].sent


SUBMITTED = {"number": "LAKSA-3671-2026-000043", "category": "sampah", "opd": "Dinas Lingkungan Hidup",
             "submitted_at": "2026-12-01T03:00:00+00:00", "location": {}}


def test_a_receipt_names_the_ticket_and_its_link_once_by_email_and_sms(world):
    service, repo, channels = world
    event = new_event("aspirasi_submitted", "aspirasi", "36.71", {**SUBMITTED, "receipt": True})
    service.ticket_received(event)
    service.ticket_received(event)  # redelivered
    [mail], [sms] = channels["email"].sent, channels["sms"].sent
    assert mail.subject == "Laporan LAKSA-3671-2026-000043 sudah kami terima"
    assert "https://live.example/lacak/LAKSA-3671-2026-000043" in mail.text
    assert "https://live.example/berhenti/" in mail.text
    assert sms.text.startswith("Laporan diterima, nomor LAKSA-3671-2026-000043.")
    assert len(sms.text) <= 160  # one SMS, even with a longer public address than this one
    assert "https://live.example/lacak/LAKSA-3671-2026-000043" in sms.text
    assert sorted(d["kind"] for d in repo.deliveries.values()) == ["ticket_receipt", "ticket_receipt"]


@pytest.mark.parametrize("receipt", [False, None])
def test_no_receipt_when_the_event_owes_none(world, receipt):
    """False: no contact, or the SMS inbox replied itself; absent: an older release's event."""
    service, repo, channels = world
    payload = {**SUBMITTED, **({} if receipt is None else {"receipt": receipt})}
    service.ticket_received(new_event("aspirasi_submitted", "aspirasi", "36.71", payload))
    assert channels["email"].sent == channels["sms"].sent == [] and repo.deliveries == {}
    assert not service.aspirasi.notification_recipient.call_async.called


def test_an_edge_regions_submission_relayed_to_the_hub_owes_no_receipt_there(world, monkeypatch):
    """The receipt is the edge's to send: the hub's aspirasi has no LAKSA-3601-... to ask."""
    monkeypatch.setenv("HOST_REGION", "36.71")
    service, repo, channels = world
    payload = {**SUBMITTED, "number": "LAKSA-3601-2026-000001", "receipt": True}
    service.ticket_received(new_event("aspirasi_submitted", "aspirasi", "36.01", payload))
    assert not service.aspirasi.notification_recipient.call_async.called
    assert channels["email"].sent == channels["sms"].sent == [] and repo.deliveries == {}
