"""Pencaker's applications: apply, withdraw, the employer's moves, the lists, and the
placement an acceptance makes (mixed into PencakerService, whose _close it uses)."""

from services.pencaker.access import authorize_caller
from services.pencaker.announcements import pencaker_event
from services.pencaker.domain import applications, authority
from services.pencaker.repository import PencakerRepository
from services.servicekit.caller import Caller
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import isoformat, utcnow
from services.servicekit.errors import ValidationFailed
from services.servicekit.outbox import Outbox
from services.servicekit.store import MongoStore


class Applications:
    repo = MongoStore(PencakerRepository)
    outbox = Outbox("seekers", "vacancies", "applications")

    @rpc
    def apply(self, vacancy_id, *, caller, cover_letter=None):
        """The calling seeker (the caller's subject) applies."""
        applicant = Caller.verify(caller)
        authority.authorize("apply", applicant, {"region": None, "_id": applicant.subject})
        seeker = self.repo.get_seeker(applicant.subject)
        seeker_id = seeker["_id"]
        vacancy = self.repo.get_vacancy(vacancy_id)
        now = utcnow()
        shown = vacancy["region"] in self.repo.sources(seeker["region"])
        applications.check_can_apply(seeker, vacancy, shown, now)
        if cover_letter is not None and (not isinstance(cover_letter, str) or len(cover_letter) > 3000):
            raise ValidationFailed.field("cover_letter", "must be text of at most 3000 characters")
        application = {"_id": applications.application_id(vacancy_id, seeker_id), "vacancy_id": vacancy_id,
                       "seeker_id": seeker_id, "seeker_region": seeker["region"],
                       "region": vacancy["region"], "owner": vacancy["owner"], "status": "submitted",
                       "cover_letter": cover_letter, "submitted_at": now, "updated_at": now,
                       "history": [{"from": None, "to": "submitted", "by": "seeker", "note": "",
                                    "at": now}]}
        event = pencaker_event("application_submitted", vacancy["region"], application_id=application["_id"],
                       vacancy_id=vacancy_id, seeker_id=seeker_id, seeker_region=seeker["region"],
                       submitted_at=isoformat(now))
        self.repo.insert_application(application, [event])
        self.outbox.flush("applications", application["_id"])
        return applications.view(application)

    @rpc
    def withdraw_application(self, application_id, *, caller):
        application = self.repo.get_application(application_id)
        authorize_caller("withdraw_application", caller, application)
        return self._move(application, "withdrawn", "seeker", None)

    @rpc
    def move_application(self, application_id, status, *, caller, note=None):
        """The employer moves an application to interview, accepted or rejected."""
        application = self.repo.get_application(application_id)
        authorize_caller("move_application", caller, application)
        return self._move(application, status, "employer", note)

    @rpc
    def applications_for_seeker(self, seeker_id, *, caller):
        authorize_caller("seeker_applications", caller, self.repo.get_seeker(seeker_id))
        return [applications.view(a) for a in self.repo.applications(seeker_id=seeker_id)]

    @rpc
    def applications_for_vacancy(self, vacancy_id, *, caller):
        vacancy = self.repo.get_vacancy(vacancy_id)
        authorize_caller("vacancy_applications", caller, vacancy)
        return [applications.view(a) for a in self.repo.applications(vacancy_id=vacancy_id)]

    def _move(self, application, to, party, note):
        now = utcnow()
        changes, entry = applications.move(application, to, party, now, note)
        if to == "accepted":
            changes["placement_pending"] = True
        event = pencaker_event("application_status_changed", application["region"],
                       application_id=application["_id"], vacancy_id=application["vacancy_id"],
                       seeker_id=application["seeker_id"], **{"from": entry["from"], "to": to},
                       at=isoformat(now))
        application = self.repo.update("applications", application, changes, [event])
        self.outbox.flush("applications", application["_id"])
        if to == "accepted":
            self._place(application, now)
        return applications.view(application)

    def _place(self, application, now):
        """Acceptance marks the seeker placed and may fill the vacancy. Each step
        is idempotent; `placement_pending` stays up until all are done, so the
        sweep finishes what a crash interrupted."""
        seeker = self.repo.get_seeker(application["seeker_id"])
        if seeker["status"] != "placed":
            event = pencaker_event("seeker_placed", seeker["region"], seeker_id=seeker["_id"],
                           vacancy_id=application["vacancy_id"], application_id=application["_id"],
                           placed_at=isoformat(now))
            self.repo.update("seekers", seeker, {"status": "placed", "placed_at": now,
                                                  "placed_vacancy": application["vacancy_id"]}, [event])
            self.outbox.flush("seekers", seeker["_id"])
        vacancy = self.repo.get_vacancy(application["vacancy_id"])
        if vacancy["status"] == "published" and \
                self.repo.accepted_count(vacancy["_id"]) >= vacancy["openings"]:
            self._close(vacancy, "filled", now)
        self.repo.update("applications", application, {"placement_pending": False})
