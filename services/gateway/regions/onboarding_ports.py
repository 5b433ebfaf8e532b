"""What onboarding writes through, for the admin API and `tools.regions` alike: the aspirasi
catalogue over RPC (as the platform operator) and the gateway's own accounts store.
(services/platform/onboarding_steps.py: the Catalogue and Accounts ports.)"""
import time

from services.gateway.access.accounts import AccountRepository
from services.servicekit.caller import Caller
from services.servicekit.rpc import call

RPC_TIMEOUT = 5


class RpcCatalogue:
    """The aspirasi RPCs onboarding needs; `proxy` a nameko service proxy (the gateway's
    RpcProxy or a ClusterRpcProxy's), `caller` the operator the calls are signed as."""

    def __init__(self, proxy, caller: Caller):
        self.proxy, self.caller = proxy, caller

    def preflight(self):
        # Signing needs the gateway's private key: a CLI without TL_CALLER_KEY_GATEWAY
        # is told so before anything is made, not after its broker user exists.
        self.caller.sign("aspirasi")

    def categories(self, code):
        return call(self.proxy.categories, code, timeout=RPC_TIMEOUT)

    def set_category(self, code, category, name, opd, sla=None):
        # profile: set_category takes `sla` once lane profile's command does; sent only when given
        extra = {"sla": sla} if sla else {}
        return call(self.proxy.set_category, code, category, name, opd, caller=self.caller,
                    timeout=RPC_TIMEOUT, **extra)

    def retire_category(self, code, category):
        return call(self.proxy.retire_category, code, category, caller=self.caller, timeout=RPC_TIMEOUT)

    def purge(self, code):
        return call(self.proxy.purge_region, code, caller=self.caller, timeout=RPC_TIMEOUT)


class StoreAccounts:
    """The gateway's accounts (access/accounts.py) as onboarding makes and removes them."""

    def __init__(self, repo: AccountRepository):
        self.repo = repo

    def find(self, username):
        return self.repo.db.accounts.find_one({"_id": username}, {"password": 0})

    def create(self, username, password, role, region):
        return self.repo.create(username, password, role, region)

    def reset_password(self, username, password):
        self.repo.reset_password(username, password, time.time())

    def delete(self, username):
        self.repo.db.accounts.delete_one({"_id": username})

    def purge(self, region_code):
        """Every account of the region, officers and citizens: the names deleted."""
        names = sorted(a["_id"] for a in self.repo.db.accounts.find({"region": region_code}, {"_id": 1}))
        self.repo.db.accounts.delete_many({"region": region_code, "_id": {"$in": names}})
        return names
