"""Run one service in this process: `python -m services.platform.runner aspirasi`.

Beside the service index it reads the service class from, above the kit (which
knows no service by name).

Why not `nameko run`: it can hang for over a minute on SIGTERM when services
call each other, and Kubernetes kills a pod 30 s after SIGTERM. Here a stop
waits at most STOP_GRACE seconds for running workers, then kills the rest:
their messages were not acknowledged, so the broker redelivers them.
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()  # noqa: E402 - must precede every other import

import argparse  # noqa: E402
import gc  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

from kombu import Connection  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402
from nameko.web.server import WebServer  # noqa: E402

from services.platform.service_index import SERVICES, SERVICES_DIR, service_class  # noqa: E402
from services.servicekit import caller_keys  # noqa: E402
from services.servicekit.config import load_config  # noqa: E402
from services.servicekit.errors import ConfigError  # noqa: E402
from services.servicekit.scrub import install_log_filter  # noqa: E402
from services.servicekit.store import connect  # noqa: E402

STOP_GRACE = 8

log = logging.getLogger("runner")


def check_backing_services(config: dict[str, Any]) -> None:
    """Fail fast, in one line, when the broker or the store cannot be reached."""
    try:
        with Connection(config["AMQP_URI"], connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # noqa: BLE001 - any failure means "unreachable"
        raise ConfigError(
            f"cannot reach RabbitMQ at {config['AMQP_URI']} ({type(exc).__name__}): start it "
            "(`make run` does) or set AMQP_URI to a reachable broker") from None
    client = connect(config["MONGO_URI"], timeout_ms=3000)
    try:
        client.admin.command("ping")
    except Exception as exc:  # noqa: BLE001
        raise ConfigError(
            f"cannot reach the MongoDB store at {config['MONGO_URI']} ({type(exc).__name__}): "
            "start it (`make run` does) or set MONGO_URI to a reachable server") from None
    finally:
        client.close()


def stop_taking_http_requests(runner: ServiceRunner) -> None:
    """Close the listening socket now and answer in-flight requests with `Connection: close`.

    nameko closes its listening socket only after every worker has finished,
    and keeps serving keep-alive connections meanwhile, so a gateway under
    load spawns new workers all through the grace period and never drains.
    """
    for container in runner.containers:
        for server in container.extensions:
            if isinstance(server, WebServer) and server._serv is not None:
                server._serv.keepalive = False
                server._is_accepting = False
                server._gt.kill()
                server._sock.close()


def run(name: str, config_path: str | None = None) -> int:
    config = load_config(config_path or SERVICES_DIR / name / "config.yaml")
    caller_keys.check(name)
    check_backing_services(config)
    runner = ServiceRunner(config)
    runner.add_service(service_class(name))
    stopping = eventlet.event.Event()

    def on_signal(signum: int, frame: Any) -> None:
        if not stopping.ready():
            stopping.send(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    runner.start()
    # What start-up built lives as long as the process: keep the collector
    # from re-scanning it, which shows up as latency spikes under load.
    gc.freeze()
    log.info("%s started", name)
    # A container that dies (an error in one of its own threads) ends the
    # process, so a supervisor restarts it, instead of it living on deaf.
    eventlet.spawn(runner.wait).link(lambda _: stopping.ready() or stopping.send(None))
    if stopping.wait() is None:
        log.critical("%s: the service container died; exiting so that it is restarted", name)
        return 1
    stop_taking_http_requests(runner)
    stopper = eventlet.spawn(runner.stop)
    try:
        with eventlet.Timeout(STOP_GRACE):
            stopper.wait()
        log.info("%s stopped", name)
    except eventlet.Timeout:
        log.warning("%s: workers still running after %ss; killing them", name, STOP_GRACE)
        runner.kill()
    return 0


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    install_log_filter()  # no reporter's e-mail or phone in any log line (servicekit.scrub)
    logging.getLogger("nx_27017").setLevel(logging.WARNING)
    # One log line per HTTP request costs the gateway about a tenth of its
    # throughput; Prometheus already counts every route. ACCESS_LOG=1 turns it on.
    if os.environ.get("ACCESS_LOG") != "1":
        logging.getLogger("nameko.web.server").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("service", choices=sorted(SERVICES))
    parser.add_argument("--config", help="YAML config (default: services/<name>/config.yaml)")
    args = parser.parse_args(argv)
    configure_logging()
    try:
        return run(args.service, args.config)
    except ConfigError as exc:
        print(f"{args.service}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
