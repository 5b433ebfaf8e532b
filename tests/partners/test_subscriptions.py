"""What each region's queue receives (a real broker). Routing keys and subscriptions
as data: tests/unit/platform/test_subscriptions.py."""

from services.platform import partners
from services.servicekit.regions import all_regions
from tests.helpers import wait_for
from tests.partners.support import peek, publish_shared, shared_event


def test_each_region_queue_receives_what_it_subscribes_to(broker, platform_db):
    partners.apply_all(broker)
    alert_lebak = shared_event("price_alert_raised", "36.02")
    alert_bandung = shared_event("price_alert_raised", "32.73")
    vacancy_makassar = shared_event("vacancy_posted", "73.71")
    news_host = shared_event("article_published", "36.71")
    news_tangsel = shared_event("article_published", "36.74")
    publish_shared(broker.amqp_uri, alert_lebak, alert_bandung, vacancy_makassar, news_host, news_tangsel)

    def ids(code):
        return [e["event_id"] for e in peek(broker, partners.queue_name(code))]
    expected = {
        "36.03": [alert_lebak, vacancy_makassar, news_host],
        "36.02": [alert_lebak, vacancy_makassar, news_host],
        "32.73": [alert_bandung, vacancy_makassar, news_host],
        "36.71": [alert_lebak, alert_bandung, vacancy_makassar],
    }
    for code, events in expected.items():
        assert ids(code) == [e["event_id"] for e in events], code

    info = broker.queue(partners.queue_name("36.03"))
    assert info["durable"] is True
    assert wait_for(lambda: broker.queue(partners.queue_name("36.03")).get("effective_policy_definition"),
                    10, "the backlog policy") == {"max-length": 100000, "message-ttl": 14 * 86400000,
                                                  "overflow": "drop-head"}
    collector = partners.BacklogCollector(broker)

    def gauge():
        families = {f.name: f for f in collector.collect()}
        return {s.labels.get("region"): s.value for s in families["tl_partner_backlog_messages"].samples}
    assert wait_for(lambda: gauge().get("36.03") == 3, 15, "the backlog gauge of 36.03")
    assert len(gauge()) == len(all_regions())


def test_resubscribing_keeps_what_is_queued(broker, platform_db):
    partners.apply_all(broker)
    queue = partners.queue_name("36.03")
    first = [shared_event("price_alert_raised", "36.04"), shared_event("vacancy_posted", "21.71")]
    publish_shared(broker.amqp_uri, *first)

    result = partners.resubscribe("36.03", [{"topic": "pencaker.*", "from": ["36.*"]}], broker)
    assert result["added"] == ["pencaker.*.36.*"]
    assert sorted(result["removed"]) == ["news.article_published.36.71", "pencaker.vacancy_closed.*.*",
                                         "pencaker.vacancy_posted.*.*", "prices.price_alert_raised.36.*"]
    assert [b["routing_key"] for b in broker.bindings("tangerang.shared", queue)] == ["pencaker.*.36.*"]
    later = [shared_event("price_alert_raised", "36.04"), shared_event("vacancy_posted", "21.71"),
             shared_event("vacancy_closed", "36.73")]
    publish_shared(broker.amqp_uri, *later)
    assert [e["event_id"] for e in peek(broker, queue)] == [
        first[0]["event_id"], first[1]["event_id"], later[2]["event_id"]]
    # Stored, so the next apply (another gateway starting) keeps the new subscription.
    assert partners.apply_region(broker, "36.03") == {
        "queue": queue, "bindings": ["pencaker.*.36.*"], "added": [], "removed": []}
