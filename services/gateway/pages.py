"""The citizen web pages: server-rendered Bahasa Indonesia HTML, usable without JavaScript.

Every page is a route of GatewayService (a mixin, like the `*_api.py` ones) that
reads the same RPCs as the JSON API and renders a Jinja2 template (autoescaped).
Errors are HTML pages with the right status; a form error re-renders its form
(400) with the message next to the field, in Indonesian.
"""
import logging
import re
import secrets
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader
from werkzeug.exceptions import HTTPException
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from services.aspirasi.domain import STATE_LABELS
from services.gateway.http import MAX_BODY, ApiEntrypoint, PayloadTooLarge
from services.pencaker.domain import EDUCATION_RANK, EMPLOYMENT_TYPES
from services.prices.domain import RULE_LABELS
from services.servicekit.described import described
from services.servicekit.errors import NotFound, RateLimited, ValidationFailed, as_domain_error
from services.servicekit.regions import all_regions, get_region
from services.servicekit.rpc import call

log = logging.getLogger(__name__)
HOST_REGION = "36.71"
VIEW_TIMEOUT = 5
# Our own script only (the offline helper and its worker); inline styles (the one
# stylesheet is in the layout); article images from anywhere over http(s).
HEADERS = {"Content-Security-Policy": "default-src 'none'; script-src 'self'; worker-src 'self'; "
                                      "connect-src 'self'; manifest-src 'self'; style-src 'unsafe-inline'; "
                                      "img-src http: https: data:; form-action 'self'; base-uri 'none'; "
                                      "frame-ancestors 'none'",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
              "Asia/Jayapura": "WIT"}
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")
EMPLOYMENT_LABELS = {"FULL_TIME": "Penuh waktu", "PART_TIME": "Paruh waktu", "CONTRACTOR": "Kontrak",
                     "TEMPORARY": "Sementara", "INTERN": "Magang", "VOLUNTEER": "Relawan",
                     "PER_DIEM": "Harian", "OTHER": "Lainnya"}
ROLE_LABELS = {"citizen": "Pelapor", "region_admin": "Admin wilayah", "opd_officer": "Petugas dinas"}
STATUS_TITLES = {400: "Permintaan tidak valid", 404: "Halaman tidak ditemukan",
                 405: "Metode tidak diizinkan", 413: "Isian terlalu besar",
                 429: "Terlalu banyak permintaan", 503: "Layanan sedang tidak tersedia",
                 500: "Terjadi kesalahan"}
STATUS_TEXTS = {400: "Alamat atau isian ini tidak dapat kami proses.",
                404: "Halaman atau data yang Anda cari tidak ada.",
                405: "Halaman ini tidak menerima permintaan seperti itu.",
                413: "Isian yang dikirim terlalu besar.",
                429: "Anda mengirim terlalu banyak permintaan. Coba lagi nanti.",
                503: "Layanan ini sedang tidak tersedia. Silakan coba beberapa saat lagi.",
                500: "Terjadi kesalahan di sisi kami. Silakan coba lagi."}

# The kit's validation messages are English; citizens read these instead.
# (field, pattern, Indonesian text with the pattern's groups); first match wins.
FORM_MESSAGES = [
    ("category", r"is required", "Pilih kategori laporan."),
    ("category", r"", "Kategori ini tidak tersedia di wilayah ini; pilih dari daftar."),
    ("location", r"must both be numbers", "Lintang dan bujur harus berupa angka, misalnya -6.17 dan 106.63."),
    ("location", r"outside Indonesia", "Koordinat ini berada di luar Indonesia."),
    ("location", r"", "Isi alamat lokasi, atau lintang dan bujurnya."),
    ("reporter", r"unless anonymous",
     "Isi nama dan kontak Anda, atau centang \u201cKirim sebagai anonim\u201d."),
    ("reporter", r"phone or an e-mail", "Isi nomor telepon atau e-mail agar petugas dapat menghubungi Anda."),
    ("reporter.phone", r"", "Nomor telepon tidak valid; contoh: 0812 3456 7890."),
    ("reporter.email", r"", "Alamat e-mail tidak valid; contoh: nama@contoh.id."),
    ("reporter.nik", r"16 digits", "NIK harus 16 angka."),
    ("reporter.nik", r"birth date", "Angka ke-7 sampai ke-12 NIK harus tanggal lahir (HHBBTT)."),
    ("reporter.nik", r"0000", "Empat angka terakhir NIK tidak boleh 0000."),
    ("photos", r"", "Tautan foto harus alamat http(s); paling banyak 5."),
    (None, r"is required", "Wajib diisi."),
    (None, r"is (\d+) characters; at most (\d+)", "Terlalu panjang: {0} karakter, paling banyak {1}."),
    (None, r"without HTML tags", "Tulis sebagai teks biasa, tanpa tag HTML."),
]
# Which form field shows the message for a ValidationFailed field name.
FORM_FIELDS = {"reporter.nik": "nik", "reporter.phone": "phone", "reporter.email": "email",
               "location": "location", "reporter": "reporter"}
