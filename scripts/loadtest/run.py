"""`make loadtest`: the app under gunicorn on loopback, 1000 newcomers on the portal and 200 staff
sessions at work (scripts/loadtest/locustfile.py), for a bounded time; then p50/p95/p99 and the
errors, per endpoint group and in total.

The database is the caller's (`make loadtest` makes a fresh one, migrated and loaded with the demo,
under var/), given as DATABASE_URL. Settings reach the app only through the environment of the run.
The exit status is 1 when any request failed: errors are a test; p95 is a figure, reported only.

    .venv/bin/python scripts/loadtest/run.py [--visitors 1000] [--staff 200] [--seconds 120] ...
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "loadtest"
REQUEST_LOG = OUT / "requests.json"
GOAL_P95_MS = 300


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 30) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our own loopback server
        response.read()
        return int(response.status)


def wait_until_healthy(base: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"loadtest: gunicorn exited with status {server.returncode}; see {OUT / 'gunicorn.log'}")
        try:
            if get(f"{base}/healthz", timeout=2) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"loadtest: gunicorn did not answer /healthz within {seconds:.0f} s")


def warm_up(base: str, workers: int) -> None:
    """Each worker builds its triage engine on its first search (about a second): done here,
    concurrently so every worker gets some, rather than inside the measured window. A server in
    service has long done it."""
    paths = [f"/{lang}/find/?need=health" for lang in ("en", "fr", "ar", "uk", "es", "fa")]
    with ThreadPoolExecutor(max_workers=4 * workers) as pool:
        for _round in range(3):
            list(pool.map(lambda path: get(base + path), paths * workers))


def start_gunicorn(port: int, options: argparse.Namespace) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "welcoming.settings",
        # development mode (the demo users are refused in production), without DEBUG's overheads
        "WELCOMING_ENV": "development",
        "DJANGO_DEBUG": "false",
        # a thread keeps its connection rather than opening the database on every request
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "60"),
    }
    with (OUT / "gunicorn.log").open("wb") as log:  # the server keeps its own copy of the descriptor
        return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "welcoming.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--worker-class",
                "gthread",
                "--workers",
                str(options.workers),
                "--threads",
                str(options.threads),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def session_cpu_seconds(session: int) -> float:
    """CPU time used so far by the processes of a session (gunicorn's master and workers), from /proc."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[3]) == session:  # fields after the name: state, ppid, pgrp, session, ..., utime, stime
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def run_locust(base: str, options: argparse.Namespace) -> float:
    """Run the load; the CPU seconds locust itself used (it shares the machine's cores with the server)."""
    users = options.visitors + options.staff
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {
        **os.environ,
        "LOADTEST_VISITORS": str(options.visitors),
        "LOADTEST_STAFF": str(options.staff),
        "LOADTEST_REQUEST_LOG": str(REQUEST_LOG),
    }
    REQUEST_LOG.unlink(missing_ok=True)
    with (OUT / "locust.log").open("wb") as log:
        done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "scripts" / "loadtest" / "locustfile.py"),
                "--headless",
                "--host",
                base,
                "--users",
                str(users),
                "--spawn-rate",
                str(options.spawn_rate),
                "--run-time",
                f"{options.seconds}s",
                "--csv",
                str(OUT / "locust"),
                "--only-summary",
                # failures are judged here, from the figures
                "--exit-code-on-error",
                "0",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"loadtest: locust exited with status {done.returncode}; see {OUT / 'locust.log'}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def ms(value: str) -> str:
    return "-" if value in {"", "N/A"} else f"{float(value):.0f}"


def percentile(values: list[float], share: float) -> float:
    """By nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass(frozen=True)
class Window:
    seconds: float
    requests: int
    errors: int
    p50: float
    p95: float


def full_load() -> Window | None:
    """The requests made once every user had started and every staff session had signed in: the
    site in steady use, without the ramp's rush of sign-ins (argon2 is slow on purpose)."""
    log = json.loads(REQUEST_LOG.read_text(encoding="utf-8")) if REQUEST_LOG.exists() else {}
    requests = log.get("requests", [])
    if not log.get("spawned_at") or not requests:
        return None
    signed_in = [at + took / 1000 for at, name, took, _failed in requests if name == "staff: sign in"]
    start = max([log["spawned_at"], *signed_in])
    end = max(at + took / 1000 for at, _name, took, _failed in requests)
    window = [(took, failed) for at, _name, took, failed in requests if at >= start]
    if end - start < 10 or not window:
        return None
    times = [took for took, _failed in window]
    errors = sum(1 for _took, failed in window if failed)
    return Window(end - start, len(window), errors, percentile(times, 0.5), percentile(times, 0.95))


