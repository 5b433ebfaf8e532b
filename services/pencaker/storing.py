"""What every Pencaker entrypoint does with a domain's decision: store the record with its
events in one write (the outbox), then announce them; and the two follow-ups more than
one entrypoint makes (closing a vacancy, finishing a placement)."""
from datetime import datetime
from typing import Any

from services.pencaker.domain import applications, seekers, vacancies
from services.pencaker.repository import PencakerRepository
from services.pencaker.repository_protocol import PencakerRepo
from services.servicekit.decision import Decision
from services.servicekit.outbox import Outbox
from services.servicekit.store import MongoStore

COLLECTIONS = ("seekers", "vacancies", "applications")


class Storing:
    repo: PencakerRepo = MongoStore(PencakerRepository)
    outbox = Outbox(*COLLECTIONS)

    def _save(self, collection: str, before: dict[str, Any], decision: Decision) -> dict[str, Any]:
        """Compare-and-set `before` to the decided record, its events queued in the same write."""
        stored = self.repo.update(collection, before, decision.record, decision.events)
        self._announce(collection, stored["_id"], decision)
        return stored

    def _announce(self, collection: str, record_id: str, decision: Decision) -> None:
        if decision.events:
            self.outbox.flush(collection, record_id)

    def _close(self, vacancy: dict[str, Any], reason: str, now: datetime) -> dict[str, Any]:
        return self._save("vacancies", vacancy, vacancies.close(vacancy, reason, now))

    def _place(self, application: dict[str, Any], now: datetime) -> None:
        """Acceptance marks the seeker placed and may fill the vacancy. Each step
        is idempotent; `placement_pending` stays up until all are done, so the
        sweep finishes what a crash interrupted."""
        seeker = self.repo.get_seeker(application["seeker_id"])
        if placed := seekers.place(seeker, application, now):
            self._save("seekers", seeker, placed)
        vacancy = self.repo.get_vacancy(application["vacancy_id"])
        if filled := vacancies.close_if_filled(vacancy, self.repo.accepted_count(vacancy["_id"]), now):
            self._save("vacancies", vacancy, filled)
        self._save("applications", application, applications.placed(application))
