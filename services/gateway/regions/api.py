"""The regions of the platform, as the JSON API lists them, and each region's profile as its
admin and the platform operator change it."""
from services.gateway.access.auth import authenticate
from services.gateway.access.authority import authorize
from services.gateway.regions.schemas import REGION_PROFILE
from services.gateway.web import schemas as common
from services.gateway.web.http import api, json_response, read_json
from services.gateway.web.policies import CATALOGUE
from services.platform.release_registry import region_release
from services.servicekit.described import described
from services.servicekit.region_profile import OPERATOR_FIELDS
from services.servicekit.regions import all_regions, get_region, update_profile
from services.servicekit.release import version_document

VERSION = {"type": "object", "required": ["release", "contracts", "api"], "additionalProperties": False,
           "properties": {
               "release": {"type": "string", "pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+$"},
               "contracts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1},
                             "description": "every event type this release publishes: its major"},
               "api": {"type": "string", "example": "v1"}}}


# A region's last-seen release (platform/release_registry.py), null before any announcement.
SEEN = {"type": "object", "properties": {"service": {"type": "string"}, "release": {"type": "string"},
                                         "seen_at": {"type": "string"}, "supported": {"type": "boolean"},
                                         "contracts": VERSION["properties"]["contracts"]}}
# A type list with "null": OpenAPI 3.0 has no null type, web/openapi.py makes it `nullable`.
REGION_RELEASE = {**common.REGION_VIEW, "properties": {**common.REGION_VIEW["properties"], "release": {
    **SEEN, "type": ["object", "null"], "properties": {**SEEN["properties"], "services": {
        "type": "array", "items": SEEN}},
    "description": "the release its services last announced; supported: inside N and N-1"}}}


class RegionsApi:
    @api("GET", "/api/v1/version", cache=CATALOGUE)
    @described(response=VERSION)
    def version(self, request):
        """The release this hub runs, the major version of every event contract it publishes
        and reads, and the JSON API's version (regions compare theirs before an upgrade)."""
        return json_response(version_document())

    @api("GET", "/api/v1/regions", cache=CATALOGUE)
    @described(response=common.items_of(common.REGION_VIEW))
    def list_regions(self, request):
        return json_response({"items": [r.to_dict() for r in all_regions()]})

    @api("GET", "/api/v1/regions/<string:code>", cache=CATALOGUE)
    @described(response=REGION_RELEASE)
    def region(self, request, code):
        """A region, and the release its services last announced (null before any did)."""
        region = get_region(code)
        return json_response({**region.to_dict(), "release": region_release(region.code)})

    @api("PATCH", "/api/v1/regions/<string:code>/profile")
    @described(body=REGION_PROFILE, statuses=(401, 403), response=common.REGION_VIEW)
    def edit_region_profile(self, request, code):
        """Change a region's profile: the fields sent, the others stay. Modules and brand are
        the platform operator's, time zone, senders, working days and days off the region
        admin's too. Every bad field is named at once, and then nothing is changed."""
        region = edit_profile(authenticate(request), code, read_json(request))
        return json_response(region.to_dict())


def edit_profile(caller, code, changes):
    """Authorize each part of `changes` (before anything is written), then store them."""
    region = get_region(code)
    if set(changes) & set(OPERATOR_FIELDS):
        authorize("edit_region_offer", caller, region.code)
    if not changes or set(changes) - set(OPERATOR_FIELDS):
        authorize("edit_region_profile", caller, region.code)
    return update_profile(region.code, changes)
