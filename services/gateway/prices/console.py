"""The console's market prices section: the daily entry form of a market (every
commodity on one screen, the previous report beside each field, doubtful values
confirmed before saving), the CSV upload with its import report, today's alerts.

Prices are recorded by the region's admin (the prices authority table); the
prices service checks every value and decides what is doubtful."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from services.gateway.access.console import back, console, console_page
from services.gateway.prices.api import IMPORT_TIMEOUT, MAX_SHEET_BYTES, VIEW_TIMEOUT
from services.gateway.web.errors import field_texts, notice_text
from services.gateway.web.http import read_form
from services.servicekit.errors import Conflict, ValidationFailed
from services.servicekit.regions import get_region
from services.servicekit.rpc import RpcProxy, call

ROLES = ("price_clerk", "region_admin")
HOME = "/petugas/harga"
FIELD = "harga-"  # the form field of a commodity's price: harga-<commodity code>
AMOUNT = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+$|^[0-9]+$")
DAY_QUERY = {"tanggal": {"type": "string", "format": "date"}}
# a price per commodity, `harga-<code>` (x-field-names: the gate refuses any other name)
ENTRY_FORM = {"type": "object", "additionalProperties": {"type": "string", "maxLength": 40},
              "x-field-names": "^harga-[a-z0-9-]{1,60}$",
              "properties": {"tanggal": {"type": "string", "maxLength": 10},
                             "yakin": {"type": "string", "maxLength": 4000},
                             "csrf": {"type": "string", "maxLength": 100}}}
UPLOAD_FORM = {"type": "object", "properties": {"berkas": {"type": "string", "format": "binary"},
                                                "pasar": {"type": "string", "maxLength": 60},
                                                "csrf": {"type": "string", "maxLength": 100}}}
FIELD_NAMES = {"price": "harga", "date": "tanggal", "market": "pasar", "commodity": "komoditas",
               "unit": "satuan", "row": "baris", "header": "judul kolom", "body": "berkas"}


def today(region_code):
    return datetime.now(ZoneInfo(get_region(region_code).timezone)).date().isoformat()


def read_amounts(form):
    """{commodity: rupiah} of the filled fields ("13500", "13.500" or "Rp 13.500"), and
    {commodity: problem} for the fields that are not a whole number of rupiah."""
    amounts, problems = {}, {}
    for name, value in form.items():
        if not name.startswith(FIELD):
            continue
        text = value.replace("Rp", "").replace(" ", "").strip()
        if not text:
            continue
        if not AMOUNT.match(text) or int(text.replace(".", "")) == 0:
            problems[name[len(FIELD):]] = "Tulis harga dalam rupiah tanpa sen, misalnya 13500 atau 13.500."
        else:
            amounts[name[len(FIELD):]] = int(text.replace(".", ""))
    return amounts, problems


def not_recorded(conflict):
    """The officer's message when other sheets kept correcting some of the same prices."""
    lines = conflict.details.get("lines") or []  # text: RPC carries error details as text
    recorded = conflict.details.get("recorded", 0)
    return (f"{len(lines)} harga belum tersimpan (baris {', '.join(map(str, lines[:10]))}) karena "
            f"petugas lain mengoreksi harga yang sama bersamaan; {recorded} harga lain tersimpan. "
            f"Kirim sekali lagi untuk menyimpan sisanya.")


def confirmed(text):
    """The doubtful values the officer already confirmed, from the form's `yakin` field."""
    pairs = (item.split("=", 1) for item in (text or "").split(",") if "=" in item)
    return {(code, price) for code, price in pairs}


