"""Notifications entrypoints: domain events in, e-mail / SMS / WhatsApp out.

Each handler asks the owning service for the recipient's contact by RPC
(personal data never rides in events), lets the domain word the notice and
decide what goes out to whom (outgoing.py), and sends it once per event and
recipient (the ledger). A channel that fails
makes the handler raise: `reliable_event_handler` retries the event with
backoff and dead-letters it after the last try; what was already sent is
skipped on the retry.
"""
import logging

from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy
from prometheus_client import Counter

from services.notifications import domain, outgoing
from services.notifications.channels import Channels, DeliveryFailed, Message, region_sender
from services.notifications.repository import NotificationRepository
from services.notifications.repository_protocol import NotificationRepo
from services.servicekit.caller import Caller
from services.servicekit.entrypoints import rpc
from services.servicekit.errors import ConfigError, DomainError, Forbidden
from services.servicekit.events import reliable_event_handler
from services.servicekit.health import Observable
from services.servicekit.hosting import hosted_here
from services.servicekit.metrics import Metrics
from services.servicekit.regions import get_region
from services.servicekit.rpc import call
from services.servicekit.store import MongoStore

MESSAGES = Counter("tl_notifications_total", "Notification deliveries by channel, kind and outcome",
                   ["channel", "kind", "outcome"])
REFUSED = Counter("tl_notifications_refused_total", "Notices not sent because the owning service "
                  "refused the recipient (the event's region is not the record's)", ["kind"])
NOT_HOSTED = Counter("tl_notifications_not_hosted_total", "Events of a region whose records this "
                     "deployment does not keep (an edge's, relayed to the hub): told at that region",
                     ["kind"])
log = logging.getLogger(__name__)


