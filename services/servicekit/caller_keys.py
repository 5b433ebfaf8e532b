"""Who may sign callers, and where their Ed25519 keys come from.

Callers are signed with a private key and checked with its public key
(EdDSA), so holding what verifies a caller is not enough to mint one. Each
signer has its own key pair and may sign only what `SIGNERS` lets it: the
gateway any person's role; a platform service only itself (role `service`,
subject its own name) and only for the services it calls. A service holds
the public keys alone; a private key is in the one process that signs with it
(and in the operator's tools, which sign as the gateway does).

Keys come from the environment, never from the repository: the PEM text in
TL_CALLER_KEY_<SIGNER> (private) or TL_CALLER_PUBLIC_KEY_<SIGNER>, or a path
to a PEM file in the same name with _FILE appended. `make run` and the test
harness generate a fresh set per run (`generate`); for a cluster,
`python -m tools.caller_keys DIR` writes one to put into Secrets.
"""
import functools
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, MutableMapping

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.servicekit.errors import ConfigError

PEOPLE = ("citizen", "opd_officer", "disnaker_officer", "price_clerk", "editor", "region_admin",
          "platform_operator")
ANY = None  # every service

# signer -> the roles it may sign and the services it may address (ANY: all).
# A signer that is a platform service signs only itself: subject = its name.
SIGNERS: dict[str, dict[str, Any]] = {
    "gateway": {"roles": PEOPLE, "audiences": ANY},
    # reads a reporter's or a seeker's contact for a notice
    "notifications": {"roles": ("service",), "audiences": ("aspirasi", "pencaker")},
    # the SMS host's RunOnReceive command: STOP and HARGA
    "sms_inbox": {"roles": ("service",), "audiences": ("notifications",)},
}


def variable(signer: str, private: bool) -> str:
    return f"TL_CALLER_{'KEY' if private else 'PUBLIC_KEY'}_{signer.upper()}"


def _pem(signer: str, private: bool, environ: Mapping[str, str]) -> str | None:
    name = variable(signer, private)
    if environ.get(name):
        return environ[name]
    path = environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE: cannot read {path} ({exc.strerror})") from None
    return None


@functools.lru_cache(maxsize=32)
def _private(pem: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError("a caller signing key must be an Ed25519 key (PEM, PKCS#8)")
    return key


@functools.lru_cache(maxsize=32)
def _public(pem: str) -> Any:
    return serialization.load_pem_public_key(pem.encode())


def private_key(signer: str, environ: Mapping[str, str] = os.environ) -> Ed25519PrivateKey:
    """The signer's private key, or ConfigError naming the variable to set."""
    pem = _pem(signer, True, environ)
    if not pem:
        raise ConfigError(f"{signer} cannot sign callers: set {variable(signer, True)} (an Ed25519 "
                          f"private key, PEM) or {variable(signer, True)}_FILE; `make run` makes one")
    try:
        return _private(pem)
    except ValueError as exc:
        raise ConfigError(f"{variable(signer, True)}: not a PEM private key ({exc})") from None


def public_key(signer: str, environ: Mapping[str, str] = os.environ) -> Any:
    """The signer's public key (from its own variable, else from its private key), or None."""
    pem = _pem(signer, False, environ)
    if pem:
        try:
            return _public(pem)
        except ValueError as exc:
            raise ConfigError(f"{variable(signer, False)}: not a PEM public key ({exc})") from None
    return private_key(signer, environ).public_key() if _pem(signer, True, environ) else None


def check(process: str, environ: Mapping[str, str] = os.environ) -> None:
    """At start: a signer's own private key loads, a service holds the gateway's public key
    (every service verifies people's callers); else one ConfigError naming the variable."""
    if process in SIGNERS:
        private_key(process, environ)
    if process != "gateway" and public_key("gateway", environ) is None:
        raise ConfigError(f"{process} cannot check callers: set {variable('gateway', False)} (the "
                          f"gateway's public key, PEM) or {variable('gateway', False)}_FILE")


def generate(signers: Iterable[str] = SIGNERS) -> dict[str, str]:
    """A fresh key pair per signer, as environment variables (PEM text)."""
    env = {}
    for signer in signers:
        key = Ed25519PrivateKey.generate()
        env[variable(signer, True)] = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode()
        env[variable(signer, False)] = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return env


def ensure(environ: MutableMapping[str, str]) -> MutableMapping[str, str]:
    """`environ` with a fresh key pair for every signer it has no key of (`make run`, tests)."""
    missing = [s for s in SIGNERS if not (_pem(s, True, environ) or _pem(s, False, environ))]
    for name, value in generate(missing).items():
        environ.setdefault(name, value)
    return environ


def for_process(name: str, environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` without the private keys that are not `name`'s own: what a process may hold."""
    own = {variable(name, True), variable(name, True) + "_FILE"}
    private = {n for s in SIGNERS for n in (variable(s, True), variable(s, True) + "_FILE")}
    return {k: v for k, v in environ.items() if k not in private - own}
