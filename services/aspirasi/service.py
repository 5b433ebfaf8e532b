"""LAKSA entrypoints: translate RPC calls and timers into domain calls."""
import base64
import hashlib
import hmac
import secrets
import uuid
from datetime import datetime, timezone

from nameko.dependency_providers import Config
from nameko.timer import timer

from services.aspirasi import domain, kinerja, open311, sla
from services.aspirasi.repository import TicketRepository
from services.servicekit import business_metrics
from services.servicekit.caller import Caller, token_secret
from services.servicekit.contracts.aspirasi import listed
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import isoformat, new_event, utcnow
from services.servicekit.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.servicekit.health import Observable
from services.servicekit.metrics import Metrics
from services.servicekit.outbox import Outbox
from services.servicekit.public_url import public_url
from services.servicekit.regions import all_regions, get_region
from services.servicekit.store import MongoStore

MAX_KEY = 100
KEY_ID = 12  # hex digits of a key's hash shown to admins to tell keys apart
_OPEN_TICKETS = business_metrics.Snapshot(business_metrics.ASPIRASI_OPEN)


def _event(event_type, ticket, **payload):
    return new_event(event_type, "aspirasi", ticket["region"], {
        "number": ticket["_id"], "category": ticket["category"], "opd": ticket["opd"], **payload})


