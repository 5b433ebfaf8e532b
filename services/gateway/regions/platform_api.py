"""Cross-cutting routes: sign-in, accounts, the OpenAPI document and its browser."""
import json
from functools import cache
from pathlib import Path

import swagger_ui_bundle
from werkzeug.wrappers import Response

from services.gateway.access.accounts import AccountRepository
from services.gateway.access.auth import ROLES, TOKEN_TTL, authenticate, issue_token
from services.gateway.access.authority import account_action, authorize
from services.gateway.access.ratelimit import RateLimits
from services.gateway.access.sign_in import check_password
from services.gateway.regions import schemas
from services.gateway.web.http import api, json_response, read_json
from services.gateway.web.openapi import document
from services.gateway.web.policies import CATALOGUE, public
from services.gateway.web.templating import templates
from services.servicekit.described import described
from services.servicekit.errors import NotFound, Unauthorized
from services.servicekit.store import MongoStore

ASSETS = Path(swagger_ui_bundle.swagger_ui_path)
# Only these files are served: no path from the request ever reaches the disk.
ASSET_TYPES = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "application/javascript",
               "swagger-ui-standalone-preset.js": "application/javascript",
               "favicon-32x32.png": "image/png"}


@cache
def _docs_page():
    return templates.get_template("docs.html").render()


@cache
def _asset(name):
    return (ASSETS / name).read_bytes()


class PlatformApi:
    repo = MongoStore(AccountRepository)
    limits = RateLimits()

    @api("POST", "/api/v1/auth/token")
    @described(body=schemas.SIGN_IN, statuses=(401, 429), response=schemas.TOKEN)
    def sign_in(self, request):
        """Exchange a username and password for a bearer token (every person's role may; failed
        attempts are limited per client and per account; the token stops working within a
        minute of the account being disabled or its password changed)."""
        self.limits.hit("login", request)
        body = read_json(request)
        signed_in = check_password(self.repo, self.limits, request, body.get("username"),
                                   body.get("password"), ROLES)
        if signed_in is None:
            raise Unauthorized("wrong username or password")
        claims = signed_in.caller
        token = issue_token(claims.subject, claims.role, claims.region, claims.opd,
                            account=signed_in.username, version=signed_in.version)
        return json_response({"access_token": token, "token_type": "bearer",
                              "expires_in": TOKEN_TTL, "role": claims.role, "region": claims.region})

    @api("POST", "/api/v1/admin/accounts")
    @described(body=schemas.ACCOUNT, statuses=(201, 401, 403, 409), response=schemas.ACCOUNT_VIEW)
    def create_account(self, request):
        """Create an account: operators anywhere, region admins for officers of their region."""
        caller = authenticate(request)
        body = read_json(request)
        authorize(account_action(body.get("role")), caller, body.get("region"))
        claims = self.repo.create(body.get("username"), body.get("password"), body.get("role"),
                                   body.get("region"), body.get("opd"))
        return json_response({"username": claims.subject, "role": claims.role,
                              "region": claims.region, "opd": claims.opd}, 201)

    @api("GET", "/api/openapi.json", cache=CATALOGUE)
    @described(response=schemas.OPENAPI)
    def openapi_document(self, request):
        """This document."""
        return Response(self.openapi_json(), mimetype="application/json")

    @api("GET", "/docs", cache=CATALOGUE)
    @described(response_type="text/html")
    def api_browser(self, request):
        """The interactive API browser (assets served locally, no CDN)."""
        return Response(_docs_page(), mimetype="text/html")

    @api("GET", "/docs/assets/<string:name>", cache=public(3600, 86400))
    @described(response_type=tuple(sorted(set(ASSET_TYPES.values()))))
    def api_browser_asset(self, request, name):
        """Static assets of the API browser."""
        if name not in ASSET_TYPES:
            raise NotFound(f"no asset {name!r}")
        return Response(_asset(name), mimetype=ASSET_TYPES[name],
                        headers={"Cache-Control": "public, max-age=86400"})

    @classmethod
    @cache
    def openapi_json(cls):
        # cls is the service class the mixin is part of: the document lists its routes.
        return json.dumps(document(cls))
