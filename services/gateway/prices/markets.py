"""A region's markets through the gateway (#28): the JSON API (list, add, rename or move,
retire) and the console page where the region admin or a price clerk does the same
(/petugas/harga/daftar-pasar). The prices service decides (its authority table and
domain/markets.py); here requests are read, and its refusals shown field by field."""
from services.gateway.access.auth import signed_caller
from services.gateway.access.console import back, console, console_page
from services.gateway.prices import schemas
from services.gateway.prices.console import ROLES
from services.gateway.web.errors import field_texts, notice_text
from services.gateway.web.http import api, json_response, read_form, read_json
from services.gateway.web.messages import message
from services.gateway.web.policies import LIST
from services.servicekit.described import described
from services.servicekit.errors import Conflict, NotFound, ValidationFailed
from services.servicekit.regions import get_region
from services.servicekit.rpc import RpcProxy, call

API = "/api/v1/regions/<string:code>/prices/markets"
PAGE = "/petugas/harga/daftar-pasar"
TYPE_NAMES = {"traditional": "Pasar tradisional", "modern": "Pasar modern", "city_average": "Rata-rata kota"}
# the console's fields (Indonesian) and the command's fields they fill
FIELDS = {"kode": "code", "nama": "name", "jenis": "type", "lintang": "lat", "bujur": "lon",
          "alasan": "reason"}
SHOWN = {command: form for form, command in FIELDS.items()}
LABELS = {"kode": "Kode", "nama": "Nama", "jenis": "Jenis", "lintang": "Lintang", "bujur": "Bujur",
          "alasan": "Alasan", "pasar": "Pasar"}
CSRF = {"csrf": {"type": "string", "maxLength": 100}}
TEXT = {"type": "string", "maxLength": 200}
NUMBER = {"type": "number"}  # the gate parses "-6,17" and "-6.17"; the domain checks the range
ADD_FORM = {"type": "object", "properties": {"kode": TEXT, "nama": TEXT,
                                             "jenis": {"type": "string", "maxLength": 20},
                                             "lintang": NUMBER, "bujur": NUMBER, **CSRF}}
RENAME_FORM = {"type": "object", "properties": {"nama": TEXT, "lintang": NUMBER, "bujur": NUMBER, **CSRF}}
RETIRE_FORM = {"type": "object", "properties": {"alasan": {"type": "string", "maxLength": 300},
                                                "yakin": {"type": "string", "enum": ["ya"]}, **CSRF}}


def command_of(form, keep_empty=()):
    """The command's body of a console form: fields renamed, empty text left out (not sent)."""
    return {FIELDS[name]: value.strip() if isinstance(value, str) else value for name, value in form.items()
            if name in FIELDS and (value not in ("", None) or name in keep_empty)}


class PricesMarkets:
    prices = RpcProxy("prices")

    # the JSON API ---------------------------------------------------------------
    @api("GET", API, cache=LIST)
    @described(response=schemas.MARKETS)
    def list_price_markets(self, request, code):
        """Every market of the region, retired ones too (with the day they were retired)."""
        get_region(code)
        return json_response(call(self.prices.list_markets, code))

    @api("POST", API)
    @described(body=schemas.ADD_MARKET, statuses=(201, 401, 403), response=schemas.MARKET)
    def add_price_market(self, request, code):
        """Add a market with its location (the region's admin or price clerks)."""
        get_region(code)
        market = call(self.prices.add_market, code, read_json(request), caller=signed_caller(request))
        where = f"/api/v1/regions/{code}/prices/markets/{market['code']}/board"
        return json_response(market, 201, {"Location": where})

    @api("PATCH", API + "/<string:market>")
    @described(body=schemas.RENAME_MARKET, statuses=(401, 403), response=schemas.MARKET)
    def change_price_market(self, request, code, market):
        """Rename a market, move it (lat and lon together), or both; its prices keep their market."""
        get_region(code)
        return json_response(call(self.prices.rename_market, code, market, read_json(request),
                                  caller=signed_caller(request)))

    @api("POST", API + "/<string:market>/retire")
    @described(body=schemas.RETIRE_MARKET, statuses=(401, 403, 409), response=schemas.MARKET)
    def retire_price_market(self, request, code, market):
        """Retire a market: it keeps its prices and is read as before, but takes no new ones."""
        get_region(code)
        body = read_json(request) if request.content_length else {}  # a reason is optional
        return json_response(call(self.prices.retire_market, code, market, body=body,
                                  caller=signed_caller(request)))

    # the console ------------------------------------------------------------------
    @console("GET", PAGE, ROLES)
    def prices_market_list(self, request, officer):
        """The region's markets, a form to add one, and per market rename, move and retire."""
        return self._markets(officer)

    @console("POST", PAGE, ROLES, form=ADD_FORM)
    def prices_market_add(self, request, officer):
        """Add a market; a refusal shows the form again with every bad field marked."""
        form = read_form(request)
        try:
            market = officer.call(self.prices.add_market, officer.region, command_of(form))
        except ValidationFailed as error:
            return self._markets(officer, 400, adding=form, problems=field_texts(error, SHOWN),
                                 problem="Pasar belum ditambahkan; periksa isian yang ditandai.")
        return back(PAGE, f"{market['name']} ditambahkan.")

    @console("POST", PAGE + "/<string:market>/ubah", ROLES, form=RENAME_FORM)
    def prices_market_change(self, request, officer, market):
        """Rename or move one market."""
        form = read_form(request)
        try:
            changed = officer.call(self.prices.rename_market, officer.region, market, command_of(form))
        except (ValidationFailed, NotFound) as error:
            return self._markets(officer, 400, editing=market, changing=form,
                                 problems=field_texts(error, SHOWN),
                                 problem="Pasar belum diubah: " + notice_text(error, "pasar", COMMAND_LABELS))
        return back(PAGE, f"{changed['name']} disimpan.")

    @console("POST", PAGE + "/<string:market>/tutup", ROLES, form=RETIRE_FORM)
    def prices_market_retire(self, request, officer, market):
        """Retire a market, after the officer confirmed it on a page that says what follows."""
        form = read_form(request)
        found = next((m for m in call(self.prices.list_markets, officer.region)["items"]
                      if m["code"] == market), None)
        if found is None:
            return back(PAGE, error="Pasar itu tidak ada di wilayah ini.")
        if form.get("yakin") != "ya":
            return console_page("console/harga_tutup_pasar.html", officer, active="harga", market=found,
                                reason=form.get("alasan", ""))
        try:
            retired = officer.call(self.prices.retire_market, officer.region, market, body=command_of(form))
        except Conflict as error:  # retired meanwhile (already_retired)
            return back(PAGE, error=f"{found['name']}: {message(error.details)}")
        except ValidationFailed as error:
            return back(PAGE, error=f"Pasar belum ditutup: {notice_text(error, 'pasar', COMMAND_LABELS)}")
        return back(PAGE, f"{retired['name']} ditutup; harganya tetap tersimpan dan terbaca.")

    def _markets(self, officer, status=200, **context):
        listed = call(self.prices.list_markets, officer.region)["items"]
        return console_page("console/harga_pasar.html", officer, status, active="harga", markets=listed,
                            type_names=TYPE_NAMES, **{"adding": {}, "problems": {}, **context})


COMMAND_LABELS = {command: LABELS[form] for command, form in SHOWN.items()}
