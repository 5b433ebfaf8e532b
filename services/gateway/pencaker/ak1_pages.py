"""Pencaker's citizen pages: a vacancy in the layout with its JobPosting, AK/1 self-service
(register, sign in, the card with its QR code, the six-monthly report) and applications.

Seekers sign in with their AK/1 card number and the password chosen at registration;
only citizens' accounts sign in here (an officer's answers as a wrong password), with
the limits of sign_in.py. The page session (sessions.py) carries who they are, and
every form POST its CSRF token; the sign-in and registration forms, which start a
session, carry a pre-session one (sessions.with_form_token).
"""


from services.gateway.access import sessions
from services.gateway.access.accounts import AccountRepository
from services.gateway.access.ratelimit import RateLimits
from services.gateway.access.sign_in import check_password
from services.gateway.pencaker.ak1_form import (
    AK1_FORM,
    APPLICATION_LABELS,
    CSRF_ONLY,
    MIN_PASSWORD,
    SEEKER_STATUS,
    SIGN_IN,
    SIGN_IN_FORM,
    STALE_FORM,
    form_problems,
    qr_svg,
    register_path,
    report_refusal,
    safe_next,
    seeker_from,
)
from services.gateway.web.errors import PayloadTooLarge
from services.gateway.web.http import MAX_BODY, read_form
from services.gateway.web.messages import gate_problems
from services.gateway.web.pages import page
from services.gateway.web.templating import goto, render
from services.servicekit.contracts.pencaker import (
    DISABILITIES,
    EDUCATION_RANK,
    MARITAL_STATUSES,
    RELIGIONS,
    SEXES,
)
from services.servicekit.errors import (
    Conflict,
    DomainError,
    RateLimited,
    ValidationFailed,
)
from services.servicekit.regions import all_regions, get_region
from services.servicekit.rpc import RpcProxy, call
from services.servicekit.store import MongoStore


