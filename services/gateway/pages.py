"""The citizen web pages: server-rendered Bahasa Indonesia HTML, usable without JavaScript.

Every page is a route of GatewayService (a mixin, like the `*_api.py` ones) that
reads the same RPCs as the JSON API and renders a Jinja2 template (autoescaped).
Errors are HTML pages with the right status; a form error re-renders its form
(400) with the message next to the field, in Indonesian.
"""
import functools
import logging
import re
import secrets
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader
from nameko.timer import timer
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from services.gateway import sessions
from services.gateway.charts import sparkline
from services.gateway.form_errors import gate_problems, gate_summary
from services.gateway.http import MAX_BODY, ApiEntrypoint, FormRefused, PayloadTooLarge, read_form
from services.gateway.live_views import LiveViews
from services.gateway.media import MediaRepository
from services.gateway.photos import MAX_PHOTOS, MAX_UPLOAD, PhotoRejected, shrink_off_loop
from services.gateway.ratelimit import RateLimits
from services.servicekit.contracts.aspirasi import STATE_LABELS
from services.servicekit.contracts.pencaker import EDUCATION_RANK, EMPLOYMENT_TYPES
from services.servicekit.contracts.prices import RULE_LABELS
from services.servicekit.described import described
from services.servicekit.errors import NotFound, RateLimited, ValidationFailed, as_domain_error
from services.servicekit.public_url import public_url
from services.servicekit.regions import all_regions, get_region
from services.servicekit.rpc import RpcProxy, call
from services.servicekit.store import MongoStore

log = logging.getLogger(__name__)
HOST_REGION = "36.71"
VIEW_TIMEOUT = 5
SPARKLINE_DAYS = 30
MACHINE_PATHS = ("/api/", "/open311/", "/feeds/", "/docs/")
REGION_COOKIE = "wilayah"  # the region a citizen last chose, for `/`
REGION_COOKIE_AGE = 365 * 24 * 3600
FAVICON = (Path(__file__).parent / "static" / "favicon.svg").read_bytes()
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
EMPLOYMENT_LABELS = {"FULL_TIME": "Purnawaktu", "PART_TIME": "Paruh waktu", "CONTRACTOR": "Kontrak",
                     "TEMPORARY": "Sementara", "INTERN": "Magang", "VOLUNTEER": "Relawan",
                     "PER_DIEM": "Harian", "OTHER": "Lainnya"}
SALARY_UNITS = {"HOUR": "per jam", "DAY": "per hari", "WEEK": "per minggu", "MONTH": "per bulan",
                "YEAR": "per tahun"}
ROLE_LABELS = {"citizen": "Pelapor", "region_admin": "Admin wilayah", "opd_officer": "Petugas dinas"}
STATUS_TITLES = {400: "Permintaan tidak valid", 403: "Tidak diizinkan", 404: "Halaman tidak ditemukan",
                 405: "Metode tidak diizinkan", 413: "Isian terlalu besar",
                 429: "Terlalu banyak permintaan", 503: "Layanan sedang tidak tersedia",
                 500: "Terjadi kesalahan"}
STATUS_TEXTS = {400: "Alamat atau isian ini tidak dapat kami proses.",
                403: "Anda tidak diizinkan melakukan ini. Muat ulang halaman lalu coba lagi.",
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
    ("photos", r"", "Foto tidak dapat diterima; kirim paling banyak 3 foto."),
    (None, r"is required", "Wajib diisi."),
    (None, r"is (\d+) characters; at most (\d+)", "Terlalu panjang: {0} karakter, paling banyak {1}."),
    (None, r"without HTML tags", "Tulis sebagai teks biasa, tanpa tag HTML."),
]
# Which form field shows the message for a ValidationFailed field name.
FORM_FIELDS = {"reporter.nik": "nik", "reporter.phone": "phone", "reporter.email": "email",
               "reporter.name": "name", "location": "location", "location.address": "address",
               "reporter": "reporter"}
LAPOR_LENGTHS = {"category": 60, "description": 4000, "lat": 40, "long": 40, "address": 300,
                 "anonymous": 10, "show_name": 10, "name": 120, "phone": 20, "email": 254, "nik": 24,
                 "idempotency_key": 100, "use_photo_location": 10, "csrf": 100}
LAPOR_FORM = {"type": "object", "additionalProperties": False, "properties": {
    **{name: {"type": "string", "maxLength": size} for name, size in LAPOR_LENGTHS.items()},
    "foto": {"type": "array", "items": {"type": "string", "maxLength": 64}, "maxItems": 3,
             "description": "photos already stored by an earlier attempt of this form"},
    "photos": {"type": "array", "items": {"type": "string", "format": "binary"}, "maxItems": 3}}}
