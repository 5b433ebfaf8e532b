"""LAKSA's clocks: SLA breaches recorded and announced once, the business metrics
recounted for Prometheus, and tracking secrets kept for retries forgotten after their window."""
from nameko.timer import timer
from prometheus_client import Counter, Gauge

from services.aspirasi import domain
from services.aspirasi.repository import TicketRepository
from services.servicekit import business_metrics
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import utcnow
from services.servicekit.outbox import Outbox
from services.servicekit.store import MongoStore

OPEN_TICKETS = Gauge(
    "tl_aspirasi_open", "Open aspirasi tickets, recounted from the store",
    ["region", "opd", "status"])
SLA_BREACHES = Counter(
    "tl_aspirasi_sla_breaches_total", "SLA clocks that ran out (recorded once per ticket and clock)",
    ["region", "opd", "clock"])
_OPEN_TICKETS = business_metrics.Snapshot(OPEN_TICKETS)


class Clocks:
    name: str  # the service's (AspirasiService)
    repo = MongoStore(TicketRepository)
    outbox = Outbox("tickets")

    @rpc
    def check_sla(self):
        """Record every clock that ran out and announce it once."""
        now = utcnow()
        raised = 0
        for ticket in self.repo.open_tickets():
            decision = domain.breached(ticket, now)
            if decision is None:
                continue
            self.repo.update(ticket, decision.record, decision.events)
            for event in decision.events:
                SLA_BREACHES.labels(ticket["region"], ticket["opd"], event["payload"]["clock"]).inc()
            self.outbox.flush("tickets", ticket["_id"])
            raised += len(decision.events)
        return raised

    @timer(interval=60)
    def sla_clock(self):
        self.check_sla()

    @timer(interval=60)
    def seal_clock(self):
        """Forget the tracking secrets kept for retries once their window is over."""
        self.repo.drop_sealed_secrets(utcnow().timestamp())

    @timer(interval=10)
    def publish_business_metrics(self):
        """Recount open tickets per region/OPD/status, and the outbox backlog, for Prometheus."""
        open_now = self.repo.open_by_office()
        _OPEN_TICKETS.publish(business_metrics.count_by(open_now, "region", "opd", "status"))
        business_metrics.OUTBOX_PENDING.labels(self.name, "tickets").set(self.repo.outbox_backlog())
