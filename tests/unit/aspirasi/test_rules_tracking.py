"""The tracking secret kept for a retry, and who reads notes and may act: a sealed secret
opens only with its own key in its own region and only within the retry window (its last
second excluded); a damaged seal is refused, not cut short; the officer console offers each
action the caller's role and the ticket's state allow, and a citizen none."""
from datetime import datetime, timedelta, timezone

import pytest

from services.aspirasi.domain.policy import allowed_actions, note_readers
from services.aspirasi.domain.tracking import sealed_secret, unsealed_secret
from services.servicekit.caller import Caller

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)
SECRET = "q8v1Zk3mW0rT5yLd2XcN7g"  # 16 bytes, base64url without padding
KEY, REGION = "idem-7f3a", "36.71"


def test_a_sealed_secret_opens_with_its_key_in_its_region_only():
    claim = sealed_secret(SECRET, KEY, REGION, NOW)
    assert set(claim) == {"sealed", "sealed_until"}
    assert SECRET not in repr(claim) and len(claim["sealed"]) == 32  # 16 bytes, hex
    assert claim["sealed_until"] == NOW.timestamp() + 600
    assert unsealed_secret(claim, KEY, REGION, NOW) == SECRET
    assert unsealed_secret(claim, "idem-other", REGION, NOW) not in (SECRET, None)
    assert unsealed_secret(claim, KEY, "36.74", NOW) not in (SECRET, None)
    assert sealed_secret(SECRET, KEY, "36.74", NOW)["sealed"] != claim["sealed"]


def test_a_sealed_secret_opens_until_the_last_second_of_its_window_excluded():
    claim = sealed_secret(SECRET, KEY, REGION, NOW)
    assert unsealed_secret(claim, KEY, REGION, NOW + timedelta(minutes=10) - timedelta(seconds=1)) == SECRET
    assert unsealed_secret(claim, KEY, REGION, NOW + timedelta(minutes=10)) is None


@pytest.mark.parametrize("claim, key", [
    (None, KEY), ({}, KEY), ("sealed", None), ("sealed", ""), ({"sealed": ""}, KEY),
    ({"sealed": "00" * 16}, KEY),  # no sealed_until: never opens
], ids=["no claim", "empty claim", "no key", "empty key", "empty seal", "no deadline"])
def test_nothing_opens_without_a_claim_a_key_a_seal_and_a_deadline(claim, key):
    if claim == "sealed":
        claim = sealed_secret(SECRET, KEY, REGION, NOW)
    assert unsealed_secret(claim, key, REGION, NOW) is None


def test_a_damaged_seal_or_a_secret_of_another_length_is_refused():
    with pytest.raises(ValueError):
        sealed_secret(SECRET + "AAAA", KEY, REGION, NOW)
    damaged = {**sealed_secret(SECRET, KEY, REGION, NOW)}
    damaged["sealed"] = damaged["sealed"][:-2]
    with pytest.raises(ValueError):
        unsealed_secret(damaged, KEY, REGION, NOW)


@pytest.mark.parametrize("entry, readers", [
    ({"action": "verify", "readers": "public"}, "public"),  # as recorded
    ({"action": "start", "readers": "internal"}, "internal"),
    ({"action": "dispatch"}, "internal"), ({"action": "start"}, "public"),  # as its action's
    ({"action": "hand_back"}, "internal"), ({"action": "reopen"}, "public"),
    ({"action": "renamed_later"}, "internal"), ({}, "internal"), ({"action": None}, "internal"),
])
def test_a_notes_readers_are_as_recorded_else_its_actions_else_internal(entry, readers):
    assert note_readers(entry) == readers


ADMIN = Caller("ani", "region_admin", REGION)
OFFICER = Caller("budi", "opd_officer", REGION, opd="DLH")
OWNER = Caller("warga", "citizen", REGION, owns=("T-1",))


@pytest.mark.parametrize("status, caller, actions", [
    ("submitted", ADMIN, ["verify", "reject", "mark_duplicate"]),
    ("verified", ADMIN, ["dispatch", "reject", "mark_duplicate"]),
    ("dispatched", OFFICER, ["start", "hand_back"]),
    ("in_progress", OFFICER, ["resolve", "hand_back"]),
    ("resolved", OFFICER, []), ("resolved", ADMIN, []),
    ("resolved", OWNER, []),  # the owner's reopen is not an officer action
    ("dispatched", ADMIN, []), ("submitted", OFFICER, []),
])
def test_the_console_offers_the_actions_the_role_and_the_state_allow(status, caller, actions):
    ticket = {"_id": "T-1", "region": REGION, "opd": "DLH", "status": status}
    assert allowed_actions(ticket, caller) == actions
