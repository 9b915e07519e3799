"""A class on the hub under load: N simulated students on this machine, loopback only (as root).

For each N (default 10 20 30) a throwaway class hub is set up (hub/throwaway.py: N + 1 real Unix
users, JupyterHub, configurable-http-proxy, formgrader), and N students, each in a thread:

1. log in through the hub's login form (the shared-password test authenticator),
2. get their server started (hub REST API) and start a kernel on it,
3. run lecture 04 (``lectures/04_optimization.ipynb``) cell by cell, as Run All does,
4. move the learning-rate slider of the optimization panel ``--moves`` times, one step of the
   slider (×10^0.01) at a time with ``--think`` seconds between moves.

The slider is moved through the widget comm protocol, as the browser does (a ``comm_msg`` with
``method: update, state: {value}`` to the slider's model over the server's kernel websocket); the
latency is the time until the kernel sends the panel's Image model an ``update`` with its new
``value`` (the PNG). That is the kernel and network part of what ``benchmarks/bench_slider.py``
measures in Chromium (which adds the browser's decode and paint, ~5–20 ms there).

Meanwhile a probe thread calls the hub API (``GET /hub/api/users/<name>``) once a second. After
the moves, the proportional set size (PSS, /proc/<pid>/smaps_rollup: shared pages split between
the processes that share them) of every student's server process and kernel is read, and the
CPU time each kernel spent per move (/proc/<pid>/stat, over the moves).

Prints per N: slider latency p50/p95, hub API p95, login p95, server start p50/max, memory per
student server and per kernel (MB, mean), failures; and ``RESULT`` lines. Bounded: each N stops
after ``--max-seconds`` (students not done count as failures). Never part of the tests.

    sudo .venv/bin/python benchmarks/bench_hub_load.py [--n 10 20 30] [--moves 20] [--think 0.5]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path

import nbformat
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hub.client import Hub, Server  # noqa: E402
from hub.throwaway import running_hub  # noqa: E402

LECTURE = REPO / "lectures" / "04_optimization.ipynb"


def pct(xs, q):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q / 100 * (len(xs) - 1))))]


def pss_mb(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return float("nan")
    m = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) / 1024 if m else float("nan")


def processes_of(uid: int):
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if p.stat().st_uid != uid:
                    continue
                cmd = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            yield int(p.name), cmd


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far (/proc/<pid>/stat)."""
    import os
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kernel_pids(user: str) -> list[int]:
    import pwd
    return [pid for pid, cmd in processes_of(pwd.getpwnam(user).pw_uid) if "ipykernel_launcher" in cmd]


def mem_available_mb() -> float:
    m = re.search(r"^MemAvailable:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    return int(m.group(1)) / 1024


class Student(threading.Thread):
    def __init__(self, h, name, cells, moves, think, deadline):
        super().__init__(daemon=True)
        self.h, self.name, self.cells, self.moves, self.think, self.deadline = h, name, cells, moves, think, deadline
        self.latencies: list[float] = []
        self.login_s = self.start_s = self.cpu_per_move = float("nan")
        self.error: str | None = None
        self.done = False
        self.hub = Hub(h.url, h.token)

    def login(self):
        s = requests.Session()
        t0 = time.perf_counter()
        page = s.get(f"{self.h.url}/hub/login", timeout=120).text
        xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page)
        r = s.post(f"{self.h.url}/hub/login", data={"username": self.name, "password": self.h.password,
                                                    "_xsrf": xsrf.group(1) if xsrf else ""},
                   allow_redirects=False, timeout=120)
        if r.status_code != 302 or "jupyterhub-session-id" not in s.cookies and not any(
                c.name.startswith("jupyterhub-hub-login") for c in s.cookies):
            raise RuntimeError(f"login failed: HTTP {r.status_code}")
        self.login_s = time.perf_counter() - t0

    def run(self):
        kernel = None
        try:
            self.login()
            t0 = time.perf_counter()
            self.hub.start_server(self.name, timeout=max(30, self.deadline - time.monotonic()))
            self.start_s = time.perf_counter() - t0
            server = Server(self.h.url, f"/user/{self.name}", self.hub.token_for(self.name))
            kernel = server.kernel()
            for code in self.cells:
                res = kernel.execute(code, timeout=max(30, self.deadline - time.monotonic()))
                if res["status"] != "ok":
                    raise RuntimeError(f"lecture cell failed: {res['error']}")
            slider = kernel.widget("FloatLogSliderModel", "learning rate")
            image = kernel.widget("ImageModel")
            value = kernel.comms[slider].get("value", 0.02)
            pids = kernel_pids(self.name)
            cpu0 = sum(cpu_seconds(p) for p in pids)
            for _ in range(self.moves):
                if time.monotonic() > self.deadline:
                    raise TimeoutError("time bound reached before all moves")
                value = round(value * 10 ** 0.01, 6)
                self.latencies.append(kernel.set_value(slider, value, image, timeout=120))
                time.sleep(self.think)
            self.cpu_per_move = (sum(cpu_seconds(p) for p in pids) - cpu0) / self.moves
            self.done = True
        except Exception as exc:  # a failure of this student, counted and reported
            self.error = f"{type(exc).__name__}: {exc}"[:300]
        finally:
            self.kernel = kernel


