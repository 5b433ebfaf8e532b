"""Find, and with --fix repair, text stored before the forms were held to the JSON API's rules.

Until issue 25 the HTML forms stored NUL, ESC, invalid UTF-8 (as U+FFFD) and 1 MB
values: category codes, names and OPDs, officer accounts, Open311 key labels,
news feed sources and AK/1 skills. The form gate stops new ones; this finds the
old ones:

    python -m tools.repair_stored_text           # dry run: one line per bad value
    python -m tools.repair_stored_text --fix     # clean, restore or retire them

What --fix does, per value (nothing is deleted):
- text that is only dirty (control characters, U+FFFD, too long) is cleaned: the
  characters removed, the rest trimmed to the field's cap;
- a template category's name or OPD that cleans to nothing is restored from
  services/aspirasi/catalogue.yaml;
- what cannot be cleaned in place is retired: a category whose code is not a
  slug (its tickets keep it; the code is their key), an account whose username
  is not one (disabled: its sessions end), a feed source whose URL is bad
  (paused: never fetched again, what it brought stays).
The databases are the services' own (MONGO_URI and each service's MONGO_DB).
"""
import argparse
import re
import sys
import time
from dataclasses import dataclass

from services.aspirasi.domain import CATEGORY_CODE, CATEGORY_LIMITS
from services.aspirasi.repository import template_categories
from services.gateway.access.accounts import MAX_OPD, USERNAME
from services.platform.service_index import SERVICES_DIR
from services.servicekit.config import load_config
from services.servicekit.envelope import utcnow
from services.servicekit.store import connect
from services.servicekit.validation import CONTROL

REPLACED = "\ufffd"  # what werkzeug made of bytes that were not UTF-8
MAX_LABEL = 80
MAX_FEED_NAME = 120
MAX_FEED_URL = 500
MAX_SKILL = 60
SCAN_LIMIT = 100_000  # documents per collection, a bound on one run
PAUSED_MS = 2 ** 62  # next_fetch_ms of a paused feed source: never due


@dataclass
class Finding:
    where: str  # "aspirasi.categories 36.71:sampah"
    field: str
    problems: list
    action: str  # what --fix does / did

    def line(self):
        return f"{self.where} {self.field}: {', '.join(self.problems)} -> {self.action}"


def problems_of(value, max_length, pattern=None):
    """What is wrong with a stored text value (empty list: nothing)."""
    if not isinstance(value, str):
        return [f"not text ({type(value).__name__})"] if value is not None else []
    found = []
    if CONTROL.search(value):
        found.append("control characters")
    if REPLACED in value:
        found.append("invalid UTF-8 (U+FFFD)")
    if len(value) > max_length:
        found.append(f"{len(value)} characters (cap {max_length})")
    if pattern is not None and not found and not pattern.match(value):
        found.append("not of the required form")
    return found


def cleaned(value, max_length):
    return " ".join(CONTROL.sub("", value).replace(REPLACED, "").split())[:max_length].strip()


def _shown(key):
    return ascii(key[:40] + ("..." if len(key) > 40 else "")) if isinstance(key, str) else repr(key)


def check_categories(db, fix):
    template = {c["code"]: c for c in template_categories()}
    found = []
    for doc in db.categories.find({"retired_at": None}).limit(SCAN_LIMIT):
        where = f"aspirasi.categories {_shown(doc['_id'])}"
        bad_code = problems_of(doc.get("code"), 60, CATEGORY_CODE)
        if bad_code:
            found.append(Finding(where, "code", bad_code, "retired (its tickets keep it)"))
            if fix:
                db.categories.update_one({"_id": doc["_id"]}, {"$set": {"retired_at": utcnow()}})
            continue
        for field, cap in CATEGORY_LIMITS.items():
            bad = problems_of(doc.get(field), cap)
            if not bad:
                continue
            value = cleaned(doc[field], cap) if isinstance(doc.get(field), str) else ""
            if not value and doc["code"] in template:
                value, action = template[doc["code"]][field], "restored from the template"
            elif not value:
                found.append(Finding(where, field, bad, "retired (nothing left after cleaning)"))
                if fix:
                    db.categories.update_one({"_id": doc["_id"]}, {"$set": {"retired_at": utcnow()}})
                break
            else:
                action = f"cleaned to {ascii(value[:40])}"
            found.append(Finding(where, field, bad, action))
            if fix:
                db.categories.update_one({"_id": doc["_id"]}, {"$set": {field: value}})
    return found


