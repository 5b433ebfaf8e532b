"""Who is calling, as one signed value across RPC.

The gateway authenticates a person (bearer token, session) and turns the
result into a `Caller`; `servicekit.rpc.call` signs it per request, with a
short expiry, for the one service it calls (audience `tl-service:<name>`).
Signing is EdDSA with the signer's private key (`servicekit.caller_keys`:
who may sign what); services hold public keys only, so whoever can publish
to `nameko-rpc`, or runs a service, still cannot act as anybody else. Every
RPC that acts for someone or returns private data takes the token as its
`caller` keyword: the kit's `rpc` entrypoint verifies it on arrival for its
own service's audience (`servicekit.entrypoints`) and hands the worker the
verified `Caller`. What the caller may do is each domain's authority table
(`servicekit.authority`), not this module.
"""
import os
import time
from dataclasses import dataclass, replace
from typing import Any

import jwt

from services.servicekit import caller_keys
from services.servicekit.caller_keys import SIGNERS
from services.servicekit.errors import Unauthorized

ROLES = (*caller_keys.PEOPLE, "service")
ALGORITHM = "EdDSA"
GATEWAY = "gateway"  # signs every person's caller
TTL = 60  # seconds: long enough for one request's RPCs, too short to replay later
MIN_SECRET = 32


def audience(service: str) -> str:
    """The audience of callers made for `service`: only that service accepts them."""
    return f"tl-service:{service}"


def token_secret(name: str = "TL_TOKEN_SECRET") -> str:
    """A symmetric secret from the environment (people's bearer tokens and sessions,
    the gateway's alone); never in the repository. Callers are not signed with it."""
    value = os.environ.get(name) or os.environ.get("TL_TOKEN_SECRET", "")
    if len(value) < MIN_SECRET:
        raise Unauthorized(f"token signing is not configured: set {name} "
                           f"(at least {MIN_SECRET} characters)")
    return value


def _refused(reason: object) -> Unauthorized:
    return Unauthorized(f"the caller token is not valid ({reason})", {"field": "caller"})


@dataclass(frozen=True)
class Caller:
    subject: str
    role: str
    region: str | None
    opd: str | None = None
    owns: tuple[str, ...] = ()  # record ids the caller has proven to own (a citizen's tickets)

    @classmethod
    def service(cls, name: str) -> "Caller":
        """A platform service acting on its own (e.g. notifications reading a contact)."""
        return cls(name, "service", None)

    @classmethod
    def anonymous(cls) -> "Caller":
        """A citizen without an account: owns only what they prove (a tracking secret)."""
        return cls("anonymous", "citizen", None)

    def owning(self, *ids: str) -> "Caller":
        return replace(self, owns=tuple(sorted(set(self.owns) | set(ids))))

    @property
    def signer(self) -> str:
        """Whose key signs this caller: a platform service signs itself, the gateway everyone else."""
        return self.subject if self.role == "service" else GATEWAY

    def sign(self, service: str, ttl: int = TTL) -> str:
        """A token for `service` alone, signed with the signer's private key."""
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        now = int(time.time())
        claims = {"sub": self.subject, "role": self.role, "region": self.region, "opd": self.opd,
                  "owns": list(self.owns), "aud": audience(service), "iss": self.signer,
                  "iat": now, "exp": now + ttl}
        return jwt.encode(claims, caller_keys.private_key(self.signer), algorithm=ALGORITHM,
                          headers={"kid": self.signer})

    @classmethod
    def verify(cls, token: Any, service: str | None = None) -> "Caller":
        """The Caller a token names, or Unauthorized (missing, forged, expired, signed by a key
        that may not sign it, not for `service`). Already verified on arrival: returned as is."""
        if isinstance(token, Caller):
            return token
        if not isinstance(token, str) or not token:
            raise Unauthorized("this call needs a signed caller; pass caller=Caller(...)",
                               {"field": "caller"})
        try:
            signer = jwt.get_unverified_header(token).get("kid")
        except jwt.InvalidTokenError as exc:
            raise _refused(exc) from None
        if signer not in SIGNERS:
            raise _refused("signed by no key this platform knows")
        key = caller_keys.public_key(signer)
        if key is None:
            raise _refused(f"{signer}'s public key is not configured here: set "
                           f"{caller_keys.variable(signer, False)}")
        try:
            data = jwt.decode(token, key, algorithms=[ALGORITHM], issuer=signer,
                              audience=audience(service) if service else None,
                              options={"require": ["exp", "iat", "sub", "role", "aud", "iss"],
                                       "verify_aud": service is not None})
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the caller token has expired", {"field": "caller"}) from None
        except jwt.InvalidTokenError as exc:
            raise _refused(exc) from None
        return cls._signed_by(signer, data)

    @classmethod
    def _signed_by(cls, signer: str, data: dict[str, Any]) -> "Caller":
        """The claims' Caller if `signer` may sign it: its roles, itself, its audiences."""
        allowed = SIGNERS[signer]
        if data["role"] not in ROLES:
            raise Unauthorized("the caller token names an unknown role", {"field": "caller"})
        if data["role"] not in allowed["roles"] or (data["role"] == "service" and data["sub"] != signer):
            raise _refused(f"{signer} may not sign a {data['role']} named {data['sub']!r}")
        addressed = data["aud"] if isinstance(data["aud"], str) else None
        reach = allowed["audiences"]
        if reach is not caller_keys.ANY and addressed not in {audience(s) for s in reach}:
            raise _refused(f"{signer} may not call {addressed}")
        return cls(data["sub"], data["role"], data.get("region"), data.get("opd"),
                   tuple(data.get("owns") or ()))


def verified(token: Any, optional: bool = False) -> "Caller | None":
    """`Caller.verify`, or None for an absent token when anonymous reading is fine."""
    if optional and token is None:
        return None
    return Caller.verify(token)