LAPOR_MAX_BODY = MAX_PHOTOS * MAX_UPLOAD + MAX_BODY
PHOTO_PURGE_SECONDS = 600  # photos of forms never sent go within PENDING_SECONDS + this
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
    """"Rp15.700": Indonesian style, no space, dots between thousands."""
    return "-" if value is None else "Rp" + f"{round(value):,}".replace(",", ".")


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
templates.globals.update(STATE_LABELS=STATE_LABELS, ROLE_LABELS=ROLE_LABELS, SALARY_UNITS=SALARY_UNITS,
                         EMPLOYMENT_LABELS=EMPLOYMENT_LABELS, RULE_LABELS=RULE_LABELS)


def render(template, region=None, status=200, headers=None, **context):
    region = region or get_region(HOST_REGION)
    body = templates.get_template(template).render(region=region, regions=all_regions(), **context)
    return Response(body, status=status, mimetype="text/html", headers={**HEADERS, **(headers or {})})


def error_page(status, message=None, headers=None):
    return render("galat.html", status=status, headers=headers, status_code=status,
                  title=STATUS_TITLES.get(status, STATUS_TITLES[400 if status < 500 else 500]),
                  message=message or STATUS_TEXTS.get(status, STATUS_TEXTS[400 if status < 500 else 500]))


def goto(location, status=303, headers=None):
    """A redirect whose body (for the rare reader who sees it) is Indonesian HTML."""
    body = templates.get_template("dialihkan.html").render(location=location)
    return Response(body, status=status, mimetype="text/html",
                    headers={**HEADERS, "Location": location, **(headers or {})})


def is_page_path(path):
    """Paths outside the APIs and feeds are pages: their errors are Indonesian HTML."""
    return not path.startswith(MACHINE_PATHS)


def feed_links(region, category):
    """The region's RSS and Atom feeds (and the category's), for <link rel="alternate">."""
    links = [(f"Berita {region.name} (RSS)", "application/rss+xml", f"/feeds/{region.code}/rss.xml"),
             (f"Berita {region.name} (Atom)", "application/atom+xml", f"/feeds/{region.code}/atom.xml")]
    if category:
        links.append((f"Berita {region.name}: {category} (RSS)", "application/rss+xml",
                      f"/feeds/{region.code}/{category}/rss.xml"))
    return links


class CitizenError(NotFound):
    """A 404 whose message is written for citizens (in Indonesian)."""


class PageEntrypoint(ApiEntrypoint):
    """Like the API's entrypoint, but every error is an HTML page."""

    def get_url_rule(self):
        # /r/36.71 and /r/36.71/ are the same page: no werkzeug redirect with its English body
        return Rule(self.url, methods=self.method.split(","), strict_slashes=False)

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


def page(method, url, query=None, form=None, statuses=(), response_type="text/html", invalid=None,
         gated=True):
    """A page route; documented in OpenAPI as answering text/html (errors too).

    A route that takes a POST declares its `form` schema, and its form passes the gate
    (http.read_form) before the route runs: a refused form is answered by `invalid(self,
    request, refusal, **url_args)` (e.g. the form shown again) or a 400 page naming every
    field; the console's routes pass it in their own decorator (`gated=False` here)."""
    if "POST" in method.split(",") and form is None:
        raise TypeError(f"POST {url}: a page that takes a form declares its schema (form=...)")

    def decorate(fn):
        if form is not None and gated:
            fn = _gated(fn, invalid)
        fn = described(query=query, body=form, statuses=statuses + ((400,) if form else ()),
                       response_type=response_type,
                       content_type=form and "application/x-www-form-urlencoded")(fn)
        fn.__openapi__["html_errors"] = True  # a page's errors are pages, whatever it answers
        fn.__openapi__["form_gate"] = "page" if form is not None and gated else None
        return PageEntrypoint.decorator(method, url)(fn)
    return decorate


def _gated(fn, invalid):
    @functools.wraps(fn)
    def gated(self, request, **url_args):
        if request.method == "POST":
            try:
                read_form(request)
            except FormRefused as refusal:
                if invalid is not None:
                    return invalid(self, request, refusal, **url_args)
                return form_refused(refusal)
        return fn(self, request, **url_args)
    return gated


