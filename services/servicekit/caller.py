"""Who is calling, as one signed value across RPC.

The gateway authenticates a person (bearer token, session) and turns the
result into a `Caller`; it signs it per request with a short expiry, for the
services' audience only. Every RPC that acts for someone or returns private
data takes that token as its `caller` keyword and verifies it: whoever can
publish to `nameko-rpc` but does not hold the signing secret cannot act as
anybody. What the caller may do is each domain's authority table
(`servicekit.authority`), not this module.
"""
import os
import time
from dataclasses import dataclass, replace

import jwt

from services.servicekit.errors import Unauthorized

ROLES = ("citizen", "opd_officer", "disnaker_officer", "price_clerk", "editor", "region_admin",
         "platform_operator", "service")
AUDIENCE = "tl-services"
ISSUER = "tl-gateway"
TTL = 60  # seconds: long enough for one request's RPCs, too short to replay later
MIN_SECRET = 32


def token_secret(name="TL_CALLER_SECRET"):
    """A signing secret from the environment; never in the repository.

    Callers are signed with TL_CALLER_SECRET, shared by the gateway and the
    services; people's bearer tokens with TL_TOKEN_SECRET, the gateway's
    alone. Where TL_CALLER_SECRET is unset (one machine, tests), callers use
    TL_TOKEN_SECRET too.
    """
    value = os.environ.get(name) or os.environ.get("TL_TOKEN_SECRET", "")
    if len(value) < MIN_SECRET:
        raise Unauthorized(f"token signing is not configured: set {name} "
                           f"(at least {MIN_SECRET} characters)")
    return value


@dataclass(frozen=True)
class Caller:
    subject: str
    role: str
    region: str | None
    opd: str | None = None
    owns: tuple = ()  # record ids the caller has proven to own (a citizen's tickets)

    @classmethod
    def service(cls, name):
        """A platform service acting on its own (e.g. notifications reading a contact)."""
        return cls(name, "service", None)

    @classmethod
    def anonymous(cls):
        """A citizen without an account: owns only what they prove (a tracking secret)."""
        return cls("anonymous", "citizen", None)

    def owning(self, *ids):
        return replace(self, owns=tuple(sorted(set(self.owns) | set(ids))))

    def sign(self, ttl=TTL):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        now = int(time.time())
        claims = {"sub": self.subject, "role": self.role, "region": self.region, "opd": self.opd,
                  "owns": list(self.owns), "aud": AUDIENCE, "iss": ISSUER,
                  "iat": now, "exp": now + ttl}
        return jwt.encode(claims, token_secret(), algorithm="HS256")

    @classmethod
    def verify(cls, token):
        """The Caller a token names, or Unauthorized (missing, forged, expired, not for us)."""
        if not isinstance(token, str) or not token:
            raise Unauthorized("this call needs a signed caller; pass caller=Caller(...).sign()",
                               {"field": "caller"})
        try:
            data = jwt.decode(token, token_secret(), algorithms=["HS256"], audience=AUDIENCE,
                              issuer=ISSUER, options={"require": ["exp", "sub", "role", "aud", "iss"]})
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the caller token has expired", {"field": "caller"}) from None
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"the caller token is not valid ({exc})", {"field": "caller"}) from None
        if data["role"] not in ROLES:
            raise Unauthorized("the caller token names an unknown role", {"field": "caller"})
        return cls(data["sub"], data["role"], data.get("region"), data.get("opd"),
                   tuple(data.get("owns") or ()))


def verified(token, optional=False):
    """`Caller.verify`, or None for an absent token when anonymous reading is fine."""
    if optional and token is None:
        return None
    return Caller.verify(token)