def lecture_cells() -> list[str]:
    nb = nbformat.read(str(LECTURE), as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


def run_n(n: int, moves: int, think: float, max_seconds: float) -> dict:
    cells = lecture_cells()
    avail_before = mem_available_mb()
    with running_hub(n_students=n, n_instructors=1) as h:
        deadline = time.monotonic() + max_seconds
        probe_times: list[float] = []
        stop = threading.Event()

        def probe():
            hub = Hub(h.url, h.token)
            while not stop.is_set():
                try:
                    hub.api("GET", f"/users/{random.choice(h.students)}")
                except Exception:
                    probe_times.append(float("inf"))
                stop.wait(1.0)
            probe_times.extend(hub.timings)

        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        studs = [Student(h, s, cells, moves, think, deadline) for s in h.students]
        for s in studs:
            s.start()
            time.sleep(0.2)  # students arrive over a few seconds, not in the same millisecond
        for s in studs:
            s.join(timeout=max(1, deadline - time.monotonic()) + 60)
        # memory while every kernel is still alive
        servers, kernels = [], []
        import pwd
        for s in h.students:
            uid = pwd.getpwnam(s).pw_uid
            for pid, cmd in processes_of(uid):
                if "jupyterhub.singleuser" in cmd:
                    servers.append(pss_mb(pid))
                elif "ipykernel_launcher" in cmd:
                    kernels.append(pss_mb(pid))
        avail_loaded = mem_available_mb()
        stop.set()
        prober.join(timeout=30)
        for s in studs:
            if getattr(s, "kernel", None) is not None:
                try:
                    s.kernel.close()
                except Exception:
                    pass
        api = [t for t in probe_times if t != float("inf")] + [t for s in studs for t in s.hub.timings]
        lat = [t for s in studs for t in s.latencies]
        failures = [f"{s.name}: {s.error or 'not finished'}" for s in studs if not s.done]
    return {
        "n": n, "slider_p50_ms": 1000 * pct(lat, 50), "slider_p95_ms": 1000 * pct(lat, 95),
        "moves": len(lat), "api_p95_ms": 1000 * pct(api, 95), "api_calls": len(api),
        "api_failed": sum(1 for t in probe_times if t == float("inf")),
        "login_p95_ms": 1000 * pct([s.login_s for s in studs if s.login_s == s.login_s], 95),
        "start_p50_s": pct([s.start_s for s in studs if s.start_s == s.start_s], 50),
        "start_max_s": max([s.start_s for s in studs if s.start_s == s.start_s], default=float("nan")),
        "server_mb": statistics.fmean(servers) if servers else float("nan"),
        "kernel_mb": statistics.fmean(kernels) if kernels else float("nan"),
        "n_servers": len(servers), "n_kernels": len(kernels),
        "used_mb": avail_before - avail_loaded, "failures": failures,
        "kernel_cpu_ms_per_move": 1000 * statistics.fmean(
            [s.cpu_per_move for s in studs if s.cpu_per_move == s.cpu_per_move] or [float("nan")]),
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, nargs="+", default=[10, 20, 30])
    p.add_argument("--moves", type=int, default=20)
    p.add_argument("--think", type=float, default=0.5)
    p.add_argument("--max-seconds", type=float, default=1500)
    args = p.parse_args(argv)
    rows = []
    for n in args.n:
        t0 = time.perf_counter()
        r = run_n(n, args.moves, args.think, args.max_seconds)
        r["wall_s"] = time.perf_counter() - t0
        rows.append(r)
        print(f"N={n}: {r}", flush=True)
    print("\n| N | slider p50 / p95 (ms) | moves | hub API p95 (ms) | login p95 (ms) | server start p50 / max (s) "
          "| PSS per server / kernel (MB) | memory used (MB) | kernel CPU per move (ms) | failures |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['n']} | {r['slider_p50_ms']:.0f} / {r['slider_p95_ms']:.0f} | {r['moves']} | "
              f"{r['api_p95_ms']:.0f} | {r['login_p95_ms']:.0f} | {r['start_p50_s']:.0f} / {r['start_max_s']:.0f} | "
              f"{r['server_mb']:.0f} / {r['kernel_mb']:.0f} | {r['used_mb']:.0f} | {r['kernel_cpu_ms_per_move']:.0f} | "
              f"{len(r['failures'])} |")
    for r in rows:
        for f in r["failures"]:
            print(f"  N={r['n']} failure: {f}")
        print(f"RESULT hub_load N={r['n']} slider_p50_ms={r['slider_p50_ms']:.0f} slider_p95_ms={r['slider_p95_ms']:.0f} "
              f"api_p95_ms={r['api_p95_ms']:.0f} server_mb={r['server_mb']:.0f} kernel_mb={r['kernel_mb']:.0f} "
              f"failures={len(r['failures'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
