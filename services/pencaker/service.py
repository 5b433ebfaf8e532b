"""Pencaker entrypoints: translate RPC calls and timers into domain calls.

`caller` is the signed Caller the gateway made (servicekit.caller); what it
may do is `domain.AUTHORITY`. A seeker's subject is their seeker id; an
employer's owner is the subject that registered it.
"""
import uuid

from nameko.dependency_providers import Config
from nameko.timer import timer
from prometheus_client import Gauge

from services.pencaker import domain
from services.pencaker.repository import PencakerRepository, region_centroids
from services.servicekit.caller import Caller, verified
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import isoformat, new_event, utcnow
from services.servicekit.errors import DomainError, NotFound, ValidationFailed
from services.servicekit.health import Observable
from services.servicekit.metrics import Metrics
from services.servicekit.outbox import Outbox
from services.servicekit.regions import all_regions, get_region
from services.servicekit.store import MongoStore

MAX_MATCH_EVENTS = 100
OPEN_VACANCIES = Gauge("tl_pencaker_open_vacancies", "Published vacancies before validThrough",
                       ["region"])
SEEKERS_REGISTERED = Gauge("tl_pencaker_seekers_registered", "Active (registered, unexpired) job seekers",
                           ["region"])


def _event(event_type, region, **payload):
    return new_event(event_type, "pencaker", region, payload)


def _authorize(action, caller, record):
    return domain.authorize(action, Caller.verify(caller), record)


def _posted_payload(vacancy):
    return {"vacancy_id": vacancy["_id"], "title": vacancy["title"],
            "employer_id": vacancy["employer_id"], "employer_name": vacancy["employer_name"],
            "location_region": vacancy["region"], "employment_type": vacancy["employment_type"],
            "education": vacancy["education"], "skills": vacancy["skills"],
            "salary": vacancy["salary"], "openings": vacancy["openings"],
            "valid_through": isoformat(vacancy["valid_through"]),
            "posted_at": isoformat(vacancy["posted_at"])}


def _closed_event(vacancy, changes):
    return _event("vacancy_closed", vacancy["region"], vacancy_id=vacancy["_id"],
                  title=vacancy["title"], reason=changes["close_reason"],
                  closed_at=isoformat(changes["closed_at"]))


