"""Officers' and citizens' accounts: the gateway's own small store.

Passwords are kept as scrypt hashes (hashlib, salted per account) and compared
in constant time. Tokens are issued by auth.py once a password checks out.
"""
import hashlib
import hmac
import os
import re

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from services.gateway.auth import ROLES
from services.servicekit.caller import Caller
from services.servicekit.errors import Conflict, NotFound, ValidationFailed
from services.servicekit.regions import get_region
from services.servicekit.store import Repository
from services.servicekit.validation import reject_markup

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 200  # scrypt reads all of it: a 1 MB password costs the loop
MAX_OPD = 60
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


def hash_password(password, salt=None):
    salt = salt or os.urandom(16)
    return salt.hex() + ":" + hashlib.scrypt(password.encode(), salt=salt, **SCRYPT).hex()


def password_matches(password, stored):
    salt, expected = stored.split(":")
    actual = hash_password(password, bytes.fromhex(salt)).split(":")[1]
    return hmac.compare_digest(actual, expected)


def _check_password(password):
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValidationFailed.field("password", f"must be {MIN_PASSWORD}-{MAX_PASSWORD} characters")


class AccountRepository(Repository):
    indexes = {"accounts": [([("region", ASCENDING), ("role", ASCENDING)], {})]}

    def create(self, username, password, role, region, opd=None, subject=None):
        """A new account; `subject` is who its sessions act as (default the username),
        e.g. the seeker record behind an AK/1 card number."""
        if not isinstance(username, str) or not USERNAME.match(username):
            raise ValidationFailed.field("username", "use 3-64 lowercase letters, digits, . _ -")
        _check_password(password)
        if role not in ROLES:
            raise ValidationFailed.field("role", f"must be one of {', '.join(ROLES)}")
        get_region(region)
        if role == "opd_officer" and not opd:
            raise ValidationFailed.field("opd", "an OPD officer account names its OPD")
        if opd is not None:
            opd = reject_markup({"opd": opd}, "opd", max_length=MAX_OPD)
        try:
            self.db.accounts.insert_one({"_id": username, "password": hash_password(password),
                                         "role": role, "region": region, "opd": opd,
                                         "subject": subject or username})
        except DuplicateKeyError:
            raise Conflict(f"account {username} already exists", {"field": "username"}) from None
        return Caller(subject or username, role, region, opd)

    def verify(self, username, password):
        """The account's Caller when the password is right and the account enabled, else None."""
        account = isinstance(username, str) and self.db.accounts.find_one({"_id": username})
        if not account or account.get("disabled") or not isinstance(password, str):
            hash_password("timing-equaliser")  # same work whether or not the user exists
            return None
        if not password_matches(password, account["password"]):
            return None
        return Caller(account.get("subject") or username, account["role"], account["region"],
                      account.get("opd"))

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
            "disabled": bool(disabled), "sessions_after": int(now)}})

    def reset_password(self, username, password, now):
        """A new password; sessions signed before now stop working."""
        self.get(username)
        _check_password(password)
        self.db.accounts.update_one({"_id": username}, {"$set": {
            "password": hash_password(password), "sessions_after": int(now)}})