class Ak1Pages:
    repo = MongoStore(AccountRepository)
    pencaker = RpcProxy("pencaker")
    limits = RateLimits()

    @page("GET", "/r/<string:code>/ak1/daftar")
    def ak1_form(self, request, code):
        """Register an AK/1 card (kartu tanda pencari kerja)."""
        region = get_region(code)
        return self._ak1_form(request, region, {"desired_locations": [region.code]})

    def _ak1_refused(self, request, refusal, code):
        """The AK/1 form again, with what the gate refused named beside its field."""
        return self._ak1_form(request, get_region(code), refusal.values, gate_problems(refusal), 400)

    @page("POST", "/r/<string:code>/ak1/daftar", form=AK1_FORM, statuses=(303, 403), invalid=_ak1_refused)
    def ak1_register(self, request, code):
        """Register, create the seeker's sign-in, start their session, show the card."""
        region = get_region(code)
        if (request.content_length or 0) > MAX_BODY:
            raise PayloadTooLarge(f"body is over {MAX_BODY} bytes")
        values = read_form(request)
        if not sessions.form_token_sent(request):  # login CSRF: it would start a session
            # the password field is empty again: the message leads there
            return self._ak1_form(request, region, values, {"password": STALE_FORM}, 403)
        self.limits.hit("seeker_register", request)
        if len(values.get("password") or "") < MIN_PASSWORD:
            error = {"password": f"Kata sandi paling sedikit {MIN_PASSWORD} karakter."}
            return self._ak1_form(request, region, values, error, 400)
        try:
            seeker = call(self.pencaker.register_seeker, region.code, seeker_from(values, region))
        except ValidationFailed as exc:
            return self._ak1_form(request, region, values, form_problems(exc), 400)
        claims = self.repo.create(seeker["card_number"].lower(), values["password"], "citizen",
                                   seeker["region"], subject=seeker["seeker_id"])
        response = goto("/ak1")
        sessions.start(response, request, claims)
        sessions.end_form_token(response, register_path(region))
        return response

    def _ak1_form(self, request, region, values, errors=None, status=200):
        values.pop("password", None)
        values.pop(sessions.CSRF_FIELD, None)
        return sessions.with_form_token(request, register_path(region), lambda token: render(
            "ak1_daftar.html", region, status, values=values, errors=errors or {}, csrf=token,
            educations=list(EDUCATION_RANK), marital=MARITAL_STATUSES, religions=RELIGIONS,
            sexes=SEXES, disabilities=DISABILITIES, all_regions=all_regions(), active="loker"))

    @page("GET", SIGN_IN, query={"next": {"type": "string"}})
    def ak1_sign_in_form(self, request):
        """Sign in with the AK/1 card number and password."""
        return self._ak1_sign_in_form(request, {"next": safe_next(request.args.get("next"))})

    def _ak1_sign_in_form(self, request, values, errors=None, status=200, headers=None):
        return sessions.with_form_token(request, SIGN_IN, lambda token: render(
            "ak1_masuk.html", status=status, headers=headers, values=values, errors=errors or {},
            csrf=token, active="loker"))

    @page("POST", SIGN_IN, form=SIGN_IN_FORM, statuses=(303, 403, 429))
    def ak1_sign_in(self, request):
        """Sign in (citizens' accounts only); failed attempts are limited per client and per card."""
        form = read_form(request)
        number = (form.get("card_number") or "").strip().lower()
        values = {"card_number": number.upper(), "next": safe_next(form.get("next"))}
        if not sessions.form_token_sent(request):
            return self._ak1_sign_in_form(request, values, {"card_number": STALE_FORM}, 403)
        try:
            signed_in = check_password(self.repo, self.limits, request, number,
                                       form.get("password") or "", ("citizen",))
        except RateLimited as exc:
            retry = exc.details["retry_after"]
            return self._ak1_sign_in_form(request, values, {"card_number": (
                f"Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {retry} detik.")},
                429, {"Retry-After": str(retry)})
        if signed_in is None:
            wrong = {"card_number": "Nomor kartu atau kata sandi salah."}
            return self._ak1_sign_in_form(request, values, wrong, 400)
        response = goto(values["next"])
        sessions.start(response, request, signed_in.caller)
        sessions.end_form_token(response, SIGN_IN)
        return response

    @page("POST", "/ak1/keluar", form=CSRF_ONLY,
          statuses=(303, 403))
    def ak1_sign_out(self, request):
        session = sessions.current(request)
        if session is not None:
            sessions.check_form(request, session)
        response = goto("/ak1/masuk")
        sessions.end(response, request)
        return response

    @page("GET", "/ak1")
    def ak1_card(self, request):
        """The seeker's AK/1 card (printable, QR code of its number) and their applications."""
        session = sessions.current(request)
        if session is None or session.role != "citizen":
            return goto("/ak1/masuk?next=/ak1")
        seeker = call(self.pencaker.get_seeker, session.subject, caller=session.caller())
        applications = call(self.pencaker.applications_for_seeker, session.subject, caller=session.caller())
        titles = {}
        for application in applications:
            try:
                titles[application["vacancy_id"]] = call(self.pencaker.get_vacancy,
                                                         application["vacancy_id"])["title"]
            except DomainError:
                titles[application["vacancy_id"]] = application["vacancy_id"]
        return render("ak1_kartu.html", get_region(seeker["region"]), seeker=seeker, session=session,
                      qr=qr_svg(seeker["card_number"]), applications=applications, titles=titles,
                      labels=APPLICATION_LABELS, statuses=SEEKER_STATUS, marital=MARITAL_STATUSES,
                      religions=RELIGIONS, sexes=SEXES, active="loker",
                      headers={"Cache-Control": "private, no-store"})

    @page("POST", "/ak1/lapor", form=CSRF_ONLY,
          statuses=(303, 403))
    def ak1_report(self, request):
        """The six-monthly report that keeps the card active."""
        session = sessions.current(request)
        if session is None:
            return goto("/ak1/masuk?next=/ak1")
        sessions.check_form(request, session)
        try:
            call(self.pencaker.report_seeker, session.subject, caller=session.caller())
        except Conflict as exc:
            return render("galat.html", status=409, status_code=409, title="Laporan belum dapat dikirim",
                          message=report_refusal(exc))
        return goto("/ak1?dilaporkan=1#laporan")
