"""LAKSA entrypoints: translate RPC calls and timers into domain calls (Open311's in
open311_rpc.py, the SLA and metrics clocks in clocks.py)."""
from nameko.dependency_providers import Config

from services.aspirasi import domain, kinerja
from services.aspirasi.clocks import Clocks
from services.aspirasi.officer_home import OfficerHomeRpcs
from services.aspirasi.open311_rpc import Open311Rpcs
from services.aspirasi.repository import TicketRepository
from services.servicekit.arrival import record_region
from services.servicekit.caller import Caller
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import isoformat, utcnow
from services.servicekit.errors import Conflict, Forbidden, ValidationFailed
from services.servicekit.health import Observable
from services.servicekit.hosting import hosted_here
from services.servicekit.metrics import Metrics
from services.servicekit.outbox import Outbox
from services.servicekit.regions import CODE_PATTERN as REGION_CODE
from services.servicekit.regions import all_regions, get_region, registered_codes
from services.servicekit.store import MongoStore

MAX_KEY = 100


class AspirasiService(Observable, Open311Rpcs, OfficerHomeRpcs, Clocks):
    name = "aspirasi"

    config = Config()
    repo = MongoStore(TicketRepository)
    outbox = Outbox("tickets")
    metrics = Metrics()

    @rpc
    def categories(self, region_code):
        get_region(region_code)
        return [c.view() for c in self.repo.categories(region_code).values()]

    @rpc
    def check_submission(self, region_code, report):
        """Check a report as `submit` would, storing nothing: a form shown again (a photo
        was refused) still names every other mistake."""
        domain.validate_submission(report, get_region(region_code), self.repo.categories(region_code))

    @rpc
    def set_category(self, region_code, code, name, opd, *, caller, sla=None):
        """Add or change a category; `sla` ({verify_days, follow_up_days}) changes the days it
        names, new tickets of the category get them (open ones keep theirs)."""
        get_region(region_code)
        domain.authorize("set_category", Caller.verify(caller), {"region": region_code})
        category = domain.category_from(code, name, opd, sla)
        self.repo.set_category(region_code, category, domain.sla_changes(sla))

    @rpc
    def retire_category(self, region_code, code, *, caller):
        """No new reports in `code` (not on the lapor form, not in Open311's services); its
        tickets keep it in their history. Setting the code again brings it back."""
        get_region(region_code)
        domain.authorize("retire_category", Caller.verify(caller), {"region": region_code})
        self.repo.retire_category(region_code, code, utcnow())

    @rpc
    def purge_region(self, region_code, *, caller):
        """A removed region's catalogue and Open311 api_keys deleted (`remove --purge`); its
        tickets stay, counted in the answer. Works on a region no longer registered."""
        if not isinstance(region_code, str) or not REGION_CODE.match(region_code):
            raise ValidationFailed.field("region", f"{region_code!r} is not a Kemendagri code",
                                         code="bad_region_code")
        domain.authorize("purge_region", Caller.verify(caller), {"region": region_code})
        return self.repo.purge_region(region_code)

    @rpc
    def submit(self, region_code, report, idempotency_key=None, receipt=True):
        """Create a ticket; the same idempotency key always yields the same ticket. `receipt`
        False: the channel answers the reporter with the number itself (the SMS inbox).

        The answer carries the ticket's tracking secret, the citizen's proof of
        ownership: random, only its hash stored. A retry with the same idempotency
        key within domain.RETRY_WINDOW gets the secret again (a phone that lost the
        answer); later retries get the ticket without it. Only the key's hash is kept.
        """
        region = get_region(region_code)
        if idempotency_key is not None and (
                not isinstance(idempotency_key, str) or not 0 < len(idempotency_key) <= MAX_KEY):
            raise ValidationFailed.field("idempotency_key", f"must be 1-{MAX_KEY} characters",
                                         code="bad_idempotency_key", max=MAX_KEY)
        key_hash = idempotency_key and domain.key_hash(idempotency_key)
        claim = key_hash and self.repo.find_claim(region_code, key_hash)
        if claim and self.repo.exists(claim["number"]):
            return self._submitted(self.repo.get(claim["number"]), claim, idempotency_key)
        fields = domain.validate_submission(report, region, self.repo.categories(region_code))
        now = utcnow()
        secret = domain.new_tracking_secret()
        if not claim:
            number = domain.ticket_number(
                region.code, now.year, self.repo.next_sequence(region.code, now.year))
            if idempotency_key:
                claim = self.repo.claim_idempotency_key(region_code, key_hash, number, domain.sealed_secret(
                    secret, idempotency_key, region_code, now))
        if claim:  # bound by a concurrent (or crashed) attempt: its number, and its secret if kept
            number = claim["number"]
            secret = domain.unsealed_secret(claim, idempotency_key, region_code, now) or secret
        decision = domain.submitted(number, region, fields, now, domain.tracking_hash(secret),
                                    key_hash or None, receipt is not False)
        if self.repo.insert(decision.record, decision.events):
            self.outbox.flush("tickets", number)
            return {**domain.public_view(self.repo.get(number)), "tracking_secret": secret}
        return self._submitted(self.repo.get(number), claim, idempotency_key)

    def _submitted(self, ticket, claim, idempotency_key):
        """A repeated submission: the same ticket, with its secret within the retry window."""
        view = domain.public_view(ticket)
        secret = domain.unsealed_secret(claim, idempotency_key, ticket["region"], utcnow())
        if secret and domain.proves_ownership(ticket, secret):
            view["tracking_secret"] = secret
        return view

    @rpc
    def get_ticket(self, number):
        return domain.public_view(self.repo.get(number))

    @rpc
    def get_ticket_private(self, number, *, caller):
        """The full ticket, reporter contact included: the region's admin or the
        ticket's OPD; with the running clock's due time, who did what, and the
        actions the caller may take now."""
        ticket = self.repo.get(number)
        who = domain.authorize("read_contact", Caller.verify(caller), ticket)
        now = utcnow()
        duplicates = domain.likely_duplicates(ticket, self.repo.open_tickets(ticket["region"]), now)
        return domain.officer_ticket(ticket, duplicates, who, now)

    @rpc
    def notification_recipient(self, number, *, caller, acting_for=None):
        """Only the contact the reporter gave (None if anonymous): for the notifications
        service, which names the region of the event it handles (`acting_for`); a ticket
        of another region is refused (403), so a forged event reads no contact; so is one of
        a region kept elsewhere (an edge's), which no NotFound-and-retry could ever find."""
        named = record_region(number)
        if named is not None and not hosted_here(named):
            raise Forbidden(f"ticket {number} is kept by region {named}'s own deployment (an edge): "
                            "its notices are sent there", {"field": "number"})
        ticket = self.repo.get(number)
        domain.authorize("read_contact", Caller.verify(caller), ticket, acting_for)
        return domain.notification_contact(ticket)

    @rpc
    def transition(self, number, action, *, caller, note=None, expected_version=None,
                   tracking_secret=None, **params):
        """Move a ticket on; a citizen proves ownership with the ticket's tracking secret."""
        ticket = self.repo.get(number)
        who = Caller.verify(caller)
        if tracking_secret is not None:
            if not domain.proves_ownership(ticket, tracking_secret):
                raise Forbidden(f"tracking_secret does not match ticket {number}",
                                {"field": "tracking_secret"})
            who = who.owning(number)
        if expected_version is not None and expected_version != ticket["version"]:
            raise Conflict(f"ticket {number} is at version {ticket['version']}, not "
                           f"{expected_version}; reload and retry", {"field": "version"})
        opds = {c.opd for c in self.repo.categories(ticket["region"]).values()}
        decision = domain.transition(ticket, action, who, utcnow(), note, opds,
                                     get_region(ticket["region"]), self._original(action, params), **params)
        self.repo.update(ticket, decision.record, decision.events)
        self.outbox.flush("tickets", number)
        return domain.public_view(self.repo.get(number))

    def _original(self, action, params):
        """The stored ticket a duplicate names as its original (None: no such ticket), for
        the domain's guards; nothing for other actions."""
        number = params.get("duplicate_of")
        if action != "mark_duplicate" or not isinstance(number, str):
            return None
        number = number.strip()
        return self.repo.get(number) if number and self.repo.exists(number) else None

    @rpc
    def list_tickets(self, region_code, status=None, category=None, since=None, until=None,
                     limit=50, skip=0):
        get_region(region_code)
        return [domain.public_view(t) for t in self.repo.find(
            region_code, status, category, since, until, limit, skip)]

    @rpc
    def live_marks(self, region_codes):
        """The live view's counts per region (also how the gateway checks its own),
        with the moment they were read."""
        codes = registered_codes(region_codes)
        as_of = isoformat(utcnow())
        return {"as_of": as_of, "regions": self.repo.live_counts(codes)}

    @rpc
    def stats(self, region_code, opd=None):
        region = get_region(region_code)
        tickets = self.repo.for_statistics(region_code, opd)
        result = domain.statistics(tickets, region, by_opd=opd is None)
        return {**result, "region": region_code, "opd": opd}

    @rpc
    def officer_queue(self, region_code, status=None, category=None, opd=None, *, caller):
        """An officer's queue: the region's tickets (an OPD officer's: their OPD's), open
        ones by the running clock's due time (overdue first), with counts per status."""
        get_region(region_code)
        who = Caller.verify(caller)
        if who.role == "opd_officer":
            opd = opd or who.opd or "?"  # an OPD officer without an OPD sees nothing
        domain.authorize("read_queue", who, {"region": region_code, "opd": opd})
        counts = self.repo.status_counts(region_code, opd, domain.STATE_LABELS)
        shown = self.repo.queue_rows(region_code, opd, {status} if status else domain.OPEN_STATES, category)
        return {"counts": counts, "items": [domain.queue_item(t) for t in kinerja.queue(shown, utcnow())]}

    @rpc
    def kinerja(self, region_code, month, *, caller):
        """The month's figures of a region per OPD and per officer (aspirasi/kinerja.py)."""
        region = get_region(region_code)
        domain.authorize("read_kinerja", Caller.verify(caller), {"region": region_code})
        tickets = self.repo.for_month(region_code, *kinerja.month_bounds(month, region.timezone))
        return kinerja.kinerja(tickets, month, region, utcnow())

    @rpc
    def kinerja_regions(self, month, *, caller):
        """The month's figures per region, for the platform operator."""
        domain.authorize("read_kinerja_regions", Caller.verify(caller), {"region": None})
        now = utcnow()
        result = {}
        for region in all_regions():
            bounds = kinerja.month_bounds(month, region.timezone)
            result[region.code] = kinerja.group_figures(self.repo.for_month(region.code, *bounds), bounds,
                                                        region, now)
        return result
