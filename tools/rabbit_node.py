"""A RabbitMQ node of our own beside the machine's broker.

The node gets its own name, ports, data and log directories, enabled-plugins and config
files, and shares the machine's Erlang cookie by running as the `rabbitmq` user
(HOME=/var/lib/rabbitmq). The machine's own broker (127.0.0.1:5672, pinned by
/etc/rabbitmq/rabbitmq.conf) is never touched. Used by the tests' edge broker and by
tools/backing.py when the machine's broker does not answer.
"""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import requests

from tools.backing import free_port, port_open

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
PLUGINS = ("rabbitmq_management", "rabbitmq_shovel", "rabbitmq_shovel_management")


def can_start_node():
    return os.geteuid() == 0 and Path(SERVER).exists() and shutil.which("su") is not None


class RabbitNode:
    def __init__(self, prefix="tlnode", plugins=PLUGINS, metrics=False):
        self.name = f"{prefix}{uuid.uuid4().hex[:6]}@localhost"
        self.port, self.dist_port, self.api_port = free_port(), free_port(), free_port()
        self.metrics_port = free_port() if metrics else None
        self.plugins = (*plugins, "rabbitmq_prometheus") if metrics else plugins
        self.dir = Path(tempfile.mkdtemp(prefix=f"{prefix}-"))
        self.pid_file = self.dir / "node.pid"
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        self.api_uri = f"http://guest:guest@127.0.0.1:{self.api_port}"
        self.metrics_uri = f"http://127.0.0.1:{self.metrics_port}" if metrics else None

    def _config(self):
        # Statistics every second so the queue depths tests read are fresh.
        lines = [f"listeners.tcp.default = 127.0.0.1:{self.port}",
                 "management.tcp.ip = 127.0.0.1", f"management.tcp.port = {self.api_port}",
                 "collect_statistics_interval = 1000"]
        if self.metrics_port:
            lines += ["prometheus.tcp.ip = 127.0.0.1", f"prometheus.tcp.port = {self.metrics_port}"]
        return "\n".join(lines) + "\n"

    def start(self, seconds=40):
        (self.dir / "enabled_plugins").write_text(f"[{','.join(self.plugins)}].")
        (self.dir / "rabbitmq.conf").write_text(self._config())
        for sub in ("mnesia", "log"):
            (self.dir / sub).mkdir()
        subprocess.run(["chown", "-R", "rabbitmq:rabbitmq", str(self.dir)], check=True)
        env = {"HOME": "/var/lib/rabbitmq", "RABBITMQ_NODENAME": self.name,
               "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(self.dist_port),
               "RABBITMQ_MNESIA_BASE": f"{self.dir}/mnesia", "RABBITMQ_LOG_BASE": f"{self.dir}/log",
               "RABBITMQ_PID_FILE": str(self.pid_file),
               "RABBITMQ_ENABLED_PLUGINS_FILE": f"{self.dir}/enabled_plugins",
               "RABBITMQ_CONFIG_FILE": f"{self.dir}/rabbitmq.conf"}
        command = "cd /var/lib/rabbitmq && env " + " ".join(f"{k}={v}" for k, v in env.items()) + \
            f" {SERVER} -detached"
        subprocess.run(["su", "rabbitmq", "-s", "/bin/sh", "-c", command], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.answers():
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"RabbitMQ node {self.name} did not start within {seconds}s; see {self.dir}/log")

    def answers(self):
        try:
            return port_open("127.0.0.1", self.port) and requests.get(
                f"{self.api_uri}/api/overview", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self):
        pid = int(self.pid_file.read_text()) if self.pid_file.exists() else None
        if pid:
            os.kill(pid, signal.SIGTERM)  # the node we started, by its id; its data goes anyway
            deadline = time.monotonic() + 4
            while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            if Path(f"/proc/{pid}").exists():
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)
