"""LAKSA's Open311 GeoReport v2 entrypoints: api_keys per region (only their hash is
stored) and the services, requests and tokens of the spec, over the ticket RPCs."""
import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from services.aspirasi import domain, open311
from services.aspirasi.repository import TicketRepository
from services.servicekit.caller import Caller
from services.servicekit.contracts.aspirasi import listed
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import utcnow
from services.servicekit.errors import Forbidden, NotFound, ValidationFailed
from services.servicekit.public_url import public_url
from services.servicekit.regions import get_region
from services.servicekit.store import MongoStore

KEY_ID = 12  # hex digits of a key's hash shown to admins to tell keys apart


class Open311Rpcs:
    """Mixed into AspirasiService, whose categories, submit and list_tickets it calls."""

    repo = MongoStore(TicketRepository)
    # AspirasiService's RPCs this mixin builds on
    categories: Callable[..., list[dict[str, Any]]]
    submit: Callable[..., dict[str, Any]]
    list_tickets: Callable[..., list[dict[str, Any]]]

    @rpc
    def issue_api_key(self, region_code, label=None, *, caller):
        """A new Open311 api_key for a region (only its hash is stored); `label` says whose."""
        get_region(region_code)
        domain.authorize("issue_api_key", Caller.verify(caller), {"region": region_code})
        if label is not None and (not isinstance(label, str) or len(label) > 80):
            raise ValidationFailed.field("label", "must be text of at most 80 characters", code="too_long",
                                         max=80)
        key = secrets.token_urlsafe(24)
        self.repo.add_api_key(_key_hash(key), region_code, label, utcnow())
        return key

    @rpc
    def api_keys(self, region_code, *, caller):
        """The region's api_keys: id (the hash's first 12 hex digits), label, created, revoked."""
        get_region(region_code)
        domain.authorize("manage_api_keys", Caller.verify(caller), {"region": region_code})
        found = self.repo.api_keys(region_code)
        return sorted(({"id": k["_id"][:KEY_ID], "label": k.get("label"), "created_at": k["created_at"],
                        "revoked_at": k.get("revoked_at")} for k in found),
                      key=lambda k: k["created_at"], reverse=True)

    @rpc
    def revoke_api_key(self, region_code, key_id, *, caller):
        """Revoke a key of the region by its id; it stops working at once."""
        get_region(region_code)
        domain.authorize("manage_api_keys", Caller.verify(caller), {"region": region_code})
        if not isinstance(key_id, str) or len(key_id) != KEY_ID:
            raise ValidationFailed.field("key_id", f"give the key's {KEY_ID}-character id from the list",
                                         code="bad_key_id")
        key = self.repo.api_key_by_prefix(region_code, key_id)
        if key is None:
            raise NotFound(f"no api_key {key_id} in {region_code}", {"field": "key_id"})
        self.repo.revoke_api_key(key["_id"], utcnow().isoformat())

    @rpc
    def open311_services(self, region_code, code=None):
        """The services list, or with `code` that service's definition."""
        categories = self.categories(region_code)
        if code is None:
            return [open311.service_entry(c) for c in categories]
        categories = [c for c in categories if c["code"] == code]
        if not categories:
            raise NotFound(f"service_code {code} is not offered in {region_code}",
                           {"field": "service_code"})
        return open311.service_definition(categories[0])

    @rpc
    def open311_submit(self, region_code, form, api_key):
        get_region(region_code)
        key = api_key and self.repo.api_key(_key_hash(api_key))
        if not key or key["region"] != region_code or key.get("revoked_at"):
            raise Forbidden("api_key is missing or not valid for this jurisdiction_id",
                            {"field": "api_key"})
        # The request's idempotency key, so random: a guessed token must find nothing
        token = form.get("token") or secrets.token_urlsafe(24)
        ticket = self.submit(region_code, open311.report_from_form(form), token)
        return [{"service_request_id": ticket["number"], "token": token,
                 "service_notice": open311.service_request(ticket)["service_notice"],
                 "account_id": None}]

    @rpc
    def open311_requests(self, region_code, ids=None, service_code=None, start_date=None,
                         end_date=None, status=None, limit=1000):
        get_region(region_code)
        if ids:
            tickets = [self.repo.in_region(region_code, i) for i in ids]
            views = [domain.public_view(t) for t in tickets if t]
        else:
            views = self.list_tickets(region_code, status=open311.status_filter(status),
                                      category=listed(service_code) or None,
                                      since=_parse_date("start_date", start_date),
                                      until=_parse_date("end_date", end_date), limit=min(int(limit), 1000))
        names = {c["code"]: c["name"] for c in self.categories(region_code)}
        base = public_url(get_region(region_code))
        return [open311.service_request(v, names, base) for v in views]

    @rpc
    def open311_token(self, region_code, token):
        claim = isinstance(token, str) and self.repo.find_claim(region_code, domain.key_hash(token))
        if not claim:
            raise NotFound("token not found", {"field": "token"})
        return [{"service_request_id": claim["number"], "token": token}]


def _key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _parse_date(field, value):
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        raise ValidationFailed.field(field, f"{value!r} is not an ISO 8601 date", code="bad_date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
