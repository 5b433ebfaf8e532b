"""Routing keys and subscriptions as data (pure: the registry is regions.yaml alone).
What each region's queue receives on a real broker: tests/partners/test_subscriptions.py."""
import pytest

from services.platform import partners
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import all_regions

# The Banten regions of regions.yaml.
BANTEN = ["36.01", "36.02", "36.03", "36.04", "36.71", "36.72", "36.73", "36.74"]


def test_binding_keys_of_the_defaults():
    keys = partners.binding_keys("36.03", partners.subscription_defaults()["default"], ["36.71"])
    assert keys == ["news.article_published.36.71", "pencaker.vacancy_closed.*.*",
                    "pencaker.vacancy_posted.*.*", "prices.price_alert_raised.36.*"]


@pytest.mark.parametrize("pattern, key, expected", [
    ("prices.price_alert_raised.36.*", "prices.price_alert_raised.36.02", True),
    ("prices.price_alert_raised.36.*", "prices.price_alert_raised.32.73", False),
    ("pencaker.vacancy_posted.*.*", "pencaker.vacancy_posted.73.71", True),
    ("pencaker.*.*.*", "pencaker.vacancy_closed.19.03", True),
    ("*.*.36.71", "news.article_published.36.71", True),
    ("*.*.36.71", "news.article_published.36.74", False),
    ("prices.#", "prices.price_alert_raised.36.02", True),
    ("prices.price_alert_raised.36.02", "prices.price_alert_raised.36.02.x", False),
])
def test_topic_matching(pattern, key, expected):
    assert partners.topic_matches(pattern, key) is expected


@pytest.mark.parametrize("subs, field", [
    ("prices", "subscriptions"),
    ([{"topic": "Prices.Alert", "from": ["*"]}], "subscriptions[0].topic"),
    ([{"topic": "prices.price_alert_raised", "from": ["*"]},
      {"topic": "news.*", "from": ["banten"]}], "subscriptions[1].from"),
    ([{"topic": "news.*", "from": []}], "subscriptions[0].from"),
    ([{"topic": "news.*", "from": ["*"], "to": "x"}], "subscriptions[0]"),
])
def test_bad_subscriptions_name_the_entry(subs, field):
    with pytest.raises(ValidationFailed) as raised:
        partners.parse_subscriptions(subs)
    assert raised.value.details["field"] == field


def test_subscribed_sources_for_live_views():
    assert partners.subscribed_sources("36.03", "prices") == [c for c in BANTEN if c != "36.03"]
    assert partners.subscribed_sources("36.03", "news") == ["36.71"]
    assert partners.subscribed_sources("36.02", "news", "article_published") == ["36.01", "36.71"]
    assert partners.subscribed_sources("36.02", "news", "article_retracted") == []
    assert partners.subscribed_sources("36.71", "news") == []
    everyone = partners.subscribed_sources("51.71", "pencaker")
    assert len(everyone) == len(all_regions()) - 1 and "51.71" not in everyone
    assert partners.subscribed_sources("36.03", "aspirasi") == []
