"""Pencaker entrypoints: translate RPC calls and timers into domain calls (seekers,
employers and vacancies here; search.py, matching.py, applications.py and clocks.py
hold the other topics).

`caller` is the signed Caller the gateway made (servicekit.caller); what it
may do is `authority.AUTHORITY` (domain/authority.py). A seeker's subject is
their seeker id; an employer's owner is the subject that registered it.
"""
import uuid

from nameko.dependency_providers import Config

from services.pencaker.access import authorize_caller
from services.pencaker.announcements import closed_event, pencaker_event, posted_payload
from services.pencaker.applications import Applications
from services.pencaker.clocks import Clocks
from services.pencaker.domain import authority, cards, employers, matching, schema_org, seekers, vacancies
from services.pencaker.matching import Matching
from services.pencaker.repository import PencakerRepository
from services.pencaker.search import VacancySearch
from services.servicekit import nik as niks
from services.servicekit.caller import Caller, verified
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import isoformat, utcnow
from services.servicekit.errors import DomainError, Forbidden, NotFound
from services.servicekit.health import Observable
from services.servicekit.metrics import Metrics
from services.servicekit.outbox import Outbox
from services.servicekit.regions import get_region
from services.servicekit.store import MongoStore


class PencakerService(Observable, VacancySearch, Matching, Applications, Clocks):
    name = "pencaker"

    config = Config()
    repo = MongoStore(PencakerRepository)
    outbox = Outbox("seekers", "vacancies", "applications")
    metrics = Metrics()

    # seekers ------------------------------------------------------------
    @rpc
    def register_seeker(self, region_code, data):
        """An AK/1 registration; returns the seeker's own record."""
        region = get_region(region_code)
        now = utcnow()
        fields = seekers.validate(data, region, now)
        number = cards.number(region.code, now.year,
                              self.repo.next_sequence(f"ak1:{region.code}:{now.year}"))
        seeker = {"_id": f"S{uuid.uuid4().hex[:15]}", "region": region.code, **fields,
                  **cards.issue(number, now), "status": "active", "registered_at": now}
        event = pencaker_event("seeker_registered", region.code, seeker_id=seeker["_id"],
                       education_level=fields["education"]["level"],
                       registered_at=isoformat(now), valid_until=isoformat(seeker["valid_until"]))
        self.repo.insert_seeker(seeker, [event])
        self.outbox.flush("seekers", seeker["_id"])
        return seekers.view(self.repo.get_seeker(seeker["_id"]), now)

    @rpc
    def get_seeker(self, seeker_id, *, caller):
        seeker = self.repo.get_seeker(seeker_id)
        authorize_caller("read_seeker", caller, seeker)
        return seekers.view(seeker, utcnow())

    @rpc
    def notification_recipient(self, seeker_id, *, caller, acting_for=None, application_id=None):
        """Only the seeker's e-mail and phone: for the notifications service, which names
        the region of the event it handles (`acting_for`): the seeker's own region, or,
        for news of an application (`application_id`, the seeker's), the region of the
        vacancy applied to. Any other region is refused (403)."""
        seeker = self.repo.get_seeker(seeker_id)
        record = seeker
        if application_id is not None:
            application = self.repo.get_application(application_id)
            if application["seeker_id"] != seeker["_id"]:
                raise Forbidden(f"application {application_id} is not seeker {seeker_id}'s",
                                {"field": "application_id"})
            record = {**seeker, "region": application["region"]}
        authority.authorize("read_contact", Caller.verify(caller), record, acting_for)
        return seekers.notification_contact(seeker)

    @rpc
    def update_seeker(self, seeker_id, changes, *, caller):
        seeker = self.repo.get_seeker(seeker_id)
        authorize_caller("update_seeker", caller, seeker)
        now = utcnow()
        clean = seekers.validate_update(changes, get_region(seeker["region"]), now)
        seeker = self.repo.update("seekers", seeker, {**clean, "updated_at": now})
        return seekers.view(seeker, now)

    @rpc
    def report_seeker(self, seeker_id, *, caller):
        """The six-monthly report that keeps an AK/1 card active."""
        seeker = self.repo.get_seeker(seeker_id)
        authorize_caller("report_seeker", caller, seeker)
        now = utcnow()
        seeker = self.repo.update("seekers", seeker, cards.record_report(seeker, now))
        return seekers.view(seeker, now)

    # employers and vacancies ---------------------------------------------
    @rpc
    def create_employer(self, region_code, data, *, caller):
        region = get_region(region_code)
        owner = authorize_caller("create_employer", caller, {"region": region.code})
        employer = {"_id": f"EMP-{region.code.replace('.', '')}-"
                           f"{self.repo.next_sequence(f'employers:{region.code}'):06d}",
                    "region": region.code, **employers.validate(data),
                    "owner": owner.subject, "created_at": utcnow()}
        self.repo.insert_employer(employer)
        return self.repo.get_employer(employer["_id"])

    @rpc
    def get_employer(self, employer_id):
        employer = self.repo.get_employer(employer_id)
        return {k: employer.get(k) for k in ("_id", "region", "name", "sector", "url", "created_at")}

    @rpc
    def employers(self, region_code, limit=200, *, caller):
        """The region's employers, newest first, with how many vacancies each has per status."""
        region = get_region(region_code)
        authorize_caller("list_employers", caller, {"region": region.code})
        return [employers.summary(e, self.repo.employer_vacancies(e["_id"]))
                for e in self.repo.employers_of(region.code, min(int(limit), 500))]

    @rpc
    def find_seeker(self, region_code, nik, *, caller):
        """The AK/1 record of `nik` in the region (Disnaker's lookup), or None."""
        region = get_region(region_code)
        authorize_caller("find_seeker", caller, {"region": region.code})
        seeker = self.repo.seeker_by_nik(region.code, niks.check_nik(nik))
        return seeker and seekers.view(seeker, utcnow())

    @rpc
    def post_vacancy(self, employer_id, data, *, caller):
        """A new vacancy waits for a Disnaker officer's verification."""
        employer = self.repo.get_employer(employer_id)
        authorize_caller("post_vacancy", caller, employer)
        location = data.get("region", employer["region"]) if isinstance(data, dict) else None
        region = get_region(location)
        now = utcnow()
        fields = vacancies.validate(data, region, now)
        sequence = self.repo.next_sequence(f"vacancies:{region.code}:{now.year}")
        vacancy = {"_id": f"LK-{region.code.replace('.', '')}-{now.year}-{sequence:06d}", **fields,
                   "employer_id": employer["_id"], "employer_name": employer["name"],
                   "employer_url": employer.get("url"), "owner": employer["owner"],
                   "status": "pending", "created_at": now, "updated_at": now}
        self.repo.insert_vacancy(vacancy)
        return vacancies.view(vacancy, region, now)

    @rpc
    def get_vacancy(self, vacancy_id, *, caller=None):
        vacancy = self._visible_vacancy(vacancy_id, verified(caller, optional=True))
        return vacancies.view(vacancy, get_region(vacancy["region"]), utcnow())

    @rpc
    def vacancy_jsonld(self, vacancy_id):
        vacancy = self._visible_vacancy(vacancy_id, None)
        return schema_org.job_posting(vacancy, get_region(vacancy["region"]))

    @rpc
    def pending_vacancies(self, region_code, *, caller):
        region = get_region(region_code)
        authorize_caller("pending_vacancies", caller, {"region": region.code})
        now = utcnow()
        return [vacancies.view(v, region, now) for v in self.repo.pending_vacancies(region.code)]

    @rpc
    def employer_vacancies(self, employer_id, *, caller):
        employer = self.repo.get_employer(employer_id)
        authorize_caller("employer_vacancies", caller, employer)
        now = utcnow()
        return [vacancies.view(v, get_region(v["region"]), now)
                for v in self.repo.employer_vacancies(employer_id)]

    @rpc
    def verify_vacancy(self, vacancy_id, *, caller):
        """Publish a vacancy: it becomes searchable, is shared, and matching seekers hear of it."""
        vacancy = self.repo.get_vacancy(vacancy_id)
        officer = authorize_caller("verify_vacancy", caller, vacancy)
        now = utcnow()
        changes = {**vacancies.verify(vacancy, now), "verified_by": officer.subject,
                   "updated_at": now}
        published = {**vacancy, **changes}
        events = [pencaker_event("vacancy_posted", vacancy["region"], **posted_payload(published))]
        for result, seeker, _ in self._candidates(published):
            if result["score"] >= matching.THRESHOLD:
                events.append(pencaker_event("match_found", seeker["region"], seeker_id=seeker["_id"],
                                     vacancy_id=vacancy_id, vacancy_region=vacancy["region"],
                                     score=result["score"]))
        vacancy = self.repo.update("vacancies", vacancy, changes, events)
        self.outbox.flush("vacancies", vacancy_id)
        return {**vacancies.view(vacancy, get_region(vacancy["region"]), now),
                "matches_announced": len(events) - 1}

    @rpc
    def reject_vacancy(self, vacancy_id, reason, *, caller):
        vacancy = self.repo.get_vacancy(vacancy_id)
        authorize_caller("reject_vacancy", caller, vacancy)
        now = utcnow()
        vacancy = self.repo.update("vacancies", vacancy, {
            **vacancies.reject(vacancy, reason, now), "updated_at": now})
        return vacancies.view(vacancy, get_region(vacancy["region"]), now)

    @rpc
    def close_vacancy(self, vacancy_id, *, caller):
        vacancy = self.repo.get_vacancy(vacancy_id)
        authorize_caller("close_vacancy", caller, vacancy)
        now = utcnow()
        vacancy = self._close(vacancy, "withdrawn", now)
        return vacancies.view(vacancy, get_region(vacancy["region"]), now)

    # helpers ------------------------------------------------------------
    def _visible_vacancy(self, vacancy_id, caller):
        """Published or closed vacancies are public; pending or rejected ones only
        to their employer and Disnaker (to others they do not exist)."""
        vacancy = self.repo.get_vacancy(vacancy_id)
        if vacancy["status"] in ("published", "closed") and vacancy.get("posted_at"):
            return vacancy
        try:
            authority.authorize("read_unpublished_vacancy", caller, vacancy)
        except DomainError:
            raise NotFound(f"vacancy {vacancy_id} not found", {"field": "vacancy_id"}) from None
        return vacancy

    def _close(self, vacancy, reason, now):
        changes = {**vacancies.close(vacancy, reason, now), "updated_at": now}
        events = [closed_event(vacancy, changes)] if vacancy["status"] == "published" else []
        vacancy = self.repo.update("vacancies", vacancy, changes, events)
        self.outbox.flush("vacancies", vacancy["_id"])
        return vacancy
