"""One RabbitMQ vhost driven through the management HTTP API (RABBIT_API_URI): the one
interface that can also list bindings, set policies and define shovels. Every failure
of the API is Unavailable, one line naming what was refused."""
import os
import re
from typing import Any
from urllib.parse import quote, unquote, urlparse

import requests

from services.platform.partner_names import POLICY_NAME, QUEUE_PREFIX
from services.platform.subscription_store import backlog_policy
from services.servicekit.errors import Unavailable
from services.servicekit.queues import mismatch, region_queue_arguments

API_TIMEOUT = 5


class Broker:
    """One RabbitMQ vhost, driven through the management HTTP API."""

    def __init__(self, amqp_uri: str | None = None, api_uri: str | None = None) -> None:
        self.amqp_uri = amqp_uri or os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
        self.api = (api_uri or os.environ.get("RABBIT_API_URI", "http://guest:guest@127.0.0.1:15672")
                    ).rstrip("/") + "/api"
        self.vhost = unquote(urlparse(self.amqp_uri).path[1:]) or "/"
        self.session = requests.Session()

    def _url(self, *parts: str) -> str:
        return "/".join([self.api, *(quote(p, safe="") for p in parts)])

    def request(self, method: str, *parts: str, ok: tuple[int, ...] = (200, 201, 204),
                **kwargs: Any) -> Any:
        try:
            response = self.session.request(method, self._url(*parts), timeout=API_TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            raise Unavailable(f"RabbitMQ management API at {self.api} unreachable "
                              f"({type(exc).__name__}); check RABBIT_API_URI") from None
        if response.status_code not in ok:
            raise Unavailable(f"RabbitMQ refused {method} {'/'.join(parts)}: "
                              f"{response.status_code} {response.text[:200]}")
        return response.json() if response.content and response.status_code == 200 else None

    def local_uri(self) -> str:
        """This vhost as seen by a shovel running on this broker."""
        return "amqp://" if self.vhost == "/" else "amqp:///" + quote(self.vhost, safe="")

    def declare_exchange(self, name: str) -> None:
        # Matches nameko's and the outbox's declarations: durable topic, not auto-deleted.
        self.request("PUT", "exchanges", self.vhost, name,
                     json={"type": "topic", "durable": True, "auto_delete": False})

    def declare_queue(self, name: str) -> None:
        """A partner's work queue: durable, quorum (queues.py)."""
        try:
            self.request("PUT", "queues", self.vhost, name, json={
                "durable": True, "auto_delete": False, "arguments": region_queue_arguments()})
        except Unavailable as exc:
            if "inequivalent arg" in str(exc):
                raise Unavailable(mismatch(name, "an older classic queue?")) from None
            raise

    def queue(self, name: str) -> dict[str, Any] | None:
        return self.request("GET", "queues", self.vhost, name, ok=(200, 404))

    def bind(self, exchange: str, queue: str, key: str) -> None:
        self.request("POST", "bindings", self.vhost, "e", exchange, "q", queue, json={"routing_key": key})

    def bindings(self, exchange: str, queue: str) -> list[dict[str, Any]]:
        rows = self.request("GET", "queues", self.vhost, queue, "bindings") or []
        return [r for r in rows if r["source"] == exchange]

    def unbind(self, exchange: str, queue: str, binding: dict[str, Any]) -> None:
        self.request("DELETE", "bindings", self.vhost, "e", exchange, "q", queue,
                     binding["properties_key"], ok=(204, 404))

    def user(self, name: str) -> dict[str, Any] | None:
        return self.request("GET", "users", name, ok=(200, 404))

    def put_user(self, name: str, password: str) -> None:
        self.request("PUT", "users", name, json={"password": password, "tags": ""})

    def delete_user(self, name: str) -> None:
        self.request("DELETE", "users", name, ok=(204, 404))

    def grant(self, name: str, permissions: dict[str, str], topics: list[dict[str, Any]]) -> None:
        # Topic rules first: an existing user never has write access without them.
        for topic in topics:
            self.request("PUT", "topic-permissions", self.vhost, name, json=topic)
        self.request("PUT", "permissions", self.vhost, name, json=permissions)

    def close_connections(self, user: str) -> None:
        """Close `user`'s open connections (after a new password, or removal)."""
        rows = self.request("GET", "connections", params={"columns": "name,user"}) or []
        for row in rows:
            if row.get("user") == user:
                self.request("DELETE", "connections", row["name"], ok=(204, 404),
                             headers={"X-Reason": "partner credentials changed"})

    def ensure_policy(self) -> None:
        self.request("PUT", "policies", self.vhost, POLICY_NAME, json={
            "pattern": "^" + re.escape(QUEUE_PREFIX), "definition": backlog_policy(),
            "priority": 10, "apply-to": "queues"})

    def queue_depths(self) -> dict[str, dict[str, int]]:
        """{queue name: {"messages", "consumers"}} of this vhost's partner queues."""
        rows = self.request("GET", "queues", self.vhost, params={"columns": "name,messages,consumers"})
        return {r["name"]: {"messages": r.get("messages", 0), "consumers": r.get("consumers", 0)}
                for r in rows or [] if r["name"].startswith(QUEUE_PREFIX)}
