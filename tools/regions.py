"""Onboard, resubscribe, remove and link partner regions: `python -m tools.regions ...`.

    python -m tools.regions list
    python -m tools.regions add --profile contohkab.yaml    # the whole profile (README)
    python -m tools.regions add --code 36.05 --name "Kabupaten Contoh" --province Banten \\
        --domain contohkab.go.id [--edge] [--subscriptions subs.yaml] [--categories cats.yaml] \\
        [--admin admin.3605]
    python -m tools.regions subscribe 36.05 prices.price_alert_raised=province 'pencaker.*=*'
    python -m tools.regions remove 36.05 [--purge]   # --purge: everything but its tickets
    python -m tools.regions credentials 36.05   # a new password for its broker user
    python -m tools.regions apply          # (re)bind every registered region's queue
    python -m tools.regions link-edge 36.02 --edge-amqp amqp://guest:guest@edge:5672/ \\
        --edge-api http://guest:guest@edge:15672 --hub-uri amqps://region-36.02:SECRET@hub.example:5671/
    python -m tools.regions unlink-edge 36.02 --edge-amqp ... --edge-api ...

The registry and subscriptions live in the platform database (MONGO_URI,
PLATFORM_DB); the broker is reached by AMQP_URI / RABBIT_API_URI or --amqp/--api.
Every running service sees a change within seconds; nothing restarts.
`add` checks the whole profile first, then makes the registry entry, queue, broker
user `region-<code>`, categories and first region admin; a failure part-way undoes
what it made. It prints the broker password and the admin's first password once,
at the end (`credentials` makes a new broker password and ends the old sessions):
give them to the partner, keep them out of git.
"""
import argparse
import json
import os
import sys
from pathlib import Path

import yaml

from services.gateway.access.accounts import AccountRepository
from services.gateway.regions.onboarding_ports import RpcCatalogue, StoreAccounts
from services.platform import partners
from services.platform.service_index import SERVICES_DIR
from services.servicekit.caller import Caller
from services.servicekit.config import load_config
from services.servicekit.errors import ConfigError, DomainError
from services.servicekit.regions import all_regions
from services.servicekit.store import connect


def _load(path):
    return yaml.safe_load(Path(path).read_text())


def _subscription_args(items):
    """`topic=from,from` words -> subscription data."""
    subs = []
    for item in items:
        topic, sep, sources = item.partition("=")
        if not sep or not sources:
            raise SystemExit(f"regions: {item!r}: write TOPIC=FROM[,FROM...], e.g. prices.*=province")
        subs.append({"topic": topic, "from": sources.split(",")})
    return subs


class _Aspirasi:
    """The aspirasi service over nameko RPC, as onboarding's catalogue (RpcCatalogue)."""

    def __init__(self, amqp_uri):
        from nameko.standalone.rpc import ClusterRpcProxy
        self.proxy = ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=10)
        # The operator's CLI signs as the platform operator, with the gateway's key
        # (TL_CALLER_KEY_GATEWAY): onboarding checks it is there before making anything.
        self.catalogue = RpcCatalogue(self.proxy.start().aspirasi,
                                      Caller("tools.regions", "platform_operator", None))

    def close(self):
        self.proxy.stop()


def _accounts():
    """The gateway's accounts store (its config: MONGO_URI, GATEWAY_DB), as the gateway has it."""
    config = load_config(SERVICES_DIR / "gateway" / "config.yaml")
    db = connect(config["MONGO_URI"])[config["MONGO_DB"]]
    AccountRepository.ensure_indexes(db)
    return StoreAccounts(AccountRepository(db))


def _profile(args):
    """The profile file (YAML or JSON, the admin API's body), or the flags' entry."""
    if args.profile:
        return _load(args.profile)
    entry = {"code": args.code, "name": args.name, "province": args.province, "domain": args.domain,
             "edge": args.edge}
    if args.timezone:
        entry["timezone"] = args.timezone
    if args.subscriptions:
        entry["subscriptions"] = _load(args.subscriptions)
    if args.categories:
        entry["categories"] = _load(args.categories)
    if args.admin:
        entry["admin"] = {"username": args.admin}
    return entry


def cmd_list(args, broker):
    try:
        depths = broker.queue_depths()
    except DomainError:
        depths = {}
    return [{**r.to_dict(), "subscriptions": partners.subscriptions_for(r.code),
             "backlog": depths.get(partners.queue_name(r.code))} for r in all_regions()]


