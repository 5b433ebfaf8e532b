"""LAKSA's routes: the JSON API v1 and Open311 GeoReport v2."""
from werkzeug.wrappers import Response

from services.gateway.access.auth import citizen_caller, signed_caller
from services.gateway.access.ratelimit import RateLimits
from services.gateway.laksa import schemas
from services.gateway.laksa.open311_xml import definition_to_xml, discovery_to_xml, to_xml
from services.gateway.web import schemas as common
from services.gateway.web.http import api, error_response, json_response, page_params, read_form, read_json
from services.gateway.web.openapi import OPEN311_ERRORS
from services.gateway.web.policies import CATALOGUE, LIST
from services.servicekit.contracts.aspirasi import listed
from services.servicekit.described import QUERY_SCHEMA, check_query, described
from services.servicekit.errors import NotFound, ValidationFailed, as_domain_error
from services.servicekit.json import dumps
from services.servicekit.public_url import public_url
from services.servicekit.regions import get_region, host_code
from services.servicekit.rpc import RpcProxy, call

JURISDICTION = {"jurisdiction_id": common.REGION_CODE}
OPEN311_FORMATS = ("json", "xml")
DISCOVERY_CHANGESET = "2026-12-01T00:00:00Z"  # when the endpoint's behaviour last changed


