"""LAKSA's JSON routes."""
from services.gateway.http import api, json_response, read_json
from services.servicekit.regions import get_region
from services.servicekit.rpc import call


class AspirasiApi:
    @api("GET", "/api/v1/regions/<string:code>/aspirasi/categories")
    def aspirasi_categories(self, request, code):
        get_region(code)
        return json_response({"items": call(self.aspirasi.categories, code)})

    @api("POST", "/api/v1/regions/<string:code>/aspirasi")
    def submit_aspirasi(self, request, code):
        get_region(code)
        report = read_json(request)
        key = request.headers.get("Idempotency-Key")
        ticket = call(self.aspirasi.submit, code, report, key)
        return json_response(ticket, 201, {"Location": f"/api/v1/aspirasi/{ticket['number']}"})

    @api("GET", "/api/v1/aspirasi/<string:number>")
    def get_aspirasi(self, request, number):
        return json_response(call(self.aspirasi.get_ticket, number))
