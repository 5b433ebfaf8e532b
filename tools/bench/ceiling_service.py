"""The ceiling of this stack: a bare nameko @http endpoint returning a constant.

Run as `python -m tools.bench.ceiling_service <port>`; same eventlet, nameko
and werkzeug as the gateway, nothing else.
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()

import sys  # noqa: E402

from nameko.runners import ServiceRunner  # noqa: E402
from nameko.web.handlers import http  # noqa: E402


class Ceiling:
    name = "ceiling"

    @http("GET", "/constant")
    def constant(self, request):
        return '{"ok":true}'


def main(port):
    runner = ServiceRunner({"AMQP_URI": "memory://", "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"})
    runner.add_service(Ceiling)
    runner.start()
    runner.wait()


if __name__ == "__main__":
    main(int(sys.argv[1]))
