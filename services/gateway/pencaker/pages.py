"""Loker's citizen pages: open vacancies with a search, a vacancy in the layout with its
JobPosting, and the signed-in seeker's application to it."""
from urllib.parse import quote

from services.gateway.access import sessions
from services.gateway.access.accounts import AccountRepository
from services.gateway.access.ratelimit import RateLimits
from services.gateway.pencaker.ak1_form import APPLICATION_LABELS, apply_refusal
from services.gateway.pencaker.api import script_json
from services.gateway.web.errors import CitizenError, notice_text
from services.gateway.web.http import read_form
from services.gateway.web.pages import page
from services.gateway.web.policies import everywhere, public
from services.gateway.web.templating import goto, render
from services.servicekit.contracts.pencaker import (
    EDUCATION_RANK,
    EMPLOYMENT_TYPES,
)
from services.servicekit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from services.servicekit.public_url import public_url
from services.servicekit.regions import get_region
from services.servicekit.rpc import RpcProxy, call
from services.servicekit.store import MongoStore

LOKER_QUERY = {"q": {"type": "string"}, "education": {"type": "string"},
               "employment_type": {"type": "string"}, "page": {"type": "integer"}}
# The search form's fields as a citizen reads them beside a refusal (by its code).
SEARCH_LABELS = {"q": "Kata kunci", "education": "Pendidikan", "employment_type": "Jenis pekerjaan",
                 "page": "Halaman"}
LOKER_PAGE = public(30, 60, everywhere("pencaker"))
VACANCY_PAGE = public(60, 300, everywhere("pencaker"))


class PencakerPages:
    repo = MongoStore(AccountRepository)
    pencaker = RpcProxy("pencaker")
    limits = RateLimits()

    @page("GET", "/loker/<string:vacancy_id>", cache=VACANCY_PAGE)
    def vacancy_page(self, request, vacancy_id):
        """A vacancy in the layout, in Indonesian, with its JobPosting and the apply form."""
        try:
            vacancy = call(self.pencaker.get_vacancy, vacancy_id)
            posting = call(self.pencaker.vacancy_jsonld, vacancy_id)
        except NotFound:
            raise CitizenError("Lowongan itu tidak ditemukan atau belum diverifikasi Disnaker.") from None
        region = get_region(vacancy["region"])
        session = sessions.current(request)
        applied = None
        if session and session.role == "citizen":
            applied = next((a for a in call(self.pencaker.applications_for_seeker, session.subject,
                                            caller=session.caller()) if a["vacancy_id"] == vacancy_id), None)
        return render("lowongan.html", region, vacancy=vacancy, jsonld=script_json(posting),
                      session=session, applied=applied, labels=APPLICATION_LABELS, active="loker",
                      share={"title": f"{vacancy['title']} - {vacancy['employer']['name']}",
                             "description": vacancy["description"][:200],
                             "url": public_url(region, f"/loker/{vacancy_id}")})

    @page("POST", "/loker/<string:vacancy_id>/lamar", form={"type": "object", "properties": {
        "csrf": {"type": "string", "maxLength": 100}, "cover_letter": {"type": "string", "maxLength": 4000}}},
          statuses=(303, 403))
    def vacancy_apply(self, request, vacancy_id):
        """The signed-in seeker applies; then their applications."""
        session = sessions.current(request)
        if session is None:
            return goto(f"/ak1/masuk?next=/loker/{quote(vacancy_id, safe='')}")
        sessions.check_form(request, session)
        letter = (read_form(request).get("cover_letter") or "").strip() or None
        try:
            call(self.pencaker.apply, vacancy_id, caller=session.caller(), cover_letter=letter)
        except (Conflict, Forbidden) as exc:
            if exc.details.get("field") == "csrf":
                raise
            return render("galat.html", status=exc.status, status_code=exc.status,
                          title="Lamaran belum terkirim", message=apply_refusal(exc))
        return goto("/ak1#lamaran")

    @page("GET", "/r/<string:code>/loker", query=LOKER_QUERY, cache=LOKER_PAGE)
    def loker_page(self, request, code):
        """Loker: open vacancies with a search by words, education and employment type."""
        region = get_region(code)
        wanted = {k: request.args.get(k, "").strip() for k in LOKER_QUERY}
        params = {k: v for k, v in wanted.items() if v}
        error, status, found = None, 200, None
        try:
            found = call(self.pencaker.search_vacancies, region.code, params)
        except ValidationFailed as exc:
            error = notice_text(exc, "pencarian", SEARCH_LABELS)
            status = 400
        return render("loker.html", region, status, wanted=wanted, found=found, error=error,
                      educations=list(EDUCATION_RANK), employment_types=EMPLOYMENT_TYPES, active="loker")

