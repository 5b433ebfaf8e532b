"""Benchmark: rows/s of a 10,000-row price import end to end vs a bare insert_many.

Ours: a CSV sheet sent over RPC to a running prices service (a runner
subprocess), which parses, validates, stores, computes changes, evaluates
alerts and publishes its events before it answers. Ceiling: pymongo's
insert_many of the same rows, as stored documents, into the same store in the
same run. `python -m tools.bench_prices` prints both.
"""
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import requests
from nameko.standalone.rpc import ClusterRpcProxy
from pymongo import MongoClient

from services.prices.catalogue import load_catalogue
from services.prices.days import today_in
from services.prices.domain import price_records, references
from services.servicekit import caller_keys
from services.servicekit.caller import Caller
from services.servicekit.regions import get_region
from tools import backing

ROOT = Path(__file__).resolve().parent.parent
REGION = "36.71"
ROWS = 10_000
SEED = 20261127


def sheet_rows(rows=ROWS, region_code=REGION):
    """(market, commodity, day, price) rows: every market of the region, 25
    commodities, day after day up to today; prices wobble a few percent around
    a base, and about one in a hundred spikes by 30% (which raises an alert)."""
    catalogue = load_catalogue()
    region = get_region(region_code).code
    markets = sorted(catalogue.markets[region_code])
    commodities = sorted(catalogue.commodities.values(), key=lambda c: c.code)[:25]
    per_day = len(markets) * len(commodities)
    days = -(-rows // per_day)
    last = date.fromisoformat(today_in(get_region(region_code)))
    rng = random.Random(SEED)
    out = []
    for offset in range(days - 1, -1, -1):
        day = (last - timedelta(days=offset)).isoformat()
        for market in markets:
            for commodity in commodities:
                reference = references.reference_for(catalogue.references, commodity.code, region, day)
                base = reference.upper * 0.95 if reference else commodity.plausible[0] * 3
                factor = 1.3 if rng.random() < 0.01 else rng.uniform(0.97, 1.03)
                out.append((market, commodity, day, int(base * factor)))
    return out[-rows:]


def csv_text(rows):
    names = {m.code: m.name for m in load_catalogue().markets[REGION].values()}
    lines = ["Tanggal,Pasar,Komoditas,Satuan,Harga"]
    # Thousands written the Indonesian way, as officers' spreadsheets do.
    lines += [",".join((day, names[market], c.name, f"Rp/{c.unit}", f"{price:,}".replace(",", ".")))
              for market, c, day, price in rows]
    return "\r\n".join(lines) + "\r\n"


def stored_docs(rows):
    now = time.time()
    return [{"_id": price_records.price_id(REGION, market, c.code, day), "region": REGION, "market": market,
             "commodity": c.code, "date": day, "price": price, "unit": c.unit, "recorded_by": "bench",
             "recorded_at": now, "source": "bench", "history": [], "version": 1}
            for market, c, day, price in rows]


def bare_insert(db, rows, name):
    """Seconds pymongo takes to insert_many the rows as stored documents."""
    docs = stored_docs(rows)
    started = time.perf_counter()
    db[f"bare_{name}"].insert_many(docs, ordered=False)
    return time.perf_counter() - started


def start_service(amqp_uri, mongo_uri, database):
    caller_keys.ensure(os.environ)  # we sign the import's caller; the service gets the public keys
    port = _free_port()
    env = {**caller_keys.for_process("prices", os.environ), "AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri,
           "PRICES_DB": database,
           "PRICES_OPS_HTTP": f"127.0.0.1:{port}", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "services.platform.runner", "prices"], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=backing.die_with_parent)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"prices service exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/health/ready", timeout=3).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.3)
    proc.kill()
    raise SystemExit("prices service did not become healthy within 60 s")


def _free_port():
    from tools.backing import free_port
    return free_port()


def run(amqp_uri, mongo_uri):
    rows = sheet_rows()
    text = csv_text(rows)
    database = f"bench_prices_{uuid.uuid4().hex[:8]}"
    client = MongoClient(mongo_uri, tz_aware=True)
    proc = start_service(amqp_uri, mongo_uri, database)
    try:
        # The bare insert runs before and after ours and its better time counts:
        # a busy machine then lowers our ratio, never raises it.
        ceiling_before = bare_insert(client[database], rows, "before")
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=600) as cluster:
            cluster.prices.ping()
            started = time.perf_counter()
            report = cluster.prices.import_csv(REGION, text, caller=Caller(
                "bench", "platform_operator", None).sign("prices", ttl=600))
            ours_seconds = time.perf_counter() - started
        if report["new"] != len(rows) or report["rejected"]:
            raise SystemExit(f"bench import did not store every row: {report['new']} new, "
                             f"{len(report['rejected'])} rejected (first: {report['rejected'][:1]})")
        ceiling_seconds = min(ceiling_before, bare_insert(client[database], rows, "after"))
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        client.drop_database(database)
        client.close()
    ours, ceiling = len(rows) / ours_seconds, len(rows) / ceiling_seconds
    return [{"name": "price import (10,000 rows) vs bare insert_many", "unit": "rows/s",
             "better": "higher", "ours": round(ours, 1), "ceiling": round(ceiling, 1),
             "ratio": round(ours / ceiling, 3), "rows": len(rows),
             "alerts_raised": report["alerts_raised"]}]


def main():
    from tools import backing
    stack = backing.ensure()
    try:
        for result in run(stack.amqp_uri, stack.mongo_uri):
            print(f"{result['name']}: ours {result['ours']:,.0f}, bare insert_many "
                  f"{result['ceiling']:,.0f}, ratio {result['ratio']:.2f} "
                  f"({result['rows']} rows, {result['alerts_raised']} alerts)")
    finally:
        stack.close()


if __name__ == "__main__":
    main()
