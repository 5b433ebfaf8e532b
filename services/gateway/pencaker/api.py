"""Pencaker's routes: seekers (AK/1), employers, vacancies, applications, matches,
and each public vacancy as a schema.org JobPosting (JSON-LD, and in an HTML page)."""
import json

from werkzeug.wrappers import Response

from services.gateway.access.auth import issue_token, signed_caller
from services.gateway.access.ratelimit import RateLimits
from services.gateway.pencaker import schemas
from services.gateway.web import schemas as common
from services.gateway.web.http import api, json_response, read_json
from services.gateway.web.policies import DETAIL, LIST
from services.servicekit.described import described
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import get_region
from services.servicekit.rpc import RpcProxy, call

SEARCH_PARAMS = ("q", "regions", "education", "employment_type", "min_salary", "skills", "sort",
                 "page", "per_page")


def script_json(value):
    """JSON safe inside <script>: no `</script>` or comment openers can appear."""
    return (json.dumps(value, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


class PencakerApi:
    pencaker = RpcProxy("pencaker")
    limits = RateLimits()

    # vacancies: search, read, JSON-LD ------------------------------------
    @api("GET", "/api/v1/regions/<string:code>/vacancies", cache=LIST)
    @described(query=schemas.VACANCY_QUERY, response=schemas.VACANCY_SEARCH)
    def search_vacancies(self, request, code):
        """Open vacancies this region shows (its own and those it subscribes to)."""
        get_region(code)
        params = {name: request.args[name] for name in SEARCH_PARAMS if name in request.args}
        return json_response(call(self.pencaker.search_vacancies, code, params))

    @api("GET", "/api/v1/regions/<string:code>/vacancies/pending")
    @described(statuses=(401, 403), response=common.items_of(schemas.VACANCY_VIEW))
    def pending_vacancies(self, request, code):
        """Vacancies awaiting a Disnaker officer's verification."""
        get_region(code)
        return json_response({"items": call(self.pencaker.pending_vacancies, code,
                                            caller=signed_caller(request))})

    @api("GET", "/api/v1/vacancies/<string:vacancy_id>")
    @described(query=schemas.VACANCY_FORMAT, statuses=(401, 403), response=schemas.VACANCY_VIEW,
               response_type=("application/json", "application/ld+json"))
    def get_vacancy(self, request, vacancy_id):
        """A vacancy; `?format=jsonld` gives its schema.org JobPosting."""
        fmt = request.args.get("format", "json")
        if fmt == "jsonld":
            return self.vacancy_jsonld(request, vacancy_id)
        if fmt != "json":
            raise ValidationFailed.field("format", "must be json or jsonld", code="not_allowed",
                                         allowed=["json", "jsonld"])
        return json_response(call(self.pencaker.get_vacancy, vacancy_id,
                                  caller=signed_caller(request, optional=True)))

    @api("GET", "/api/v1/vacancies/<string:vacancy_id>/jsonld", cache=DETAIL)
    @described(response=schemas.JOB_POSTING, response_type="application/ld+json")
    def vacancy_jsonld(self, request, vacancy_id):
        posting = call(self.pencaker.vacancy_jsonld, vacancy_id)
        return Response(json.dumps(posting, ensure_ascii=False), mimetype="application/ld+json")

    # seekers ----------------------------------------------------------------
    @api("POST", "/api/v1/regions/<string:code>/seekers")
    @described(body=schemas.SEEKER, statuses=(201, 409, 429), response=schemas.SEEKER_REGISTERED,
               links=schemas.SEEKER_LINKS)
    def register_seeker(self, request, code):
        """AK/1 registration; the answer carries a citizen token for this record."""
        get_region(code)
        self.limits.hit("seeker_register", request)
        seeker = call(self.pencaker.register_seeker, code, read_json(request))
        token = issue_token(seeker["seeker_id"], "citizen", seeker["region"])
        return json_response({**seeker, "token": token}, 201,
                             {"Location": f"/api/v1/seekers/{seeker['seeker_id']}"})

    @api("GET", "/api/v1/seekers/<string:seeker_id>")
    @described(statuses=(401, 403), response=schemas.SEEKER_VIEW)
    def get_seeker(self, request, seeker_id):
        caller = signed_caller(request)
        return json_response(call(self.pencaker.get_seeker, seeker_id, caller=caller))

    @api("PATCH", "/api/v1/seekers/<string:seeker_id>")
    @described(body=schemas.SEEKER_UPDATE, statuses=(401, 403), response=schemas.SEEKER_VIEW)
    def update_seeker(self, request, seeker_id):
        return json_response(call(self.pencaker.update_seeker, seeker_id, read_json(request),
                                  caller=signed_caller(request)))

    @api("POST", "/api/v1/seekers/<string:seeker_id>/report")
    @described(body=common.NO_BODY, statuses=(401, 403, 409), response=schemas.SEEKER_VIEW)
    def report_seeker(self, request, seeker_id):
        """The six-monthly report that keeps the AK/1 card active."""
        caller = signed_caller(request)
        return json_response(call(self.pencaker.report_seeker, seeker_id, caller=caller))

    @api("GET", "/api/v1/seekers/<string:seeker_id>/matches")
    @described(statuses=(401, 403), response=schemas.MATCHES)
    def seeker_matches(self, request, seeker_id):
        caller = signed_caller(request)
        return json_response({"items": call(self.pencaker.matches_for_seeker, seeker_id, caller=caller)})

    @api("GET", "/api/v1/seekers/<string:seeker_id>/applications")
    @described(statuses=(401, 403), response=common.items_of(schemas.APPLICATION_VIEW))
    def seeker_applications(self, request, seeker_id):
        caller = signed_caller(request)
        return json_response({"items": call(self.pencaker.applications_for_seeker, seeker_id, caller=caller)})

    # employers and their vacancies -----------------------------------------
    @api("POST", "/api/v1/regions/<string:code>/employers")
    @described(body=schemas.EMPLOYER, statuses=(201, 401, 403, 429), response=schemas.EMPLOYER_VIEW,
               links=schemas.EMPLOYER_LINKS)
    def create_employer(self, request, code):
        """An employer profile, owned by the token's subject."""
        get_region(code)
        self.limits.hit("employer_signup", request)
        employer = call(self.pencaker.create_employer, code, read_json(request),
                        caller=signed_caller(request))
        return json_response(employer, 201, {"Location": f"/api/v1/employers/{employer['_id']}"})

    @api("GET", "/api/v1/employers/<string:employer_id>")
    @described(response=schemas.EMPLOYER_VIEW)
    def get_employer(self, request, employer_id):
        return json_response(call(self.pencaker.get_employer, employer_id))

    @api("POST", "/api/v1/employers/<string:employer_id>/vacancies")
    @described(body=schemas.VACANCY, statuses=(201, 401, 403), response=schemas.VACANCY_VIEW,
               links=schemas.VACANCY_LINKS)
    def post_vacancy(self, request, employer_id):
        """A new vacancy; public once a Disnaker officer verifies it."""
        vacancy = call(self.pencaker.post_vacancy, employer_id, read_json(request),
                       caller=signed_caller(request))
        return json_response(vacancy, 201, {"Location": f"/api/v1/vacancies/{vacancy['id']}"})

    @api("GET", "/api/v1/employers/<string:employer_id>/vacancies")
    @described(statuses=(401, 403), response=common.items_of(schemas.VACANCY_VIEW))
    def employer_vacancies(self, request, employer_id):
        caller = signed_caller(request)
        return json_response({"items": call(self.pencaker.employer_vacancies, employer_id, caller=caller)})

    @api("POST", "/api/v1/vacancies/<string:vacancy_id>/verify")
    @described(body=common.NO_BODY, statuses=(401, 403, 409), response=schemas.VACANCY_VIEW)
    def verify_vacancy(self, request, vacancy_id):
        caller = signed_caller(request)
        return json_response(call(self.pencaker.verify_vacancy, vacancy_id, caller=caller))

    @api("POST", "/api/v1/vacancies/<string:vacancy_id>/reject")
    @described(body=schemas.REASON, statuses=(401, 403, 409), response=schemas.VACANCY_VIEW)
    def reject_vacancy(self, request, vacancy_id):
        reason = read_json(request).get("reason")
        return json_response(call(self.pencaker.reject_vacancy, vacancy_id, reason,
                                  caller=signed_caller(request)))

    @api("POST", "/api/v1/vacancies/<string:vacancy_id>/close")
    @described(body=common.NO_BODY, statuses=(401, 403, 409), response=schemas.VACANCY_VIEW)
    def close_vacancy(self, request, vacancy_id):
        caller = signed_caller(request)
        return json_response(call(self.pencaker.close_vacancy, vacancy_id, caller=caller))

    @api("GET", "/api/v1/vacancies/<string:vacancy_id>/matches")
    @described(statuses=(401, 403), response=schemas.MATCHES)
    def vacancy_matches(self, request, vacancy_id):
        caller = signed_caller(request)
        return json_response({"items": call(self.pencaker.matches_for_vacancy, vacancy_id, caller=caller)})

    # applications -----------------------------------------------------------
    @api("POST", "/api/v1/vacancies/<string:vacancy_id>/applications")
    @described(body=schemas.APPLICATION, statuses=(201, 401, 403, 409), response=schemas.APPLICATION_VIEW,
               links=schemas.APPLICATION_LINKS)
    def apply_to_vacancy(self, request, vacancy_id):
        """The calling seeker applies (once per vacancy)."""
        body = read_json(request)
        application = call(self.pencaker.apply, vacancy_id, caller=signed_caller(request),
                           cover_letter=body.get("cover_letter"))
        return json_response(application, 201, {"Location": f"/api/v1/applications/{application['id']}"})

    @api("GET", "/api/v1/vacancies/<string:vacancy_id>/applications")
    @described(statuses=(401, 403), response=common.items_of(schemas.APPLICATION_VIEW))
    def vacancy_applications(self, request, vacancy_id):
        items = call(self.pencaker.applications_for_vacancy, vacancy_id, caller=signed_caller(request))
        return json_response({"items": items})

    @api("POST", "/api/v1/applications/<string:application_id>/withdraw")
    @described(body=common.NO_BODY, statuses=(401, 403, 409), response=schemas.APPLICATION_VIEW)
    def withdraw_application(self, request, application_id):
        caller = signed_caller(request)
        return json_response(call(self.pencaker.withdraw_application, application_id, caller=caller))

    @api("POST", "/api/v1/applications/<string:application_id>/status")
    @described(body=schemas.APPLICATION_MOVE, statuses=(401, 403, 409), response=schemas.APPLICATION_VIEW)
    def move_application(self, request, application_id):
        """The employer moves an application to interview, accepted or rejected."""
        body = read_json(request)
        return json_response(call(self.pencaker.move_application, application_id, body.get("status"),
                                  caller=signed_caller(request), note=body.get("note")))

    # which regions' vacancies a region shows --------------------------------
    @api("GET", "/api/v1/regions/<string:code>/vacancy-sources", cache=DETAIL)
    @described(response=common.REGION_SOURCES)
    def vacancy_sources(self, request, code):
        get_region(code)
        return json_response(call(self.pencaker.subscriptions, code))

    @api("PUT", "/api/v1/regions/<string:code>/vacancy-sources")
    @described(body=schemas.VACANCY_SOURCES, statuses=(401, 403), response=common.REGION_SOURCES)
    def set_vacancy_sources(self, request, code):
        """The region admin chooses which regions' vacancies the region shows."""
        get_region(code)
        sources = read_json(request).get("sources")
        return json_response(call(self.pencaker.set_subscriptions, code, sources,
                                  caller=signed_caller(request)))
