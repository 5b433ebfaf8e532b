"""A second RabbitMQ node on this machine (the edge broker), and a link that can be cut.

Starting a node needs root (tools/rabbit_node.py); otherwise the tests fall back to a
second vhost on the test broker, and say so.
"""
import socket
import threading

from tools.backing import free_port
from tools.rabbit_node import RabbitNode, can_start_node  # noqa: F401 - the tests' import


class EdgeNode(RabbitNode):
    def __init__(self):
        super().__init__(prefix="tledge")


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
