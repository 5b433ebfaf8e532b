"""Pencaker's citizen pages: a vacancy in the layout with its JobPosting, AK/1 self-service
(register, sign in, the card with its QR code, the six-monthly report) and applications.

Seekers sign in with their AK/1 card number and the password chosen at registration;
only citizens' accounts sign in here (an officer's answers as a wrong password), with
the limits of sign_in.py. The page session (sessions.py) carries who they are, and
every form POST its CSRF token; the sign-in and registration forms, which start a
session, carry a pre-session one (sessions.with_form_token).
"""
import io
import re
from urllib.parse import quote

import segno

from services.gateway import sessions
from services.gateway.accounts import AccountRepository
from services.gateway.form_errors import gate_problems
from services.gateway.http import MAX_BODY, PayloadTooLarge, read_form
from services.gateway.pages import CitizenError, goto, page, render
from services.gateway.pencaker_api import script_json
from services.gateway.ratelimit import RateLimits
from services.gateway.sign_in import check_password
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
    Forbidden,
    NotFound,
    RateLimited,
    ValidationFailed,
)
from services.servicekit.public_url import public_url
from services.servicekit.regions import all_regions, get_region
from services.servicekit.rpc import RpcProxy, call
from services.servicekit.store import MongoStore

APPLICATION_LABELS = {"submitted": "Terkirim", "interview": "Dipanggil wawancara", "accepted": "Diterima",
                      "rejected": "Belum diterima", "withdrawn": "Dibatalkan"}
SEEKER_STATUS = {"active": "Aktif", "expired": "Tidak aktif", "placed": "Sudah bekerja"}
MIN_PASSWORD = 10
SAFE_NEXT = re.compile(r"/[A-Za-z0-9._~/?#=&%-]{0,200}")
# The form's text fields with their caps (pencaker's SEEKER_TEXT is 300); numbers typed, so
# the gate parses them or names them (a year or salary that is not a number is never dropped).
AK1_TEXT = {"nik": 24, "name": 300, "birth_place": 300, "birth_date": 10, "sex": 1, "domicile_address": 300,
            "marital_status": 40, "religion": 40, "education_level": 10, "education_major": 300,
            "education_institution": 300, "course_name": 300, "course_institution": 300,
            "experience_position": 300, "languages": 300, "skills": 2000, "desired_position": 300,
            "phone": 20, "email": 254, "password": 200, "csrf": 100}
YEAR = {"type": "integer", "minimum": 1900, "maximum": 2100}
AK1_FORM = {"type": "object", "properties": {
    **{name: {"type": "string", "maxLength": size} for name, size in AK1_TEXT.items()},
    "education_graduation_year": YEAR, "course_year": YEAR,
    "experience_years": {"type": "number", "minimum": 0, "maximum": 60},
    "expected_salary": {"type": "integer", "minimum": 0, "maximum": 10_000_000_000},
    "disability": {"type": "array", "maxItems": 10, "items": {"type": "string", "maxLength": 40}},
    "desired_locations": {"type": "array", "maxItems": 5, "items": {"type": "string", "maxLength": 5}}}}
SIGN_IN_FORM = {"type": "object", "properties": {
    "card_number": {"type": "string", "maxLength": 64}, "password": {"type": "string", "maxLength": 200},
    "next": {"type": "string", "maxLength": 500}, "csrf": {"type": "string", "maxLength": 100}}}
SIGN_IN = "/ak1/masuk"
CSRF_ONLY = {"type": "object", "properties": {"csrf": {"type": "string", "maxLength": 100}}}
STALE_FORM = ("Formulir ini kedaluwarsa atau tidak berasal dari halaman kami. "
              "Isi kata sandi lagi lalu kirim.")
# Pencaker's field names -> the form's; messages citizens read instead of the domain's English.
FIELD_NAMES = {"education.level": "education_level", "education.major": "education_major",
               "education.institution": "education_institution",
               "education.graduation_year": "education_graduation_year",
               "desired_position.title": "desired_position", "desired_position": "desired_position",
               "contact": "phone", "contact.phone": "phone", "contact.email": "email",
               "experience.0.years": "experience_years", "experience.0.position": "experience_position"}
MESSAGES = {"nik": "NIK harus 16 angka dan angka ke-7 sampai ke-12 sesuai tanggal lahir.",
            "birth_date": "Isi tanggal lahir (umur paling sedikit 18 tahun).",
            "sex": "Pilih jenis kelamin.", "marital_status": "Pilih status perkawinan.",
            "religion": "Pilih agama.", "education_level": "Pilih pendidikan terakhir.",
            "education_graduation_year": "Isi tahun lulus (empat angka).",
            "phone": "Isi nomor telepon atau e-mail yang benar.", "email": "Alamat e-mail tidak valid.",
            "expected_salary": "Isi gaji yang diharapkan sebagai angka rupiah.",
            "experience_years": "Isi lama pengalaman dalam tahun (0-60), misalnya 2 atau 1,5.",
            "experience_position": "Isi jabatan pada pengalaman kerja Anda.",
            "desired_locations": "Pilih paling banyak 5 wilayah kerja yang diinginkan."}


