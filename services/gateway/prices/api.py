"""Staple-food prices' JSON routes; every view also exports as CSV (`?format=csv`)."""
import csv
import io

from werkzeug.wrappers import Response

from services.gateway.access.auth import signed_caller
from services.gateway.prices import schemas
from services.gateway.web.errors import PayloadTooLarge, UnsupportedMediaType
from services.gateway.web.http import api, json_response, read_body, read_json
from services.gateway.web.policies import CATALOGUE, DETAIL, LIST
from services.servicekit.described import described
from services.servicekit.errors import NotFound, ValidationFailed
from services.servicekit.regions import get_region
from services.servicekit.rpc import RpcProxy, call
from services.servicekit.validation import check_text

MAX_SHEET_BYTES = 8 * 1024 * 1024
IMPORT_TIMEOUT = 120
VIEW_TIMEOUT = 5

BOARD_COLUMNS = ("date", "commodity", "name", "unit", "price", "previous_date", "previous_price", "gap",
                 "gap_percent", "direction", "markets", "reference_kind", "reference_price",
                 "reference_lower", "reference_source", "percent_above_reference")
HISTORY_COLUMNS = ("date", "price", "previous_date", "previous_price", "gap", "gap_percent", "direction")
COMPARE_COLUMNS = ("region", "region_name", "price", "previous_date", "previous_price", "gap",
                   "gap_percent", "direction", "markets", "reference_kind", "reference_price",
                   "reference_lower", "reference_source", "percent_above_reference")
ALERT_COLUMNS = ("date", "market", "market_name", "commodity", "commodity_name", "unit", "price",
                 "rules", "previous_price", "gap_percent", "reference_kind", "reference_price",
                 "reference_lower", "reference_source", "percent_above_reference")


def _flat(item):
    """One CSV row: nested reference fields spread out, lists joined."""
    row = dict(item)
    reference = row.pop("reference", None) or {}
    row.setdefault("reference_kind", reference.get("kind"))
    row.setdefault("reference_price", reference.get("price"))
    row.setdefault("reference_lower", reference.get("lower"))
    source = reference.get("source") or {}
    row.setdefault("reference_source", source and f"{source['type']} Nomor {source['number']}")
    row.setdefault("percent_above_reference", reference.get("percent_above"))
    if isinstance(row.get("rules"), list):
        row["rules"] = " ".join(row["rules"])
    return row