def cmd_add(args, broker):
    entry = _profile(args)
    aspirasi = _Aspirasi(broker.amqp_uri) if args.profile or entry.get("categories") else None
    try:
        return partners.onboard(entry, broker, aspirasi and aspirasi.catalogue,
                                _accounts() if entry.get("admin") else None)
    finally:
        if aspirasi is not None:
            aspirasi.close()


def cmd_subscribe(args, broker):
    return partners.resubscribe(args.code, _subscription_args(args.subscription), broker)


def cmd_remove(args, broker):
    if not args.purge:
        return partners.offboard(args.code, broker)
    aspirasi = _Aspirasi(broker.amqp_uri)
    try:
        return partners.offboard(args.code, broker, purge=True, catalogue=aspirasi.catalogue,
                                 accounts=_accounts())
    finally:
        aspirasi.close()


def cmd_credentials(args, broker):
    return partners.new_credentials(args.code, broker)


def cmd_apply(args, broker):
    return partners.apply_all(broker)


def _edge(args):
    return partners.Broker(args.edge_amqp, args.edge_api)


def cmd_link_edge(args, broker):
    edge = _edge(args)
    return {**partners.link_edge(edge, args.code, args.hub_uri), "status": partners.edge_link_status(edge)}


def cmd_unlink_edge(args, broker):
    partners.unlink_edge(_edge(args), args.code)
    return {"region": args.code, "shovels": []}


def parser():
    p = argparse.ArgumentParser(prog="python -m tools.regions", description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--amqp", default=os.environ.get("AMQP_URI"), help="hub AMQP URI (AMQP_URI)")
    p.add_argument("--api", default=os.environ.get("RABBIT_API_URI"),
                   help="hub management API, e.g. http://user:pass@host:15672 (RABBIT_API_URI)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="registered regions, their subscriptions and backlog")
    add = sub.add_parser("add", help="onboard (or update) a region")
    add.add_argument("--profile", help="the whole profile, YAML or JSON (POST /api/v1/admin/regions' "
                     "body); instead of the flags below")
    add.add_argument("--code")
    add.add_argument("--name")
    add.add_argument("--province")
    add.add_argument("--domain", default="")
    add.add_argument("--timezone", help="IANA zone (default: the province's)")
    add.add_argument("--admin", help="the first region admin's username")
    add.add_argument("--edge", action="store_true", help="a blank-spot region with its own broker")
    add.add_argument("--subscriptions", help="YAML list of {topic, from} (default: subscriptions.yaml)")
    add.add_argument("--categories", help="YAML list of {code, name, opd} added to the template")
    subscribe = sub.add_parser("subscribe", help="replace a region's subscriptions")
    subscribe.add_argument("code")
    subscribe.add_argument("subscription", nargs="+", help="TOPIC=FROM[,FROM...]")
    remove = sub.add_parser("remove", help="unregister a region and unbind its queue")
    remove.add_argument("code")
    remove.add_argument("--purge", action="store_true", help="remove everything the region had "
                        "(queue, broker user, subscriptions, categories, accounts, registry "
                        "document); its tickets are kept")
    credentials = sub.add_parser("credentials", help="a new password for a region's broker user")
    credentials.add_argument("code")
    sub.add_parser("apply", help="bind every registered region's queue as subscribed")
    for name in ("link-edge", "unlink-edge"):
        edge = sub.add_parser(name, help=f"{name.split('-')[0]} an edge broker and the hub (shovels)")
        edge.add_argument("code")
        edge.add_argument("--edge-amqp", required=True, help="the edge broker's AMQP URI (its vhost)")
        edge.add_argument("--edge-api", required=True, help="the edge broker's management API URL")
        if name == "link-edge":
            edge.add_argument("--hub-uri", required=True, help="the hub's AMQP URI as the edge reaches "
                              "it, with the region's own broker user")
    return p


COMMANDS = {"list": cmd_list, "add": cmd_add, "subscribe": cmd_subscribe, "remove": cmd_remove,
            "credentials": cmd_credentials, "apply": cmd_apply, "link-edge": cmd_link_edge,
            "unlink-edge": cmd_unlink_edge}


def main(argv=None):
    args = parser().parse_args(argv)
    broker = partners.Broker(args.amqp, args.api)
    try:
        result = COMMANDS[args.command](args, broker)
    except DomainError as exc:
        print(f"regions: {exc.message}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"regions: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