def check_accounts(db, fix):
    found = []
    for doc in db.accounts.find({}, {"password": 0}).limit(SCAN_LIMIT):
        where = f"gateway.accounts {_shown(doc['_id'])}"
        bad = problems_of(doc["_id"], 64, None if doc.get("role") == "citizen" else USERNAME)
        if bad and not doc.get("disabled"):
            found.append(Finding(where, "username", bad, "disabled (its sessions end)"))
            if fix:
                db.accounts.update_one({"_id": doc["_id"]}, {"$set": {"disabled": True,
                                                                      "sessions_after": int(time.time())}})
        found += _clean_field(db.accounts, doc, "opd", MAX_OPD, where, fix)
    return found


def check_api_keys(db, fix):
    found = []
    for doc in db.api_keys.find({}).limit(SCAN_LIMIT):
        where = f"aspirasi.api_keys {doc['_id'][:12]}"
        found += _clean_field(db.api_keys, doc, "label", MAX_LABEL, where, fix)
    return found


def check_feed_sources(db, fix):
    found = []
    for doc in db.feed_sources.find({}).limit(SCAN_LIMIT):
        where = f"news.feed_sources {_shown(doc['_id'])}"
        bad = problems_of(doc.get("url"), MAX_FEED_URL, re.compile(r"^https?://\S+$"))
        if bad and doc.get("next_fetch_ms") != PAUSED_MS:
            found.append(Finding(where, "url", bad, "paused (never fetched again; its articles stay)"))
            if fix:
                db.feed_sources.update_one({"_id": doc["_id"]}, {"$set": {"next_fetch_ms": PAUSED_MS}})
        found += _clean_field(db.feed_sources, doc, "name", MAX_FEED_NAME, where, fix)
    return found


def check_skills(db, fix):
    found = []
    for doc in db.seekers.find({}, {"skills": 1}).limit(SCAN_LIMIT):
        skills = doc.get("skills") or []
        bad = sorted({p for s in skills for p in problems_of(s, MAX_SKILL)})
        if not bad:
            continue
        kept = []
        for skill in skills:
            skill = cleaned(skill, MAX_SKILL).lower() if isinstance(skill, str) else ""
            if skill and skill not in kept:
                kept.append(skill)
        found.append(Finding(f"pencaker.seekers {_shown(doc['_id'])}", "skills", bad,
                             f"cleaned to {ascii(kept)[:80]}"))
        if fix:
            db.seekers.update_one({"_id": doc["_id"]}, {"$set": {"skills": kept}})
    return found


def _clean_field(collection, doc, field, cap, where, fix):
    bad = problems_of(doc.get(field), cap)
    if not bad:
        return []
    value = cleaned(doc[field], cap) if isinstance(doc.get(field), str) else ""
    if fix:
        collection.update_one({"_id": doc["_id"]}, {"$set": {field: value or None}})
    return [Finding(where, field, bad, f"cleaned to {ascii(value[:40])}" if value else "cleared")]


CHECKS = (("aspirasi", check_categories), ("gateway", check_accounts), ("aspirasi", check_api_keys),
          ("news", check_feed_sources), ("pencaker", check_skills))


def repair(databases, fix=False):
    """Every finding in the services' databases ({service: db}); with `fix`, repaired."""
    return [finding for service, check in CHECKS for finding in check(databases[service], fix)]


def service_databases():
    databases = {}
    for service in {service for service, _ in CHECKS}:
        config = load_config(SERVICES_DIR / service / "config.yaml")
        databases[service] = connect(config["MONGO_URI"])[config["MONGO_DB"]]
    return databases


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.repair_stored_text",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--fix", action="store_true", help="repair (default: only report)")
    args = parser.parse_args(argv)
    findings = repair(service_databases(), fix=args.fix)
    for finding in findings:
        print(finding.line())
    verb = "repaired" if args.fix else "found (dry run; --fix repairs them)"
    print(f"{len(findings)} bad stored values {verb}")
    return 1 if findings and not args.fix else 0


if __name__ == "__main__":
    sys.exit(main())
