"""The lapor form: its fields as the gate checks them (web/http.read_form), the report
(the JSON API's shape) made from them, and which form field shows a refusal of the report."""
from services.aspirasi import commands
from services.gateway.laksa.photos import MAX_PHOTOS, MAX_UPLOAD
from services.gateway.web.http import MAX_BODY

# Which form field shows the refusal of a report's field (ValidationFailed's name).
FORM_FIELDS = {"reporter.nik": "nik", "reporter.phone": "phone", "reporter.email": "email",
               "reporter.name": "name", "location": "location", "location.address": "address",
               "reporter": "reporter"}
# The form's text fields, bounded as the domain's command bounds them (commands.py).
LAPOR_LENGTHS = {"category": commands.MAX_CATEGORY, "description": commands.MAX_DESCRIPTION, "lat": 40,
                 "long": 40, "address": commands.MAX_ADDRESS, "anonymous": 10, "show_name": 10,
                 "name": commands.MAX_NAME, "phone": 20, "email": 254, "nik": 24,
                 "idempotency_key": 100, "use_photo_location": 10, "csrf": 100}
LAPOR_FORM = {"type": "object", "additionalProperties": False, "properties": {
    **{name: {"type": "string", "maxLength": size} for name, size in LAPOR_LENGTHS.items()},
    "foto": {"type": "array", "items": {"type": "string", "maxLength": 64}, "maxItems": MAX_PHOTOS,
             "description": "photos already stored by an earlier attempt of this form"},
    "photos": {"type": "array", "items": {"type": "string", "format": "binary"}, "maxItems": MAX_PHOTOS}}}
LAPOR_MAX_BODY = MAX_PHOTOS * MAX_UPLOAD + MAX_BODY


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
