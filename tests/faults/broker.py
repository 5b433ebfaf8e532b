"""A private RabbitMQ node for fault tests that stop and start their broker.

Everything about it is its own: node name, AMQP and distribution ports (free
ones, loopback only), mnesia/log dirs, an empty plugin list (the shared node's
management/prometheus plugins would clash on their ports) and no env file (the
system one names the shared node). Stopping it never touches any other node.
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

from kombu import Connection

from tools.backing import free_port

# Debian's /usr/sbin wrapper switches to the `rabbitmq` user (which cannot
# write our dirs); the script it wraps runs the node as the current user.
DEBIAN_SCRIPT = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")


def server_script():
    if DEBIAN_SCRIPT.exists():
        return str(DEBIAN_SCRIPT)
    found = shutil.which("rabbitmq-server")
    if not found:
        raise RuntimeError("rabbitmq-server is not installed (apt-get install rabbitmq-server)")
    return found


def listen_port():
    """A free port below the kernel's ephemeral range, for a node that is restarted.

    While the node is down, clients keep dialling its port; a dial from an
    ephemeral port can land on that very port (a TCP self-connect) and hold it,
    so the node could not listen there again.
    """
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(200):
        port = random.randrange(max(1024, low - 12000), low)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return free_port()


class RabbitNode:
    def __init__(self, base_dir):
        self.base = Path(base_dir)
        self.name = f"fault-{uuid.uuid4().hex[:8]}@localhost"
        self.port = listen_port()
        self.dist_port = free_port()
        self.uri = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        self.proc = None
        for sub in ("mnesia", "log"):
            (self.base / sub).mkdir(parents=True, exist_ok=True)
        (self.base / "enabled_plugins").write_text("[].\n")
        (self.base / "rabbitmq-env.conf").write_text("")
        (self.base / "rabbitmq.conf").write_text(
            f"listeners.tcp.local = 127.0.0.1:{self.port}\nloopback_users = none\n")
        self.env = {
            **os.environ,
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
            "RABBITMQ_CONF_ENV_FILE": str(self.base / "rabbitmq-env.conf"),
            "RABBITMQ_CONFIG_FILE": str(self.base / "rabbitmq.conf"),
            "RABBITMQ_PID_FILE": str(self.base / "node.pid"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "ERL_FLAGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        }

    def start(self, seconds=60):
        self.proc = subprocess.Popen(
            [server_script()], env=self.env, cwd=self.base, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; "
                                   f"see {self.base / 'log'}")
            if self._answers():
                return
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.name} did not accept AMQP on {self.port} within {seconds}s")

    def stop(self, seconds=30):
        """Stop the node (SIGTERM is a clean shutdown for the Erlang VM), then its process group."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(seconds)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        try:  # helpers (erl_child_setup, inet_gethost) share the group
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc = None

    def restart(self):
        self.stop()
        self.start()

    def remove(self):
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def _answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                pass
            with Connection(self.uri, connect_timeout=2) as conn:
                conn.connect()
            return True
        except Exception:  # noqa: BLE001 - not up yet
            return False
