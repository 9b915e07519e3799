"""A small client of the hub for tests and the load benchmark: real HTTP on loopback.

:class:`Hub` talks to the hub's REST API (``/hub/api``) with a token; :class:`Server` to one
user's Jupyter server (or the formgrader service) through the proxy, as the browser would;
:class:`Kernel` runs code in a kernel over the server's websocket (Jupyter's kernel messaging
protocol, JSON frames) and speaks the widget comm protocol (a slider move is a ``comm_msg``
``update`` of its ``value``; the new picture arrives as the Image widget's ``update``).
"""

from __future__ import annotations

import json
import time
import uuid
from urllib.parse import quote

import requests
import websocket


class HubError(RuntimeError):
    pass


class Hub:
    def __init__(self, url: str, token: str):
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {token}"
        self.timings: list[float] = []  # seconds per hub API call

    def api(self, method: str, path: str, ok=(200, 201, 202, 204), **kw):
        t0 = time.perf_counter()
        r = self.session.request(method, f"{self.url}/hub/api{path}", timeout=120, **kw)
        self.timings.append(time.perf_counter() - t0)
        if r.status_code not in ok:
            raise HubError(f"{method} {path}: HTTP {r.status_code} {r.text[:300]}")
        return r.json() if r.content and r.headers.get("content-type", "").startswith("application/json") else None

    def token_for(self, user: str, note: str = "test") -> str:
        return self.api("POST", f"/users/{user}/tokens", json={"note": note, "expires_in": 3600})["token"]

    def request_server(self, user: str) -> None:
        """Ask the hub to start ``user``'s server (returns at once; :meth:`start_server` waits)."""
        self.api("POST", f"/users/{user}/server", ok=(201, 202, 400))  # 400: already running

    def start_server(self, user: str, timeout: float = 240, requested: bool = False) -> None:
        """Start ``user``'s server and wait until it is ready."""
        if not requested:
            self.request_server(user)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.api("GET", f"/users/{user}")
            server = model.get("servers", {}).get("", {})
            if server.get("ready"):
                return
            if not model.get("pending") and not server:
                raise HubError(f"server of {user} failed to start (see the hub's log)")
            time.sleep(0.5)
        raise HubError(f"server of {user} not ready after {timeout:.0f} s")

    def stop_server(self, user: str, timeout: float = 120) -> None:
        self.api("DELETE", f"/users/{user}/server", ok=(202, 204, 400, 404))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.api("GET", f"/users/{user}").get("servers"):
                return
            time.sleep(0.5)
        raise HubError(f"server of {user} still running after {timeout:.0f} s")


class Server:
    """A Jupyter server behind the proxy: ``prefix`` is ``/user/<name>`` or ``/services/<name>``."""

    def __init__(self, hub_url: str, prefix: str, token: str):
        self.base = hub_url.rstrip("/") + prefix.rstrip("/")
        self.token = token
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {token}"

    def request(self, method: str, path: str, ok=(200, 201, 204), **kw):
        r = self.session.request(method, f"{self.base}{path}", timeout=600, allow_redirects=False, **kw)
        if ok and r.status_code not in ok:
            raise HubError(f"{method} {self.base}{path}: HTTP {r.status_code} {r.text[:500]}")
        return r

    def json(self, method: str, path: str, **kw):
        return self.request(method, path, **kw).json()

    def read_notebook(self, path: str) -> dict:
        return self.json("GET", f"/api/contents/{quote(path)}?content=1")["content"]

    def write_notebook(self, path: str, nb: dict) -> None:
        self.request("PUT", f"/api/contents/{quote(path)}", json={"type": "notebook", "format": "json", "content": nb})

    def kernel(self) -> "Kernel":
        return Kernel(self)