def qr_svg(text):
    """The QR code of `text` as inline SVG (segno; no script, no image request)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=4, xmldecl=False, svgns=True,
                                     title=text, svgclass="qr", lineclass=None)
    return out.getvalue().decode()


def _words(text):
    return [w.strip() for w in (text or "").split(",") if w.strip()]


def seeker_from(form, region):
    """The AK/1 registration (the JSON API's shape) from the form's fields, as the gate
    (http.read_form) gave them: numbers already parsed."""
    f = {k: (form.get(k) or "").strip() for k in AK1_TEXT}
    body = {**{k: f[k] for k in ("nik", "name", "birth_place", "birth_date", "sex", "domicile_address",
                                 "marital_status", "religion")},
            "education": {"level": f["education_level"], "major": f["education_major"] or None,
                          "institution": f["education_institution"],
                          "graduation_year": form.get("education_graduation_year")},
            "languages": _words(f["languages"]), "disability": form.get("disability") or [],
            "skills": _words(f["skills"]), "desired_position": {"title": f["desired_position"]},
            "desired_locations": form.get("desired_locations") or [region.code],
            "contact": {k: f[k] for k in ("phone", "email") if f[k]}}
    if form.get("expected_salary") is not None:
        body["expected_salary"] = form["expected_salary"]
    if f["course_name"]:
        body["courses"] = [{"name": f["course_name"], "institution": f["course_institution"] or None,
                            "year": form.get("course_year")}]
    if f["experience_position"] or form.get("experience_years") is not None:
        body["experience"] = [{"position": f["experience_position"], "years": form.get("experience_years")}]
    return body


def _form_error(exc):
    field = exc.details.get("field") or "form"
    name = FIELD_NAMES.get(field, field.split(".")[0])
    return {name: MESSAGES.get(name) or ("Wajib diisi." if "required" in exc.message
                                          else "Isian ini belum benar. Periksa kembali.")}


class PencakerPages:
    repo = MongoStore(AccountRepository)
    pencaker = RpcProxy("pencaker")
    limits = RateLimits()

    @page("GET", "/loker/<string:vacancy_id>")
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
                          title="Lamaran belum terkirim", message=_apply_refusal(exc))
        return goto("/ak1#lamaran")

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
            return self._ak1_form(request, region, values, _form_error(exc), 400)
        claims = self.repo.create(seeker["card_number"].lower(), values["password"], "citizen",
                                   seeker["region"], subject=seeker["seeker_id"])
        response = goto("/ak1")
        sessions.start(response, request, claims)
        sessions.end_form_token(response, _register_path(region))
        return response

    def _ak1_form(self, request, region, values, errors=None, status=200):
        values.pop("password", None)
        values.pop(sessions.CSRF_FIELD, None)
        return sessions.with_form_token(request, _register_path(region), lambda token: render(
            "ak1_daftar.html", region, status, values=values, errors=errors or {}, csrf=token,
            educations=list(EDUCATION_RANK), marital=MARITAL_STATUSES, religions=RELIGIONS,
            sexes=SEXES, disabilities=DISABILITIES, all_regions=all_regions(), active="loker"))

    @page("GET", SIGN_IN, query={"next": {"type": "string"}})
    def ak1_sign_in_form(self, request):
        """Sign in with the AK/1 card number and password."""
        return self._ak1_sign_in_form(request, {"next": _safe_next(request.args.get("next"))})

    def _ak1_sign_in_form(self, request, values, errors=None, status=200, headers=None):
        return sessions.with_form_token(request, SIGN_IN, lambda token: render(
            "ak1_masuk.html", status=status, headers=headers, values=values, errors=errors or {},
            csrf=token, active="loker"))

    @page("POST", SIGN_IN, form=SIGN_IN_FORM, statuses=(303, 403, 429))
    def ak1_sign_in(self, request):
        """Sign in (citizens' accounts only); failed attempts are limited per client and per card."""
        form = read_form(request)
        number = (form.get("card_number") or "").strip().lower()
        values = {"card_number": number.upper(), "next": _safe_next(form.get("next"))}
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
                          message=_report_refusal(exc))
        return goto("/ak1?dilaporkan=1#laporan")


def _register_path(region):
    """Where the registration form posts (its pre-session token's cookie is sent only there)."""
    return f"/r/{region.code}/ak1/daftar"


def _safe_next(target):
    """Only our own pages: a path, never another site."""
    target = (target or "").strip()
    return target if SAFE_NEXT.fullmatch(target) and not target.startswith("//") else "/ak1"


def _apply_refusal(exc):
    if "already" in exc.message:
        return "Anda sudah melamar lowongan ini. Lihat lamaran Anda di halaman kartu AK/1."
    if "placed" in exc.message or "expired" in exc.message:
        return "Kartu AK/1 Anda tidak aktif. Perbarui di Disnaker untuk melamar lagi."
    return "Lowongan ini sudah ditutup atau tidak dapat dilamar dari wilayah Anda."


def _report_refusal(exc):
    if exc.details.get("field") == "next_report_due":
        return "Laporan enam bulanan baru dapat dikirim 30 hari sebelum tanggal jatuh tempo."
    return "Kartu AK/1 Anda tidak aktif; daftar ulang di Disnaker."

