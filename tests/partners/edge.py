"""A second RabbitMQ node on this machine (the edge broker), and a link that can be cut.

The node gets its own name, ports, data and log directories, enabled-plugins
and config files, and shares the machine's Erlang cookie by running as the
`rabbitmq` user (HOME=/var/lib/rabbitmq). Starting it needs root; otherwise
the tests fall back to a second vhost on the test broker, and say so.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

from tools.backing import free_port, port_open

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
PLUGINS = "[rabbitmq_management,rabbitmq_shovel,rabbitmq_shovel_management]."


def can_start_node():
    return os.geteuid() == 0 and Path(SERVER).exists() and shutil.which("su") is not None


class EdgeNode:
    def __init__(self):
        self.name = f"tledge{uuid.uuid4().hex[:6]}@localhost"
        self.port, self.dist_port, self.api_port = free_port(), free_port(), free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="tl-edge-"))
        self.pid_file = self.dir / "node.pid"
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        self.api_uri = f"http://guest:guest@127.0.0.1:{self.api_port}"

    def start(self, seconds=40):
        (self.dir / "enabled_plugins").write_text(PLUGINS)
        # Statistics every second so the queue depths the test reads are fresh.
        (self.dir / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            f"management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = {self.api_port}\n"
            "collect_statistics_interval = 1000\n")
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
            try:
                if port_open("127.0.0.1", self.port) and requests.get(
                        f"{self.api_uri}/api/overview", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"edge node {self.name} did not start within {seconds}s; see {self.dir}/log")

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


class LinkProxy:
    """The edge's network link to the hub: a TCP relay that can be cut and restored."""

    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.conns = []
        self.listener = None
        self.restore()

    def restore(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self):
        """Refuse new connections and drop the open ones, as a lost uplink does."""
        self.listener.close()
        for conn in self.conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()
        self.conns.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, dest):
        try:
            while data := source.recv(65536):
                dest.sendall(data)
        except (OSError, EOFError):  # eventlet raises EOFError on a socket closed by cut()
            pass
        for sock in (source, dest):
            try:
                sock.close()
            except OSError:
                pass