class AspirasiService(Observable):
    name = "aspirasi"

    config = Config()
    store = MongoStore(TicketRepository)
    outbox = Outbox("tickets")
    metrics = Metrics()

    @rpc
    def categories(self, region_code):
        get_region(region_code)
        return [vars(c) for c in self.store.categories(region_code).values()]

    @rpc
    def check_submission(self, region_code, report):
        """Check a report as `submit` would, storing nothing: a form shown again (a photo
        was refused) still names every other mistake."""
        domain.validate_submission(report, get_region(region_code), self.store.categories(region_code))

    @rpc
    def set_category(self, region_code, code, name, opd, *, caller):
        get_region(region_code)
        domain.authorize("set_category", Caller.verify(caller), {"region": region_code})
        for field, value in (("code", code), ("name", name), ("opd", opd)):
            if not isinstance(value, str) or not value.strip():
                raise ValidationFailed.field(field, "is required")
        self.store.set_category(region_code, domain.Category(code.strip(), name.strip(), opd.strip()))

    @rpc
    def submit(self, region_code, report, idempotency_key=None):
        """Create a ticket; the same idempotency key always yields the same ticket.

        The answer carries the ticket's tracking secret, the citizen's proof of
        ownership (only its hash is stored). A retry with the same idempotency
        key gets the same secret back, so a lost answer loses nothing.
        """
        region = get_region(region_code)
        if idempotency_key is not None and (
                not isinstance(idempotency_key, str) or not 0 < len(idempotency_key) <= MAX_KEY):
            raise ValidationFailed.field("idempotency_key", f"must be 1-{MAX_KEY} characters")
        number = idempotency_key and self.store.find_claim(region_code, idempotency_key)
        if number:
            if self.store.exists(number):
                return self._submitted(self.store.get(number), region_code, idempotency_key)
        fields = domain.validate_submission(report, region, self.store.categories(region_code))
        now = utcnow()
        secret = _tracking_secret(region.code, idempotency_key)
        if not number:
            number = domain.ticket_number(
                region.code, now.year, self.store.next_sequence(region.code, now.year))
            if idempotency_key:
                number = self.store.claim_idempotency_key(region_code, idempotency_key, number)
        ticket = {
            "_id": number, "region": region.code, **fields,
            "status": "submitted", "submitted_at": now, "updated_at": now,
            "verify_due_at": sla.add_working_days(now, sla.VERIFY_DAYS, region.timezone, region.code),
            "breaches": [], "idempotency_key": idempotency_key,
            "tracking_hash": domain.tracking_hash(secret),
            "history": [{"from": None, "to": "submitted", "action": "submit", "actor": "citizen",
                         "role": "citizen", "note": "", "at": now}],
        }
        event = _event("aspirasi_submitted", ticket, submitted_at=ticket["submitted_at"].isoformat(),
                       location=_public_point(ticket))
        if self.store.insert(ticket, [event]):
            self.outbox.flush("tickets", number)
            return {**domain.public_view(self.store.get(number)), "tracking_secret": secret}
        return self._submitted(self.store.get(number), region_code, idempotency_key)

    def _submitted(self, ticket, region_code, idempotency_key):
        """A repeated submission: the same ticket, and its secret when the key derives it."""
        view = domain.public_view(ticket)
        secret = idempotency_key and _tracking_secret(region_code, idempotency_key)
        if secret and domain.proves_ownership(ticket, secret):
            view["tracking_secret"] = secret
        return view

    @rpc
    def get_ticket(self, number):
        return domain.public_view(self.store.get(number))

    @rpc
    def get_ticket_private(self, number, *, caller):
        """The full ticket, reporter contact included: the region's admin, the
        ticket's OPD, or a platform service (notifications); with the running clock's
        due time, who did what, and the actions the caller may take now."""
        ticket = self.store.get(number)
        who = domain.authorize("read_contact", Caller.verify(caller), ticket)
        now = utcnow()
        return {**domain.officer_view(ticket, domain.likely_duplicates(
            ticket, self.store.open_tickets(ticket["region"]), now)),
            "due_at": kinerja.due_at(ticket), "overdue": kinerja.is_overdue(ticket, now),
            "history": [{**entry, "actor": entry.get("actor")} for entry in ticket["history"]],
            "actions": domain.allowed_actions(ticket, who)}

    @rpc
    def notification_recipient(self, number, *, caller):
        """Only the contact the reporter gave (None if anonymous): for the notifications service."""
        ticket = self.store.get(number)
        domain.authorize("read_contact", Caller.verify(caller), ticket)
        return domain.notification_contact(ticket)

    @rpc
    def transition(self, number, action, *, caller, note=None, expected_version=None,
                   tracking_secret=None, **params):
        """Move a ticket on; a citizen proves ownership with the ticket's tracking secret."""
        ticket = self.store.get(number)
        who = Caller.verify(caller)
        if tracking_secret is not None:
            if not domain.proves_ownership(ticket, tracking_secret):
                raise Forbidden(f"tracking_secret does not match ticket {number}",
                                {"field": "tracking_secret"})
            who = who.owning(number)
        if expected_version is not None and expected_version != ticket["version"]:
            raise Conflict(f"ticket {number} is at version {ticket['version']}, not "
                           f"{expected_version}; reload and retry", {"field": "version"})
        now = utcnow()
        opds = {c.opd for c in self.store.categories(ticket["region"]).values()}
        changes, entry = domain.transition(ticket, action, who, now, note, opds, **params)
        region = get_region(ticket["region"])
        if changes["status"] == "dispatched" or action == "reopen":
            changes["opd_due_at"] = sla.add_working_days(now, sla.FOLLOW_UP_DAYS, region.timezone,
                                                         region.code)
            changes["breaches"] = [b for b in ticket.get("breaches", []) if b != "follow_up"]
        changes.update(updated_at=now, history=ticket["history"] + [entry])
        event = _event("aspirasi_status_changed", ticket, **{
            "from": entry["from"], "to": entry["to"], "action": action, "role": entry["role"],
            "at": now.isoformat(), "on_time": not ticket.get("breaches"), "note": entry["note"]})
        self.store.update(ticket, changes, [event])
        self.outbox.flush("tickets", number)
        return domain.public_view(self.store.get(number))

    @rpc
    def list_tickets(self, region_code, status=None, category=None, since=None, until=None,
                     limit=50, skip=0):
        get_region(region_code)
        return [domain.public_view(t) for t in self.store.find(
            region_code, status, category, since, until, limit, skip)]

    @rpc
    def live_marks(self, region_codes):
        """The live view's counts per region (also how the gateway checks its own),
        with the moment they were read."""
        codes = [get_region(code).code for code in region_codes]
        as_of = isoformat(utcnow())
        return {"as_of": as_of, "regions": self.store.live_counts(codes)}

    @rpc
    def stats(self, region_code, opd=None):
        get_region(region_code)
        tickets = self.store.for_statistics(region_code, opd)
        result = domain.statistics(tickets, utcnow())
        result.update(region=region_code, opd=opd)
        if opd is None:
            opds = sorted({t["opd"] for t in tickets})
            result["by_opd"] = {o: domain.statistics([t for t in tickets if t["opd"] == o], utcnow())
                                for o in opds}
        return result

    @rpc
    def officer_queue(self, region_code, status=None, category=None, opd=None, *, caller):
        """An officer's queue: the region's tickets (an OPD officer's: their OPD's), open
        ones by the running clock's due time (overdue first), with counts per status."""
        get_region(region_code)
        who = Caller.verify(caller)
        if who.role == "opd_officer":
            opd = opd or who.opd or "?"  # an OPD officer without an OPD sees nothing
        domain.authorize("read_queue", who, {"region": region_code, "opd": opd})
        tickets = self.store.scoped(region_code, opd)
        counts = kinerja.counts(tickets)
        wanted = {status} if status else domain.OPEN_STATES
        shown = [t for t in tickets if t["status"] in wanted and (not category or t["category"] == category)]
        return {"counts": counts, "items": [
            {"number": t["_id"], "category": t["category"], "opd": t["opd"], "status": t["status"],
             "status_label": domain.STATE_LABELS[t["status"]], "submitted_at": t["submitted_at"],
             "due_at": t["due_at"], "overdue": t["overdue"],
             "nik_outside_region": bool(t.get("nik_outside_region"))}
            for t in kinerja.queue(shown, utcnow())]}

    @rpc
    def kinerja(self, region_code, month, *, caller):
        """The month's figures of a region per OPD and per officer (aspirasi/kinerja.py)."""
        region = get_region(region_code)
        domain.authorize("read_kinerja", Caller.verify(caller), {"region": region_code})
        return kinerja.kinerja(self.store.scoped(region_code), month, region.timezone, utcnow())

    @rpc
    def kinerja_regions(self, month, *, caller):
        """The month's figures per region, for the platform operator."""
        domain.authorize("read_kinerja_regions", Caller.verify(caller), {"region": None})
        now = utcnow()
        result = {}
        for region in all_regions():
            bounds = kinerja.month_bounds(month, region.timezone)
            result[region.code] = kinerja.group_figures(self.store.scoped(region.code), bounds, now)
        return result

    @rpc
    def check_sla(self):
        """Record every clock that ran out and announce it once."""
        now = utcnow()
        raised = 0
        for ticket in self.store.open_tickets():
            clocks = sla.breaches(ticket, now)
            if not clocks:
                continue
            due = {"verification": ticket.get("verify_due_at"), "follow_up": ticket.get("opd_due_at")}
            events = [_event("aspirasi_sla_breached", ticket, clock=c, due_at=due[c].isoformat(),
                             status=ticket["status"]) for c in clocks]
            self.store.update(ticket, {"breaches": ticket.get("breaches", []) + clocks}, events)
            for clock in clocks:
                business_metrics.ASPIRASI_SLA_BREACHES.labels(ticket["region"], ticket["opd"], clock).inc()
            self.outbox.flush("tickets", ticket["_id"])
            raised += len(events)
        return raised

    # Open311 GeoReport v2 ------------------------------------------------
    @rpc
    def issue_api_key(self, region_code, label=None, *, caller):
        """A new Open311 api_key for a region (only its hash is stored); `label` says whose."""
        get_region(region_code)
        domain.authorize("issue_api_key", Caller.verify(caller), {"region": region_code})
        if label is not None and (not isinstance(label, str) or len(label) > 80):
            raise ValidationFailed.field("label", "must be text of at most 80 characters")
        key = secrets.token_urlsafe(24)
        self.store.add_api_key(_key_hash(key), region_code, label, utcnow())
        return key

    @rpc
    def api_keys(self, region_code, *, caller):
        """The region's api_keys: id (the hash's first 12 hex digits), label, created, revoked."""
        get_region(region_code)
        domain.authorize("manage_api_keys", Caller.verify(caller), {"region": region_code})
        found = self.store.api_keys(region_code)
        return sorted(({"id": k["_id"][:KEY_ID], "label": k.get("label"), "created_at": k["created_at"],
                        "revoked_at": k.get("revoked_at")} for k in found),
                      key=lambda k: k["created_at"], reverse=True)

    @rpc
    def revoke_api_key(self, region_code, key_id, *, caller):
        """Revoke a key of the region by its id; it stops working at once."""
        get_region(region_code)
        domain.authorize("manage_api_keys", Caller.verify(caller), {"region": region_code})
        if not isinstance(key_id, str) or len(key_id) != KEY_ID:
            raise ValidationFailed.field("key_id", f"give the key's {KEY_ID}-character id from the list")
        key = self.store.api_key_by_prefix(region_code, key_id)
        if key is None:
            raise NotFound(f"no api_key {key_id} in {region_code}", {"field": "key_id"})
        self.store.revoke_api_key(key["_id"], utcnow().isoformat())

    @rpc
    def open311_services(self, region_code, code=None):
        """The services list, or with `code` that service's definition."""
        categories = self.categories(region_code)
        if code is None:
            return [open311.service_entry(c) for c in categories]
        categories = [c for c in categories if c["code"] == code]
        if not categories:
            raise NotFound(f"service_code {code} is not offered in {region_code}",
                           {"field": "service_code"})
        return open311.service_definition(categories[0])

    @rpc
    def open311_submit(self, region_code, form, api_key):
        get_region(region_code)
        key = api_key and self.store.api_key(_key_hash(api_key))
        if not key or key["region"] != region_code or key.get("revoked_at"):
            raise Forbidden("api_key is missing or not valid for this jurisdiction_id",
                            {"field": "api_key"})
        token = form.get("token") or str(uuid.uuid4())
        ticket = self.submit(region_code, open311.report_from_form(form), token)
        return [{"service_request_id": ticket["number"], "token": token,
                 "service_notice": open311.service_request(ticket)["service_notice"],
                 "account_id": None}]

    @rpc
    def open311_requests(self, region_code, ids=None, service_code=None, start_date=None,
                         end_date=None, status=None, limit=1000):
        get_region(region_code)
        if ids:
            tickets = [self.store.in_region(region_code, i) for i in ids]
            views = [domain.public_view(t) for t in tickets if t]
        else:
            views = self.list_tickets(region_code, open311.status_filter(status),
                                      listed(service_code) or None,
                                      _parse_date("start_date", start_date),
                                      _parse_date("end_date", end_date), min(int(limit), 1000))
        names = {c["code"]: c["name"] for c in self.categories(region_code)}
        base = public_url(get_region(region_code))
        return [open311.service_request(v, names, base) for v in views]

    @rpc
    def open311_token(self, region_code, token):
        number = self.store.find_claim(region_code, token)
        if not number:
            raise NotFound(f"token {token} not found", {"field": "token"})
        return [{"service_request_id": number, "token": token}]

    @timer(interval=60)
    def sla_clock(self):
        self.check_sla()

    @timer(interval=10)
    def publish_business_metrics(self):
        """Recount open tickets per region/OPD/status, and the outbox backlog, for Prometheus."""
        open_now = self.store.open_by_office()
        _OPEN_TICKETS.publish(business_metrics.count_by(open_now, "region", "opd", "status"))
        business_metrics.OUTBOX_PENDING.labels(self.name, "tickets").set(self.store.outbox_backlog())


def _tracking_secret(region_code, idempotency_key):
    """A fresh secret, or one derived from the client's idempotency key (so a
    retried submission answers with the same secret as the first)."""
    if not idempotency_key:
        return secrets.token_urlsafe(16)
    digest = hmac.new(token_secret().encode(), f"tracking|{region_code}|{idempotency_key}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def _key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _parse_date(field, value):
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        raise ValidationFailed.field(field, f"{value!r} is not an ISO 8601 date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _public_point(ticket):
    location = ticket["location"]
    return {k: location[k] for k in ("lat", "long") if k in location}
