"""Who is calling: signed bearer tokens for people, turned into one Caller per request.

Bearer tokens are JWTs (PyJWT, HS256) signed with TL_TOKEN_SECRET from the
environment; nothing secret lives in the repository. Every token names a role
and a region. The gateway only authenticates: it turns the token into a
`servicekit.caller.Caller` and hands services that caller, signed for their
audience with a short expiry; what the caller may do is decided by each
domain's authority table.

A token issued at sign-in names its account (`usr`) and the account's credential
version (`cv`); `authenticate` refuses it once the account is disabled or its
password changed (the version moved on), through the `CredentialCheck` the
gateway's HTTP entrypoint puts in the request (`CREDENTIALS`), at most
TOKEN_CHECK_SECONDS stale. Tokens that name no account (a seeker's token from
API registration, which has no password) have no account to outlive.
"""
import time

import jwt

from services.servicekit.caller import ROLES as CALLER_ROLES
from services.servicekit.caller import Caller, token_secret
from services.servicekit.errors import Unauthorized

ROLES = tuple(r for r in CALLER_ROLES if r != "service")  # people sign in; services do not
ISSUER = "tangerang-live"
TOKEN_TTL = 8 * 3600
CREDENTIALS = "tl.credentials"  # request.environ key of the entrypoint's CredentialCheck


def issue_token(subject, role, region, opd=None, ttl=TOKEN_TTL, account=None, version=0):
    """A bearer token; `account` (username) and its credential `version` bind it to the account."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    now = int(time.time())
    claims = {"sub": subject, "role": role, "region": region, "iss": ISSUER,
              "iat": now, "exp": now + ttl}
    if opd:
        claims["opd"] = opd
    if account is not None:
        claims.update(usr=account, cv=version)
    return jwt.encode(claims, token_secret("TL_TOKEN_SECRET"), algorithm="HS256")


def authenticate(request):
    """The Caller from `Authorization: Bearer <token>`, or 401."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthorized("send Authorization: Bearer <token>; get one from POST /api/v1/auth/token")
    try:
        data = jwt.decode(header[7:], token_secret("TL_TOKEN_SECRET"), algorithms=["HS256"], issuer=ISSUER,
                          options={"require": ["exp", "sub", "role", "region"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired; sign in again") from None
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(f"the token is not valid ({exc})") from None
    if data["role"] not in ROLES:
        raise Unauthorized("the token names an unknown role")
    if "usr" in data and not _account_stands(request, data):
        raise Unauthorized("the account of this token was disabled or its password changed; sign in again")
    return Caller(data["sub"], data["role"], data["region"], data.get("opd"))


def _account_stands(request, data):
    check = request.environ.get(CREDENTIALS)
    if check is None:  # no entrypoint to ask: refuse rather than trust the token
        return False
    return isinstance(data["usr"], str) and check.in_force(data["usr"], data.get("cv"))


def signed_caller(request, optional=False):
    """The request's caller, which `call` signs for the service it calls; None when optional
    and no token was sent."""
    if optional and "Authorization" not in request.headers:
        return None
    return authenticate(request)


def citizen_caller(request):
    """The signed-in caller, or an anonymous citizen (who may still prove a tracking secret)."""
    if "Authorization" not in request.headers:
        return Caller.anonymous()
    return authenticate(request)
