"""The subscription grammar: which shared events a partner region's queue is bound to.

A region's subscriptions are data, `[{topic, from}, ...]`: `topic` is
`<source>.<event_type>` (`*` for any), `from` a list of selectors (`*`, `host`,
`province`, a province like `36.*` or a region like `36.02`). They become the
binding keys `<source>.<event_type>.<region pattern>` of its queue on
`tangerang.shared`, where shared events travel as `<source>.<event_type>.<region>`
(outbox.py). Pure: where subscriptions are kept is subscription_store.py.
"""
import re
from typing import Any, Iterable

from services.servicekit.errors import ValidationFailed

TOPIC_PATTERN = re.compile(r"^([a-z][a-z_]*|\*)\.([a-z][a-z_]*|\*)$")
SELECTOR_PATTERN = re.compile(r"^([0-9]{2}\.([0-9]{2}|\*))$")
# [(topic, (selector, ...)), ...]
Parsed = list[tuple[str, tuple[str, ...]]]


def parse_subscriptions(raw: Any) -> Parsed:
    """[(topic, (selector, ...)), ...] from data, or ValidationFailed naming the entry."""
    if not isinstance(raw, list):
        raise ValidationFailed.field("subscriptions", "must be a list of {topic, from}", code="wrong_type",
                                     expected="array")
    return [_parse_entry(item, f"subscriptions[{i}]") for i, item in enumerate(raw)]


def _parse_entry(item: Any, where: str) -> tuple[str, tuple[str, ...]]:
    if not isinstance(item, dict) or set(item) - {"topic", "from"}:
        raise ValidationFailed.field(where, "must be an object with only topic and from",
                                     code="bad_subscription")
    topic, sources = item.get("topic"), item.get("from")
    if not isinstance(topic, str) or not TOPIC_PATTERN.match(topic):
        raise ValidationFailed.field(f"{where}.topic", f"{topic!r} is not <source>.<event_type> "
                                     "(lower case, * for any), e.g. prices.price_alert_raised",
                                     code="bad_topic")
    if not isinstance(sources, list) or not sources:
        raise ValidationFailed.field(f"{where}.from", "must be a non-empty list of regions",
                                     code="required")
    for source in sources:
        if source not in ("*", "host", "province") and not (
                isinstance(source, str) and SELECTOR_PATTERN.match(source)):
            raise ValidationFailed.field(f"{where}.from", f"{source!r} is not *, host, province, "
                                         "a province like 36.* or a region like 36.02",
                                         code="bad_selector")
    return topic, tuple(sources)


def region_patterns(selector: str, code: str, host_codes: Iterable[str]) -> list[str]:
    """The routing-key region part(s) a `from` selector stands for."""
    if selector == "*":
        return ["*.*"]
    if selector == "host":
        return sorted(host_codes)
    if selector == "province":
        return [f"{code[:2]}.*"]
    return [selector]


def binding_keys(code: str, subscriptions: Any, host_codes: Iterable[str]) -> list[str]:
    """The sorted binding keys of region `code`'s queue."""
    hosts = list(host_codes)
    return sorted({f"{topic}.{pattern}"
                   for topic, sources in parse_subscriptions(subscriptions)
                   for source in sources
                   for pattern in region_patterns(source, code, hosts)})


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: `*` is one word, `#` zero or more."""
    def match(p: list[str], k: list[str]) -> bool:
        if not p:
            return not k
        if p[0] == "#":
            return any(match(p[1:], k[i:]) for i in range(len(k) + 1))
        return bool(k) and p[0] in ("*", k[0]) and match(p[1:], k[1:])
    return match(pattern.split("."), routing_key.split("."))