LAPOR_FORM = {"type": "object", "properties": {name: {"type": "string"} for name in (
    "category", "description", "lat", "long", "address", "anonymous", "show_name", "name", "phone",
    "email", "nik", "idempotency_key")}}
# The tracking secret rides from the submission to the ticket page once, in a
# short-lived cookie scoped to that page (never in a URL, never in a log).
SECRET_COOKIE = "tl_rahasia"
SECRET_COOKIE_AGE = 600
LOKER_QUERY = {"q": {"type": "string"}, "education": {"type": "string"},
               "employment_type": {"type": "string"}, "page": {"type": "integer"}}


def _when(value, zone="Asia/Jakarta"):
    if not value:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(ZoneInfo(zone))


def waktu(value, zone="Asia/Jakarta"):
    """"3 Mei 2025 14.05 WIB": a moment in the region's time."""
    moment = _when(value, zone)
    if moment is None:
        return "-"
    return (f"{moment.day} {MONTHS[moment.month - 1]} {moment.year} "
            f"{moment:%H.%M} {ZONE_NAMES.get(zone, zone)}")


def tanggal(value, zone="Asia/Jakarta"):
    """"3 Mei 2025" from a date, or from a moment (its date in the region's time)."""
    if not value:
        return "-"
    day = _when(value, zone) if len(str(value)) > 10 else datetime.fromisoformat(str(value))
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def rupiah(value):
    return "-" if value is None else "Rp " + f"{round(value):,}".replace(",", ".")


def persen(value):
    """"3,9%": the size of a change, one decimal rounded half up, Indonesian comma."""
    if value is None:
        return ""
    return f"{abs(Decimal(str(value))).quantize(Decimal('0.1'), ROUND_HALF_UP)}%".replace(".", ",")


def label(code):
    """"beras-medium" -> "Beras medium" for codes shown without their catalogue name."""
    return str(code).replace("-", " ").replace("_", " ").capitalize()


templates = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=True, trim_blocks=True, lstrip_blocks=True)
templates.filters.update(waktu=waktu, tanggal=tanggal, rupiah=rupiah, persen=persen, label=label)
templates.globals.update(STATE_LABELS=STATE_LABELS, ROLE_LABELS=ROLE_LABELS,
                         EMPLOYMENT_LABELS=EMPLOYMENT_LABELS, RULE_LABELS=RULE_LABELS)


def render(template, region=None, status=200, headers=None, **context):
    region = region or get_region(HOST_REGION)
    body = templates.get_template(template).render(region=region, regions=all_regions(), **context)
    return Response(body, status=status, mimetype="text/html", headers={**HEADERS, **(headers or {})})


def error_page(status, message=None, headers=None):
    return render("galat.html", status=status, headers=headers, status_code=status,
                  title=STATUS_TITLES.get(status, STATUS_TITLES[400 if status < 500 else 500]),
                  message=message or STATUS_TEXTS.get(status, STATUS_TEXTS[400 if status < 500 else 500]))


class CitizenError(NotFound):
    """A 404 whose message is written for citizens (in Indonesian)."""


class PageEntrypoint(ApiEntrypoint):
    """Like the API's entrypoint, but every error is an HTML page."""

    def response_from_exception(self, exc):
        error = as_domain_error(exc)
        if error is None and isinstance(exc, HTTPException):
            return error_page(exc.code)
        if error is None:
            log.error("unexpected error in page %s", self.method_name, exc_info=exc)
            return error_page(500)
        if isinstance(error, RateLimited):
            retry = error.details.get("retry_after", 60)
            return error_page(429, f"Anda sudah mengirim banyak laporan. Coba lagi dalam {retry} detik.",
                              {"Retry-After": str(retry)})
        if isinstance(error, CitizenError):
            return error_page(404, error.message)
        if error.details.get("field") == "region":
            return error_page(error.status, "Kode wilayah itu tidak dikenal. Pilih wilayah dari daftar.")
        return error_page(error.status)


