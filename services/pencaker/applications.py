"""Pencaker's applications: apply, withdraw, the employer's moves, the lists, and the
placement an acceptance makes (storing.py)."""
from datetime import datetime

from services.pencaker.access import authorize_caller
from services.pencaker.domain import applications, authority
from services.pencaker.storing import Storing
from services.servicekit.caller import Caller
from services.servicekit.decision import Decision
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import utcnow


class Applications(Storing):
    @rpc
    def apply(self, vacancy_id, *, caller, cover_letter=None):
        """The calling seeker (the caller's subject) applies."""
        applicant = Caller.verify(caller)
        authority.authorize("apply", applicant, {"region": None, "_id": applicant.subject})
        seeker = self.repo.get_seeker(applicant.subject)
        vacancy = self.repo.get_vacancy(vacancy_id)
        shown = vacancy["region"] in self.repo.sources(seeker["region"])
        decision = applications.apply(seeker, vacancy, shown, cover_letter, utcnow())
        self.repo.insert_application(decision.record, decision.events)
        self._announce("applications", decision.record["_id"], decision)
        return applications.view(decision.record)

    @rpc
    def withdraw_application(self, application_id, *, caller):
        application = self.repo.get_application(application_id)
        authorize_caller("withdraw_application", caller, application)
        now = utcnow()
        return self._move(application, applications.move(application, "withdrawn", "seeker", now), now)

    @rpc
    def move_application(self, application_id, status, *, caller, note=None):
        """The employer moves an application to interview, accepted or rejected."""
        application = self.repo.get_application(application_id)
        authorize_caller("move_application", caller, application)
        now, body = utcnow(), {"status": status, "note": note}
        return self._move(application, applications.move_by_employer(application, body, now), now)

    @rpc
    def applications_for_seeker(self, seeker_id, *, caller):
        authorize_caller("seeker_applications", caller, self.repo.get_seeker(seeker_id))
        return [applications.view(a) for a in self.repo.applications(seeker_id=seeker_id)]

    @rpc
    def applications_for_vacancy(self, vacancy_id, *, caller):
        vacancy = self.repo.get_vacancy(vacancy_id)
        authorize_caller("vacancy_applications", caller, vacancy)
        return [applications.view(a) for a in self.repo.applications(vacancy_id=vacancy_id)]

    def _move(self, application, decision: Decision, now: datetime):
        application = self._save("applications", application, decision)
        if application.get("placement_pending"):
            self._place(application, now)
        return applications.view(application)