class AspirasiApi:
    aspirasi = RpcProxy("aspirasi")
    limits = RateLimits()

    @api("GET", "/api/v1/regions/<string:code>/aspirasi/categories", cache=CATALOGUE)
    @described(response=common.items_of(schemas.CATEGORY_VIEW))
    def aspirasi_categories(self, request, code):
        get_region(code)
        return json_response({"items": call(self.aspirasi.categories, code)})

    @api("PUT", "/api/v1/regions/<string:code>/aspirasi/categories/<string:category>")
    @described(body=schemas.CATEGORY, statuses=(401, 403), response=schemas.CATEGORY_VIEW)
    def set_aspirasi_category(self, request, code, category):
        caller = signed_caller(request)
        body = read_json(request)
        call(self.aspirasi.set_category, code, category, body.get("name"), body.get("opd"),
             caller=caller, **({"sla": body["sla"]} if body.get("sla") else {}))  # N-1: none
        stored = {c["code"]: c for c in call(self.aspirasi.categories, code)}
        return json_response(stored.get(category) or {"code": category, "name": body.get("name"),
                                                      "opd": body.get("opd")})

    @api("POST", "/api/v1/regions/<string:code>/aspirasi")
    @described(body=schemas.REPORT, statuses=(201, 429), response=schemas.TICKET_VIEW,
               links=schemas.TICKET_LINKS)
    def submit_aspirasi(self, request, code):
        get_region(code)
        self.limits.hit("aspirasi_submit", request)
        report = read_json(request)
        key = request.headers.get("Idempotency-Key")
        ticket = call(self.aspirasi.submit, code, report, idempotency_key=key)
        return json_response(ticket, 201, {"Location": f"/api/v1/aspirasi/{ticket['number']}"})

    @api("GET", "/api/v1/regions/<string:code>/aspirasi")
    @described(query=schemas.TICKET_QUERY, response=schemas.TICKET_PAGE)
    def list_aspirasi(self, request, code):
        get_region(code)
        limit, page = page_params(request)
        status = request.args.get("status")
        items = call(self.aspirasi.list_tickets, code, status=status or None,
                     category=request.args.get("category") or None,
                     limit=limit + 1, skip=(page - 1) * limit)
        return json_response({"items": items[:limit], "page": page, "limit": limit,
                              "next_page": page + 1 if len(items) > limit else None})

    @api("GET", "/api/v1/regions/<string:code>/aspirasi/stats", cache=LIST)
    @described(query={"opd": common.text(60)}, response=schemas.STATS)
    def aspirasi_stats(self, request, code):
        get_region(code)
        return json_response(call(self.aspirasi.stats, code, opd=request.args.get("opd") or None))

    @api("GET", "/api/v1/aspirasi/<string:number>")
    @described(response=schemas.TICKET_VIEW)
    def get_aspirasi(self, request, number):
        return json_response(call(self.aspirasi.get_ticket, number))

    @api("GET", "/api/v1/aspirasi/<string:number>/details")
    @described(statuses=(401, 403), response=schemas.TICKET_PRIVATE)
    def get_aspirasi_details(self, request, number):
        """Reporter contact and duplicate suggestions: the region's admin and the ticket's OPD."""
        return json_response(call(self.aspirasi.get_ticket_private, number,
                                  caller=signed_caller(request)))

    @api("POST", "/api/v1/aspirasi/<string:number>/transitions")
    @described(body=schemas.TRANSITION, statuses=(401, 403, 409), response=schemas.TICKET_VIEW)
    def transition_aspirasi(self, request, number):
        """Officers move a ticket on; the reporter reopens it with its tracking secret."""
        caller = citizen_caller(request)
        body = read_json(request)
        params = {k: body[k] for k in ("opd", "reason", "duplicate_of", "tracking_secret")
                  if body.get(k) is not None}
        ticket = call(self.aspirasi.transition, number, body.get("action"), caller=caller,
                      note=body.get("note"), expected_version=body.get("version"), **params)
        return json_response(ticket)

    # Open311 GeoReport v2 ---------------------------------------------------
    @api("GET", "/open311/v2/services.<string:fmt>")
    @described(query=JURISDICTION, error_schema=OPEN311_ERRORS, response=schemas.OPEN311_LIST)
    def open311_services(self, request, fmt):
        return self._open311(fmt, "services", lambda region: call(
            self.aspirasi.open311_services, region), request)

    @api("GET", "/open311/v2/services/<string:service_code>.<string:fmt>")
    @described(query=JURISDICTION, error_schema=OPEN311_ERRORS, response=schemas.OPEN311_DEFINITION)
    def open311_service(self, request, service_code, fmt):
        """The service definition: {service_code, attributes} (XML root service_definition)."""
        return self._open311(fmt, "service_definition", lambda region: call(
            self.aspirasi.open311_services, region, code=service_code), request)

    @api("GET", "/open311/discovery.<string:fmt>")
    @described(error_schema=OPEN311_ERRORS, response=schemas.OPEN311_DISCOVERY)
    def open311_discovery(self, request, fmt):
        """The GeoReport v2 discovery document: where the endpoint is and what it speaks."""
        if fmt not in OPEN311_FORMATS:
            return _open311_response("json", "errors", [
                {"code": 404, "description": f"format .{fmt} unknown; use .json or .xml"}], 404)
        base = public_url(get_region(host_code()))
        document = {"changeset": DISCOVERY_CHANGESET, "contact": f"LAKSA {get_region(host_code()).name}",
                    "key_service": "api_key diterbitkan admin wilayah (region_admin) untuk tiap yurisdiksi",
                    "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2",
                                   "url": f"{base}/open311/v2", "changeset": DISCOVERY_CHANGESET,
                                   "type": "production", "formats": ["text/xml", "application/json"]}]}
        if fmt == "xml":
            return Response(discovery_to_xml(document), mimetype="text/xml")
        return Response(dumps(document), mimetype="application/json")

    @api("POST", "/open311/v2/requests.<string:fmt>")
    @described(body=schemas.OPEN311_FORM, content_type="application/x-www-form-urlencoded",
               statuses=(201, 403, 429), error_schema=OPEN311_ERRORS, response=schemas.OPEN311_LIST)
    def open311_create(self, request, fmt):
        # the form is read only once the rate limit has let the request through
        return self._open311(fmt, "requests", lambda region: call(
            self.aspirasi.open311_submit, region, read_form(request), read_form(request).get("api_key")),
            request, jurisdiction=lambda: read_form(request).get("jurisdiction_id"), status=201,
            limit="aspirasi_submit")

    @api("GET", "/open311/v2/requests.<string:fmt>")
    @described(query={**JURISDICTION, **{name: common.text(500) for name in (
        "service_request_id", "service_code", "start_date", "end_date")},
        # one value, a comma list or repeated (the spec allows both)
        "status": common.text(40, pattern="^(open|closed)(,(open|closed))*$")},
        error_schema=OPEN311_ERRORS, response=schemas.OPEN311_LIST)
    def open311_requests(self, request, fmt):
        """Requests; service_request_id, service_code and status take comma lists
        and/or repeated parameters."""
        args = request.args
        ids, codes, statuses = (listed(args.getlist(name)) for name in (
            "service_request_id", "service_code", "status"))
        return self._open311(fmt, "requests", lambda region: call(
            self.aspirasi.open311_requests, region, ids=ids, service_code=codes,
            start_date=args.get("start_date"), end_date=args.get("end_date"), status=statuses), request)

    @api("GET", "/open311/v2/requests/<string:number>.<string:fmt>")
    @described(query=JURISDICTION, error_schema=OPEN311_ERRORS, response=schemas.OPEN311_LIST)
    def open311_request(self, request, number, fmt):
        return self._open311(fmt, "requests", lambda region: call(
            self.aspirasi.open311_requests, region, ids=[number]), request, must_exist=number)

    @api("GET", "/open311/v2/tokens/<string:token>.<string:fmt>")
    @described(query=JURISDICTION, statuses=(429,), error_schema=OPEN311_ERRORS,
               response=schemas.OPEN311_LIST)
    def open311_token(self, request, token, fmt):
        """The request a token (the submission's idempotency key) made; limited per client,
        as each answer says whether a guessed token was used."""
        return self._open311(fmt, "requests", lambda region: call(
            self.aspirasi.open311_token, region, token), request, limit="open311_token")

    def _open311(self, fmt, kind, fetch, request, jurisdiction=None, status=200, must_exist=None,
                 limit=None):
        """Run `fetch(region)`; answer in the spec's JSON/XML, errors as [{code, description}]."""
        if fmt not in OPEN311_FORMATS:
            return _open311_response("json", "errors", [
                {"code": 404, "description": f"format .{fmt} unknown; use .json or .xml"}], 404)
        try:
            if limit:
                self.limits.hit(limit, request)
            check_query(request.environ[QUERY_SCHEMA], request.args)
            region = (jurisdiction and jurisdiction()) or request.args.get("jurisdiction_id")
            if not region:
                raise ValidationFailed.field("jurisdiction_id", "is required (a region code, e.g. 36.71)",
                                             code="required")
            get_region(region)
            items = fetch(region)
            if must_exist and not items:
                raise NotFound(f"service request {must_exist} not found",
                               {"field": "service_request_id"})
        except Exception as exc:  # noqa: BLE001 - every failure gets the spec's error form
            error = as_domain_error(exc)
            if error is None:
                raise
            response = _open311_response(fmt, "errors", [{"code": error.status,
                                                          "description": error.message}], error.status)
            advice = error_response(error).headers
            for name in ("Retry-After", "Allow"):
                if name in advice:
                    response.headers[name] = advice[name]
            return response
        return _open311_response(fmt, kind, items, status)


def _open311_response(fmt, kind, items, status):
    if fmt == "xml":
        body = definition_to_xml(items) if kind == "service_definition" else to_xml(kind, items)
        return Response(body, status=status, mimetype="text/xml")
    return Response(dumps(items), status=status, mimetype="application/json")
