"""Pencaker's routes: seekers (AK/1), employers, vacancies, applications, matches,
and each public vacancy as a schema.org JobPosting (JSON-LD, and in an HTML page)."""
import html
import json

from werkzeug.wrappers import Response

from services.gateway.auth import issue_token, signed_caller
from services.gateway.http import api, json_response, read_json
from services.pencaker.domain import DISABILITIES, EDUCATION_RANK, MARITAL_STATUSES, RELIGIONS
from services.servicekit.described import described
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import get_region
from services.servicekit.rpc import call

SEARCH_PARAMS = ("q", "regions", "education", "employment_type", "min_salary", "skills", "sort",
                 "page", "per_page")
_TEXT = {"type": "string"}
# The AK/1 registration as the pencaker domain checks it (validate_seeker).
SEEKER_BODY = {"type": "object", "required": [
    "nik", "name", "birth_place", "birth_date", "sex", "domicile_address", "marital_status", "religion",
    "education", "desired_position", "contact"], "properties": {
    "nik": {"type": "string", "pattern": "^[0-9 ]{16,19}$", "description": "16 digits; any region's NIK"},
    "name": _TEXT, "birth_place": _TEXT, "birth_date": {"type": "string", "format": "date"},
    "sex": {"enum": ["L", "P"]},
    "domicile_address": {"type": "string", "maxLength": 300},
    "marital_status": {"enum": list(MARITAL_STATUSES)},
    "religion": {"enum": list(RELIGIONS)},
    "education": {"type": "object", "required": ["level", "institution", "graduation_year"], "properties": {
        "level": {"enum": list(EDUCATION_RANK)}, "major": _TEXT, "institution": _TEXT,
        "graduation_year": {"type": "integer"}}},
    "courses": {"type": "array", "maxItems": 20, "items": {
        "type": "object", "required": ["name"],
        "properties": {"name": _TEXT, "institution": _TEXT, "year": {"type": "integer"}}}},
    "languages": {"type": "array", "maxItems": 10, "items": _TEXT},
    "disability": {"type": "array", "items": {"enum": list(DISABILITIES)}},
    "skills": {"type": "array", "maxItems": 30, "items": _TEXT},
    "experience": {"type": "array", "maxItems": 20, "items": {"type": "object", "properties": {
        "position": _TEXT, "years": {"type": "number"}}}},
    "desired_position": {"type": "object", "required": ["title"], "properties": {
        "title": _TEXT, "kbji": {"type": "string", "pattern": "^[0-9]{4,6}$"}}},
    "desired_locations": {"type": "array", "minItems": 1, "maxItems": 5,
                          "items": {"type": "string", "pattern": "^[0-9]{2}\\.[0-9]{2}$"}},
    "expected_salary": {"type": "integer", "minimum": 0},
    "contact": {"type": "object", "properties": {"phone": _TEXT, "email": _TEXT, "address": _TEXT}}}}