def page(method, url, query=None, form=None, statuses=()):
    """A page route; documented in OpenAPI as answering text/html (errors too)."""
    def decorate(fn):
        fn = described(query=query, body=form, statuses=statuses, response_type="text/html",
                       content_type=form and "application/x-www-form-urlencoded")(fn)
        return PageEntrypoint.decorator(method, url)(fn)
    return decorate


def form_message(field, message):
    """The Indonesian text for a ValidationFailed(field, message) of the report form."""
    for wanted, pattern, text in FORM_MESSAGES:
        if wanted not in (None, field):
            continue
        found = re.search(pattern, message)
        if found:
            return text.format(*found.groups())
    return "Isian ini belum benar. Periksa kembali."


def report_from(form):
    """The aspirasi report (the JSON API's shape) from the lapor form's fields."""
    text = {name: (form.get(name) or "").strip() for name in LAPOR_FORM["properties"]}
    location = {}
    if text["lat"] or text["long"]:
        location.update(lat=text["lat"] or None, long=text["long"] or None)
    if text["address"]:
        location["address"] = text["address"]
    report = {"category": text["category"], "description": text["description"], "location": location,
              "anonymous": bool(text["anonymous"]),
              "show_name": bool(text["show_name"]) and not text["anonymous"]}
    if not report["anonymous"]:
        report["reporter"] = {"name": text["name"], **{k: text[k] for k in ("phone", "email", "nik")
                                                       if text[k]}}
    return report