class Kernel:
    """A kernel of ``server``, driven over its websocket channel."""

    def __init__(self, server: Server, name: str = "python3"):
        self.server = server
        self.id = server.json("POST", "/api/kernels", json={"name": name})["id"]
        ws_url = server.base.replace("http", "ws", 1) + f"/api/kernels/{self.id}/channels"
        self.ws = websocket.create_connection(ws_url, header=[f"Authorization: token {server.token}"], timeout=300)
        self.session = uuid.uuid4().hex
        self.comms: dict[str, dict] = {}  # comm id -> widget state (from comm_open)
        self.pending: list[dict] = []

    def _msg(self, msg_type: str, content: dict, channel: str = "shell") -> dict:
        return {"header": {"msg_id": uuid.uuid4().hex, "username": "test", "session": self.session,
                           "msg_type": msg_type, "version": "5.3"},
                "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}

    def send(self, msg: dict) -> str:
        self.ws.send(json.dumps(msg))
        return msg["header"]["msg_id"]

    def recv(self, timeout: float) -> dict:
        self.ws.settimeout(timeout)
        raw = self.ws.recv()
        if isinstance(raw, bytes):  # a message with binary buffers (e.g. an Image's PNG): its JSON
            n = int.from_bytes(raw[:4], "big")  # part sits between the first two offsets
            offsets = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(n)] + [len(raw)]
            raw = raw[offsets[0]:offsets[1]]
        msg = json.loads(raw)
        if msg.get("msg_type") == "comm_open" or msg["header"]["msg_type"] == "comm_open":
            c = msg["content"]
            self.comms[c["comm_id"]] = dict(c.get("data", {}).get("state", {}))
        return msg

    def execute(self, code: str, timeout: float = 300) -> dict:
        """Run ``code``; returns {"status", "stdout", "error"} once the kernel is idle again."""
        msg_id = self.send(self._msg("execute_request", {"code": code, "silent": False, "store_history": True,
                                                         "user_expressions": {}, "allow_stdin": False,
                                                         "stop_on_error": True}))
        out, status, error, idle = [], None, None, False
        deadline = time.monotonic() + timeout
        while status is None or not idle:  # shell reply and iopub idle arrive in either order
            left = deadline - time.monotonic()
            if left <= 0:
                raise HubError(f"kernel did not finish within {timeout:.0f} s: {code[:80]!r}")
            msg = self.recv(left)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            t, c = msg["header"]["msg_type"], msg["content"]
            if t == "stream":
                out.append(c["text"])
            elif t == "error":
                error = f"{c['ename']}: {c['evalue']}"
            elif t == "execute_reply":
                status = c["status"]
            elif t == "status" and c["execution_state"] == "idle":
                idle = True
        return {"status": status, "stdout": "".join(out), "error": error}

    def widget(self, model_name: str, description: str | None = None) -> str:
        """The comm id of the first widget of ``model_name`` (and ``description``) opened so far."""
        for cid, state in self.comms.items():
            if state.get("_model_name") == model_name and (description is None or state.get("description") == description):
                return cid
        raise HubError(f"no {model_name} {description or ''} among {len(self.comms)} widgets")

    def set_value(self, comm_id: str, value, wait_for: str, timeout: float = 60) -> float:
        """Set a widget's value as the browser does; wait until the kernel sends an update of
        ``wait_for`` (a comm id) carrying a new ``value``. Returns the latency in seconds."""
        msg = self._msg("comm_msg", {"comm_id": comm_id,
                                     "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}})
        t0 = time.perf_counter()
        self.send(msg)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise HubError(f"no new picture within {timeout:.0f} s")
            m = self.recv(left)
            if m["header"]["msg_type"] != "comm_msg":
                continue
            c = m["content"]
            data = c.get("data", {})
            if c.get("comm_id") == wait_for and data.get("method") == "update" and (
                    "value" in data.get("state", {}) or ["value"] in data.get("buffer_paths", [])):
                return time.perf_counter() - t0

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.server.request("DELETE", f"/api/kernels/{self.id}", ok=None)