class PricesConsole:
    prices = RpcProxy("prices")

    @console("GET", HOME, ROLES)
    def prices_home(self, request, officer):
        """The region's markets, today's alerts and the CSV upload."""
        catalogue = call(self.prices.catalogue, officer.region)
        day = today(officer.region)
        alerts = call(self.prices.alerts, officer.region, day=day, timeout=VIEW_TIMEOUT)["items"]
        return console_page("console/harga.html", officer, active="harga", markets=catalogue["markets"],
                            alerts=alerts, day=day)

    @console("GET", HOME + "/pasar/<string:market>", ROLES, query=DAY_QUERY)
    def prices_entry_form(self, request, officer, market):
        """One market's form for a day (default today)."""
        sheet = officer.call(self.prices.entry_form, officer.region, market, day=request.args.get("tanggal"))
        values = {item["commodity"]: item["price"] for item in sheet["items"] if item["price"] is not None}
        return self._entry(officer, sheet, values)

    @console("POST", HOME + "/pasar/<string:market>", ROLES, form=ENTRY_FORM)
    def prices_record(self, request, officer, market):
        """Save the form; doubtful values are shown again to confirm before anything is stored."""
        form = read_form(request)
        day = form.get("tanggal") or None
        sheet = officer.call(self.prices.entry_form, officer.region, market, day=day)
        amounts, problems = read_amounts(form)
        if not amounts and not problems:
            return self._entry(officer, sheet, {}, status=400, error="Isi paling sedikit satu harga.")
        if problems:
            return self._entry(officer, sheet, form, problems, status=400,
                               error="Ada harga yang belum benar; periksa kolom yang ditandai.")
        entries = [{"commodity": code, "price": price} for code, price in amounts.items()]
        try:
            check = officer.call(self.prices.check_prices, officer.region, market, sheet["date"], entries)
        except ValidationFailed as error:
            field = error.details.get("field", "")
            index = re.match(r"prices\[(\d+)\]", field)
            where = entries[int(index.group(1))]["commodity"] if index else None
            texts = field_texts(error)
            return self._entry(officer, sheet, amounts, {where: texts[field]} if where else {},
                               status=400, error=f"Harga belum tersimpan: {notice_text(error, 'harga')}")
        sure = confirmed(form.get("yakin"))
        doubtful = [d for d in check["doubtful"] if (d["commodity"], str(d["price"])) not in sure]
        if doubtful:
            return self._entry(officer, sheet, amounts, doubts={d["commodity"]: d for d in check["doubtful"]})
        try:
            report = officer.call(self.prices.record_prices, officer.region, market, sheet["date"], entries,
                                  timeout=VIEW_TIMEOUT)
        except Conflict as error:
            return back(f"{HOME}/pasar/{sheet['market']['code']}?tanggal={sheet['date']}",
                        error=not_recorded(error))
        return back(f"{HOME}/pasar/{sheet['market']['code']}?tanggal={sheet['date']}",
                    f"{report['accepted']} harga tersimpan ({report['new']} baru, {report['corrected']} "
                    f"dikoreksi, {report['unchanged']} tidak berubah); {report['alerts_raised']} peringatan.")

    def _entry(self, officer, sheet, values, problems=None, doubts=None, status=200, error=None):
        doubts = doubts or {}
        return console_page("console/harga_isi.html", officer, status, active="harga", sheet=sheet,
                            values={code: values.get(FIELD + code, values.get(code)) for code in
                                    (item["commodity"] for item in sheet["items"])},
                            problems=problems or {}, doubts=doubts, problem=error,
                            sure=",".join(f"{code}={d['price']}" for code, d in doubts.items()))

    @console("POST", HOME + "/unggah", ROLES, form=UPLOAD_FORM)
    def prices_upload(self, request, officer):
        """A CSV sheet of many markets and days, answered with its import report."""
        if request.content_length and request.content_length > MAX_SHEET_BYTES:
            return back(HOME, error=f"Berkas terlalu besar; paling besar {MAX_SHEET_BYTES // 2**20} MB.")
        upload = request.files.get("berkas")
        raw = upload.read(MAX_SHEET_BYTES + 1) if upload else b""
        if not raw.strip():
            return back(HOME, error="Pilih berkas CSV yang akan diunggah.")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return back(HOME, error="Berkas bukan teks UTF-8; simpan lembar kerja sebagai CSV UTF-8.")
        try:
            report = officer.call(self.prices.import_csv, officer.region, text,
                                  default_market=read_form(request).get("pasar") or None,
                                  timeout=IMPORT_TIMEOUT)
        except ValidationFailed as error:
            return back(HOME, error=f"Berkas tidak dapat dibaca: {notice_text(error, 'berkas')}")
        except Conflict as error:
            return back(HOME, error=not_recorded(error))
        return console_page("console/harga_laporan.html", officer, active="harga", report=report,
                            name=upload.filename, field_names=FIELD_NAMES)
