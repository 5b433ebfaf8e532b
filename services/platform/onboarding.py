"""Onboarding a partner region from its whole profile: checked first (preflight), then
the plan of onboarding_steps.py run, undone on a failure; new credentials; resubscribing.
Offboarding and purging are offboarding.py. Running it again with the same profile
changes nothing.

A region's broker user (`region-<code>`, partner_names.py) is made here and its
password shown once: it is kept nowhere but in the broker (hashed).
"""
import secrets
from typing import Any

from services.platform.broker_api import Broker
from services.platform.onboarding_plan import Run, run_plan
from services.platform.onboarding_profile import Profile, parse_profile
from services.platform.onboarding_steps import ADMIN_ROLE, STEPS, Accounts, Catalogue, Inputs, finish
from services.platform.partner_names import partner_permissions, partner_user, queue_name
from services.platform.region_queues import apply_region, ensure_uplink
from services.platform.subscription_store import store_subscriptions
from services.servicekit.errors import ConfigError, Problem, ValidationFailed, problem
from services.servicekit.regions import Region, get_region, platform_db


def ensure_partner_user(broker: Broker, region: Region, new_password: bool = False) -> dict[str, Any]:
    """Make region's broker user (or give it a new password) and set its permissions.

    Returns {"user", "password"}; the password only when it was made now. It
    is not kept anywhere but in the broker (hashed): hand it to the partner.
    """
    name = partner_user(region.code, broker.vhost)
    password = None
    if new_password or broker.user(name) is None:
        password = secrets.token_hex(24)  # hex: safe unescaped in an AMQP URI
        broker.put_user(name, password)
    if region.edge:
        ensure_uplink(broker)
    broker.grant(name, *partner_permissions(region.code, region.edge))
    if new_password:
        broker.close_connections(name)
    return {"user": name, "password": password}


def new_credentials(code: str, broker: Broker) -> dict[str, Any]:
    """A new password for region `code`'s broker user (made if missing); old sessions end."""
    region = get_region(code)
    if region.host:
        raise ValidationFailed.field("code", f"{code} is the host region; its services use their own "
                                     "credentials, not a partner user", code="host_region")
    return {"region": code, "broker_user": ensure_partner_user(broker, region, new_password=True)}


def preflight(raw: Any, broker: Broker, catalogue: Catalogue | None,
              accounts: Accounts | None) -> Profile:
    """The whole profile and every port checked before anything is written: one
    ValidationFailed naming every bad field (a missing signing key or platform database
    among them), or the Profile the plan runs with. A broker that does not answer raises."""
    found: dict[str, Problem] = {}  # the profile's problems first, then the ports'
    profile = None
    try:
        profile = parse_profile(raw)
    except ValidationFailed as refused:
        found.update(refused.details["fields"])
    if platform_db() is None:
        found["MONGO_URI"] = problem("not_configured", "set it: run-time regions live in the "
                                     "platform database")
    if catalogue is not None:
        found.update(_config_problem(catalogue.preflight))
    if profile is not None and catalogue is None and profile.categories:
        found["categories"] = problem("not_available", "the aspirasi service is not reachable here")
    found.update(_admin_problems(raw, accounts))
    if found or profile is None:
        raise ValidationFailed.of(found)
    broker.queue(queue_name(profile.code))  # the management API answers, or Unavailable
    return profile


def _config_problem(check: Any) -> dict[str, Problem]:
    """The missing signing key (tools.regions without TL_CALLER_KEY_GATEWAY) found first."""
    try:
        check()
    except ConfigError as exc:
        return {"caller_key": problem("caller_key_missing", str(exc))}
    return {}


def _admin_problems(raw: Any, accounts: Accounts | None) -> dict[str, Problem]:
    """The first admin's name free (or already this region's admin), checked even when
    the rest of the profile is refused, so one answer names every bad field."""
    admin = raw.get("admin") if isinstance(raw, dict) else None
    username = admin.get("username") if isinstance(admin, dict) else None
    if not isinstance(username, str):
        return {}
    if accounts is None:
        return {"admin": problem("not_available", "accounts cannot be made here")}
    found = accounts.find(username)
    if found and (found.get("region") != raw.get("code") or found.get("role") != ADMIN_ROLE):
        return {"admin.username": problem("username_taken", f"{username} is another account's name; "
                                          "choose another", username=username)}
    return {}


def onboard(entry: Any, broker: Broker, catalogue: Catalogue | None = None,
            accounts: Accounts | None = None) -> dict[str, Any]:
    """Onboard (or update) a region from its whole profile: everything is checked first
    (preflight), then the plan's steps run (onboarding_steps.STEPS); a failure undoes what
    this run made, in reverse order. Every secret is answered here, once, at the end.

    `entry`: the registry fields plus optional `subscriptions` (default:
    subscriptions.yaml), `categories` (added to the template; each may carry `sla`),
    `markets` (refused until the prices RPCs are wired) and `admin: {username}` (the
    first region admin). `catalogue` is the aspirasi service, or None to leave the
    template to be seeded on the region's first use; `accounts` the gateway's accounts.
    Running it again with the same profile changes nothing and shows no secret.
    """
    profile = preflight(entry, broker, catalogue, accounts)
    run = Run(profile.code, Inputs(profile, broker, catalogue, accounts))
    done = run_plan(STEPS, run)
    finish(run)
    return _answer(run, done)


def _answer(run: Run, done: list[str]) -> dict[str, Any]:
    results = run.results
    user = results.get("broker_user")
    admin = results.get("admin")
    return {"region": results["registry"], **results["queue"], "categories": results.get("categories"),
            "broker_user": user and {**user, "password": run.secrets.get("broker_password")},
            "admin": admin and {**admin, "password": run.secrets.get("admin_password")},
            "steps": done, "skipped": {s.name: s.note for s in STEPS if not s.enabled}}


def resubscribe(code: str, subscriptions: Any, broker: Broker) -> dict[str, Any]:
    get_region(code)
    store_subscriptions(code, subscriptions)
    return apply_region(broker, code)
