"""The signed caller: a round trip keeps every field; anything else is refused.

Callers are signed with Ed25519 keys, one pair per signer (servicekit.caller_keys):
a verifier holds public keys only, each signer may sign only what SIGNERS lets it,
and a token is for one service's audience.
"""
import os
import time

import jwt
import pytest

from services.servicekit import caller_keys, rpc
from services.servicekit.caller import Caller, audience
from services.servicekit.errors import ConfigError, Unauthorized

SERVICES = ("aspirasi", "pencaker", "prices", "news", "notifications")


@pytest.fixture
def keys(monkeypatch):
    """A fresh key set, as `make run` makes one; returns the environment it set."""
    env = caller_keys.generate()
    for name in [n for n in list(os.environ) if n.startswith("TL_CALLER_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def as_verifier(monkeypatch, keys):
    """This process from here on holds public keys only, as a service does."""
    for signer in caller_keys.SIGNERS:
        monkeypatch.delenv(caller_keys.variable(signer, True))


def test_a_signed_caller_round_trips(keys):
    caller = Caller("ani", "opd_officer", "36.71", "DLH").owning("LAKSA-1", "LAKSA-1")
    assert Caller.verify(caller.sign("aspirasi"), "aspirasi") == Caller(
        "ani", "opd_officer", "36.71", "DLH", ("LAKSA-1",))
    assert Caller.verify(Caller.service("notifications").sign("aspirasi"), "aspirasi").role == "service"
    assert Caller.verify(Caller.service("sms_inbox").sign("notifications"), "notifications").role == "service"


@pytest.mark.parametrize("token", [None, "", 42, "x.y.z"])
def test_no_or_broken_token_is_unauthorized(keys, token):
    with pytest.raises(Unauthorized):
        Caller.verify(token, "aspirasi")


def test_a_token_for_one_service_is_refused_by_every_other(keys):
    token = Caller("admin@36.71", "region_admin", "36.71").sign("aspirasi")
    for service in set(SERVICES) - {"aspirasi"}:
        with pytest.raises(Unauthorized, match="(?i)audience"):
            Caller.verify(token, service)


def test_a_service_key_cannot_mint_a_person_or_another_service(monkeypatch, keys):
    """What notifications' own key can sign: itself, for aspirasi and pencaker; nothing else."""
    now = int(time.time())
    own = keys[caller_keys.variable("notifications", True)]

    def minted(**claims):
        return jwt.encode({"sub": "notifications", "role": "service", "region": None, "iss": "notifications",
                           "aud": audience("aspirasi"), "iat": now, "exp": now + 60, **claims},
                          own, algorithm="EdDSA", headers={"kid": "notifications"})
    as_verifier(monkeypatch, keys)
    forged = {
        "platform operator": minted(sub="op", role="platform_operator"),
        "region admin": minted(sub="admin@36.71", role="region_admin", region="36.71"),
        "another service": minted(sub="sms_inbox"),
        "not its audience": minted(aud=audience("news")),
    }
    for kind, token in forged.items():
        for service in SERVICES:
            with pytest.raises(Unauthorized):
                Caller.verify(token, service)
                pytest.fail(f"{service} accepted {kind}")
    # ... and naming the gateway as its signer does not help: the gateway's key does not verify it
    as_gateway = jwt.encode({"sub": "op", "role": "platform_operator", "iss": "gateway",
                             "aud": audience("aspirasi"), "iat": now, "exp": now + 60},
                            own, algorithm="EdDSA", headers={"kid": "gateway"})
    with pytest.raises(Unauthorized, match="[Ss]ignature"):
        Caller.verify(as_gateway, "aspirasi")
    assert Caller.verify(minted(), "aspirasi") == Caller.service("notifications")


def test_a_verifier_holds_no_key_that_signs(monkeypatch, keys):
    token = Caller("op", "platform_operator", None).sign("aspirasi")
    as_verifier(monkeypatch, keys)
    assert Caller.verify(token, "aspirasi").role == "platform_operator"
    with pytest.raises(ConfigError, match="TL_CALLER_KEY_GATEWAY"):
        Caller("op", "platform_operator", None).sign("aspirasi")


def test_the_old_shared_secret_and_unsigned_tokens_are_refused(keys):
    now = int(time.time())
    claims = {"sub": "op", "role": "platform_operator", "region": None, "iss": "gateway",
              "aud": audience("aspirasi"), "iat": now, "exp": now + 60}
    old_secret = "s" * 48  # what TL_CALLER_SECRET (or TL_TOKEN_SECRET) was
    for token in (jwt.encode(claims, old_secret, algorithm="HS256", headers={"kid": "gateway"}),
                  jwt.encode({**claims, "aud": "tl-services", "iss": "tl-gateway"}, old_secret,
                             algorithm="HS256"),
                  jwt.encode(claims, None, algorithm="none", headers={"kid": "gateway"})):
        with pytest.raises(Unauthorized):
            Caller.verify(token, "aspirasi")


def test_an_unknown_role_cannot_be_signed_and_an_unknown_signer_signs_nothing(keys):
    with pytest.raises(ValueError):
        Caller("x", "root", None).sign("aspirasi")
    with pytest.raises(ConfigError, match="TL_CALLER_KEY_PRICES"):
        Caller.service("prices").sign("aspirasi")


def test_keys_from_files_and_each_process_gets_only_its_own_private_key(tmp_path, monkeypatch, keys):
    for signer in caller_keys.SIGNERS:
        for private in (True, False):
            name = caller_keys.variable(signer, private)
            (tmp_path / name).write_text(keys[name])
            monkeypatch.delenv(name)
            monkeypatch.setenv(f"{name}_FILE", str(tmp_path / name))
    token = Caller("op", "platform_operator", None).sign("pencaker")
    assert Caller.verify(token, "pencaker").subject == "op"

    def private(process):
        held = caller_keys.for_process(process, dict(os.environ))
        return {n for n in held if n.startswith("TL_CALLER_KEY_")}

    assert private("notifications") == {"TL_CALLER_KEY_NOTIFICATIONS_FILE"}
    assert private("pencaker") == set()


def test_call_signs_a_caller_for_the_one_service_it_calls(keys):
    sent = {}

    class Method:  # what nameko's RPC proxy hands `call`: its service's name and call_async
        service_name = "pencaker"

        def call_async(self, *args, **kwargs):
            sent.update(kwargs)

            class Reply:
                def result(self):
                    return "ok"
            return Reply()
    assert rpc.call(Method(), caller=Caller("budi", "citizen", "36.71")) == "ok"
    assert Caller.verify(sent["caller"], "pencaker") == Caller("budi", "citizen", "36.71")
    with pytest.raises(Unauthorized):
        Caller.verify(sent["caller"], "aspirasi")


def test_the_cluster_key_tool_writes_private_keys_for_their_owners_only(tmp_path, monkeypatch):
    from tools import caller_keys as tool
    tool.write(tmp_path / "keys")
    assert (tmp_path / "keys" / "gateway.key").stat().st_mode & 0o077 == 0
    for name in [n for n in os.environ if n.startswith("TL_CALLER_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("TL_CALLER_KEY_GATEWAY_FILE", str(tmp_path / "keys" / "gateway.key"))
    token = Caller("op", "platform_operator", None).sign("news")
    monkeypatch.delenv("TL_CALLER_KEY_GATEWAY_FILE")
    monkeypatch.setenv("TL_CALLER_PUBLIC_KEY_GATEWAY_FILE", str(tmp_path / "keys" / "gateway.pub"))
    assert Caller.verify(token, "news").role == "platform_operator"
    commands = tool.kubectl_commands(tmp_path / "keys")
    assert [c.split()[6] for c in commands] == ["tl-gateway-caller-key", "tl-notifications-caller-key",
                                                "tl-caller-public-keys"]
    assert not [c for c in commands[2:] if ".key" in c], "public keys only in the shared Secret"
    with pytest.raises(FileExistsError):
        tool.write(tmp_path / "keys")  # never overwrites a key