class PencakerService(Observable):
    name = "pencaker"

    config = Config()
    store = MongoStore(PencakerRepository)
    outbox = Outbox("seekers", "vacancies", "applications")
    metrics = Metrics()

    # seekers ------------------------------------------------------------
    @rpc
    def register_seeker(self, region_code, data):
        """An AK/1 registration; returns the seeker's own record."""
        region = get_region(region_code)
        now = utcnow()
        fields = domain.validate_seeker(data, region, now)
        number = domain.card_number(region.code, now.year,
                                    self.store.next_sequence(f"ak1:{region.code}:{now.year}"))
        seeker = {"_id": f"S{uuid.uuid4().hex[:15]}", "region": region.code, **fields,
                  **domain.issue_card(number, now), "status": "active", "registered_at": now}
        event = _event("seeker_registered", region.code, seeker_id=seeker["_id"],
                       education_level=fields["education"]["level"],
                       registered_at=isoformat(now), valid_until=isoformat(seeker["valid_until"]))
        self.store.insert_seeker(seeker, [event])
        self.outbox.flush("seekers", seeker["_id"])
        return domain.seeker_view(self.store.get_seeker(seeker["_id"]), now)

    @rpc
    def get_seeker(self, seeker_id, *, caller):
        seeker = self.store.get_seeker(seeker_id)
        _authorize("read_seeker", caller, seeker)
        return domain.seeker_view(seeker, utcnow())

    @rpc
    def notification_recipient(self, seeker_id, *, caller):
        """Only the seeker's e-mail and phone: for the notifications service."""
        seeker = self.store.get_seeker(seeker_id)
        _authorize("read_contact", caller, seeker)
        return domain.notification_contact(seeker)

    @rpc
    def update_seeker(self, seeker_id, changes, *, caller):
        seeker = self.store.get_seeker(seeker_id)
        _authorize("update_seeker", caller, seeker)
        now = utcnow()
        clean = domain.validate_seeker_update(changes, get_region(seeker["region"]), now)
        seeker = self.store.update("seekers", seeker, {**clean, "updated_at": now})
        return domain.seeker_view(seeker, now)

    @rpc
    def report_seeker(self, seeker_id, *, caller):
        """The six-monthly report that keeps an AK/1 card active."""
        seeker = self.store.get_seeker(seeker_id)
        _authorize("report_seeker", caller, seeker)
        now = utcnow()
        seeker = self.store.update("seekers", seeker, domain.record_report(seeker, now))
        return domain.seeker_view(seeker, now)

    # employers and vacancies ---------------------------------------------
    @rpc
    def create_employer(self, region_code, data, *, caller):
        region = get_region(region_code)
        owner = _authorize("create_employer", caller, {"region": region.code})
        employer = {"_id": f"EMP-{region.code.replace('.', '')}-"
                           f"{self.store.next_sequence(f'employers:{region.code}'):06d}",
                    "region": region.code, **domain.validate_employer(data),
                    "owner": owner.subject, "created_at": utcnow()}
        self.store.insert_employer(employer)
        return self.store.get_employer(employer["_id"])

    @rpc
    def get_employer(self, employer_id):
        employer = self.store.get_employer(employer_id)
        return {k: employer.get(k) for k in ("_id", "region", "name", "sector", "url", "created_at")}

    @rpc
    def employers(self, region_code, limit=200, *, caller):
        """The region's employers, newest first, with how many vacancies each has per status."""
        region = get_region(region_code)
        _authorize("list_employers", caller, {"region": region.code})
        return [domain.employer_summary(e, self.store.employer_vacancies(e["_id"]))
                for e in self.store.employers_of(region.code, min(int(limit), 500))]

    @rpc
    def find_seeker(self, region_code, nik, *, caller):
        """The AK/1 record of `nik` in the region (Disnaker's lookup), or None."""
        region = get_region(region_code)
        _authorize("find_seeker", caller, {"region": region.code})
        seeker = self.store.seeker_by_nik(region.code, domain.niks.check_nik(nik))
        return seeker and domain.seeker_view(seeker, utcnow())

    @rpc
    def post_vacancy(self, employer_id, data, *, caller):
        """A new vacancy waits for a Disnaker officer's verification."""
        employer = self.store.get_employer(employer_id)
        _authorize("post_vacancy", caller, employer)
        location = data.get("region", employer["region"]) if isinstance(data, dict) else None
        region = get_region(location)
        now = utcnow()
        fields = domain.validate_vacancy(data, region, now)
        sequence = self.store.next_sequence(f"vacancies:{region.code}:{now.year}")
        vacancy = {"_id": f"LK-{region.code.replace('.', '')}-{now.year}-{sequence:06d}", **fields,
                   "employer_id": employer["_id"], "employer_name": employer["name"],
                   "employer_url": employer.get("url"), "owner": employer["owner"],
                   "status": "pending", "created_at": now, "updated_at": now}
        self.store.insert_vacancy(vacancy)
        return domain.vacancy_view(vacancy, region, now)

    @rpc
    def get_vacancy(self, vacancy_id, *, caller=None):
        vacancy = self._visible_vacancy(vacancy_id, verified(caller, optional=True))
        return domain.vacancy_view(vacancy, get_region(vacancy["region"]), utcnow())

    @rpc
    def vacancy_jsonld(self, vacancy_id):
        vacancy = self._visible_vacancy(vacancy_id, None)
        return domain.job_posting(vacancy, get_region(vacancy["region"]))

    @rpc
    def pending_vacancies(self, region_code, *, caller):
        region = get_region(region_code)
        _authorize("pending_vacancies", caller, {"region": region.code})
        now = utcnow()
        return [domain.vacancy_view(v, region, now) for v in self.store.pending_vacancies(region.code)]

    @rpc
    def employer_vacancies(self, employer_id, *, caller):
        employer = self.store.get_employer(employer_id)
        _authorize("employer_vacancies", caller, employer)
        now = utcnow()
        return [domain.vacancy_view(v, get_region(v["region"]), now)
                for v in self.store.employer_vacancies(employer_id)]

    @rpc
    def verify_vacancy(self, vacancy_id, *, caller):
        """Publish a vacancy: it becomes searchable, is shared, and matching seekers hear of it."""
        vacancy = self.store.get_vacancy(vacancy_id)
        officer = _authorize("verify_vacancy", caller, vacancy)
        now = utcnow()
        changes = {**domain.verify_vacancy(vacancy, now), "verified_by": officer.subject,
                   "updated_at": now}
        published = {**vacancy, **changes}
        events = [_event("vacancy_posted", vacancy["region"], **_posted_payload(published))]
        for result, seeker, _ in self._candidates(published):
            if result["score"] >= domain.MATCH_THRESHOLD:
                events.append(_event("match_found", seeker["region"], seeker_id=seeker["_id"],
                                     vacancy_id=vacancy_id, vacancy_region=vacancy["region"],
                                     score=result["score"]))
        vacancy = self.store.update("vacancies", vacancy, changes, events)
        self.outbox.flush("vacancies", vacancy_id)
        return {**domain.vacancy_view(vacancy, get_region(vacancy["region"]), now),
                "matches_announced": len(events) - 1}

    @rpc
    def reject_vacancy(self, vacancy_id, reason, *, caller):
        vacancy = self.store.get_vacancy(vacancy_id)
        _authorize("reject_vacancy", caller, vacancy)
        now = utcnow()
        vacancy = self.store.update("vacancies", vacancy, {
            **domain.reject_vacancy(vacancy, reason, now), "updated_at": now})
        return domain.vacancy_view(vacancy, get_region(vacancy["region"]), now)

    @rpc
    def close_vacancy(self, vacancy_id, *, caller):
        vacancy = self.store.get_vacancy(vacancy_id)
        _authorize("close_vacancy", caller, vacancy)
        now = utcnow()
        vacancy = self._close(vacancy, "withdrawn", now)
        return domain.vacancy_view(vacancy, get_region(vacancy["region"]), now)

    # search and the live view --------------------------------------------
    @rpc
    def search_vacancies(self, region_code, params):
        region = get_region(region_code)
        filters = domain.parse_search(params or {})
        sources = self.store.sources(region.code)
        regions = filters["regions"] or sources
        outside = [code for code in regions if code not in sources]
        if outside:
            raise ValidationFailed.field("regions", f"{', '.join(outside)} not shared with "
                                         f"{region.name}; it shows {', '.join(sources)}")
        now = utcnow()
        total, page = domain.search(self.store.open_vacancies(regions, now), filters, now)
        return {"region": region.code, "sources": sources, "total": total, "page": filters["page"],
                "per_page": filters["per_page"], "sort": filters["sort"],
                "items": [domain.vacancy_view(v, get_region(v["region"]), now) for v in page]}

    @rpc
    def live_summary(self, region_code, limit=5):
        """The vacancies the region's loker page lists (its own and its sources'):
        how many are open, and the newest; with the moment they were read."""
        get_region(region_code)
        now = utcnow()
        sources = self.store.sources(region_code)
        return {"open": self.store.open_count(sources, now), "sources": sources,
                "newest": [domain.compact_view(v)
                           for v in self.store.newest_vacancies(sources, now, limit)],
                "as_of": isoformat(now)}

    @rpc
    def live_marks(self, region_codes, limit=5):
        """Per region, what the live view's mark of live_summary is: how the gateway checks it."""
        now, marks = utcnow(), {}
        for code in region_codes:
            sources = self.store.sources(get_region(code).code)
            marks[code] = {"open": self.store.open_count(sources, now), "sources": sources,
                           "newest": [v["_id"] for v in self.store.newest_vacancies(sources, now, limit)]}
        return {"regions": marks}

    @rpc
    def subscriptions(self, region_code):
        get_region(region_code)
        return {"region": region_code, "sources": self.store.sources(region_code)}

    @rpc
    def set_subscriptions(self, region_code, sources, *, caller):
        get_region(region_code)
        _authorize("set_subscriptions", caller, {"region": region_code})
        if not isinstance(sources, list):
            raise ValidationFailed.field("sources", "must be a list of region codes")
        for code in sources:
            get_region(code)
        return {"region": region_code, "sources": self.store.set_sources(region_code, sources, utcnow())}

    # matching -----------------------------------------------------------
    @rpc
    def matches_for_seeker(self, seeker_id, *, caller, limit=10):
        seeker = self.store.get_seeker(seeker_id)
        _authorize("seeker_matches", caller, seeker)
        now = utcnow()
        vacancies = self.store.open_vacancies(self.store.sources(seeker["region"]), now)
        ranked = domain.rank_matches([(seeker, v) for v in vacancies], region_centroids(), limit)
        return [{**result, "vacancy": domain.compact_view(v)} for result, _, v in ranked]

    @rpc
    def matches_for_vacancy(self, vacancy_id, *, caller, limit=10):
        """Seekers by opaque id with what matters for the job, never who they are."""
        vacancy = self.store.get_vacancy(vacancy_id)
        _authorize("vacancy_matches", caller, vacancy)
        return [{**result, "seeker": {"seeker_id": s["_id"], "region": s["region"],
                                      "education_level": s["education"]["level"],
                                      "skills": s["skills"]}}
                for result, s, _ in self._candidates(vacancy)[:limit]]

    # applications -------------------------------------------------------
    @rpc
    def apply(self, vacancy_id, *, caller, cover_letter=None):
        """The calling seeker (the caller's subject) applies."""
        applicant = Caller.verify(caller)
        domain.authorize("apply", applicant, {"region": None, "_id": applicant.subject})
        seeker = self.store.get_seeker(applicant.subject)
        seeker_id = seeker["_id"]
        vacancy = self.store.get_vacancy(vacancy_id)
        now = utcnow()
        shown = vacancy["region"] in self.store.sources(seeker["region"])
        domain.check_can_apply(seeker, vacancy, shown, now)
        if cover_letter is not None and (not isinstance(cover_letter, str) or len(cover_letter) > 3000):
            raise ValidationFailed.field("cover_letter", "must be text of at most 3000 characters")
        application = {"_id": domain.application_id(vacancy_id, seeker_id), "vacancy_id": vacancy_id,
                       "seeker_id": seeker_id, "seeker_region": seeker["region"],
                       "region": vacancy["region"], "owner": vacancy["owner"], "status": "submitted",
                       "cover_letter": cover_letter, "submitted_at": now, "updated_at": now,
                       "history": [{"from": None, "to": "submitted", "by": "seeker", "note": "",
                                    "at": now}]}
        event = _event("application_submitted", vacancy["region"], application_id=application["_id"],
                       vacancy_id=vacancy_id, seeker_id=seeker_id, seeker_region=seeker["region"],
                       submitted_at=isoformat(now))
        self.store.insert_application(application, [event])
        self.outbox.flush("applications", application["_id"])
        return domain.application_view(application)

    @rpc
    def withdraw_application(self, application_id, *, caller):
        application = self.store.get_application(application_id)
        _authorize("withdraw_application", caller, application)
        return self._move(application, "withdrawn", "seeker", None)

    @rpc
    def move_application(self, application_id, status, *, caller, note=None):
        """The employer moves an application to interview, accepted or rejected."""
        application = self.store.get_application(application_id)
        _authorize("move_application", caller, application)
        return self._move(application, status, "employer", note)

    @rpc
    def applications_for_seeker(self, seeker_id, *, caller):
        _authorize("seeker_applications", caller, self.store.get_seeker(seeker_id))
        return [domain.application_view(a) for a in self.store.applications(seeker_id=seeker_id)]

    @rpc
    def applications_for_vacancy(self, vacancy_id, *, caller):
        vacancy = self.store.get_vacancy(vacancy_id)
        _authorize("vacancy_applications", caller, vacancy)
        return [domain.application_view(a) for a in self.store.applications(vacancy_id=vacancy_id)]

    # clocks -------------------------------------------------------------
    @rpc
    def sweep(self):
        """Close vacancies past validThrough, expire lapsed cards, finish placements."""
        now = utcnow()
        closed = 0
        for vacancy in domain.due_to_expire(self.store.expired_vacancies(now), now):
            self._close(vacancy, "expired", now)
            closed += 1
        expired = 0
        for seeker in self.store.seekers_to_check():
            status, reason = domain.seeker_status(seeker, now)
            if status == "expired":
                self.store.update("seekers", seeker, {"status": "expired", "expiry_reason": reason})
                expired += 1
            elif due := domain.report_window_to_announce(seeker, now):
                event = _event("seeker_report_window_opened", seeker["region"],
                               seeker_id=seeker["_id"], due=isoformat(due))
                self.store.update("seekers", seeker, {"report_window_announced": due.isoformat()}, [event])
                self.outbox.flush("seekers", seeker["_id"])
        for application in self.store.pending_placements():
            self._place(application, now)
        return {"vacancies_closed": closed, "seekers_expired": expired}

    @timer(interval=30)
    def expiry_clock(self):
        self.sweep()
        counts = {}
        for vacancy in self.store.open_vacancies(None, utcnow()):
            counts[vacancy["region"]] = counts.get(vacancy["region"], 0) + 1
        for region in all_regions():
            OPEN_VACANCIES.labels(region.code).set(counts.get(region.code, 0))
            SEEKERS_REGISTERED.labels(region.code).set(self.store.count_active_seekers(region.code))

    # helpers ------------------------------------------------------------
    def _visible_vacancy(self, vacancy_id, caller):
        """Published or closed vacancies are public; pending or rejected ones only
        to their employer and Disnaker (to others they do not exist)."""
        vacancy = self.store.get_vacancy(vacancy_id)
        if vacancy["status"] in ("published", "closed") and vacancy.get("posted_at"):
            return vacancy
        try:
            domain.authorize("read_unpublished_vacancy", caller, vacancy)
        except DomainError:
            raise NotFound(f"vacancy {vacancy_id} not found", {"field": "vacancy_id"}) from None
        return vacancy

    def _candidates(self, vacancy):
        """Active seekers of the regions that show this vacancy, best first."""
        regions = self.store.regions_showing(vacancy["region"], [r.code for r in all_regions()])
        seekers = self.store.seekers_in(regions)
        return domain.rank_matches([(s, vacancy) for s in seekers], region_centroids(),
                                   MAX_MATCH_EVENTS)

    def _close(self, vacancy, reason, now):
        changes = {**domain.close_vacancy(vacancy, reason, now), "updated_at": now}
        events = [_closed_event(vacancy, changes)] if vacancy["status"] == "published" else []
        vacancy = self.store.update("vacancies", vacancy, changes, events)
        self.outbox.flush("vacancies", vacancy["_id"])
        return vacancy

    def _move(self, application, to, party, note):
        now = utcnow()
        changes, entry = domain.move_application(application, to, party, now, note)
        if to == "accepted":
            changes["placement_pending"] = True
        event = _event("application_status_changed", application["region"],
                       application_id=application["_id"], vacancy_id=application["vacancy_id"],
                       seeker_id=application["seeker_id"], **{"from": entry["from"], "to": to},
                       at=isoformat(now))
        application = self.store.update("applications", application, changes, [event])
        self.outbox.flush("applications", application["_id"])
        if to == "accepted":
            self._place(application, now)
        return domain.application_view(application)

    def _place(self, application, now):
        """Acceptance marks the seeker placed and may fill the vacancy. Each step
        is idempotent; `placement_pending` stays up until all are done, so the
        sweep finishes what a crash interrupted."""
        seeker = self.store.get_seeker(application["seeker_id"])
        if seeker["status"] != "placed":
            event = _event("seeker_placed", seeker["region"], seeker_id=seeker["_id"],
                           vacancy_id=application["vacancy_id"], application_id=application["_id"],
                           placed_at=isoformat(now))
            self.store.update("seekers", seeker, {"status": "placed", "placed_at": now,
                                                  "placed_vacancy": application["vacancy_id"]}, [event])
            self.outbox.flush("seekers", seeker["_id"])
        vacancy = self.store.get_vacancy(application["vacancy_id"])
        if vacancy["status"] == "published" and \
                self.store.accepted_count(vacancy["_id"]) >= vacancy["openings"]:
            self._close(vacancy, "filled", now)
        self.store.update("applications", application, {"placement_pending": False})
