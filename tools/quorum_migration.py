"""`python -m tools.quorum_migration`: make way for the kit's quorum queues.

A broker used by an older version has classic queues under the names the kit
now declares as quorum queues (services' event handler queues with their
retry and dead-letter queues, partner region and uplink queues, the hub's
uplink queue), and refuses to redeclare them. This deletes each such classic
queue that is empty and unused (the services declare the quorum one when they
start) and lists the others: let the older version drain them and stop (or
move the messages with a shovel), then run this again. `make run` runs it
before starting. Uses AMQP_URI (its vhost) and RABBIT_API_URI, like the services.
"""
import sys

from services.platform.partners import API_TIMEOUT, QUEUE_PREFIX, UPLINK_PREFIX, UPLINK_QUEUE, Broker

PREFIXES = ("evt-", QUEUE_PREFIX, UPLINK_PREFIX, UPLINK_QUEUE)


def old_work_queues(broker):
    rows = broker.request("GET", "queues", broker.vhost, params={
        "columns": "name,type,durable,auto_delete,exclusive,messages,consumers"}) or []
    return [r for r in rows if r["name"].startswith(PREFIXES) and r.get("type") == "classic"
            and r.get("durable") and not r.get("auto_delete") and not r.get("exclusive")]


def migrate(broker):
    """{"deleted": [names], "kept": {name: (messages, consumers)}} for this vhost."""
    deleted, kept = [], {}
    for row in old_work_queues(broker):
        if row.get("messages") or row.get("consumers"):
            kept[row["name"]] = (row.get("messages", 0), row.get("consumers", 0))
            continue
        # a message or a consumer that arrived since the listing keeps the queue
        response = broker.session.delete(broker._url("queues", broker.vhost, row["name"]),
                                         params={"if-empty": "true", "if-unused": "true"},
                                         timeout=API_TIMEOUT)
        if response.status_code == 204:
            deleted.append(row["name"])
    return {"deleted": deleted, "kept": kept}


def report(result, out=sys.stdout):
    for name in result["deleted"]:
        print(f"replaced empty classic queue {name} (the service declares it as a quorum queue)",
              file=out)
    for name, (messages, consumers) in result["kept"].items():
        print(f"classic queue {name} still holds {messages} messages and has {consumers} consumers: "
              "let the older version of its service drain it and stop, then run "
              "`python -m tools.quorum_migration` again", file=out)


def main():
    result = migrate(Broker())
    report(result)
    return 1 if result["kept"] else 0


if __name__ == "__main__":
    sys.exit(main())
