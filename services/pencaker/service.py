"""Pencaker entrypoints: translate RPC calls and timers into domain calls (seekers,
employers and vacancies here; search.py, matching.py, applications.py and clocks.py
hold the other topics). Each command loads, lets the domain decide, and stores the
decision with its events in one write (storing.py), then announces them.

`caller` is the signed Caller the gateway made (servicekit.caller); what it
may do is `authority.AUTHORITY` (domain/authority.py). A seeker's subject is
their seeker id; an employer's owner is the subject that registered it.
"""
import uuid

from nameko.dependency_providers import Config

from services.pencaker.access import authorize_caller
from services.pencaker.applications import Applications
from services.pencaker.clocks import Clocks
from services.pencaker.domain import authority, employers, schema_org, seekers, vacancies
from services.pencaker.matching import Matching
from services.pencaker.search import VacancySearch
from services.pencaker.storing import Storing
from services.servicekit.caller import Caller, verified
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import utcnow
from services.servicekit.errors import DomainError, Forbidden, NotFound
from services.servicekit.health import Observable
from services.servicekit.metrics import Metrics
from services.servicekit.regions import get_region


class PencakerService(Observable, VacancySearch, Matching, Applications, Clocks, Storing):
    name = "pencaker"

    config = Config()
    metrics = Metrics()

    # seekers ------------------------------------------------------------
    @rpc
    def register_seeker(self, region_code, data):
        """An AK/1 registration; returns the seeker's own record."""
        now = utcnow()
        decision = seekers.register(data, get_region(region_code), now, f"S{uuid.uuid4().hex[:15]}",
                                    self.repo.next_sequence)
        self.repo.insert_seeker(decision.record, decision.events)
        self._announce("seekers", decision.record["_id"], decision)
        return seekers.view(self.repo.get_seeker(decision.record["_id"]), now)

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
                                {"field": "application_id", "code": "not_this_seekers"})
            record = {**seeker, "region": application["region"]}
        authority.authorize("read_contact", Caller.verify(caller), record, acting_for)
        return seekers.notification_contact(seeker)

    @rpc
    def update_seeker(self, seeker_id, changes, *, caller):
        seeker = self.repo.get_seeker(seeker_id)
        authorize_caller("update_seeker", caller, seeker)
        now = utcnow()
        decision = seekers.update(seeker, changes, get_region(seeker["region"]), now)
        return seekers.view(self._save("seekers", seeker, decision), now)

    @rpc
    def report_seeker(self, seeker_id, *, caller):
        """The six-monthly report that keeps an AK/1 card active."""
        seeker = self.repo.get_seeker(seeker_id)
        authorize_caller("report_seeker", caller, seeker)
        now = utcnow()
        return seekers.view(self._save("seekers", seeker, seekers.report(seeker, now)), now)

    @rpc
    def find_seeker(self, region_code, nik, *, caller):
        """The AK/1 record of `nik` in the region (Disnaker's lookup), or None."""
        region = get_region(region_code)
        authorize_caller("find_seeker", caller, {"region": region.code})
        seeker = self.repo.seeker_by_nik(region.code, seekers.nik_shape(nik))
        return seeker and seekers.view(seeker, utcnow())

    # employers ------------------------------------------------------------
    @rpc
    def create_employer(self, region_code, data, *, caller):
        region = get_region(region_code)
        owner = authorize_caller("create_employer", caller, {"region": region.code})
        decision = employers.create(data, region, owner.subject, utcnow(), self.repo.next_sequence)
        self.repo.insert_employer(decision.record)
        return self.repo.get_employer(decision.record["_id"])

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

    # vacancies ------------------------------------------------------------
    @rpc
    def post_vacancy(self, employer_id, data, *, caller):
        """A new vacancy waits for a Disnaker officer's verification."""
        employer = self.repo.get_employer(employer_id)
        authorize_caller("post_vacancy", caller, employer)
        region = get_region(data.get("region", employer["region"]) if isinstance(data, dict) else None)
        now = utcnow()
        decision = vacancies.post(data, employer, region, now, self.repo.next_sequence)
        self.repo.insert_vacancy(decision.record)
        return vacancies.view(decision.record, region, now)

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
        decision = vacancies.publish(vacancy, officer.subject, self._candidates(vacancy), now)
        vacancy = self._save("vacancies", vacancy, decision)
        return {**vacancies.view(vacancy, get_region(vacancy["region"]), now),
                "matches_announced": len(decision.events) - 1}

    @rpc
    def reject_vacancy(self, vacancy_id, reason, *, caller):
        vacancy = self.repo.get_vacancy(vacancy_id)
        authorize_caller("reject_vacancy", caller, vacancy)
        now = utcnow()
        vacancy = self._save("vacancies", vacancy, vacancies.reject(vacancy, reason, now))
        return vacancies.view(vacancy, get_region(vacancy["region"]), now)

    @rpc
    def close_vacancy(self, vacancy_id, *, caller):
        vacancy = self.repo.get_vacancy(vacancy_id)
        authorize_caller("close_vacancy", caller, vacancy)
        now = utcnow()
        vacancy = self._close(vacancy, "withdrawn", now)
        return vacancies.view(vacancy, get_region(vacancy["region"]), now)

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
