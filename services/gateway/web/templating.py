"""The citizen pages' and the console's templating base: the Jinja environment (autoescaped),
the Indonesian filters (dates in the region's time, rupiah, percentages), the labels every
template may show, and the three ways a page answers: `render`, `error_page`, `goto`."""
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, FileSystemLoader
from werkzeug.wrappers import Response

from services.servicekit.contracts.aspirasi import STATE_LABELS
from services.servicekit.contracts.prices import RULE_LABELS
from services.servicekit.errors import DomainError
from services.servicekit.region_profile import on_colour, shows
from services.servicekit.regions import all_regions, get_region, host_code

DESCRIPTIONS = yaml.safe_load((Path(__file__).parents[1] / "page_descriptions_id.yaml")
                               .read_text(encoding="utf-8"))
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


class AppBrand(NamedTuple):
    name: str
    short_name: str
    theme_color: str


def app_brand(region) -> AppBrand:
    """The one place the installed app's name, short name and theme colour are read from a
    region (the manifest, the TWA check and the pages' theme-color all ask here)."""
    brand = region.brand  # the region profile's, with its defaults (servicekit/region_profile)
    return AppBrand(brand["name"], brand["short_name"], brand["theme_color"])


templates = Environment(loader=FileSystemLoader(Path(__file__).parents[1] / "templates"),
                        autoescape=True, trim_blocks=True, lstrip_blocks=True)
templates.filters.update(waktu=waktu, tanggal=tanggal, rupiah=rupiah, persen=persen, label=label,
                         on_colour=on_colour)
templates.globals.update(STATE_LABELS=STATE_LABELS, ROLE_LABELS=ROLE_LABELS, SALARY_UNITS=SALARY_UNITS,
                         EMPLOYMENT_LABELS=EMPLOYMENT_LABELS, RULE_LABELS=RULE_LABELS,
                         app_brand=app_brand,
                         shows=shows)  # shows(region, module): the menu and sections follow the profile


def render(template, region=None, status=200, headers=None, **context):
    region = region or get_region(host_code())
    context.setdefault("page_description", page_description(template, region))
    body = templates.get_template(template).render(region=region, regions=all_regions(), **context)
    return Response(body, status=status, mimetype="text/html", headers={**HEADERS, **(headers or {})})


def page_description(template, region):
    """The page's meta description (page_descriptions_id.yaml), in the region's name."""
    return DESCRIPTIONS.get(template, DESCRIPTIONS["beranda.html"]).format(region=region.name)


def error_page(status, message=None, headers=None, region_code=None):
    """An Indonesian error page, in the brand of the region it names (else the host's)."""
    return render("galat.html", region=_region_or_none(region_code), status=status, headers=headers,
                  status_code=status,
                  title=STATUS_TITLES.get(status, STATUS_TITLES[400 if status < 500 else 500]),
                  message=message or STATUS_TEXTS.get(status, STATUS_TEXTS[400 if status < 500 else 500]))


def _region_or_none(code):
    try:
        return get_region(code) if code else None
    except DomainError:
        return None


def goto(location, status=303, headers=None):
    """A redirect whose body (for the rare reader who sees it) is Indonesian HTML."""
    body = templates.get_template("dialihkan.html").render(location=location)
    return Response(body, status=status, mimetype="text/html",
                    headers={**HEADERS, "Location": location, **(headers or {})})