class NotificationsService(Observable):
    name = "notifications"

    config = Config()
    repo: NotificationRepo = MongoStore(NotificationRepository)
    channels = Channels()
    metrics = Metrics()
    aspirasi = RpcProxy("aspirasi")
    pencaker = RpcProxy("pencaker")

    @reliable_event_handler("aspirasi", "aspirasi_submitted")
    def ticket_received(self, event):
        notice = domain.receipt_notice(event["payload"], self.config["PUBLIC_URL"])
        if notice and self._ticket_hosted(event):
            self.repo.apply_once(event, "ticket_received", lambda: self._tell(
                event, notice, self._recipient(event, notice, self.aspirasi, event["payload"]["number"])))

    @reliable_event_handler("aspirasi", "aspirasi_status_changed")
    def ticket_changed(self, event):
        notice = domain.ticket_notice(event["payload"], self.config["PUBLIC_URL"])
        if notice and self._ticket_hosted(event):
            self.repo.apply_once(event, "ticket_changed", lambda: self._tell(
                event, notice, self._recipient(event, notice, self.aspirasi, event["payload"]["number"])))

    @reliable_event_handler("pencaker", "application_status_changed")
    def application_changed(self, event):
        notice = domain.application_notice(event["payload"], self.config["PUBLIC_URL"])
        if notice:
            self.repo.apply_once(event, "application_changed", lambda: self._tell(
                event, notice, self._recipient(event, notice, self.pencaker, event["payload"]["seeker_id"],
                                               application_id=event["payload"]["application_id"])))

    @reliable_event_handler("pencaker", "seeker_report_window_opened")
    def report_due(self, event):
        notice = domain.report_due_notice(event["payload"])
        self.repo.apply_once(event, "report_due", lambda: self._tell(
            event, notice, self._recipient(event, notice, self.pencaker, event["payload"]["seeker_id"])))

    @reliable_event_handler("prices", "price_alert_raised")
    def price_alert(self, event):
        notice = domain.price_alert_notice(event["payload"], get_region(event["region"]).name)
        self.repo.apply_once(event, "price_alert", lambda: self._send(
            event, notice, self.repo.subscribers(event["region"])))

    @rpc
    def opt_out(self, token):
        """The signed link in every e-mail: that address gets no more messages."""
        self.repo.opt_out(domain.opted_out_key(self._secret(), token), "link")

    @rpc
    def opt_out_phone(self, number, *, caller):
        """STOP by SMS (the SMS inbox, a platform service): no more SMS or WhatsApp to that number."""
        _require_service(caller)
        self.repo.opt_out(domain.phone_opt_out(number), "sms")

    @rpc
    def subscribe_price_alerts(self, region_code, channel, address, *, caller):
        """HARGA by SMS (the SMS inbox): the region's price alerts to that address."""
        _require_service(caller)
        get_region(region_code)
        wanted = domain.subscription(region_code, channel, address)
        self.repo.subscribe(wanted["region"], wanted["channel"], wanted["address"], wanted["contact"])

    @staticmethod
    def _ticket_hosted(event):
        """An edge region's ticket, relayed up to the hub (its submission or a change): its
        reporter is told by the edge's own notifications service, and no service here has
        the ticket to ask."""
        if hosted_here(event["region"]):
            return True
        NOT_HOSTED.labels("ticket").inc()
        return False

    def _as_service(self):
        return Caller.service(self.name)  # `call` signs it for the service called

    def _recipient(self, event, notice, owner, record_id, **named):
        """The contact `owner` (aspirasi, pencaker) gives for the event's record, asked for the
        event's region: a record of another region is refused there, and nothing is sent
        (retrying would be refused again)."""
        try:
            return call(owner.notification_recipient, record_id, caller=self._as_service(),
                        acting_for=event["region"], **named)
        except Forbidden as exc:
            REFUSED.labels(notice.kind).inc()
            log.warning("event %s of region %s: no %s notice, its service refused the recipient: %s",
                        event["event_id"], event["region"], notice.kind, exc)
            return None

    @staticmethod
    def _sender(region_code):
        """The region's own mail from and display name (its profile); a region no longer
        registered is sent as the deployment's (MAIL_FROM)."""
        try:
            return region_sender(get_region(region_code))
        except DomainError:
            return {}

    def _tell(self, event, notice, recipient):
        self._send(event, notice, domain.recipient_addresses(recipient, self.config["PHONE_CHANNEL"]))

    def _send(self, event, notice, addresses):
        opted_out = self.repo.opted_out({domain.contact_key(c, a) for c, a in addresses})
        plan = outgoing.plan(event["event_id"], notice, addresses, opted_out, self.repo.was_sent,
                             self._opt_out_link)
        for channel, _ in plan.opted_out:
            MESSAGES.labels(channel, notice.kind, "opted_out").inc()
        for repeat in plan.already_sent:
            MESSAGES.labels(repeat.channel, notice.kind, "duplicate").inc()
        failures = []
        sender = self._sender(event["region"])
        for out in plan.send:
            try:
                self.channels[out.channel].send(Message(out.address, out.subject, out.text, out.key,
                                                        **sender))
            except DeliveryFailed as exc:
                MESSAGES.labels(out.channel, notice.kind, "failed").inc()
                failures.append(f"{out.channel}: {exc}")
                continue
            # Dying right here would send again on the retry (at least once, never lost).
            self.repo.record_sent(out.key, out.channel, notice.kind, event["event_id"])
            MESSAGES.labels(out.channel, notice.kind, "sent").inc()
        if failures:
            raise DeliveryFailed("; ".join(failures))

    def _opt_out_link(self, channel, address):
        token = domain.opt_out_token(self._secret(), channel, address)
        return f"{self.config['PUBLIC_URL']}/berhenti/{token}"

    def _secret(self):
        if not self.config.get("OPT_OUT_SECRET"):
            raise ConfigError("OPT_OUT_SECRET is empty: set TL_TOKEN_SECRET, which signs opt-out links")
        return self.config["OPT_OUT_SECRET"]


def _require_service(caller):
    if Caller.verify(caller).role != "service":
        raise Forbidden("only a platform service (the SMS inbox) may do this", {"field": "caller"})
