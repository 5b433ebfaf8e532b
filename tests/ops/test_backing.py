"""tools/backing.py when the machine's broker does not answer (booting late, or wedged:
5672 open and the management API silent): the tests and `make run` get a node of their
own instead of failing the run."""
import kombu
import requests

from tools import backing


def test_a_broker_that_does_not_answer_is_replaced_by_a_node_of_our_own(monkeypatch):
    waits = []
    monkeypatch.setattr(backing, "machine_broker_answers", lambda seconds: waits.append(seconds) or False)
    monkeypatch.setattr(backing, "start_machine_broker", lambda: None)
    amqp_uri, api_uri, metrics_uri, stop = backing.ensure_local_rabbitmq()
    try:
        assert waits == [2, backing.BROKER_WAIT]  # a booting broker is waited for first
        assert amqp_uri != backing.DEFAULT_AMQP and stop is not None
        with kombu.Connection(amqp_uri, connect_timeout=5) as connection:
            connection.connect()
            queue = kombu.Queue("backing-probe", auto_delete=True)
            with connection.Producer() as producer:
                producer.publish({"ok": 1}, routing_key="backing-probe", declare=[queue])
            assert queue(connection.channel()).get(no_ack=True).payload == {"ok": 1}
        assert requests.get(f"{api_uri}/api/overview", timeout=5).status_code == 200
        assert "rabbitmq_" in requests.get(f"{metrics_uri}/metrics", timeout=5).text
    finally:
        if stop:
            stop()


def test_the_machine_broker_is_used_when_it_answers():
    amqp_uri, api_uri, metrics_uri, stop = backing.ensure_local_rabbitmq()
    assert (amqp_uri, api_uri, metrics_uri, stop) == (backing.DEFAULT_AMQP, backing.MACHINE_API,
                                                      backing.MACHINE_METRICS, None)
