"""Demo sign-ins and Open311 API keys for `make run`, written to .data/ (never committed).

Accounts are created straight in the gateway's store (there is no account yet
that could create them over the API); keys come from the aspirasi service.
Running it again keeps what exists.
"""
import os
import secrets
import sys
from pathlib import Path

from nameko.standalone.rpc import ClusterRpcProxy

from services.gateway.access.accounts import AccountRepository
from services.platform.service_index import SERVICES_DIR
from services.servicekit.caller import Caller
from services.servicekit.config import load_config
from services.servicekit.errors import Conflict
from services.servicekit.regions import all_regions
from services.servicekit.store import connect

DATA = Path(__file__).resolve().parent.parent / ".data"
DEMO_ROLES = [("operator", "platform_operator", "36.71", None),
              ("admin.3671", "region_admin", "36.71", None),
              ("dlh.3671", "opd_officer", "36.71", "Dinas Lingkungan Hidup"),
              ("disnaker.3671", "disnaker_officer", "36.71", None),
              ("harga.3671", "price_clerk", "36.71", None),
              ("editor.3671", "editor", "36.71", None),
              ("admin.3602", "region_admin", "36.02", None)]


def accounts():
    config = load_config(SERVICES_DIR / "gateway" / "config.yaml")
    db = connect(config["MONGO_URI"])[config["MONGO_DB"]]
    AccountRepository.ensure_indexes(db)
    repo = AccountRepository(db)
    lines = []
    for username, role, region, opd in DEMO_ROLES:
        password = secrets.token_urlsafe(12)
        try:
            repo.create(username, password, role, region, opd)
            lines.append(f"{username:<14} {password:<18} {role} {region} {opd or ''}")
        except Conflict:
            pass
    return lines


def open311_keys():
    config = {"AMQP_URI": os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")}
    operator = Caller("tools.demo_accounts", "platform_operator", None).sign("aspirasi", ttl=300)
    with ClusterRpcProxy(config) as cluster:
        return [f"{region.code}  {cluster.aspirasi.issue_api_key(region.code, caller=operator)}  "
                f"{region.name}" for region in all_regions()]


def main():
    DATA.mkdir(exist_ok=True)
    created = accounts()
    if created:
        (DATA / "demo-accounts.txt").write_text(
            "# POST /api/v1/auth/token {\"username\", \"password\"}\n" + "\n".join(created) + "\n")
    keys_file = DATA / "open311-keys.txt"
    if not keys_file.exists():
        keys_file.write_text("# jurisdiction_id  api_key  region\n" + "\n".join(open311_keys()) + "\n")
    print(f"demo sign-ins: {DATA / 'demo-accounts.txt'}\nOpen311 api keys: {keys_file}")


if __name__ == "__main__":
    sys.exit(main())
