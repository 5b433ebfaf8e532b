"""`python -m tests.faults.run_ledger --config <file>`: the ledger under the platform's runner."""
import sys

from services.platform import runner  # monkey-patches eventlet first

runner.SERVICES["ledger"] = "tests.faults.ledger:LedgerService"

if __name__ == "__main__":
    sys.exit(runner.main(["ledger", *sys.argv[1:]]))