class CitizenPages:
    @page("GET", "/", statuses=(303,))
    def home_page(self, request):
        """Redirect to the host region's beranda."""
        return redirect(f"/r/{HOST_REGION}/", 303)

    @page("GET", "/r/<string:code>/")
    def beranda_page(self, request, code):
        """Beranda: the region's Tangerang Live view (news, prices, vacancies, aspirasi)."""
        region = get_region(code)
        live = self.live.document(region, self)
        return render("beranda.html", region, live=live, active="beranda")

    @page("GET", "/r/<string:code>/lapor")
    def lapor_page(self, request, code):
        """Lapor: the form to submit an aspirasi."""
        region = get_region(code)
        return self._lapor(region, {"idempotency_key": secrets.token_urlsafe(18)})

    @page("POST", "/r/<string:code>/lapor", form=LAPOR_FORM, statuses=(303, 413, 429))
    def lapor_submit(self, request, code):
        """Submit the lapor form; on success go to the ticket's lacak page."""
        region = get_region(code)
        self.limits.hit("aspirasi_submit", request)
        if (request.content_length or 0) > MAX_BODY:
            raise PayloadTooLarge(f"body is over {MAX_BODY} bytes")
        values = request.form.to_dict()
        key = (values.get("idempotency_key") or "").strip()[:100] or None
        try:
            ticket = call(self.aspirasi.submit, region.code, report_from(values), key)
        except ValidationFailed as exc:
            field = exc.details.get("field") or "form"
            errors = {FORM_FIELDS.get(field, field): form_message(field, exc.message)}
            return self._lapor(region, values, errors, 400)
        response = redirect(f"/lacak/{ticket['number']}", 303)
        if ticket.get("tracking_secret"):
            response.set_cookie(SECRET_COOKIE, ticket["tracking_secret"], max_age=SECRET_COOKIE_AGE,
                                path=f"/lacak/{ticket['number']}", secure=request.is_secure,
                                httponly=True, samesite="Strict")
        return response

    def _lapor(self, region, values, errors=None, status=200):
        categories = call(self.aspirasi.categories, region.code)
        return render("lapor.html", region, status, values=values, errors=errors or {},
                      categories=sorted(categories, key=lambda c: c["name"]), active="lapor")

    @page("GET", "/r/<string:code>/lacak", query={"number": {"type": "string"}}, statuses=(303,))
    def lacak_page(self, request, code):
        """Lacak: look up a ticket by its number."""
        region = get_region(code)
        number = (request.args.get("number") or "").strip().upper()
        if number:
            return redirect(f"/lacak/{quote(number, safe='')}", 303)
        return render("lacak.html", region, active="lacak")

    @page("GET", "/lacak/<string:number>")
    def ticket_page(self, request, number):
        """A ticket's status, history and OPD notes (never the reporter's contact; the name
        only if they chose so). Right after a web submission it shows the tracking secret once."""
        try:
            ticket = call(self.aspirasi.get_ticket, number)
        except NotFound:
            raise CitizenError(f"Tiket {number} tidak ditemukan. Periksa kembali nomornya.") from None
        region = get_region(ticket["region"])
        names = {c["code"]: c["name"] for c in call(self.aspirasi.categories, region.code)}
        secret = request.cookies.get(SECRET_COOKIE)
        response = render("tiket.html", region, ticket=ticket, category=names.get(ticket["category"]),
                          tracking_secret=secret, active="lacak")
        if secret:
            response.headers["Cache-Control"] = "no-store"
            response.delete_cookie(SECRET_COOKIE, path=f"/lacak/{ticket['number']}")
        return response

    @page("GET", "/r/<string:code>/harga", query={"market": {"type": "string"}})
    def harga_page(self, request, code):
        """Harga: today's staple-food prices with their change, per market or for the region."""
        region = get_region(code)
        catalogue = call(self.prices.catalogue, region.code, timeout=VIEW_TIMEOUT)
        markets = {m["code"]: m for m in catalogue["markets"]}
        market = request.args.get("market") or None
        if market is not None and market not in markets:
            raise CitizenError("Pasar itu tidak ada di wilayah ini. Pilih pasar dari daftar.")
        board = call(self.prices.board, region.code, None, market, timeout=VIEW_TIMEOUT)
        sources = list(dict.fromkeys(item["reference"]["source"]["citation"] for item in board["items"]
                                     if item.get("reference") and item["reference"].get("source")))
        return render("harga.html", region, board=board, markets=markets, market=market, sources=sources,
                      commodities={c["code"]: c for c in catalogue["commodities"]}, active="harga")

    @page("GET", "/r/<string:code>/loker", query=LOKER_QUERY)
    def loker_page(self, request, code):
        """Loker: open vacancies with a search by words, education and employment type."""
        region = get_region(code)
        wanted = {k: request.args.get(k, "").strip() for k in LOKER_QUERY}
        params = {k: v for k, v in wanted.items() if v}
        error, status, found = None, 200, None
        try:
            found = call(self.pencaker.search_vacancies, region.code, params)
        except ValidationFailed as exc:
            error = {"education": "Pilih pendidikan dari daftar.",
                     "employment_type": "Pilih jenis pekerjaan dari daftar.",
                     "page": "Nomor halaman tidak valid."}.get(exc.details.get("field"),
                                                                "Pencarian ini tidak dapat diproses.")
            status = 400
        return render("loker.html", region, status, wanted=wanted, found=found, error=error,
                      educations=list(EDUCATION_RANK), employment_types=EMPLOYMENT_TYPES, active="loker")

    @page("GET", "/r/<string:code>/berita", query={"category": {"type": "string"},
                                                     "page": {"type": "integer"}})
    def berita_page(self, request, code):
        """Berita: the region's latest news, filtered by category."""
        region = get_region(code)
        categories = call(self.news.categories)
        category = request.args.get("category") or None
        if category is not None and category not in {c["code"] for c in categories}:
            raise CitizenError("Kategori berita itu tidak ada. Pilih kategori dari daftar.")
        try:
            page_no = max(1, min(int(request.args.get("page") or 1), 10_000))
        except ValueError:
            page_no = 1
        news = call(self.news.list_articles, region.code, category, None, None, 10, page_no)
        return render("berita.html", region, news=news, categories=categories, category=category,
                      active="berita")

    @page("GET", "/berhenti/<string:token>")
    def opt_out_page(self, request, token):
        """Opt-out link of a notification e-mail: asks to confirm (a GET changes nothing)."""
        return render("berhenti.html", token=token, done=False)

    @page("POST", "/berhenti/<string:token>", form={"type": "object"})
    def opt_out_submit(self, request, token):
        """Confirmed opt-out: that address gets no more notifications."""
        try:
            call(self.notifications.opt_out, token)
        except ValidationFailed:
            raise CitizenError("Tautan berhenti berlangganan ini tidak valid. Gunakan tautan dari "
                               "e-mail Anda.") from None
        return render("berhenti.html", token=token, done=True)

    @page("GET", "/berita/<string:code>/<string:slug>")
    def artikel_page(self, request, code, slug):
        """A news article; its body was sanitized by the news service (nh3)."""
        region = get_region(code)
        try:
            article = call(self.news.get_article, region.code, slug)
        except NotFound:
            raise CitizenError("Berita itu tidak ditemukan atau sudah ditarik.") from None
        return render("artikel.html", region, article=article, active="berita")
