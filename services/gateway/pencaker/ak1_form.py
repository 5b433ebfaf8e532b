"""The AK/1 forms (registration, sign-in): their fields as the gate checks them, the
registration (the JSON API's shape) made from them, and what a citizen reads when
pencaker refuses one (by each refusal's code, web/errors.field_texts)."""
import io
import re

import segno

from services.gateway.web.errors import field_texts
from services.gateway.web.messages import MESSAGES, message

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
# Pencaker's field names -> the form's (where the refusal is shown).
FIELD_NAMES = {"education.level": "education_level", "education.major": "education_major",
               "education.institution": "education_institution",
               "education.graduation_year": "education_graduation_year",
               "desired_position.title": "desired_position", "desired_position": "desired_position",
               "contact": "phone", "contact.phone": "phone", "contact.email": "email",
               "experience.0.years": "experience_years", "experience.0.position": "experience_position"}


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


def form_problems(exc):
    """{form field: Indonesian text} of a refused registration, every refused field."""
    return field_texts(exc, lambda name: FIELD_NAMES.get(name, name.split(".")[0]))



def register_path(region):
    """Where the registration form posts (its pre-session token's cookie is sent only there)."""
    return f"/r/{region.code}/ak1/daftar"


def safe_next(target):
    """Only our own pages: a path, never another site."""
    target = (target or "").strip()
    return target if SAFE_NEXT.fullmatch(target) and not target.startswith("//") else "/ak1"


def apply_refusal(exc):
    """What a refused application says, by pencaker's code (card_not_active, already_applied,
    vacancy_not_open, vacancy_not_shared: messages_id.yaml)."""
    code = exc.details.get("code")
    return message({"code": code}) if code in MESSAGES else MESSAGES["vacancy_not_open"]


def report_refusal(exc):
    if exc.details.get("field") == "next_report_due":
        return "Laporan enam bulanan baru dapat dikirim 30 hari sebelum tanggal jatuh tempo."
    return "Kartu AK/1 Anda tidak aktif; daftar ulang di Disnaker."
