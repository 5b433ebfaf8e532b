"""Officers' and citizens' accounts: the gateway's own small store.

Passwords are kept as scrypt hashes (hashlib, salted per account) and compared
in constant time. Tokens are issued by auth.py once a password checks out; they
carry the account's `credential_version`, which disabling the account or
changing its password moves on, so `CredentialCheck` refuses the older tokens.
"""
import hashlib
import hmac
import os
import re
import time
from dataclasses import dataclass

from nameko.extensions import SharedExtension
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from services.gateway.access.auth import ROLES
from services.servicekit.caller import Caller
from services.servicekit.errors import ConfigError, Conflict, NotFound, ValidationFailed
from services.servicekit.regions import get_region
from services.servicekit.store import Repository, connect
from services.servicekit.validation import reject_markup

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 200  # scrypt reads all of it: a 1 MB password costs the loop
MAX_OPD = 60
TOKEN_CHECK_SECONDS = 60  # the most a bearer token's account check may be stale
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


def hash_password(password, salt=None):
    salt = salt or os.urandom(16)
    return salt.hex() + ":" + hashlib.scrypt(password.encode(), salt=salt, **SCRYPT).hex()


def password_matches(password, stored):
    salt, expected = stored.split(":")
    actual = hash_password(password, bytes.fromhex(salt)).split(":")[1]
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True)
class SignedIn:
    """An account whose password checked out: who it acts as, and what its tokens carry."""
    caller: Caller
    username: str
    version: int  # credential_version when the password was checked


def _check_password(password):
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValidationFailed.field("password", f"must be {MIN_PASSWORD}-{MAX_PASSWORD} characters",
                                     code="bad_password", min=MIN_PASSWORD, max=MAX_PASSWORD)


class AccountRepository(Repository):
    indexes = {"accounts": [([("region", ASCENDING), ("role", ASCENDING)], {})]}

    def create(self, username, password, role, region, opd=None, subject=None):
        """A new account; `subject` is who its sessions act as (default the username),
        e.g. the seeker record behind an AK/1 card number."""
        if not isinstance(username, str) or not USERNAME.match(username):
            raise ValidationFailed.field("username", "use 3-64 lowercase letters, digits, . _ -",
                                         code="bad_username")
        _check_password(password)
        if role not in ROLES:
            raise ValidationFailed.field("role", f"must be one of {', '.join(ROLES)}", code="not_allowed",
                                         allowed=list(ROLES))
        get_region(region)
        if role == "opd_officer" and not opd:
            raise ValidationFailed.field("opd", "an OPD officer account names its OPD", code="required")
        if opd is not None:
            opd = reject_markup({"opd": opd}, "opd", max_length=MAX_OPD)
        try:
            self.db.accounts.insert_one({"_id": username, "password": hash_password(password),
                                         "role": role, "region": region, "opd": opd,
                                         "subject": subject or username})
        except DuplicateKeyError:
            raise Conflict(f"account {username} already exists", {"field": "username"}) from None
        return Caller(subject or username, role, region, opd)

    def verify(self, username, password, roles=ROLES):
        """`SignedIn` when the password is right, the account enabled and its role one of `roles`
        (the sign-in path's audience), else None: an account of another role answers exactly
        as a wrong password, after the same scrypt work, so no path tells roles apart."""
        account = isinstance(username, str) and self.db.accounts.find_one({"_id": username})
        if not account or account.get("disabled") or not isinstance(password, str):
            hash_password("timing-equaliser")  # same work whether or not the user exists
            return None
        if not password_matches(password, account["password"]) or account["role"] not in roles:
            return None
        caller = Caller(account.get("subject") or username, account["role"], account["region"],
                        account.get("opd"))
        return SignedIn(caller, username, account.get("credential_version", 0))

    def in_force(self, username, issued_at):
        """Whether a session of `username` signed at `issued_at` (epoch s) still counts:
        the account exists, is enabled, and its password was not reset since."""
        account = self.db.accounts.find_one({"_id": username}, {"disabled": 1, "sessions_after": 1})
        return bool(account) and not account.get("disabled") and issued_at >= account.get("sessions_after", 0)

    def officers(self, region):
        """The region's officer accounts (no citizens), without their password hashes."""
        found = self.db.accounts.find({"region": region, "role": {"$ne": "citizen"}}, {"password": 0})
        return sorted(found, key=lambda a: a["_id"])

    def get(self, username):
        account = self.db.accounts.find_one({"_id": username}, {"password": 0})
        if not account:
            raise NotFound(f"account {username} not found", {"field": "username"})
        return account

    def set_disabled(self, username, disabled, now):
        """Disable (every session of it stops at once) or enable an account."""
        self.get(username)
        self.db.accounts.update_one({"_id": username}, {"$set": {
            "disabled": bool(disabled), "sessions_after": int(now)}, "$inc": {"credential_version": 1}})

    def reset_password(self, username, password, now):
        """A new password; sessions signed before now stop working."""
        self.get(username)
        _check_password(password)
        self.db.accounts.update_one({"_id": username}, {"$set": {
            "password": hash_password(password), "sessions_after": int(now)},
            "$inc": {"credential_version": 1}})

    def credentials(self, username):
        """(credential_version, disabled) of the account, or None when there is none."""
        account = self.db.accounts.find_one({"_id": username}, {"credential_version": 1, "disabled": 1})
        return account and (account.get("credential_version", 0), bool(account.get("disabled")))


class CredentialCheck:
    """Whether a bearer token's account still stands behind it (exists, enabled, same
    credential version), each account's state cached `ttl` seconds: one store read per
    account and minute rather than per request, so a token is refused at most `ttl` late."""

    MAX_ENTRIES = 10_000  # bounded: past it the cache starts again

    def __init__(self, repo, ttl):
        self.repo, self.ttl = repo, ttl
        self._states = {}  # username -> (read at, credentials())

    def in_force(self, username, version):
        now = time.monotonic()
        read_at, state = self._states.get(username, (None, None))
        if read_at is None or now - read_at >= self.ttl:
            state = self.repo.credentials(username)
            if len(self._states) >= self.MAX_ENTRIES:
                self._states.clear()
            self._states[username] = (now, state)
        return state is not None and not state[1] and state[0] == version


class TokenAccounts(SharedExtension):
    """The container's one CredentialCheck, for its HTTP entrypoints to hand to `auth`
    (TOKEN_CHECK_SECONDS of the config: its cache's lifetime, above 0 and at most 60)."""

    def setup(self):
        config = self.container.config
        ttl = config.get("TOKEN_CHECK_SECONDS", TOKEN_CHECK_SECONDS)
        if type(ttl) not in (int, float) or not 0 < ttl <= TOKEN_CHECK_SECONDS:
            raise ConfigError(f"TOKEN_CHECK_SECONDS must be seconds above 0 and at most "
                              f"{TOKEN_CHECK_SECONDS}, not {ttl!r}")
        self.client = connect(config["MONGO_URI"], config.get("MONGO_TIMEOUT_MS", 1000))
        self.check = CredentialCheck(AccountRepository(self.client[config["MONGO_DB"]]), ttl)

    def stop(self):
        self.client.close()