def form_refused(refusal):
    return error_page(400, gate_summary(refusal))


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
    text = {name: (form.get(name) or "").strip() for name in LAPOR_FORM["properties"]
            if name not in ("foto", "photos")}
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
    media = MongoStore(MediaRepository)
    aspirasi = RpcProxy("aspirasi")
    pencaker = RpcProxy("pencaker")
    prices = RpcProxy("prices")
    news = RpcProxy("news")
    notifications = RpcProxy("notifications")
    live = LiveViews()
    limits = RateLimits()

    @page("GET", "/", statuses=(303,))
    def home_page(self, request):
        """The region chooser; a region chosen before (cookie) goes straight to its beranda."""
        chosen = request.cookies.get(REGION_COOKIE, "")
        if chosen in {r.code for r in all_regions()}:
            return goto(f"/r/{chosen}/")
        return render("pilih.html", active="pilih")

    @page("GET", "/favicon.ico", response_type="image/svg+xml")
    def favicon(self, request):
        """The site icon (SVG; every current browser reads it), cached for a day."""
        return Response(FAVICON, mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})

    @page("GET", "/pilih/<string:code>", statuses=(303,))
    def choose_region(self, request, code):
        """A region chosen at `/` or in the switcher: remembered for `/`, then its beranda.
        (Beranda itself sets no cookie, so caches and the kept page can serve it.)"""
        region = get_region(code)
        response = goto(f"/r/{region.code}/")
        response.set_cookie(REGION_COOKIE, region.code, max_age=REGION_COOKIE_AGE, samesite="Lax",
                            secure=request.scheme == "https", httponly=True)
        return response

    @page("GET", "/r/<string:code>/")
    def beranda_page(self, request, code):
        """Beranda: the region's Tangerang Live view (news, prices, vacancies, aspirasi)."""
        region = get_region(code)
        live = self.live.document(region, self)
        return render("beranda.html", region, live=live, feeds=feed_links(region, None), active="beranda")

    @page("GET", "/r/<string:code>/lapor")
    def lapor_page(self, request, code):
        """Lapor: the form to submit an aspirasi."""
        region = get_region(code)
        return self._lapor(region, {"idempotency_key": secrets.token_urlsafe(18)})

    def _lapor_refused(self, request, refusal, code):
        """The lapor form again, with what the gate refused named beside its field."""
        return self._lapor(get_region(code), refusal.values, gate_problems(refusal), 400)

    @page("POST", "/r/<string:code>/lapor", form=LAPOR_FORM, statuses=(303, 413, 429),
          invalid=_lapor_refused)
    def lapor_submit(self, request, code):
        """Submit the lapor form (with up to 3 photos); every mistake is shown at once;
        on success go to the ticket's lacak page with its confirmation."""
        region = get_region(code)
        self.limits.hit("aspirasi_submit", request)
        if (request.content_length or 0) > LAPOR_MAX_BODY:
            raise PayloadTooLarge(f"body is over {LAPOR_MAX_BODY} bytes")
        values = read_form(request)
        errors = {}
        photo_ids, gps = self._photos_from(request, values.get("foto") or [], errors)
        values["foto"] = photo_ids
        if gps and not (values.get("lat") or values.get("long")) and values.get("use_photo_location"):
            values.update(lat=str(gps[0]), long=str(gps[1]), from_photo="1")
        report = report_from(values)
        report["photos"] = [public_url(region, f"/media/{i}.jpg") for i in photo_ids]
        key = (values.get("idempotency_key") or "").strip() or None
        try:
            if errors:  # a refused photo: still check the rest here, without submitting
                call(self.aspirasi.check_submission, region.code, report)
            else:
                ticket = call(self.aspirasi.submit, region.code, report, idempotency_key=key)
                self.media.attach([i for i in photo_ids if f"/media/{i}.jpg" in str(ticket.get("photos"))],
                                  ticket["number"])
        except ValidationFailed as exc:
            for failure in exc.details.get("errors") or [{"field": exc.details.get("field") or "form",
                                                          "message": exc.message}]:
                field = failure["field"]
                errors.setdefault(FORM_FIELDS.get(field, field), form_message(field, failure["message"]))
        if errors:
            return self._lapor(region, values, errors, 400)
        response = goto(f"/lacak/{ticket['number']}?baru=1")
        if ticket.get("tracking_secret"):
            response.set_cookie(SECRET_COOKIE, ticket["tracking_secret"], max_age=SECRET_COOKIE_AGE,
                                path=f"/lacak/{ticket['number']}", secure=sessions.is_https(request),
                                httponly=True, samesite="Strict")
        return response

    def _photos_from(self, request, kept, errors):
        """Stored photo ids (`kept` from an earlier attempt, then new uploads, shrunk) and the
        first GPS position found in them."""
        kept = [i for i in kept if self.media.exists(i)]
        uploads = [f for f in request.files.getlist("photos") if f and f.filename]
        if len(kept) + len(uploads) > MAX_PHOTOS:
            errors["photos"] = f"Paling banyak {MAX_PHOTOS} foto."
            uploads = uploads[:max(0, MAX_PHOTOS - len(kept))]
        ids, gps = list(kept), None
        for upload in uploads:
            try:
                data, location = shrink_off_loop(upload.read(MAX_UPLOAD + 1))
            except PhotoRejected as exc:
                errors["photos"] = f"{upload.filename}: {exc}"
                continue
            ids.append(self.media.put(data))
            gps = gps or location
        return ids[:MAX_PHOTOS], gps

    @timer(interval=PHOTO_PURGE_SECONDS)
    def purge_unsent_photos(self):
        """Delete the photos of forms never sent (uploads purge too; this covers quiet hours)."""
        self.media.purge()

    @page("GET", "/media/<string:photo_id>.jpg", statuses=(304,), response_type="image/jpeg")
    def media_photo(self, request, photo_id):
        """A report photo; its bytes never change, so caches keep it for a year."""
        found = self.media.get(photo_id)
        if found is None:
            raise CitizenError("Foto itu tidak ada.")
        data, content_type, digest = found
        headers = {"Cache-Control": "public, max-age=31536000, immutable", "ETag": f'"{digest}"'}
        if request.if_none_match.contains(digest):
            return Response(status=304, headers=headers)
        return Response(data, mimetype=content_type, headers={**HEADERS, **headers})

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
            return goto(f"/lacak/{quote(number, safe='')}")
        return render("lacak.html", region, active="lacak")

    @page("GET", "/lacak/<string:number>", query={"baru": {"type": "string"}})
    def ticket_page(self, request, number):
        """A ticket's status, history and OPD notes (never the reporter's contact; the name
        only if they chose so). Right after a web submission it shows the tracking secret once."""
        try:
            ticket = call(self.aspirasi.get_ticket, number)
        except NotFound:
            raise CitizenError(f"Tiket {number} tidak ditemukan. Periksa kembali nomornya.") from None
        region = get_region(ticket["region"])
        names = {c["code"]: c["name"] for c in call(self.aspirasi.categories, region.code)}
        category = names.get(ticket["category"])
        share = {"type": "article", "title": f"Laporan {ticket['number']}: {category or ticket['category']}",
                 "description": ticket["description"][:200], "url": public_url(region, f"/lacak/{number}"),
                 "image": (ticket.get("photos") or [None])[0]}
        secret = request.cookies.get(SECRET_COOKIE)
        response = render("tiket.html", region, ticket=ticket, category=category, share=share,
                          tracking_secret=secret, just_sent=request.args.get("baru") == "1", active="lacak")
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
        board = call(self.prices.board, region.code, market=market, timeout=VIEW_TIMEOUT)
        sources = list(dict.fromkeys(item["reference"]["source"]["citation"] for item in board["items"]
                                     if item.get("reference") and item["reference"].get("source")))
        alerts = call(self.prices.alerts, region.code, day=board["date"], timeout=VIEW_TIMEOUT)["items"] \
            if board["date"] and market is None else []
        trends = call(self.prices.trends, region.code, days=SPARKLINE_DAYS, market=market,
                      timeout=VIEW_TIMEOUT)["commodities"]
        sparklines = {code: sparkline(t["points"], t["reference"]) for code, t in trends.items()}
        return render("harga.html", region, board=board, markets=markets, market=market, sources=sources,
                      commodities={c["code"]: c for c in catalogue["commodities"]}, alerts=alerts,
                      sparklines=sparklines, active="harga")

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
        news = call(self.news.list_articles, region.code, category=category, limit=10, page=page_no)
        return render("berita.html", region, news=news, categories=categories, category=category,
                      feeds=feed_links(region, category),
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
        share = {"type": "article", "title": article["title"],
                 "description": article.get("summary") or article["title"],
                 "url": public_url(region, f"/berita/{region.code}/{slug}"),
                 "image": article.get("cover_image_url")}
        return render("artikel.html", region, article=article, share=share, feeds=feed_links(region, None),
                      active="berita")