def report(
    options: argparse.Namespace, started: float, load_before: float, server_cpu: float, locust_cpu: float
) -> int:
    """The figures per endpoint group and in total, from locust's CSV; how many requests failed."""
    with (OUT / "locust_stats.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    groups = sorted((row for row in rows if row is not total), key=lambda row: row["Name"])
    width = max(len(row["Name"]) for row in rows) + 2
    heading = f"{'requests':>9}{'failures':>9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'req/s':>8}"
    print(f"\n{'endpoint group':<{width}}{heading}")
    for row in [*groups, {**total, "Name": "total"}]:
        print(
            f"{row['Name']:<{width}}{row['Request Count']:>9}{row['Failure Count']:>9}"
            f"{ms(row['50%']):>8}{ms(row['95%']):>8}{ms(row['99%']):>8}{float(row['Requests/s']):>8.1f}"
        )
    failures = int(total["Failure Count"])
    with (OUT / "locust_failures.csv").open(encoding="utf-8") as file:
        for failure in csv.DictReader(file):
            print(f"  failed {failure['Occurrences']}x {failure['Method']} {failure['Name']}: {failure['Error']}")
    with (OUT / "locust_exceptions.csv").open(encoding="utf-8") as file:
        exceptions = list(csv.DictReader(file))
    for exception in exceptions:
        print(f"  locust error {exception['Count']}x: {exception['Message']}")
    log = (OUT / "locust.log").read_text(encoding="utf-8", errors="replace")
    if "CPU usage above" in log:
        print("  note: locust itself ran short of CPU at times; the latencies include some of its own delay")
    errors = failures + sum(int(exception["Count"]) for exception in exceptions)
    if errors:
        print(f"  the server's side of it: {OUT.relative_to(ROOT)}/gunicorn.log")
    requests = int(total["Request Count"])
    print(
        f"\n{options.visitors} portal visitors and {options.staff} staff sessions, {options.seconds} s "
        f"(ramp {options.spawn_rate:g} users/s), gunicorn {options.workers} workers x {options.threads} threads "
        f"on {os.cpu_count()} cores; details in {OUT.relative_to(ROOT)}/"
    )
    print(
        f"CPU during the run: the server {server_cpu:.0f} s ({1000 * server_cpu / max(requests, 1):.0f} ms a request), "
        f"locust {locust_cpu:.0f} s; load average before the run {load_before:.1f}; "
        f"wall time {time.monotonic() - started:.0f} s"
    )
    steady = full_load()
    at_full_load = ""
    if steady is not None:
        print(
            f"at full load (the last {steady.seconds:.0f} s, everyone signed in): {steady.requests} requests, "
            f"{steady.errors} failures, p50 {steady.p50:.0f} ms, p95 {steady.p95:.0f} ms, "
            f"{steady.requests / steady.seconds:.1f} req/s"
        )
        at_full_load = f"; at full load p50 {steady.p50:.0f} ms, p95 {steady.p95:.0f} ms"
    print(
        f"loadtest: {errors} errors, p50 {ms(total['50%'])} ms, p95 {ms(total['95%'])} ms over the whole run"
        f"{at_full_load} (goal: 0 errors, p95 <= {GOAL_P95_MS} ms)"
    )
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=1000, help="anonymous portal visitors")
    parser.add_argument("--staff", type=int, default=200, help="staff sessions, each signed in once")
    parser.add_argument("--seconds", type=int, default=120, help="length of the run, the ramp included")
    parser.add_argument("--spawn-rate", type=float, default=20, help="users started per second")
    # Two cores: one process per core (Python runs one thread at a time per process), and threads
    # so that a request waiting on SQLite's lock, a socket or argon2 (which releases the GIL) does
    # not hold up the next one. More processes would only contend with locust for the same cores.
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        parser.error("set DATABASE_URL to a database of its own, loaded with the demo (make loadtest does)")

    started, load_before = time.monotonic(), os.getloadavg()[0]
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, options)
    try:
        wait_until_healthy(base, server)
        warm_up(base, options.workers)
        print(
            f"loadtest: {options.visitors} portal visitors and {options.staff} staff sessions against {base} "
            f"for {options.seconds} s...",
            flush=True,
        )
        server_cpu = session_cpu_seconds(server.pid)
        locust_cpu = run_locust(base, options)
        server_cpu = session_cpu_seconds(server.pid) - server_cpu
    finally:
        stop(server)
    return 1 if report(options, started, load_before, server_cpu, locust_cpu) else 0


if __name__ == "__main__":
    sys.exit(main())