LOKER_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - {employer} | Loker Tangerang Live</title>
<script type="application/ld+json">{jsonld}</script>
</head><body><main>
<h1>{title}</h1>
<p>{employer} &middot; {place}</p>
<p>Rp {low:,} - Rp {high:,} / {unit} &middot; {types}</p>
<p>Lamar sebelum {valid_through}</p>
<div>{description}</div>
</main></body></html>
"""


def script_json(value):
    """JSON safe inside <script>: no `</script>` or comment openers can appear."""
    return (json.dumps(value, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


class PencakerApi:
    # vacancies: search, read, JSON-LD ------------------------------------
    @api("GET", "/api/v1/regions/<string:code>/vacancies")
    def search_vacancies(self, request, code):
        """Open vacancies this region shows (its own and those it subscribes to)."""
        get_region(code)
        params = {name: request.args[name] for name in SEARCH_PARAMS if name in request.args}
        return json_response(call(self.pencaker.search_vacancies, code, params))

    @api("GET", "/api/v1/regions/<string:code>/vacancies/pending")
    def pending_vacancies(self, request, code):
        """Vacancies awaiting a Disnaker officer's verification."""
        get_region(code)
        return json_response({"items": call(self.pencaker.pending_vacancies, code,
                                            caller=signed_caller(request))})

    @api("GET", "/api/v1/vacancies/<string:vacancy_id>")
    def get_vacancy(self, request, vacancy_id):
        """A vacancy; `?format=jsonld` gives its schema.org JobPosting."""
        fmt = request.args.get("format", "json")
        if fmt == "jsonld":
            return self.vacancy_jsonld(request, vacancy_id)
        if fmt != "json":
            raise ValidationFailed.field("format", "must be json or jsonld")
        return json_response(call(self.pencaker.get_vacancy, vacancy_id,
                                  caller=signed_caller(request, optional=True)))

    @api("GET", "/api/v1/vacancies/<string:vacancy_id>/jsonld")
    def vacancy_jsonld(self, request, vacancy_id):
        posting = call(self.pencaker.vacancy_jsonld, vacancy_id)
        return Response(json.dumps(posting, ensure_ascii=False), mimetype="application/ld+json")

    @api("GET", "/loker/<string:vacancy_id>")
    def vacancy_page(self, request, vacancy_id):
        """The citizen's page of a vacancy, with its JobPosting for search engines."""
        posting = call(self.pencaker.vacancy_jsonld, vacancy_id)
        salary = posting["baseSalary"]["value"]
        address = posting["jobLocation"]["address"]
        page = LOKER_PAGE.format(
            title=html.escape(posting["title"]), employer=html.escape(posting["hiringOrganization"]["name"]),
            place=html.escape(f"{address['addressLocality']}, {address['addressRegion']}"),
            low=salary["minValue"], high=salary["maxValue"], unit=html.escape(salary["unitText"].lower()),
            types=html.escape(", ".join(posting["employmentType"])),
            valid_through=html.escape(posting["validThrough"][:10]),
            description=html.escape(posting["description"]).replace("\n", "<br>"),
            jsonld=script_json(posting))
        return Response(page, mimetype="text/html")

    # seekers ----------------------------------------------------------------
    @api("POST", "/api/v1/regions/<string:code>/seekers")
    @described(body=SEEKER_BODY, statuses=(201,))
    def register_seeker(self, request, code):
        """AK/1 registration; the answer carries a citizen token for this record."""
        get_region(code)
        seeker = call(self.pencaker.register_seeker, code, read_json(request))
        token = issue_token(seeker["seeker_id"], "citizen", seeker["region"])
        return json_response({**seeker, "token": token}, 201,
                             {"Location": f"/api/v1/seekers/{seeker['seeker_id']}"})

    @api("GET", "/api/v1/seekers/<string:seeker_id>")
    def get_seeker(self, request, seeker_id):
        caller = signed_caller(request)
        return json_response(call(self.pencaker.get_seeker, seeker_id, caller=caller))

    @api("PATCH", "/api/v1/seekers/<string:seeker_id>")
    def update_seeker(self, request, seeker_id):
        return json_response(call(self.pencaker.update_seeker, seeker_id, read_json(request),
                                  caller=signed_caller(request)))

    @api("POST", "/api/v1/seekers/<string:seeker_id>/report")
    def report_seeker(self, request, seeker_id):
        """The six-monthly report that keeps the AK/1 card active."""
        caller = signed_caller(request)
        return json_response(call(self.pencaker.report_seeker, seeker_id, caller=caller))

    @api("GET", "/api/v1/seekers/<string:seeker_id>/matches")
    def seeker_matches(self, request, seeker_id):
        caller = signed_caller(request)
        return json_response({"items": call(self.pencaker.matches_for_seeker, seeker_id, caller=caller)})

    @api("GET", "/api/v1/seekers/<string:seeker_id>/applications")
    def seeker_applications(self, request, seeker_id):
        caller = signed_caller(request)
        return json_response({"items": call(self.pencaker.applications_for_seeker, seeker_id, caller=caller)})

    # employers and their vacancies -----------------------------------------
    @api("POST", "/api/v1/regions/<string:code>/employers")
    def create_employer(self, request, code):
        """An employer profile, owned by the token's subject."""
        get_region(code)
        employer = call(self.pencaker.create_employer, code, read_json(request),
                        caller=signed_caller(request))
        return json_response(employer, 201, {"Location": f"/api/v1/employers/{employer['_id']}"})

    @api("GET", "/api/v1/employers/<string:employer_id>")
    def get_employer(self, request, employer_id):
        return json_response(call(self.pencaker.get_employer, employer_id))

    @api("POST", "/api/v1/employers/<string:employer_id>/vacancies")
    def post_vacancy(self, request, employer_id):
        """A new vacancy; public once a Disnaker officer verifies it."""
        vacancy = call(self.pencaker.post_vacancy, employer_id, read_json(request),
                       caller=signed_caller(request))
        return json_response(vacancy, 201, {"Location": f"/api/v1/vacancies/{vacancy['id']}"})

    @api("GET", "/api/v1/employers/<string:employer_id>/vacancies")
    def employer_vacancies(self, request, employer_id):
        caller = signed_caller(request)
        return json_response({"items": call(self.pencaker.employer_vacancies, employer_id, caller=caller)})

    @api("POST", "/api/v1/vacancies/<string:vacancy_id>/verify")
    def verify_vacancy(self, request, vacancy_id):
        caller = signed_caller(request)
        return json_response(call(self.pencaker.verify_vacancy, vacancy_id, caller=caller))

    @api("POST", "/api/v1/vacancies/<string:vacancy_id>/reject")
    def reject_vacancy(self, request, vacancy_id):
        reason = read_json(request).get("reason")
        return json_response(call(self.pencaker.reject_vacancy, vacancy_id, reason,
                                  caller=signed_caller(request)))

    @api("POST", "/api/v1/vacancies/<string:vacancy_id>/close")
    def close_vacancy(self, request, vacancy_id):
        caller = signed_caller(request)
        return json_response(call(self.pencaker.close_vacancy, vacancy_id, caller=caller))

    @api("GET", "/api/v1/vacancies/<string:vacancy_id>/matches")
    def vacancy_matches(self, request, vacancy_id):
        caller = signed_caller(request)
        return json_response({"items": call(self.pencaker.matches_for_vacancy, vacancy_id, caller=caller)})

    # applications -----------------------------------------------------------
    @api("POST", "/api/v1/vacancies/<string:vacancy_id>/applications")
    def apply_to_vacancy(self, request, vacancy_id):
        """The calling seeker applies (once per vacancy)."""
        body = read_json(request)
        application = call(self.pencaker.apply, vacancy_id, caller=signed_caller(request),
                           cover_letter=body.get("cover_letter"))
        return json_response(application, 201, {"Location": f"/api/v1/applications/{application['id']}"})

    @api("GET", "/api/v1/vacancies/<string:vacancy_id>/applications")
    def vacancy_applications(self, request, vacancy_id):
        items = call(self.pencaker.applications_for_vacancy, vacancy_id, caller=signed_caller(request))
        return json_response({"items": items})

    @api("POST", "/api/v1/applications/<string:application_id>/withdraw")
    def withdraw_application(self, request, application_id):
        caller = signed_caller(request)
        return json_response(call(self.pencaker.withdraw_application, application_id, caller=caller))

    @api("POST", "/api/v1/applications/<string:application_id>/status")
    def move_application(self, request, application_id):
        """The employer moves an application to interview, accepted or rejected."""
        body = read_json(request)
        return json_response(call(self.pencaker.move_application, application_id, body.get("status"),
                                  caller=signed_caller(request), note=body.get("note")))

    # which regions' vacancies a region shows --------------------------------
    @api("GET", "/api/v1/regions/<string:code>/vacancy-sources")
    def vacancy_sources(self, request, code):
        get_region(code)
        return json_response(call(self.pencaker.subscriptions, code))

    @api("PUT", "/api/v1/regions/<string:code>/vacancy-sources")
    def set_vacancy_sources(self, request, code):
        """The region admin chooses which regions' vacancies the region shows."""
        get_region(code)
        sources = read_json(request).get("sources")
        return json_response(call(self.pencaker.set_subscriptions, code, sources,
                                  caller=signed_caller(request)))
