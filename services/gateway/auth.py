"""Who is calling: signed bearer tokens carrying role and region.

Tokens are JWTs (PyJWT, HS256) signed with TL_TOKEN_SECRET from the
environment; nothing secret lives in the repository. Every token names a role
and a region; an officer can act only inside their own region, and only the
platform operator crosses regions.
"""
import os
import time
from dataclasses import dataclass

import jwt

from services.servicekit.errors import Forbidden, Unauthorized

ROLES = ("citizen", "opd_officer", "disnaker_officer", "editor", "region_admin", "platform_operator")
ISSUER = "tangerang-live"
TOKEN_TTL = 8 * 3600
MIN_SECRET = 32


def secret():
    value = os.environ.get("TL_TOKEN_SECRET", "")
    if len(value) < MIN_SECRET:
        raise Unauthorized("token signing is not configured: set TL_TOKEN_SECRET "
                           f"(at least {MIN_SECRET} characters)")
    return value


@dataclass(frozen=True)
class Claims:
    subject: str
    role: str
    region: str
    opd: str | None = None

    def require(self, roles, region=None):
        """Raise 403 unless the caller has one of `roles` in `region`."""
        if self.role not in roles and self.role != "platform_operator":
            raise Forbidden(f"role {self.role} may not do this; needs {' or '.join(roles)}",
                            {"field": "role"})
        if region is not None and self.role != "platform_operator" and self.region != region:
            raise Forbidden(f"your token is for region {self.region}, not {region}",
                            {"field": "region"})
        return self

    def acting_in(self, region):
        """Officers act in their own region only; citizens act as themselves anywhere."""
        if self.role in OFFICER_ROLES and self.region != region:
            raise Forbidden(f"officers of {self.region} cannot act in region {region}",
                            {"field": "region"})
        return self


OFFICER_ROLES = ("opd_officer", "disnaker_officer", "editor", "region_admin")


def issue_token(subject, role, region, opd=None, ttl=TOKEN_TTL):
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    now = int(time.time())
    claims = {"sub": subject, "role": role, "region": region, "iss": ISSUER,
              "iat": now, "exp": now + ttl}
    if opd:
        claims["opd"] = opd
    return jwt.encode(claims, secret(), algorithm="HS256")


def authenticate(request):
    """The caller's Claims from `Authorization: Bearer <token>`, or 401."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthorized("send Authorization: Bearer <token>; get one from POST /api/v1/auth/token")
    try:
        data = jwt.decode(header[7:], secret(), algorithms=["HS256"], issuer=ISSUER,
                          options={"require": ["exp", "sub", "role", "region"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired; sign in again") from None
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(f"the token is not valid ({exc})") from None
    if data["role"] not in ROLES:
        raise Unauthorized("the token names an unknown role")
    return Claims(data["sub"], data["role"], data["region"], data.get("opd"))
