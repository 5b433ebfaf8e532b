"""A whole running platform: every service in its own process, as `make run` starts them.

Used by the end-to-end tests and by `make bench`.
"""
import os
import re
import secrets
import shutil
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote, urlparse

import requests

from services.platform.service_index import SERVICES
from services.servicekit import caller_keys
from services.servicekit.store import connect
from tools import backing
from tools.channels import MailSink, SmsGateway
from tools.run_platform import start_services, stop_all, wait_healthy

OWNED_VHOST = re.compile(r"^[a-z0-9]+-(?P<pid>[0-9]+)-[0-9a-f]{8}$")  # in_new_vhost's names


class RabbitAdmin:
    def __init__(self, api_uri):
        self.api = api_uri.rstrip("/") + "/api"

    def create_vhost(self, name):
        requests.put(f"{self.api}/vhosts/{quote(name, safe='')}", timeout=10).raise_for_status()
        requests.put(f"{self.api}/permissions/{quote(name, safe='')}/guest",
                     json={"configure": ".*", "write": ".*", "read": ".*"},
                     timeout=10).raise_for_status()

    def delete_vhost(self, name):
        requests.delete(f"{self.api}/vhosts/{quote(name, safe='')}", timeout=10)

    def delete_abandoned_vhosts(self):
        """Delete the vhosts of platforms whose process is gone (a run killed before its
        teardown): each holds dozens of quorum queues, and enough of them exhaust the
        broker's file descriptors."""
        for vhost in requests.get(f"{self.api}/vhosts", timeout=10).json():
            owner = OWNED_VHOST.match(vhost["name"])
            if owner and not Path(f"/proc/{owner['pid']}").exists():
                self.delete_vhost(vhost["name"])


class Platform:
    """Every service in its own process, as `make run` starts them."""

    vhost = None

    @classmethod
    def in_new_vhost(cls, amqp_uri, api_uri, mongo_uri, prefix, **env):
        """A platform on a vhost of its own, deleted again by stop()."""
        admin = RabbitAdmin(api_uri)
        admin.delete_abandoned_vhosts()
        vhost = f"{prefix}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        admin.create_vhost(vhost)
        uri = urlparse(amqp_uri)._replace(path="/" + quote(vhost, safe="")).geturl()
        platform = cls(uri, mongo_uri, f"{prefix}{uuid.uuid4().hex[:6]}", **env)
        platform.vhost, platform.api_uri = vhost, api_uri
        return platform

    def __init__(self, amqp_uri, mongo_uri, prefix, **env):
        self.env = {**os.environ, "AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri,
                    "PYTHONUNBUFFERED": "1", **env}
        # People's tokens: one secret; callers: a key pair per signer, each service getting the
        # public keys and only its own private key (run_platform.start_service).
        self.env.setdefault("TL_TOKEN_SECRET", secrets.token_urlsafe(48))
        caller_keys.ensure(self.env)
        self.env["GATEWAY_HTTP"] = f"127.0.0.1:{backing.free_port()}"
        for name in SERVICES:
            self.env[f"{name.upper()}_OPS_HTTP"] = f"127.0.0.1:{backing.free_port()}"
            self.env[f"{name.upper()}_DB"] = f"{prefix}_{name}"
        self.url = f"http://{self.env['GATEWAY_HTTP']}"
        self.env.setdefault("PUBLIC_BASE_URL", self.url)  # links in feeds lead back here
        # Its own region registry: what tests onboard or remove there stays there.
        self.env.setdefault("PLATFORM_DB", f"{prefix}_platform")
        self.procs = {}
        # The region's channels: an SMTP sink, and Gammu SMSD on its dummy driver when installed.
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"{prefix}-channels-"))
        self.mail = MailSink(self.data_dir / "mail")
        self.sms = SmsGateway(self.data_dir / "sms").prepare() if SmsGateway.available() else None
        self.env.setdefault("SMTP_URL", self.mail.url)
        self.env.setdefault("PUBLIC_URL", self.url)
        self.env.setdefault("TL_REGION", "36.71")
        if self.sms:
            self.env.setdefault("SMSD_CONFIG", str(self.sms.config))

    def start(self):
        self.mail.start()
        if self.sms:
            self.sms.start(self.env)
        self.procs = start_services(self.env)
        wait_healthy(self.procs, self.env)

    def stop(self):
        try:
            stop_all(self.procs)
        finally:  # the channels' daemons outlive a failed stop otherwise
            self.mail.stop()
            if self.sms:
                self.sms.stop()
            shutil.rmtree(self.data_dir, ignore_errors=True)
        if self.vhost:
            RabbitAdmin(self.api_uri).delete_vhost(self.vhost)

    def ops_url(self, service):
        """Where `service` serves its probes and /metrics (the operator port)."""
        return f"http://{self.env[f'{service.upper()}_OPS_HTTP']}"

    def db(self, service):
        return connect(self.env["MONGO_URI"])[self.env[f"{service.upper()}_DB"]]
