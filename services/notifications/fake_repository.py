"""An in-memory NotificationRepo (repository_protocol.py) for tests without a store."""
from collections.abc import Callable, Iterable
from typing import Any


class FakeNotificationRepo:
    def __init__(self) -> None:
        self.deliveries: dict[str, dict[str, str]] = {}
        self.optouts: dict[str, str] = {}
        self.subscriptions: dict[str, dict[str, str]] = {}
        self.applied: set[str] = set()

    def was_sent(self, key: str) -> bool:
        return key in self.deliveries

    def record_sent(self, key: str, channel: str, kind: str, event_id: str) -> None:
        self.deliveries.setdefault(key, {"channel": channel, "kind": kind, "event_id": event_id})

    def opted_out(self, keys: Iterable[str]) -> set[str]:
        return set(keys) & set(self.optouts)

    def opt_out(self, contact_key: str, how: str) -> None:
        self.optouts[contact_key] = how
        self.subscriptions = {k: s for k, s in self.subscriptions.items() if s["contact"] != contact_key}

    def subscribe(self, region_code: str, channel: str, address: str, contact_key: str) -> None:
        self.optouts.pop(contact_key, None)
        self.subscriptions[f"{region_code}:{channel}:{address}"] = {
            "region": region_code, "channel": channel, "address": address, "contact": contact_key}

    def subscribers(self, region_code: str) -> list[tuple[str, str]]:
        return [(s["channel"], s["address"]) for s in self.subscriptions.values()
                if s["region"] == region_code]

    def apply_once(self, event: dict[str, Any], handler: str, apply: Callable[[], Any]) -> bool:
        """As servicekit.store's: the marker is written after the effect."""
        key = f"{handler}:{event['event_id']}"
        if key in self.applied:
            return False
        apply()
        self.applied.add(key)
        return True