def respond(request, body, items, columns, filename):
    """JSON by default; CSV of `items` with `?format=csv` or `Accept: text/csv`."""
    wanted = request.args.get("format")
    if wanted not in (None, "json", "csv"):
        raise ValidationFailed.field("format", "one of json, csv", code="not_allowed",
                                     allowed=["json", "csv"])
    if wanted == "csv" or (wanted is None and request.accept_mimetypes.best == "text/csv"):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(_flat(item) for item in items)
        return Response(out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{filename}.csv"'})
    return json_response(body)


def read_sheet(request):
    """The uploaded CSV text (the body, chunked or not, or a form's `sheet` file), size-limited."""
    if request.mimetype == "multipart/form-data":
        if (request.content_length or 0) > MAX_SHEET_BYTES:
            raise PayloadTooLarge(f"sheet is {request.content_length} bytes; the limit is {MAX_SHEET_BYTES}")
        upload = request.files.get("sheet")
        if upload is None:
            raise ValidationFailed.field("sheet", "is required: the CSV file", code="required")
        raw, charset = upload.read(MAX_SHEET_BYTES + 1), upload.mimetype_params.get("charset")
    elif request.mimetype == "text/csv":
        raw, charset = read_body(request, MAX_SHEET_BYTES), request.mimetype_params.get("charset")
    else:
        raise UnsupportedMediaType("send the sheet as text/csv (or multipart/form-data, file `sheet`)")
    if len(raw) > MAX_SHEET_BYTES:
        raise PayloadTooLarge(f"sheet is over {MAX_SHEET_BYTES} bytes")
    try:
        text = raw.decode(charset or "utf-8-sig")
    except (UnicodeDecodeError, LookupError):
        raise ValidationFailed.field("sheet", "is not UTF-8 text; save the sheet as CSV UTF-8",
                                     code="not_utf8") from None
    return check_text(text, "sheet")


class PricesApi:
    prices = RpcProxy("prices")

    @api("GET", "/api/v1/regions/<string:code>/prices/catalogue", cache=CATALOGUE)
    @described(response=schemas.PRICE_CATALOGUE)
    def prices_catalogue(self, request, code):
        get_region(code)
        return json_response(call(self.prices.catalogue, code))

    @api("GET", "/api/v1/regions/<string:code>/prices/board", cache=LIST)
    @described(query=schemas.BOARD_QUERY, response=schemas.PRICE_BOARD)
    def prices_region_board(self, request, code):
        get_region(code)
        board = call(self.prices.board, code, day=request.args.get("date"), timeout=VIEW_TIMEOUT)
        return respond(request, board, board["items"], BOARD_COLUMNS, f"prices-{code}-{board['date']}")

    @api("GET", "/api/v1/regions/<string:code>/prices/markets/<string:market>/board", cache=LIST)
    @described(query=schemas.BOARD_QUERY, response=schemas.PRICE_BOARD)
    def prices_market_board(self, request, code, market):
        get_region(code)
        board = call(self.prices.board, code, day=request.args.get("date"), market=market,
                     timeout=VIEW_TIMEOUT)
        return respond(request, board, board["items"], BOARD_COLUMNS,
                       f"prices-{code}-{market}-{board['date']}")

    @api("GET", "/api/v1/regions/<string:code>/prices/history", cache=DETAIL)
    @described(query=schemas.HISTORY_QUERY, response=schemas.PRICE_HISTORY)
    def prices_history(self, request, code):
        get_region(code)
        args = request.args
        series = call(self.prices.history, code, args.get("commodity"), scope=args.get("scope", "region"),
                      market=args.get("market"), start=args.get("from"), end=args.get("to"),
                      timeout=VIEW_TIMEOUT)
        return respond(request, series, series["points"], HISTORY_COLUMNS,
                       f"history-{code}-{series['commodity']}-{series['scope']}")

    @api("GET", "/api/v1/regions/<string:code>/prices/compare", cache=DETAIL)
    @described(query=schemas.COMPARE_QUERY, response=schemas.PRICE_COMPARE)
    def prices_compare(self, request, code):
        get_region(code)
        regions = [r.strip() for r in request.args.get("regions", "").split(",") if r.strip()] or None
        result = call(self.prices.compare, code, request.args.get("commodity"), day=request.args.get("date"),
                      regions=regions, timeout=VIEW_TIMEOUT)
        return respond(request, result, result["items"], COMPARE_COLUMNS,
                       f"compare-{result['commodity']}-{result['date']}")

    @api("GET", "/api/v1/regions/<string:code>/prices/alerts", cache=LIST)
    @described(query=schemas.BOARD_QUERY, response=schemas.PRICE_ALERTS)
    def prices_alerts(self, request, code):
        get_region(code)
        result = call(self.prices.alerts, code, day=request.args.get("date"))
        return respond(request, result, result["items"], ALERT_COLUMNS, f"alerts-{code}")

    @api("POST", "/api/v1/regions/<string:code>/prices/markets/<string:market>/records")
    @described(body=schemas.RECORD, statuses=(201, 401, 403), response=schemas.IMPORT_REPORT)
    def record_prices(self, request, code, market):
        get_region(code)
        caller = signed_caller(request)
        body = read_json(request)
        report = call(self.prices.record_prices, code, market, body.get("date"), body.get("prices"),
                      caller=caller, timeout=VIEW_TIMEOUT)
        return json_response(report, 201)

    @api("POST", "/api/v1/regions/<string:code>/prices/imports")
    @described(body=schemas.SHEET, query=schemas.IMPORT_QUERY, statuses=(201, 401, 403),
               response=schemas.IMPORT_REPORT, responses={422: schemas.IMPORT_REPORT})
    def import_prices(self, request, code):
        get_region(code)
        caller = signed_caller(request)
        text = read_sheet(request)
        report = call(self.prices.import_csv, code, text, caller=caller,
                      default_market=request.args.get("market"), timeout=IMPORT_TIMEOUT)
        return json_response(report, 201 if report["accepted"] else 422)

    @api("GET", "/api/v1/regions/<string:code>/prices/markets/<string:market>/records/"
                "<string:commodity>/<string:day>")
    @described(statuses=(401, 403), response=schemas.PRICE_RECORD)
    def price_record(self, request, code, market, commodity, day):
        """A stored price and what it was before each correction (officers only)."""
        get_region(code)
        record = call(self.prices.price_record, code, market, commodity, day,
                      caller=signed_caller(request))
        if record is None:
            raise NotFound(f"no price of {commodity} at {market} on {day}", {"field": "day"})
        return json_response(record)
